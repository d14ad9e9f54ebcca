"""Each user's calendar feed in the database: the SHA-256 of its secret, whose it is, and when it was made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, select
from sqlalchemy.orm import Session

from habeas.store.tables import CalendarFeedRow, UserRow


@dataclass(frozen=True)
class StoredFeed:
    """A feed as stored: its digest (never its secret), its user, whether the user is active, and when it was made."""

    digest: str
    user: str
    active: bool
    created: datetime


def _utc(moment: datetime) -> datetime:
    """SQLite gives back the UTC time it was given without its zone; PostgreSQL in the server's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqlFeedStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def replace(self, user: str, digest: str, created: datetime) -> None:
        """Keep ``digest`` as the user's one feed; the old one, if any, is gone in the same transaction."""
        with Session(self.engine) as session, session.begin():
            session.execute(delete(CalendarFeedRow).where(CalendarFeedRow.user_name == user))
            session.flush()  # the unique user_name: the old row must be gone before the new one goes in
            session.add(CalendarFeedRow(digest=digest, user_name=user, created_at=created))

    def _one(self, *where: Any) -> StoredFeed | None:
        query = (
            select(CalendarFeedRow.digest, CalendarFeedRow.user_name, UserRow.active, CalendarFeedRow.created_at)
            .join(UserRow, UserRow.name == CalendarFeedRow.user_name)
            .where(*where)
        )
        with Session(self.engine) as session:
            row = session.execute(query).first()
        return StoredFeed(row[0], row[1], bool(row[2]), _utc(row[3])) if row is not None else None

    def by_digest(self, digest: str) -> StoredFeed | None:
        return self._one(CalendarFeedRow.digest == digest)

    def of_user(self, user: str) -> StoredFeed | None:
        return self._one(CalendarFeedRow.user_name == user)

    def revoke(self, user: str) -> bool:
        """Delete the user's feed; whether there was one."""
        with Session(self.engine) as session, session.begin():
            result = cast(
                CursorResult[Any],  # a DELETE gives a cursor result, which has the count of rows it removed
                session.execute(delete(CalendarFeedRow).where(CalendarFeedRow.user_name == user)),
            )
        return bool(result.rowcount)

"""Who works on whom: a person assigned to one user, whose morning report leads with them.

Not append-only: an assignment is a working arrangement, not a fact about the person; the audit
log keeps its history (who assigned whom to whom, and when).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from habeas.store.tables import Base


class AssignmentRow(Base):
    __tablename__ = "assignments"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)  # one assignee a person
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Assignment:
    person: str
    user: str
    by: str
    at: datetime


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqlAssignments:
    def __init__(self, engine: Engine):
        self.engine = engine

    def assign(self, person: str, user: str, by: str, at: datetime) -> Assignment | None:
        """Assign ``person`` to ``user`` (replacing any assignee); the assignment it replaced, if any."""
        with Session(self.engine) as session, session.begin():
            row = session.get(AssignmentRow, person)
            before = Assignment(row.person_id, row.user_name, row.assigned_by, _utc(row.assigned_at)) if row else None
            if row is None:
                session.add(AssignmentRow(person_id=person, user_name=user, assigned_by=by, assigned_at=at))
            else:
                row.user_name, row.assigned_by, row.assigned_at = user, by, at
        return before

    def unassign(self, person: str) -> Assignment | None:
        """End the person's assignment; the one ended, if there was one."""
        with Session(self.engine) as session, session.begin():
            row = session.get(AssignmentRow, person)
            if row is None:
                return None
            ended = Assignment(row.person_id, row.user_name, row.assigned_by, _utc(row.assigned_at))
            session.execute(delete(AssignmentRow).where(AssignmentRow.person_id == person))
        return ended

    def of_person(self, person: str) -> Assignment | None:
        with Session(self.engine) as session:
            row = session.get(AssignmentRow, person)
            return Assignment(row.person_id, row.user_name, row.assigned_by, _utc(row.assigned_at)) if row else None

    def of_user(self, user: str) -> list[Assignment]:
        query = select(AssignmentRow).where(AssignmentRow.user_name == user).order_by(AssignmentRow.person_id)
        with Session(self.engine) as session:
            return [
                Assignment(r.person_id, r.user_name, r.assigned_by, _utc(r.assigned_at)) for r in session.scalars(query)
            ]

"""One repository on one database session, and SQLite's write lock taken the way concurrent writers need."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from habeas.services import Context, ServiceError
from habeas.store.db import DatabaseError, ensure_current
from habeas.store.repository import Repository


class InvalidInput(ServiceError):
    """Input files with problems; each problem names the file, line or pointer, and what is wrong."""

    def __init__(self, problems: Sequence[object]):
        self.problems = [str(p) for p in problems]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found; nothing was imported"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


# How long a writer waits for another to finish on SQLite (one writer at a time) before giving up.
SQLITE_WRITE_WAIT_MS = 300_000


@contextmanager
def repository(ctx: Context, write: bool = False) -> Iterator[Repository]:
    """A repository on one session; with ``write`` the session commits at the end or rolls back whole."""
    try:
        ensure_current(ctx.engine)
        with Session(ctx.engine) as session:
            yield Repository(session, ctx.keyring)
            if write:
                session.commit()
    except DatabaseError as exc:
        raise ServiceError(str(exc)) from exc
    except OperationalError as exc:
        if "locked" in str(exc.orig):
            raise ServiceError(
                f"the database stayed locked by another writer for {SQLITE_WRITE_WAIT_MS // 60_000} minutes; "
                "nothing was stored: try again when it has finished"
            ) from exc
        raise ServiceError(f"the database could not be used: {exc.orig}") from exc


def take_write_lock(session: Session) -> None:
    """On SQLite, take the write lock before the first write and wait for it, so that imports queue.

    Taken after the files are validated (reads only, which SQLite's driver runs outside a
    transaction), so the lock is held for the writing alone; a writer that begins IMMEDIATE
    waits up to its busy timeout instead of failing when another holds the lock for long.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WRITE_WAIT_MS}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")

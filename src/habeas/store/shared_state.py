"""What every server process shares through the database: import jobs, sign-in counts, spent codes, the change log.

`habeas serve --workers N`, or several machines behind a proxy over one PostgreSQL database,
run as many processes; anything one of them kept in its memory would be unknown to the rest.
So the counts that throttle sign-ins, the last TOTP step each user spent and each dataset
import's progress and outcome live here, and every count is changed by one statement
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``), which the database applies atomically on
SQLite and PostgreSQL alike: two processes counting at once never lose a count.

The change log (``directory_changes``) is written by the database itself: triggers (migration
0006) add a row whenever a person, a cohort membership or an event is stored, changed or
removed, by any program. A server process remembers the newest row it has read and, before
answering from its memory, asks for anything newer, so a write in one process is seen by the
next read in every other one.

Names tried at sign-in and client addresses are kept as keyed digests only; a job's file name
and outcome (whose rejected rows may quote the file) are sealed with the database's keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Engine,
    Float,
    Integer,
    String,
    Text,
    case,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from habeas.security.access import Scope
from habeas.security.crypto import FieldContext, Keyring
from habeas.store.tables import Base, CohortRow, MembershipRow, PersonRow


class ImportJobRow(Base):
    """One dataset import started in the web app, found by the SHA-256 of its unguessable id."""

    __tablename__ = "import_jobs"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    format: Mapped[str] = mapped_column(String(40))
    sheet: Mapped[str | None] = mapped_column(String(200))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    filename_enc: Mapped[str] = mapped_column(Text)  # the user's own name for the file, sealed
    state: Mapped[str] = mapped_column(String(20))
    rows_done: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_total: Mapped[int | None] = mapped_column(BigInteger)
    outcome_enc: Mapped[str | None] = mapped_column(Text)  # report, error and rejected rows, sealed, once ended
    unexpected: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the job runs: a process that died is recognised by its machine and process id, or by a
    # heartbeat that stopped (from another machine, a process id says nothing).
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch, as every time in these tables
    heartbeat_at: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float, index=True)


class SignInFailureRow(Base):
    """Failed sign-ins under one name (its keyed digest) since ``since``, and the lockout they led to."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    since: Mapped[float] = mapped_column(Float)
    locked_until: Mapped[float] = mapped_column(Float)


class SignInAttemptRow(Base):
    """Sign-in attempts from one client address (its keyed digest) in the window that began at ``since``."""

    __tablename__ = "sign_in_attempts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    since: Mapped[float] = mapped_column(Float, index=True)


class SpentCodeRow(Base):
    """The last TOTP time step each user signed in with: a code is good once, in whichever process."""

    __tablename__ = "spent_codes"

    user_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    step: Mapped[int] = mapped_column(BigInteger)


class DirectoryChangeRow(Base):
    """A person, a membership or an event stored, changed or removed (written by triggers, never by habeas)."""

    __tablename__ = "directory_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # "person", "membership" or "event"
    person_id: Mapped[str | None] = mapped_column(String(128))
    cohort_id: Mapped[str | None] = mapped_column(String(128))


def _insert(engine: Engine, table: type[Base]) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` (SQLite ≥ 3.24 and PostgreSQL both do)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


# -- sign-in counts ------------------------------------------------------------------


def count_attempt(engine: Engine, key: str, now: float, window: float) -> int:
    """Count one attempt from an address; the attempts in its current window, this one included.

    A window begins at the first attempt after the last one ended. Rows of windows long over
    are removed in the same transaction, so the table holds only recent addresses.
    """
    ended = now - window
    table = SignInAttemptRow.__table__
    statement = (
        _insert(engine, SignInAttemptRow)
        .values(key=key, attempts=1, since=now)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "attempts": _restart_or(table.c.since <= ended, 1, table.c.attempts + 1),
                "since": _restart_or(table.c.since <= ended, now, table.c.since),
            },
        )
        .returning(table.c.attempts)
    )
    with engine.begin() as connection:
        connection.execute(delete(SignInAttemptRow).where(SignInAttemptRow.since <= ended, SignInAttemptRow.key != key))
        return int(connection.execute(statement).scalar_one())


def count_failure(engine: Engine, key: str, now: float, window: float, limit: int) -> bool:
    """Count a failed sign-in under a name; True when this failure is the one that locks the name.

    Failures count within ``window`` seconds of the first; the ``limit``-th locks the name for
    ``window`` seconds. The lock is taken by a conditional UPDATE, so of several processes
    counting the limit-th failure at once exactly one is told it locked the name.
    """
    table = SignInFailureRow.__table__
    restart = table.c.since <= now - window
    counted = (
        _insert(engine, SignInFailureRow)
        .values(key=key, failures=1, since=now, locked_until=0.0)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "failures": _restart_or(restart, 1, table.c.failures + 1),
                "since": _restart_or(restart, now, table.c.since),
            },
        )
        .returning(table.c.failures)
    )
    lock = (
        update(SignInFailureRow)
        .where(SignInFailureRow.key == key, SignInFailureRow.failures >= limit)
        .values(failures=0, since=now, locked_until=now + window)
        .returning(SignInFailureRow.key)
    )
    over = (SignInFailureRow.since <= now - window, SignInFailureRow.locked_until <= now, SignInFailureRow.key != key)
    with engine.begin() as connection:
        connection.execute(delete(SignInFailureRow).where(*over))  # names whose failures and lockout are over
        if int(connection.execute(counted).scalar_one()) < limit:
            return False
        return connection.execute(lock).first() is not None


def locked_until(engine: Engine, key: str) -> float:
    """When the lockout on a name ends (seconds since the epoch; 0 when it has none)."""
    with engine.connect() as connection:
        found = connection.execute(select(SignInFailureRow.locked_until).where(SignInFailureRow.key == key)).first()
    return float(found[0]) if found is not None else 0.0


def forget_failures(engine: Engine, key: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(SignInFailureRow).where(SignInFailureRow.key == key))


def _restart_or(restart: Any, fresh: Any, kept: Any) -> Any:
    return case((restart, fresh), else_=kept)


# -- second-factor codes -------------------------------------------------------------


def spend_step(engine: Engine, user: str, step: int) -> bool:
    """Record that ``user`` signed in with the code of time step ``step``; False when it (or a later one) was spent.

    One statement: the row is written only when its step is older, and RETURNING says whether it was.
    """
    table = SpentCodeRow.__table__
    statement = (
        _insert(engine, SpentCodeRow)
        .values(user_name=user, step=step)
        .on_conflict_do_update(index_elements=["user_name"], set_={"step": step}, where=table.c.step < step)
        .returning(table.c.step)
    )
    with engine.begin() as connection:
        return connection.execute(statement).first() is not None


# -- import jobs ---------------------------------------------------------------------


def add_job(engine: Engine, row: ImportJobRow) -> None:
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        session.add(row)


def update_job(engine: Engine, digest: str, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(ImportJobRow).where(ImportJobRow.digest == digest).values(**values))


def load_job(engine: Engine, digest: str) -> ImportJobRow | None:
    from sqlalchemy.orm import Session

    with Session(engine, expire_on_commit=False) as session:
        row = session.get(ImportJobRow, digest)
        if row is not None:
            session.expunge(row)
        return row


def forget_jobs(engine: Engine, finished_before: float, keep: int) -> None:
    """Remove jobs that ended before ``finished_before``, and all but the ``keep`` newest that ended."""
    with engine.begin() as connection:
        connection.execute(delete(ImportJobRow).where(ImportJobRow.finished_at < finished_before))
        newest = (
            select(ImportJobRow.digest)
            .where(ImportJobRow.finished_at.is_not(None))
            .order_by(ImportJobRow.finished_at.desc())
            .limit(keep)
        )
        connection.execute(
            delete(ImportJobRow).where(ImportJobRow.finished_at.is_not(None), ImportJobRow.digest.not_in(newest))
        )


# -- the change log ------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    seq: int
    kind: str
    person_id: str | None
    cohort_id: str | None


def latest_change(engine: Engine) -> int:
    """The newest change's number (0 before any): what a process compares with what it last read."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.max(DirectoryChangeRow.seq))).scalar() or 0)


def change_bounds(engine: Engine) -> tuple[int, int]:
    """The oldest and the newest change's numbers still kept (0, 0 before any), in one round trip.

    The log is pruned from its oldest end: a process that last read change N and finds the oldest
    kept past N + 1 may have missed some, and starts afresh. Each bound is its own subquery: SQLite
    reads the minimum or the maximum of the key from the index's end only when a query asks for one
    of them; asked for both at once it scans the whole log (tens of milliseconds on every list and
    search once a large import has filled it).
    """
    seq = DirectoryChangeRow.seq
    query = select(select(func.min(seq)).scalar_subquery(), select(func.max(seq)).scalar_subquery())
    with engine.connect() as connection:
        low, high = connection.execute(query).one()
    return int(low or 0), int(high or 0)


def prune_changes(engine: Engine, keep: int) -> None:
    """Forget all but the ``keep`` newest changes (the newest is always kept: it says how far the log has come)."""
    newest = select(func.max(DirectoryChangeRow.seq)).scalar_subquery()
    with engine.begin() as connection:
        connection.execute(delete(DirectoryChangeRow).where(DirectoryChangeRow.seq < newest - max(keep, 1) + 1))


def changes_after(engine: Engine, seq: int, limit: int) -> Sequence[Change]:
    """Changes newer than ``seq``, oldest first, at most ``limit`` of them (the caller reads more, or starts afresh)."""
    query = (
        select(
            DirectoryChangeRow.seq, DirectoryChangeRow.kind, DirectoryChangeRow.person_id, DirectoryChangeRow.cohort_id
        )
        .where(DirectoryChangeRow.seq > seq)
        .order_by(DirectoryChangeRow.seq)
        .limit(limit)
    )
    with engine.connect() as connection:
        return [Change(*row) for row in connection.execute(query)]


# -- the cards each process keeps in memory ---------------------------------------------


@dataclass(frozen=True)
class CardFields:
    """What a list or a search shows of a person before anything is derived (name and aliases opened)."""

    id: str
    name: str | None
    aliases: tuple[str, ...]
    cohorts: tuple[str, ...]
    citizenship: str | None


def person_cards(engine: Engine, keyring: Keyring, person_ids: Iterable[str] | None = None) -> list[CardFields]:
    """Everyone's card (or these people's), in two queries: only the name and aliases are opened.

    Reading whole people one by one (their memberships a query each, every envelope opened)
    took a minute for 100,000 people; a process reads this at its first list or search.
    """
    people = select(PersonRow.id, PersonRow.name_enc, PersonRow.aliases_enc, PersonRow.citizenship)
    members = select(MembershipRow.person_id, MembershipRow.cohort_id).order_by(MembershipRow.cohort_id)
    if person_ids is not None:
        wanted = list(person_ids)
        people, members = people.where(PersonRow.id.in_(wanted)), members.where(MembershipRow.person_id.in_(wanted))
    cohorts: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for person_id, cohort_id in connection.execute(members):
            cohorts.setdefault(person_id, []).append(cohort_id)
        rows = connection.execute(people.order_by(PersonRow.id)).all()
    return [
        CardFields(
            pid,
            _opened(keyring, "name", pid, name, None),
            tuple(_opened(keyring, "aliases", pid, aliases, [])),
            tuple(cohorts.get(pid, ())),
            citizenship,
        )
        for pid, name, aliases, citizenship in rows
    ]


def _opened(keyring: Keyring, column: str, person_id: str, envelope: str | None, empty: Any) -> Any:
    """A person's sealed field, as the repository opens it (JSON inside the envelope)."""
    if envelope is None:
        return empty
    return json.loads(keyring.decrypt(envelope, FieldContext("people", column, person_id)))


def cohort_names_in_reach(engine: Engine, scope: Scope) -> dict[str, str]:
    """The names (the id when it has none) of the cohorts with a member ``scope`` reaches, from the memberships.

    A person is reached by id or through a cohort of the scope; every cohort such a person is in
    has a member in reach. Two indexed queries, whatever the number of people.
    """
    members = select(MembershipRow.cohort_id).distinct()
    if not scope.all_records:
        through = select(MembershipRow.person_id).where(MembershipRow.cohort_id.in_(scope.cohorts))
        members = members.where(or_(MembershipRow.person_id.in_(scope.people), MembershipRow.person_id.in_(through)))
    query = select(CohortRow.id, CohortRow.name).where(CohortRow.id.in_(members)).order_by(CohortRow.id)
    with engine.connect() as connection:
        return {cohort_id: name or cohort_id for cohort_id, name in connection.execute(query)}

"""Engines and migrations: SQLite with WAL, foreign keys and synchronous FULL; PostgreSQL by URL."""

from __future__ import annotations

import time
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a migration or a revision is read: a command that stops before
# opening the database (--help, a wrong option) does not load it.
MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """The database cannot be opened or is not at the schema this habeas expects."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Crash safety: the write-ahead log, full fsync at commit, and enforced foreign keys.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"{url!r} is not a database URL (e.g. sqlite:///habeas.db)") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration shipped with this habeas (read once: it cannot change while running)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database: {exc.orig}") from exc


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to the newest migration; returns (before, after)."""
    from alembic import command

    before = current_revision(engine)
    _VERIFIED.pop(engine, None)
    command.upgrade(_alembic_config(engine), "head")
    return before, head_revision()


# Engines found at the current schema, and when: a long-running server asks on every request, and
# reading the revision each time costs more than the request's own queries. Asked again after a while,
# so a server notices a database replaced or upgraded under it.
_VERIFIED: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
VERIFIED_FOR_SECONDS = 10.0


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database that `habeas init` has not created or upgraded."""
    checked = _VERIFIED.get(engine)
    if checked is not None and time.monotonic() - checked < VERIFIED_FOR_SECONDS:
        return
    _check_current(engine)
    _VERIFIED[engine] = time.monotonic()


def _check_current(engine: Engine) -> None:
    database = engine.url.database
    sqlite_file = engine.url.get_backend_name() == "sqlite" and database and database != ":memory:"
    if sqlite_file and not Path(str(database)).exists():
        # Connecting would create an empty file, left behind by a command that then fails.
        raise DatabaseError(
            f"the database {database} is not initialised (there is no such file); run `habeas init` first"
        )
    revision = current_revision(engine)
    if revision is None:
        url = engine.url.render_as_string(hide_password=True)
        has_tables = bool(inspect(engine).get_table_names())
        hint = "it has tables habeas did not create" if has_tables else "it is empty"
        raise DatabaseError(f"the database {url} is not initialised ({hint}); run `habeas init` first")
    if revision != head_revision():
        raise DatabaseError(f"the database is at schema {revision}; run `habeas init` to upgrade it")

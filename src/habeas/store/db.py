"""Engines and migrations: SQLite with WAL, foreign keys and synchronous FULL; PostgreSQL by URL."""

from __future__ import annotations

import hashlib
import json
import re
import time
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a migration or a revision is read: a command that stops before
# opening the database (--help, a wrong option) does not load it.
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest schema's statements, per database, rendered from the table classes (write_schema_snapshot).
SCHEMA_SNAPSHOT = MIGRATIONS / "schema.json"


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


# Alembic records the revision in this table; habeas reads and writes it the way Alembic does
# (same table, column and constraint name), so either can take over from the other.
VERSION_TABLE = "alembic_version"
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(None|\"([^\"]+)\"|'([^']+)')\s*$", re.MULTILINE)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration shipped with this habeas (read once: it cannot change while running).

    Read from the `revision` and `down_revision` lines of the migration files rather than through
    Alembic's ScriptDirectory: every command that opens the database asks, and importing Alembic
    costs it 0.1–0.3 s. tests/integration/test_schema_from_metadata.py checks the answer is Alembic's.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {match[0]: match[2] or match[3] or None for match in _REVISION_LINE.findall(path.read_text("utf-8"))}
        if found.get("revision"):
            revisions.add(str(found["revision"]))
        if found.get("down_revision"):
            parents.add(str(found["down_revision"]))
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseError(f"the migrations in {MIGRATIONS / 'versions'} have {len(heads)} heads, not one")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is stamped at, or None when it has never been initialised."""
    try:
        with engine.connect() as connection:
            return _stamped_revision(connection)
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database: {exc.orig}") from exc


def _stamped_revision(connection: Connection) -> str | None:
    # What Alembic's MigrationContext.get_current_revision reads, without importing Alembic.
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    revisions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(revisions) > 1:
        raise DatabaseError(f"the database is stamped at several schemas ({', '.join(revisions)})")
    return revisions[0] if revisions else None


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to the newest migration; returns (before, after).

    A database with no tables at all is created from the final schema in one step and stamped at
    the newest migration, instead of running every migration in turn (most of `habeas init`'s time);
    tests/integration/test_schema_from_metadata.py proves the two give the same schema. A database
    that has tables is upgraded by Alembic, migration by migration; one already current is left alone.
    """
    before = current_revision(engine)
    head = head_revision()
    _VERIFIED.pop(engine, None)
    if before == head:
        return before, head
    if before is None and not _has_tables(engine) and create_schema(engine):
        return before, head
    from alembic import command

    command.upgrade(_alembic_config(engine), "head")
    return before, head


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def create_schema(engine: Engine) -> bool:
    """The newest schema on an empty database in one transaction, stamped at the newest migration.

    The statements are read from the schema snapshot (migrations/schema.json), not rendered from the
    table classes: importing every module that declares a table and compiling their DDL cost `habeas
    init` more than running them. Returns False, having done nothing, when the snapshot was not written
    from the migrations as they are now (one added or edited since `write_schema_snapshot()`) or has
    nothing for this database: the caller then runs the migrations.
    """
    snapshot = json.loads(SCHEMA_SNAPSHOT.read_text("utf-8")) if SCHEMA_SNAPSHOT.exists() else {}
    statements = snapshot.get(engine.dialect.name)
    current = snapshot.get("revision") == head_revision() and snapshot.get("migrations") == migrations_digest()
    if not current or not statements:
        return False
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            # The driver leaves DDL outside any transaction, so each statement would be a commit of its
            # own (and a flush to disk): one transaction is faster, and a failure leaves the file empty.
            connection.exec_driver_sql("BEGIN")
        for statement in statements:
            connection.exec_driver_sql(statement)
        connection.execute(text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:head)"), {"head": head_revision()})
    return True


def migrations_digest() -> str:
    """SHA-256 of the migration files, names and contents: the snapshot is of these migrations and no others."""
    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def render_schema(dialect_name: str) -> list[str]:
    """The newest schema's statements for ``dialect_name``: the tables and indexes as create_all makes
    them from the table classes, the migrations' triggers, and Alembic's version table."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table
    from sqlalchemy.dialects.postgresql.base import PGDialect
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect
    from sqlalchemy.engine.interfaces import Dialect
    from sqlalchemy.schema import CreateIndex, CreateTable

    # Every module that declares tables on Base.metadata, so that all of them are rendered.
    from habeas.store import assignments, links, publications, shared_state  # noqa: F401
    from habeas.store.tables import Base

    make = {"sqlite": SQLiteDialect, "postgresql": PGDialect}[dialect_name]
    dialect: Dialect = make()  # type: ignore[no-untyped-call]  # SQLAlchemy's dialect constructors lack annotations
    # The table Alembic itself creates (alembic.runtime.migration), so that its DDL is the same to the byte.
    version = Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )
    statements: list[str] = []
    for table in [*Base.metadata.sorted_tables, version]:  # in create_all's order: a table after those it names
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        statements.extend(
            str(CreateIndex(index).compile(dialect=dialect)).strip()
            for index in sorted(table.indexes, key=lambda index: str(index.name))
        )
    return statements + guard_triggers(dialect_name)


def write_schema_snapshot() -> Path:
    """Write migrations/schema.json from the table classes; run after adding a migration:

    .venv/bin/python -c "from habeas.store.db import write_schema_snapshot as w; print(w())"
    """
    rendered = {name: render_schema(name) for name in ("sqlite", "postgresql")}
    snapshot = {"revision": head_revision(), "migrations": migrations_digest(), **rendered}
    SCHEMA_SNAPSHOT.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return SCHEMA_SNAPSHOT


# The triggers the migrations add and table metadata cannot say: the database itself refuses to change
# or delete what is append-only, and writes a change log for the shared directory (0001, 0003, 0006,
# 0007). The statements are the migrations' own, word for word; the schema comparison test fails when
# a migration adds or changes a trigger and this list does not follow.
APPEND_ONLY = {
    "events": ("UPDATE", "DELETE"),
    "audit_entries": ("UPDATE", "DELETE"),
    "audit_checkpoints": ("UPDATE", "DELETE"),
    "publications": ("UPDATE", "DELETE"),
    "publication_cells": ("UPDATE", "DELETE"),
    "link_decisions": ("UPDATE", "DELETE"),
    "link_decision_notes": ("DELETE",),
}
# The tables whose changes the directory's change log follows: table → (kind, person column, cohort column).
CHANGE_LOGGED = {
    "people": ("person", "id", None),
    "memberships": ("membership", "person_id", "cohort_id"),
    "events": ("event", "person_id", "cohort_id"),
}
POSTGRES_CHANGES_LOCK = 0x6861626561736463  # "habeasdc": orders the change log's writers (see 0006)


def guard_triggers(dialect: str) -> list[str]:
    """The trigger statements of the newest schema on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return _sqlite_guards()
    if dialect == "postgresql":
        return _postgres_guards()
    return []


def _sqlite_guards() -> list[str]:
    statements = [
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'habeas {table} are append-only'); END"
        for table, actions in APPEND_ONLY.items()
        for action in actions
    ]
    for table, (kind, person, cohort) in CHANGE_LOGGED.items():
        for action, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            cohort_value = f"{row}.{cohort}" if cohort else "NULL"
            statements.append(
                f"CREATE TRIGGER {table}_{action.lower()}_changes AFTER {action} ON {table} "
                f"BEGIN INSERT INTO directory_changes (kind, person_id, cohort_id) "
                f"VALUES ('{kind}', {row}.{person}, {cohort_value}); END"
            )
    return statements


def _postgres_guards() -> list[str]:
    statements: list[str] = []
    for table, actions in APPEND_ONLY.items():
        statements.append(
            f"CREATE FUNCTION habeas_{table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION 'habeas {table} are append-only'; END $$ LANGUAGE plpgsql"
        )
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE {' OR '.join(actions)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION habeas_{table}_append_only()"
        )
    statements.append(
        "CREATE FUNCTION habeas_directory_change() RETURNS trigger AS $$ "
        "DECLARE r RECORD; "
        "BEGIN "
        f"PERFORM pg_advisory_xact_lock({POSTGRES_CHANGES_LOCK}); "
        "IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF; "
        "IF TG_TABLE_NAME = 'people' THEN "
        "INSERT INTO directory_changes (kind, person_id) VALUES ('person', r.id); "
        "ELSIF TG_TABLE_NAME = 'memberships' THEN "
        "INSERT INTO directory_changes (kind, person_id, cohort_id) VALUES ('membership', r.person_id, r.cohort_id); "
        "ELSE "
        "INSERT INTO directory_changes (kind, person_id, cohort_id) VALUES ('event', r.person_id, r.cohort_id); "
        "END IF; "
        "RETURN NULL; "
        "END $$ LANGUAGE plpgsql"
    )
    statements.extend(
        f"CREATE TRIGGER {table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION habeas_directory_change()"
        for table in CHANGE_LOGGED
    )
    return statements


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

"""A new database made from the final schema in one step is the database the migrations make.

`habeas init` creates an empty database from the schema snapshot (migrations/schema.json: the
tables and indexes rendered from the table classes, and the migrations' guard triggers), stamped at
the newest migration, instead of running every migration in turn. These tests compare the two,
table by table, on SQLite and PostgreSQL: columns, keys, constraints, indexes, triggers and trigger
functions. One difference is allowed, and only one: the order of a table's columns, because a
migration that adds a column puts it last (`people` in 0004) where the metadata lists it with its
kin. habeas names every column it reads and writes, so no query sees the order.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from habeas.store import db
from habeas.store.db import (
    SCHEMA_SNAPSHOT,
    create_schema,
    current_revision,
    head_revision,
    make_engine,
    render_schema,
    upgrade,
)


def _migrated(url: str, revision: str = "head") -> sa.Engine:
    engine = make_engine(url)
    command.upgrade(db._alembic_config(engine), revision)
    return engine


def _created(url: str) -> sa.Engine:
    engine = make_engine(url)
    assert create_schema(engine), "the schema snapshot is not of the newest migration"
    return engine


def _clauses(create_table: str) -> list[str]:
    """The clauses of a CREATE TABLE statement (columns and constraints), sorted, whitespace normalised."""
    body = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    clauses, depth, current = [], 0, ""
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            clauses.append(current)
            current = ""
        else:
            current += char
    clauses.append(current)
    return sorted(re.sub(r"\s+", " ", clause).strip() for clause in clauses)


def _sqlite_schema(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type, name, tbl_name, sql FROM sqlite_master")).all()
        columns = {
            table: sorted(tuple(column)[1:] for column in connection.exec_driver_sql(f"PRAGMA table_xinfo({table})"))
            for kind, table, _, _ in rows
            if kind == "table"
        }
        foreign_keys = {
            table: sorted(tuple(key)[2:] for key in connection.exec_driver_sql(f"PRAGMA foreign_key_list({table})"))
            for table in columns
        }
    return {
        "tables": {name: _clauses(sql) for kind, name, _, sql in rows if kind == "table"},
        "columns": columns,
        "foreign_keys": foreign_keys,
        "indexes": sorted((name, table, sql) for kind, name, table, sql in rows if kind == "index"),
        "triggers": sorted((name, table, sql) for kind, name, table, sql in rows if kind == "trigger"),
        "other": sorted((kind, name) for kind, name, _, _ in rows if kind not in {"table", "index", "trigger"}),
    }


POSTGRES_QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, udt_name, character_maximum_length, numeric_precision,
               is_nullable, column_default, is_identity
        FROM information_schema.columns WHERE table_schema = 'public'""",
    "constraints": """
        SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "triggers": """
        SELECT tgrelid::regclass::text, tgname, tgenabled, pg_get_triggerdef(t.oid)
        FROM pg_trigger t WHERE NOT tgisinternal""",
    "functions": """
        SELECT proname, prosrc, pg_get_function_result(p.oid), lanname
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        WHERE n.nspname = 'public'""",
    "sequences": """
        SELECT sequence_name, data_type, start_value, increment, maximum_value
        FROM information_schema.sequences WHERE sequence_schema = 'public'""",
    "relations": """
        SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'""",
}


def _postgres_schema(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        return {
            name: sorted(tuple(str(value) for value in row) for row in connection.execute(sa.text(query)))
            for name, query in POSTGRES_QUERIES.items()
        }


def schema(engine: sa.Engine) -> dict[str, Any]:
    return _sqlite_schema(engine) if engine.dialect.name == "sqlite" else _postgres_schema(engine)


@pytest.fixture
def second_url(database_url: str) -> Iterator[str]:
    """A second empty database on the same server as ``database_url`` (a file beside it on SQLite)."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield database_url.replace("habeas.db", "second.db")
        return
    name = f"{url.database}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_new_database_made_in_one_step_has_the_schema_the_migrations_make(database_url: str, second_url: str) -> None:
    migrated, created = _migrated(database_url), _created(second_url)
    try:
        expected, found = schema(migrated), schema(created)
        assert expected == found
        assert current_revision(created) == current_revision(migrated) == head_revision()
    finally:
        migrated.dispose()
        created.dispose()


def test_the_comparison_sees_a_missing_guard_trigger(database_url: str, second_url: str) -> None:
    migrated, created = _migrated(database_url), _created(second_url)
    try:
        with created.begin() as connection:
            if created.dialect.name == "sqlite":
                connection.exec_driver_sql("DROP TRIGGER events_no_update")
            else:
                connection.exec_driver_sql("DROP TRIGGER events_append_only ON events")
        assert schema(migrated) != schema(created)
    finally:
        migrated.dispose()
        created.dispose()


def test_init_on_an_empty_database_refuses_changes_to_the_append_only_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert upgrade(engine) == (None, head_revision())
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (1, 'h', 'a', 'k', 's')"
                )
            )
        for statement in ("UPDATE audit_checkpoints SET hash = 'x'", "DELETE FROM audit_checkpoints"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_a_database_made_by_an_older_habeas_is_upgraded_by_its_migrations(database_url: str, second_url: str) -> None:
    older, created = _migrated(database_url, "0005"), _created(second_url)
    try:
        assert upgrade(older) == ("0005", head_revision())
        assert schema(older) == schema(created)
        assert upgrade(older) == (head_revision(), head_revision())  # once current, left alone
    finally:
        older.dispose()
        created.dispose()


def test_the_newest_migration_and_the_stamp_are_read_as_alembic_reads_them(database_url: str) -> None:
    engine = _migrated(database_url, "0003")
    try:
        assert head_revision() == ScriptDirectory(str(db.MIGRATIONS)).get_current_head()
        with engine.connect() as connection:
            assert current_revision(engine) == MigrationContext.configure(connection).get_current_revision() == "0003"
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_schema_snapshot_is_what_the_table_classes_and_the_newest_migration_say(dialect: str) -> None:
    snapshot = json.loads(SCHEMA_SNAPSHOT.read_text("utf-8"))
    regenerate = (
        "migrations/schema.json is out of date; after adding a migration and its table classes, run "
        '.venv/bin/python -c "from habeas.store.db import write_schema_snapshot as w; print(w())"'
    )
    assert snapshot["revision"] == head_revision(), regenerate
    assert snapshot["migrations"] == db.migrations_digest(), regenerate
    assert snapshot[dialect] == render_schema(dialect), regenerate


@pytest.mark.parametrize("outdated", [{"revision": "0007"}, {"migrations": "0" * 64}], ids=["older", "edited"])
def test_an_outdated_snapshot_is_not_used_the_migrations_are(
    database_url: str, second_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch, outdated: dict[str, str]
) -> None:
    # A migration added, or one edited, after the snapshot was written: the snapshot may no longer be the schema.
    outdated = dict(json.loads(SCHEMA_SNAPSHOT.read_text("utf-8")), **outdated)
    (tmp_path / "schema.json").write_text(json.dumps(outdated), "utf-8")
    monkeypatch.setattr(db, "SCHEMA_SNAPSHOT", tmp_path / "schema.json")
    fresh = make_engine(database_url)
    try:
        assert not create_schema(fresh)
        assert upgrade(fresh) == (None, head_revision())
        migrated = _migrated(second_url)
        assert schema(fresh) == schema(migrated)
        migrated.dispose()
    finally:
        fresh.dispose()


def test_an_init_that_fails_half_way_leaves_the_database_empty_for_the_next(
    database_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = json.loads(SCHEMA_SNAPSHOT.read_text("utf-8"))
    broken = dict(
        snapshot, **{name: [*snapshot[name], "CREATE TABLE people (id INTEGER)"] for name in ("sqlite", "postgresql")}
    )
    (tmp_path / "schema.json").write_text(json.dumps(broken), "utf-8")
    monkeypatch.setattr(db, "SCHEMA_SNAPSHOT", tmp_path / "schema.json")
    engine = make_engine(database_url)
    try:
        with pytest.raises(sa.exc.SQLAlchemyError):
            upgrade(engine)
        assert sa.inspect(engine).get_table_names() == []
        monkeypatch.setattr(db, "SCHEMA_SNAPSHOT", SCHEMA_SNAPSHOT)
        assert upgrade(engine) == (None, head_revision())
    finally:
        engine.dispose()

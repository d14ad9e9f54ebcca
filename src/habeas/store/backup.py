"""Backups: a consistent copy of the database (SQLite's backup API or pg_dump) in a sealed archive; restore.

The sealed file holds a tar archive of two members: ``manifest.json`` (the schema, the
row count of every table, the audit chain's head and the users, so a restore can check
what it got and who may restore it before writing anything) and the copy itself,
``database.sqlite`` or ``database.sql`` (pg_dump's plain SQL). The copy is taken from
one snapshot, and the manifest is read from the same snapshot.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, select, text
from sqlalchemy.engine import URL, make_url

from habeas.security.audit import AuditEntry, Checkpoint
from habeas.security.crypto import Keyring
from habeas.security.sealed import open_sealed_file, seal_file
from habeas.store.tables import AuditCheckpointRow, AuditEntryRow, UserRow

FORMAT = 1
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.sql"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why (never with record values)."""


@dataclass(frozen=True)
class Manifest:
    dialect: str
    schema: str | None
    created_at: str
    counts: dict[str, int]
    audit_entries: int
    audit_head: str | None  # hash of the newest audit entry
    users: list[dict[str, Any]]  # name, role, active: who may restore it

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        doc = json.loads(data)
        if doc.get("habeas_backup") != FORMAT:
            raise BackupError(f"not a habeas backup of format {FORMAT}")
        return cls(**{name: doc[name] for name in cls.__dataclass_fields__})

    def to_json(self) -> bytes:
        return json.dumps({"habeas_backup": FORMAT, **asdict(self)}, indent=2).encode()


@dataclass(frozen=True)
class Snapshot:
    """What one consistent read of a database says: its manifest, audit chain and integrity."""

    manifest: Manifest
    entries: list[AuditEntry]
    checkpoints: list[Checkpoint]
    integrity: list[str]  # problems PRAGMA integrity_check found (SQLite); empty when sound


# --- reading one snapshot -----------------------------------------------------------------


def read_snapshot(connection: Connection) -> Snapshot:
    """The manifest, audit chain and integrity as ``connection``'s transaction sees them."""
    tables = sorted(t for t in inspect(connection).get_table_names() if not t.startswith("sqlite_"))
    counts = {t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
    schema = connection.execute(text("SELECT version_num FROM alembic_version")).scalar() if tables else None
    entries = [AuditEntry(**r._mapping) for r in connection.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq))]
    checkpoints = [
        Checkpoint(**r._mapping)
        for r in connection.execute(select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq))
    ]
    users = [
        {"name": r.name, "role": r.role, "active": bool(r.active)}
        for r in connection.execute(select(UserRow.name, UserRow.role, UserRow.active).order_by(UserRow.name))
    ]
    manifest = Manifest(
        dialect=connection.dialect.name,
        schema=schema,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        counts=counts,
        audit_entries=len(entries),
        audit_head=entries[-1].hash if entries else None,
        users=users,
    )
    return Snapshot(manifest, entries, checkpoints, integrity_problems(connection))


def integrity_problems(connection: Connection) -> list[str]:
    """SQLite's ``PRAGMA integrity_check`` (empty when it says ok); PostgreSQL has no equivalent here."""
    if connection.dialect.name != "sqlite":
        return []
    found = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


def database_tables(engine: Engine) -> list[str]:
    """The tables in the database (for the "restore only into an empty database" rule)."""
    path = sqlite_path(engine)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return []  # not created yet: do not create it just to look
    return sorted(t for t in inspect(engine).get_table_names() if not t.startswith("sqlite_"))


def sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up or restored")
    return Path(database)


@contextmanager
def open_copy(path: Path) -> Iterator[Connection]:
    """A read connection to a SQLite copy, without the pragmas that would change it."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


# --- taking a copy ------------------------------------------------------------------------


def copy_sqlite(engine: Engine, target: Path) -> Snapshot:
    """Copy the live database with SQLite's online backup API (never a file copy) and read the copy."""
    source = sqlite_path(engine)
    assert source is not None
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    with open_copy(target) as connection:
        return read_snapshot(connection)


def dump_postgres(engine: Engine, target: Path) -> Snapshot:
    """pg_dump (plain SQL) of the snapshot that the manifest and the audit chain are read from."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        snapshot = read_snapshot(connection)
        # The exporting transaction stays open while pg_dump reads the same snapshot.
        _run_client(
            ["pg_dump", "--format=plain", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
             "--file", str(target)],
            engine.url,
        )  # fmt: skip
    return snapshot


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump and psql, with the password passed in the environment, not argv."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_client(args: list[str], url: URL) -> None:
    program = args[0]
    if shutil.which(program) is None:
        raise BackupError(f"`{program}` is not installed; install the PostgreSQL client tools (same major version)")
    uri, env = _libpq(make_url(url))
    result = subprocess.run(
        [*args, "--dbname", uri], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        last = (result.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"`{program}` failed (exit {result.returncode}): {last}")


# --- the sealed archive -------------------------------------------------------------------


def seal_archive(keyring: Keyring, manifest: Manifest, copy: Path, target: Path, workdir: Path) -> None:
    """Put the manifest and the copy in a tar archive and seal it to ``target`` (0600, whole or not at all)."""
    archive = workdir / "backup.tar"
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(MANIFEST)
        data = manifest.to_json()
        info.size, info.mode = len(data), 0o600
        tar.addfile(info, io.BytesIO(data))
        tar.add(copy, arcname=MEMBERS[manifest.dialect], recursive=False)
    seal_file(keyring, archive, target)
    archive.unlink()


def open_archive(keyring: Keyring, sealed: Path, workdir: Path) -> tuple[Manifest, Path]:
    """Check the seal of every chunk, then take the manifest and the copy out of the archive."""
    archive = workdir / "backup.tar"
    open_sealed_file(keyring, sealed, archive)
    try:
        with tarfile.open(archive, "r") as tar:
            manifest = Manifest.from_json(_member(tar, MANIFEST).read())
            name = MEMBERS.get(manifest.dialect)
            if name is None:
                raise BackupError(f"the backup is of an unknown database kind {manifest.dialect!r}")
            copy = workdir / name
            with copy.open("wb") as out:
                shutil.copyfileobj(_member(tar, name), out)
    except (tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"the backup opened but its content is not a habeas backup ({type(exc).__name__})") from exc
    finally:
        archive.unlink(missing_ok=True)
    return manifest, copy


def _member(tar: tarfile.TarFile, name: str) -> Any:
    member = tar.getmember(name)
    handle = tar.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupError(f"the backup's {name} is not a file")
    return handle


# --- restoring ----------------------------------------------------------------------------


def restore_sqlite(copy: Path, engine: Engine) -> None:
    """Write the copy into the (empty) target with SQLite's backup API, in one step."""
    target = sqlite_path(engine)
    assert target is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    engine.dispose()  # no pooled connection may hold the target open while it is written
    with closing(sqlite3.connect(copy)) as source, closing(sqlite3.connect(target)) as restored:
        source.backup(restored)


def restore_postgres(dump: Path, engine: Engine) -> None:
    """Run the plain SQL dump with psql in one transaction: it lands whole or not at all."""
    engine.dispose()
    _run_client(
        ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1", "--file", str(dump)],
        engine.url,
    )

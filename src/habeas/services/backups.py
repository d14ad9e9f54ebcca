"""Backups sealed with the key and checked before they are written; restores only into an empty database."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from habeas.security.access import Action, User, decide
from habeas.security.audit import (
    CheckpointMarks,
    marks_path_beside,
)
from habeas.security.crypto import DecryptionError
from habeas.security.keyfiles import audit_key_file_path
from habeas.services import Context, ServiceError, access
from habeas.services.audit_log import AuditCheck, check_chain
from habeas.store import backup as store_backup
from habeas.store.db import head_revision


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: store_backup.Manifest
    audit: AuditCheck


@contextmanager
def _workdir(near: Path | None) -> Iterator[Path]:
    """A private (0700) scratch directory, on the same disk as ``near`` when given; removed afterwards."""
    if near is not None:
        near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".habeas-backup-", dir=near) as name:
        yield Path(name)


def _snapshot_problems(ctx: Context, snapshot: store_backup.Snapshot) -> tuple[list[str], AuditCheck]:
    check = check_chain(ctx, snapshot.entries, snapshot.checkpoints)
    problems = [f"integrity check: {p}" for p in snapshot.integrity[:5]]
    if not check.result.ok:
        problems.append(f"audit chain, entry {check.result.first_bad_seq}: {check.result.message}")
    return problems, check


def backup(ctx: Context, target: Path) -> BackupResult:
    """A consistent copy of the database, checked, then sealed with the key into ``target``."""
    access.require(ctx, Action.BACKUP)
    if target.exists():
        raise ServiceError(f"{target} exists; backups are never overwritten: choose a new file name")
    keyring, engine = ctx.keyring, ctx.engine
    with _workdir(target.parent) as work:
        copy = work / store_backup.MEMBERS.get(engine.dialect.name, "database")
        try:
            if engine.dialect.name == "sqlite":
                snapshot = store_backup.copy_sqlite(engine, copy)
            else:
                snapshot = store_backup.dump_postgres(engine, copy)
        except store_backup.BackupError as exc:
            raise ServiceError(f"no backup was written: {exc}") from exc
        problems, check = _snapshot_problems(ctx, snapshot)
        if problems:
            access.audit(ctx, "backup", "failed", [("backup", None)])
            raise ServiceError("no backup was written; the database failed its checks:\n  " + "\n  ".join(problems))
        store_backup.seal_archive(keyring, snapshot.manifest, copy, target, work)
    access.audit(ctx, "backup", records=[("backup", None)])
    return BackupResult(target, snapshot.manifest, check)


def _may_restore(ctx: Context, manifest: store_backup.Manifest) -> None:
    """Only an active admin of the backed-up database may restore it (checked before anything is written)."""
    found = next((u for u in manifest.users if u["name"] == ctx.actor.name), None)
    user = User(found["name"], found["role"], active=found["active"]) if found else None
    decision = decide(user, Action.BACKUP)
    if not decision:
        raise access.Forbidden(f"{ctx.actor.name} may not restore this backup: {decision.reason} in it")


def _refuse_unless_empty(ctx: Context) -> None:
    tables = store_backup.database_tables(ctx.engine)
    if tables:
        where = ctx.engine.url.render_as_string(hide_password=True)
        raise ServiceError(
            f"refusing to restore into {where}: it is not empty (it has {len(tables)} tables, e.g. "
            f"{', '.join(tables[:3])}). Restore into a new database: a SQLite path that does not exist yet, "
            "or a PostgreSQL database just made with createdb"
        )


def restore(ctx: Context, source: Path) -> BackupResult:
    """Open a sealed backup, check it, restore it into an empty database, and check the result."""
    engine = ctx.engine
    _refuse_unless_empty(ctx)
    sqlite_target = store_backup.sqlite_path(engine)
    with _workdir(sqlite_target.parent if sqlite_target else None) as work:
        try:
            manifest, copy = store_backup.open_archive(ctx.keyring, source, work)
        except (DecryptionError, store_backup.BackupError, OSError) as exc:
            raise ServiceError(f"{source} cannot be restored: {exc}") from exc
        _check_manifest(manifest, engine.dialect.name)
        _may_restore(ctx, manifest)
        if sqlite_target is not None:
            with store_backup.open_copy(copy) as connection:
                problems, _ = _snapshot_problems(ctx, store_backup.read_snapshot(connection))
            if problems:
                raise ServiceError("the backup failed its checks; nothing was restored:\n  " + "\n  ".join(problems))
            store_backup.restore_sqlite(copy, engine)
        else:
            try:
                store_backup.restore_postgres(copy, engine)
            except store_backup.BackupError as exc:
                raise ServiceError(f"nothing was restored: {exc}") from exc
    with engine.connect() as connection:
        restored = store_backup.read_snapshot(connection)
    problems, check = _snapshot_problems(ctx, restored)
    problems += [f"{t}: {n} rows, the backup has {manifest.counts.get(t)}"
                 for t, n in restored.manifest.counts.items() if manifest.counts.get(t) != n]  # fmt: skip
    if problems:
        raise ServiceError("the restored database failed its checks; do not use it:\n  " + "\n  ".join(problems))
    access.require(ctx, Action.BACKUP)
    _forget_mark(ctx)
    access.audit(ctx, "restore", records=[("backup", None)])
    return BackupResult(source, manifest, check)


def _forget_mark(ctx: Context) -> None:
    """A restored log replaces whatever this machine signed for the database before (a PostgreSQL name reused)."""
    identity = ctx.audit_sink.identity
    marks = CheckpointMarks(marks_path_beside(audit_key_file_path(ctx.settings)))
    if identity is not None and marks.path.exists():
        marks.forget(identity)


def _check_manifest(manifest: store_backup.Manifest, dialect: str) -> None:
    if manifest.dialect != dialect:
        raise ServiceError(f"this is a {manifest.dialect} backup; restore it into a {manifest.dialect} database")
    if manifest.schema != head_revision():
        raise ServiceError(
            f"this backup is at schema {manifest.schema} and this habeas expects {head_revision()}: restore it "
            "with the habeas version that made it, then upgrade with `habeas init`"
        )

"""Backup and restore: a sealed, checked copy; restored whole into an empty database only, with its audit chain."""

from __future__ import annotations

import os
import random
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from habeas.security.crypto import Keyring
from habeas.services import ServiceError, security, track
from habeas.services.access import Forbidden

POSTGRES_ADMIN_URL = os.environ.get("HABEAS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def synthetic_casefile(path: Path, count: int, seed: int) -> Path:
    rng = random.Random(seed)
    people = [
        {"id": f"bk-{i:03d}", "name": f"Backup Person {rng.randrange(10**6)}", "citizenship": "GT",
         "identifiers": {"a_number": f"A{rng.randrange(10**8, 10**9)}"}, "sensitive": {"asylum_basis": ["religion"]}}
        for i in range(count)
    ]  # fmt: skip
    events = [
        {"id": f"{p['id']}-b", "person": p["id"], "kind": "booked_in", "date": "2025-02-03", "note": "synthetic"}
        for p in people
    ]
    path.write_text(yaml.safe_dump({"habeas": 1, "people": people, "events": events}), encoding="utf-8")
    return path


def stored_records(ctx):  # type: ignore[no-untyped-def]
    exported = track.export_casefile(ctx, include_sensitive=True)
    return exported.people, [(e.id, e.kind, e.note) for e in exported.events]


@pytest.fixture
def second_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'habeas.db'}"
        return
    name = f"habeas_restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def filled(ctx, tmp_path):  # type: ignore[no-untyped-def]
    track.import_casefiles(ctx, [synthetic_casefile(tmp_path / "people.yaml", 8, seed=11)])
    track.timeline(ctx, "bk-001")
    return ctx


def test_backup_then_restore_keeps_every_record_and_a_valid_audit_chain(filled, second_url, make_context, tmp_path):
    before = stored_records(filled)
    sealed = tmp_path / "out" / "habeas.backup"
    made = security.backup(filled, sealed)
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    assert made.manifest.counts["people"] == 8 and made.audit.result.ok
    backed_up = list(filled.audit_sink.entries())[: made.manifest.audit_entries]

    target = make_context(second_url)
    restored = security.restore(target, sealed)

    assert restored.manifest.counts == made.manifest.counts
    assert stored_records(target) == before
    entries = list(target.audit_sink.entries())
    assert entries[: len(backed_up)] == backed_up
    assert entries[len(backed_up)].action == "restore"
    assert security.verify_audit(target).result.ok
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), target.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_entries"))
    assert sorted(p.name for p in sealed.parent.iterdir()) == ["habeas.backup"], "no scratch copy is left behind"


def test_restore_refuses_a_database_that_is_not_empty_and_says_why(filled, make_context, tmp_path):
    sealed = tmp_path / "habeas.backup"
    security.backup(filled, sealed)
    counts = stored_records(filled)
    with pytest.raises(ServiceError, match=r"it is not empty \(it has \d+ tables"):
        security.restore(filled, sealed)
    assert stored_records(filled) == counts


def test_restore_into_a_freshly_initialised_database_is_refused(filled, second_url, make_context, tmp_path):
    sealed = tmp_path / "habeas.backup"
    security.backup(filled, sealed)
    fresh = make_context(second_url)
    track.init_database(fresh)
    with pytest.raises(ServiceError, match="not empty"):
        security.restore(fresh, sealed)


def test_backups_are_never_overwritten(filled, tmp_path):
    sealed = tmp_path / "habeas.backup"
    sealed.write_bytes(b"an earlier backup")
    with pytest.raises(ServiceError, match="never overwritten"):
        security.backup(filled, sealed)
    assert sealed.read_bytes() == b"an earlier backup"


@pytest.mark.parametrize("damage", ["flipped byte", "cut short", "other key"])
def test_a_damaged_backup_or_the_wrong_key_restores_nothing(sqlite_url, make_context, tmp_path, monkeypatch, damage):
    ctx = make_context(sqlite_url)
    track.init_database(ctx)
    track.import_casefiles(ctx, [synthetic_casefile(tmp_path / "people.yaml", 3, seed=12)])
    sealed = tmp_path / "habeas.backup"
    security.backup(ctx, sealed)
    data = bytearray(sealed.read_bytes())
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0x01
    elif damage == "cut short":
        del data[-100:]
    else:
        monkeypatch.setenv("HABEAS_KEY", Keyring.generate().primary.export())
    sealed.write_bytes(bytes(data))
    target_path = tmp_path / "target" / "habeas.db"
    with pytest.raises(ServiceError, match="cannot be restored"):
        security.restore(make_context(f"sqlite:///{target_path}"), sealed)
    assert not target_path.exists() or target_path.stat().st_size == 0


def test_only_an_admin_of_the_backup_may_restore_it(filled, second_url, make_context, tmp_path):
    security.add_user(filled, "volunteer", "editor")
    sealed = tmp_path / "habeas.backup"
    security.backup(filled, sealed)
    for name in ("volunteer", "stranger"):
        with pytest.raises(Forbidden, match="may not restore"):
            security.restore(make_context(second_url, actor=name), sealed)
    assert security.restore(make_context(second_url, actor="tester"), sealed).manifest.counts["people"] == 8


def test_a_backup_of_a_tampered_audit_log_is_refused(sqlite_url, make_context, tmp_path):
    ctx = make_context(sqlite_url)
    track.init_database(ctx)
    track.import_casefiles(ctx, [synthetic_casefile(tmp_path / "people.yaml", 2, seed=13)])
    with ctx.engine.begin() as connection:
        connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
        connection.execute(sa.text("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 2"))
    sealed = tmp_path / "habeas.backup"
    with pytest.raises(ServiceError, match="audit chain, entry 2"):
        security.backup(ctx, sealed)
    assert not sealed.exists()


def test_a_sqlite_backup_does_not_restore_into_postgresql(sqlite_url, postgres_url, make_context, tmp_path):
    ctx = make_context(sqlite_url)
    track.init_database(ctx)
    sealed = tmp_path / "habeas.backup"
    security.backup(ctx, sealed)
    with pytest.raises(ServiceError, match="sqlite backup; restore it into a sqlite database"):
        security.restore(make_context(postgres_url), sealed)

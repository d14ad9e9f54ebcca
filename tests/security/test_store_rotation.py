"""Key rotation keeps every record readable and findable, drops the old key, and can be rerun after a crash."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from habeas.security.crypto import Keyring
from habeas.security.keyfiles import key_file_path
from habeas.security.search import name_match_score, name_tokens
from habeas.services import ServiceError, security, track
from habeas.store import rotation
from habeas.store.tables import Base

SYLLABLES = ["ka", "lu", "mi", "zo", "re", "ta", "vi", "no", "sa", "xe", "dru", "pel"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def synthetic_casefile(path: Path, count: int, seed: int) -> list[dict]:
    """Synthetic people with names, aliases, A-numbers, a sensitive attribute and a note each."""
    rng = random.Random(seed)
    people = [
        {
            "id": f"syn-{i:03d}",
            "name": f"{word(rng)} {word(rng)}",
            "aliases": [word(rng)] if i % 2 else [],
            "citizenship": rng.choice(["HN", "GT", "VE"]),
            "identifiers": {"a_number": f"A{rng.randrange(10**8, 10**9)}"},
            "sensitive": {"asylum_basis": [rng.choice(["political_opinion", "religion"])]},
        }
        for i in range(count)
    ]
    events = [
        {"id": f"{p['id']}-booked", "person": p["id"], "kind": "booked_in", "date": "2025-01-02",
         "facility": "Example Center", "note": f"synthetic note {i}"}
        for i, p in enumerate(people)
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"habeas": 1, "people": people, "events": events}), encoding="utf-8")
    return people


def stored_records(ctx):  # type: ignore[no-untyped-def]
    exported = track.export_casefile(ctx, include_sensitive=True)
    return exported.people, [(e.id, e.note) for e in exported.events]


def envelope_key_ids(ctx) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as connection:
        return dict(rotation.key_usage(connection))


def test_every_encrypted_column_is_rotated() -> None:
    covered = {(spec.table, column) for spec in rotation.ENVELOPES for column in spec.columns}
    in_schema = {(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns if c.name.endswith("_enc")}
    assert in_schema == covered


def test_rotation_keeps_every_record_lookup_and_search_and_removes_the_old_key(ctx, tmp_path) -> None:
    people = synthetic_casefile(tmp_path / "people.yaml", 12, seed=1)
    track.import_casefiles(ctx, [tmp_path / "people.yaml"])
    before = stored_records(ctx)
    old = ctx.keyring.primary_id

    result = security.rotate_keys(ctx)

    assert result.key_id != old and result.removed == (old,) and not result.still_used
    assert result.identifier_index == len(people)
    assert Keyring.from_file(key_file_path(ctx.settings)).key_ids == (result.key_id,)
    envelopes = 12 * 4 + sum(1 for p in people if p["aliases"])  # name, identifiers, sensitive, note; aliases
    assert envelope_key_ids(ctx) == {result.key_id: envelopes}
    assert stored_records(ctx) == before
    keyring = ctx.keyring
    assert keyring.primary_id == result.key_id
    with track.repository(ctx) as repo:
        for person in people:
            digits = person["identifiers"]["a_number"][1:]
            spaced = f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
            assert repo.person_ids_by_identifier("a_number", spaced) == [person["id"]]
        stored = repo.name_tokens()
    target = people[5]
    typo = target["name"][:-1] + ("x" if target["name"][-1] != "x" else "y")
    scores = {pid: name_match_score(name_tokens(keyring, typo), tokens) for pid, tokens in stored.items()}
    assert max(scores, key=scores.__getitem__) == target["id"]


def test_rotation_leaves_events_append_only_and_the_audit_chain_valid(ctx, tmp_path) -> None:
    synthetic_casefile(tmp_path / "people.yaml", 3, seed=2)
    track.import_casefiles(ctx, [tmp_path / "people.yaml"])
    security.rotate_keys(ctx)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), ctx.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET kind = 'released'"))
    check = security.verify_audit(ctx)
    assert check.result.ok, check.result.message
    actions = [e.action for e in ctx.audit_sink.entries()]
    assert "rotate_keys" in actions


def test_an_interrupted_rotation_changes_nothing_and_finishes_when_run_again(
    ctx, make_context, database_url, tmp_path, monkeypatch
) -> None:
    synthetic_casefile(tmp_path / "people.yaml", 6, seed=3)
    track.import_casefiles(ctx, [tmp_path / "people.yaml"])
    before = stored_records(ctx)
    old = ctx.keyring.primary_id
    usage_before = envelope_key_ids(ctx)

    def crash(*_args: object) -> None:
        raise RuntimeError("simulated crash after the envelopes were re-encrypted")

    with monkeypatch.context() as patch:
        patch.setattr(rotation, "_rebuild_indexes", crash)
        with pytest.raises(RuntimeError, match="simulated crash"):
            security.rotate_keys(ctx)

    on_disk = Keyring.from_file(key_file_path(ctx.settings))
    assert len(on_disk.key_ids) == 2 and old in on_disk.key_ids and on_disk.primary_id != old
    assert envelope_key_ids(ctx) == usage_before, "the failed transaction re-encrypted nothing"
    fresh = make_context(database_url)
    assert stored_records(fresh) == before

    result = security.rotate_keys(fresh)
    assert result.finished_earlier_rotation and result.key_id == on_disk.primary_id and result.removed == (old,)
    assert Keyring.from_file(key_file_path(fresh.settings)).key_ids == (result.key_id,)
    assert stored_records(fresh) == before
    assert set(envelope_key_ids(fresh)) == {result.key_id}


def test_rotation_with_keys_from_the_environment(sqlite_url, make_context, tmp_path, monkeypatch) -> None:
    ctx = make_context(sqlite_url)
    track.init_database(ctx)
    synthetic_casefile(tmp_path / "people.yaml", 3, seed=4)
    track.import_casefiles(ctx, [tmp_path / "people.yaml"])
    before = stored_records(ctx)
    old = Keyring.from_file(key_file_path(ctx.settings))
    monkeypatch.setenv("HABEAS_KEY", old.primary.export())
    with pytest.raises(ServiceError, match="put a new key first"):
        security.rotate_keys(make_context(sqlite_url))

    new = Keyring.generate()
    monkeypatch.setenv("HABEAS_KEY", f"{new.primary.export()},{old.primary.export()}")
    result = security.rotate_keys(make_context(sqlite_url))
    assert result.key_file is None and result.key_id == new.primary_id and result.removed == (old.primary_id,)
    monkeypatch.setenv("HABEAS_KEY", new.primary.export())
    assert stored_records(make_context(sqlite_url)) == before

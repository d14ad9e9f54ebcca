"""Ids and digests made from an event's content reveal nothing of it, and survive key rotation.

An event written without an id gets one from its content. Unkeyed, that id let anyone
holding it test a guess of the note ("asylum basis: sexual orientation") offline; the
stored content digest (a correction's replacement note included) did the same. Keyed,
neither can be tested without the key file, and the same fact imported again, even after
a rotation, is still one fact.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from habeas.domain.codec import event_id_for
from habeas.domain.ids import canonical_json
from habeas.ingest.casefile import parse_casefiles
from habeas.services import Actor, Context, security, track
from habeas.settings import Settings
from habeas.store.repository import Repository, content_sha256

NOTE = "asylum basis: sexual orientation"
EVENT = {"person": "p-1", "kind": "contact", "date": "2025-02-01", "party": "attorney", "direct": True, "note": NOTE}
REPLACEMENT = {"kind": "booked_in", "date": "2025-01-03", "note": NOTE}
CORRECTION = {"person": "p-1", "kind": "correction", "date": "2025-02-03", "supersedes": "p-1-booked",
              "reason": "wrong date", "replacement": REPLACEMENT}  # fmt: skip


def _file(path: Path) -> Path:
    doc = {"habeas": 1, "people": [{"id": "p-1"}],
           "events": [{"id": "p-1-booked", "person": "p-1", "kind": "booked_in", "date": "2025-01-02"},
                      EVENT, CORRECTION]}  # fmt: skip
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _context(root: Path, url: str) -> Context:
    settings = Settings(data_dir=root / "home", database_url=url, config_path=root / "habeas.toml")
    ctx = Context(settings, Actor("tester"))
    track.init_database(ctx)
    return ctx


def _stored(url: str) -> list[tuple[str, str, str]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, kind, content_sha256 FROM events ORDER BY seq")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.fixture
def imported(tmp_path: Path, database_url: str):
    ctx = _context(tmp_path, database_url)
    casefile = _file(tmp_path / "client.yaml")
    track.import_casefiles(ctx, [casefile])
    return ctx, casefile, database_url


def test_an_event_id_made_from_content_cannot_be_recomputed_without_the_key(imported) -> None:
    _ctx, _casefile, url = imported
    ids = {kind: ident for ident, kind, _ in _stored(url)}
    assert ids["contact"] != event_id_for(EVENT), "the unkeyed digest of the content would test a guess of the note"
    assert ids["contact"].startswith("e-")


def test_a_replacements_id_cannot_be_recomputed_without_the_key(imported) -> None:
    ctx, _casefile, _url = imported
    correction = next(e.event for e in track.timeline(ctx, "p-1").entries if e.event.kind == "correction")
    content = canonical_json({"replacement": REPLACEMENT, "supersedes": "p-1-booked"}).encode()
    unkeyed = "e-" + hashlib.sha256(content).hexdigest()[:16]
    assert correction.attrs["replacement"].id != unkeyed


def test_the_stored_content_digest_is_keyed(imported) -> None:
    ctx, _casefile, url = imported
    events = {e.event.id: e.event for e in track.timeline(ctx, "p-1").entries}
    for ident, _kind, digest in _stored(url):
        assert digest != content_sha256(events[ident]), "a plain digest would test a guess of the content"


def test_the_same_file_imported_again_is_nothing_new(imported) -> None:
    ctx, casefile, url = imported
    assert track.import_casefiles(ctx, [casefile]).nothing_new
    assert len(_stored(url)) == 3


def test_the_same_file_imported_after_a_key_rotation_is_still_the_same_facts(imported) -> None:
    ctx, casefile, url = imported
    result = security.rotate_keys(ctx)
    assert result.removed, "the old key is retired: ids must not depend on it"
    assert track.import_casefiles(Context(ctx.settings, ctx.actor), [casefile]).nothing_new
    assert len(_stored(url)) == 3


def test_another_database_gives_the_same_content_another_id(tmp_path: Path, imported) -> None:
    _ctx, casefile, url = imported
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    track.import_casefiles(_context(tmp_path / "other", other_url), [casefile])
    assert {i for i, k, _ in _stored(url) if k == "contact"} != {i for i, k, _ in _stored(other_url) if k == "contact"}


def test_events_stored_before_ids_were_keyed_are_found_again(tmp_path: Path, database_url: str) -> None:
    """A database that imported a file when ids were plain digests: importing it again adds nothing."""
    ctx = _context(tmp_path, database_url)
    casefile = _file(tmp_path / "client.yaml")
    with track.repository(ctx) as repo:
        from habeas.store.repository import StoredIds

        legacy = parse_casefiles([casefile], StoredIds(repo.session))  # no key: the plain ids of before
        Repository(repo.session, ctx.keyring).add_casefile(legacy, "tester", [])
        repo.session.commit()
    assert track.import_casefiles(ctx, [casefile]).nothing_new
    assert {i for i, k, _ in _stored(database_url) if k == "contact"} == {event_id_for(EVENT)}


def test_the_identity_secret_outlives_rotation_and_is_written_to_the_key_file() -> None:
    import json

    from habeas.security.crypto import Keyring

    first = Keyring.generate()
    older_file = json.loads(first.to_json())
    del older_file["identity"]  # a key file written before the secret existed
    legacy = Keyring.from_json(json.dumps(older_file).encode())
    mac = legacy.identity_mac("event-id", b"content")
    rotated = legacy.with_new_primary()
    retired = rotated.without([legacy.primary_id])
    assert retired.key_ids == (rotated.primary_id,)
    assert retired.identity_mac("event-id", b"content") == mac
    assert Keyring.from_json(retired.to_json()).identity_mac("event-id", b"content") == mac

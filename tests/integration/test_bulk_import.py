"""Case files stored in bulk: the same sealed values, blind indexes, name tokens and digests; all or nothing."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from habeas.security.crypto import FieldContext
from habeas.security.search import blind_index, name_tokens
from habeas.services import track
from habeas.services.database import repository
from habeas.services.track import InvalidInput
from habeas.store.repository import content_digest
from habeas.store.tables import EventRow, EventSourceRow, IdentifierIndexRow, NameTokenRow, PersonRow

WORDS = ["Ana", "Quintero", "José", "Solís", "O'Neill", "Zelaya", "María", "Ibarra", "Núñez", "Édgar"]


def synthetic_casefile(people: int, seed: int = 3, prefix: str = "bulk") -> dict[str, Any]:
    """Fictional people (made-up names and A-numbers) with five events each, two sources, one cohort."""
    rng = random.Random(seed)
    persons, events = [], []
    for n in range(people):
        pid = f"{prefix}-p{n}"
        persons.append(
            {
                "id": pid,
                "name": " ".join(rng.sample(WORDS, 3)),
                "aliases": [rng.choice(WORDS)] if n % 3 == 0 else [],
                "citizenship": rng.choice(["SV", "GT", ["VE", "CO"]]),
                "birth_year": 1970 + n % 30,
                "birth_date": f"{1970 + n % 30}-0{1 + n % 9}" if n % 2 else None,
                "identifiers": {"a_number": f"A{rng.randrange(10**8, 10**9)}"},
                "sensitive": {"asylum_basis": ["political_opinion"]} if n % 4 == 0 else {},
                "cohorts": [f"{prefix}-cohort"] if n % 5 == 0 else [],
            }
        )
        events += [
            {"id": f"{pid}-a", "person": pid, "kind": "apprehended", "date": "2025-01-02", "sources": ["s-1"]},
            {"person": pid, "kind": "booked_in", "date": "2025-01-03", "facility": "Invented Center", "sources": []},
            {"person": pid, "kind": "contact", "date": "2025-02", "party": "attorney", "note": f"synthetic note {n}"},
            {
                "id": f"{pid}-c",
                "person": pid,
                "kind": "claim_filed",
                "date": "2025-02-10",
                "claim": "asylum",
                "sources": ["s-1", "s-2", "s-1"],
            },
            {"person": pid, "kind": "released", "date": "2025-03-01/2025-03-02", "reason": "parole"},
        ]
    return {
        "habeas": 1,
        "sources": [{"id": "s-1", "kind": "court_record"}, {"id": "s-2", "kind": "article", "title": "Made up"}],
        "cohorts": [{"id": f"{prefix}-cohort", "name": "A fictional group"}],
        "people": [{k: v for k, v in p.items() if v not in (None, [], {})} for p in persons],
        "events": events,
    }


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def stored_rows(ctx) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as connection:
        return {
            table: [tuple(r) for r in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
            for table in (
                "imports",
                "sources",
                "cohorts",
                "people",
                "memberships",
                "identifier_index",
                "name_tokens",
                "events",
                "event_sources",
            )
        }


def test_bulk_stored_people_and_events_hold_what_the_file_says(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = synthetic_casefile(40)
    summary = track.import_casefiles(ctx, [write(tmp_path / "people.json", document)])
    assert (summary.added["people"], summary.added["events"], summary.added["sources"]) == (40, 200, 2)
    with repository(ctx) as repo:
        keyring = repo.keyring
        for written in document["people"]:
            person = repo.person(written["id"])
            assert person is not None
            assert (person.name, list(person.aliases)) == (written["name"], written.get("aliases", []))
            assert person.identifiers == written["identifiers"]
            assert person.sensitive == written.get("sensitive", {})
            assert person.cohorts == tuple(written.get("cohorts", ()))
            countries = written["citizenship"] if isinstance(written["citizenship"], list) else [written["citizenship"]]
            assert (person.citizenship, list(person.citizenships or [person.citizenship])) == (countries[0], countries)
            assert repo.person_ids_by_identifier("a_number", written["identifiers"]["a_number"]) == [written["id"]]
            names = [written["name"], *written.get("aliases", [])]
            assert repo.name_tokens([written["id"]])[written["id"]] == set(name_tokens(keyring, *names))
            row = repo.session.get(PersonRow, written["id"])
            assert row is not None and row.name_enc is not None and written["name"] not in row.name_enc
            # Sealed to its own row: the envelope opens only with the person's own id as its context.
            assert json.loads(keyring.decrypt(row.name_enc, FieldContext("people", "name", row.id))) == written["name"]
        stored = {row.id: row for row in repo.session.scalars(sa.select(EventRow))}
        events = repo.events()
        assert len(events) == 200 == len(stored)
        for event in events:
            assert stored[event.id].content_sha256 == content_digest(keyring, event)
        notes = sorted(e.note for e in events if e.note)
        assert notes == sorted(f"synthetic note {n}" for n in range(40))
        assert all("synthetic note" not in json.dumps(r.written) for r in stored.values())
        links = set(repo.session.execute(sa.select(EventSourceRow.event_id, EventSourceRow.source_id)))
        assert ("bulk-p7-c", "s-1") in links and ("bulk-p7-c", "s-2") in links
        assert len(links) == 40 * 3  # sources named twice on one event are linked once
    # The files' events in file order (seq), as the person's timeline reads them.
    assert [e.kind for e in track.timeline(ctx, "bulk-p3").events][:2] == ["apprehended", "booked_in"]


def test_a_person_stored_at_once_matches_one_built_up_by_a_later_file(ctx, make_context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The bulk path (new people) and the merge path (a stored person gains fields) write the same index rows."""
    whole = synthetic_casefile(6)
    track.import_casefiles(ctx, [write(tmp_path / "whole.json", whole)])
    bare = {**whole, "people": [{"id": p["id"]} for p in whole["people"]], "events": []}
    other = make_context_on_new_database(make_context, tmp_path, ctx)
    track.import_casefiles(other, [write(tmp_path / "bare.json", bare)])
    summary = track.import_casefiles(other, [write(tmp_path / "whole-later.json", whole)])
    assert summary.updated["people"] == 6 and summary.added["events"] == 30
    for context in (ctx, other):
        with repository(context) as repo:
            index = sorted(repo.session.execute(sa.select(IdentifierIndexRow.person_id, IdentifierIndexRow.digest)))
            tokens = sorted(repo.session.execute(sa.select(NameTokenRow.person_id, NameTokenRow.token)))
            expected = sorted(
                (p["id"], blind_index(repo.keyring, "a_number", p["identifiers"]["a_number"])) for p in whole["people"]
            )
            assert index == expected
            assert tokens == sorted(
                (p["id"], t)
                for p in whole["people"]
                for t in name_tokens(repo.keyring, p["name"], *p.get("aliases", []))
            )


def make_context_on_new_database(make_context, tmp_path: Path, ctx):  # type: ignore[no-untyped-def]
    """A second database in the same home, so under the same keys (tokens and digests compare)."""
    if not ctx.settings.is_sqlite:
        pytest.skip("the comparison needs a second database; SQLite gives one in a file")
    other = make_context(f"sqlite:///{tmp_path / 'other.db'}")
    track.init_database(other)
    assert other.keyring.key_ids == ctx.keyring.key_ids
    return other


def test_an_import_refused_at_its_last_event_stores_no_person_and_no_event(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    track.import_casefiles(ctx, [write(tmp_path / "first.json", synthetic_casefile(3, prefix="old"))])
    before = stored_rows(ctx)
    document = synthetic_casefile(60, seed=9)
    document["events"].append(
        {"id": "old-p1-a", "person": "old-p1", "kind": "apprehended", "date": "2024-12-31"}  # stored, differently
    )
    with pytest.raises(InvalidInput, match=r"old-p1-a.*already stored with different content"):
        track.import_casefiles(ctx, [write(tmp_path / "refused.json", document)])
    assert stored_rows(ctx) == before


def test_a_second_import_of_the_same_files_is_nothing_new(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = [
        write(tmp_path / "a.json", synthetic_casefile(30)),
        write(tmp_path / "b.json", synthetic_casefile(5, 4, "b")),
    ]
    track.import_casefiles(ctx, files)
    before = stored_rows(ctx)
    again = track.import_casefiles(ctx, files)
    # Each file names both sources again (4), a cohort each (2); 35 people, 175 events.
    assert again.nothing_new and again.unchanged == 4 + 2 + 35 + 175
    assert stored_rows(ctx) == before


def test_a_person_in_both_files_of_one_import_is_stored_once(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    person = {"id": "twice", "name": "Ana Solís", "aliases": ["Ani"], "cohorts": ["c-1"]}
    one = {"habeas": 1, "cohorts": [{"id": "c-1"}], "people": [person]}
    two = {"habeas": 1, "people": [person], "events": [{"person": "twice", "kind": "arrived", "date": "2024"}]}
    summary = track.import_casefiles(ctx, [write(tmp_path / "one.json", one), write(tmp_path / "two.json", two)])
    assert (summary.added["people"], summary.unchanged) == (1, 1)
    stored = track.timeline(ctx, "twice").person
    assert (stored.name, stored.aliases, stored.cohorts) == ("Ana Solís", ("Ani",), ("c-1",))
    with repository(ctx) as repo:
        assert repo.name_tokens(["twice"])["twice"] == set(name_tokens(repo.keyring, "Ana Solís", "Ani"))

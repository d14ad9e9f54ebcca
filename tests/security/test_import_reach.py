"""An import reaches only what its importer may reach: no person opened, compared or written past a group.

An editor whose groups reach one cohort imports files that name a person of another
cohort. Each case is a way in that an import once gave: re-declaring the person with the
editor's cohort (which opened the whole record), guessing a sensitive value (the answer
told a right guess from a wrong one), writing events onto the person, correcting their
events. Every one must be refused, change nothing, and answer exactly as for an id that
does not exist, or say only that the id is taken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from habeas.services import Actor, Context, NotFound, access, security, track
from habeas.services.track import InvalidInput
from habeas.settings import Settings

ADMIN = "tester"
EDITOR = "editor-a"
BASIS = "sexual_orientation"
A_NUMBER = "A012345678"
NAME = "Synthetic Outofreach Person"


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump({"habeas": 1, **doc}, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def world(tmp_path: Path, database_url: str):
    settings = Settings(data_dir=tmp_path / "home", database_url=database_url, config_path=tmp_path / "habeas.toml")
    admin = Context(settings, Actor(ADMIN))
    track.init_database(admin)
    seed = {
        "cohorts": [{"id": "coh-a"}, {"id": "coh-b"}],
        "people": [
            {"id": "p-001", "name": "Synthetic Reachable", "cohorts": ["coh-a"]},
            {
                "id": "p-002",
                "name": NAME,
                "cohorts": ["coh-b"],
                "identifiers": {"a_number": A_NUMBER},
                "sensitive": {"asylum_basis": [BASIS]},
            },
        ],
        "events": [{"id": "p-002-booked", "person": "p-002", "kind": "booked_in", "date": "2025-01-02"}],
    }
    track.import_casefiles(admin, [_write(tmp_path / "seed.yaml", seed)])
    security.add_user(admin, EDITOR, "editor")
    access.define_group(admin, "group-a", cohorts=["coh-a"])
    access.grant(admin, EDITOR, "group-a")
    return tmp_path, settings


def _editor(world) -> Context:
    return Context(world[1], Actor(EDITOR))


def _admin(world) -> Context:
    return Context(world[1], Actor(ADMIN))


def _import(world, doc: dict[str, Any], name: str = "attempt.yaml") -> str:
    """The editor's import, and the text of its answer (the summary or the refusal)."""
    try:
        summary = track.import_casefiles(_editor(world), [_write(world[0] / name, doc)])
    except InvalidInput as exc:
        return str(exc)
    return f"stored {summary.added} {summary.updated}"


def _stored_state(world) -> Any:
    """Everything an import could have changed, as the admin sees it."""
    exported = track.export_casefile(_admin(world), include_sensitive=True)
    return json.dumps([[p.__dict__ for p in exported.people], [e.id for e in exported.events]], default=str)


def _editor_can_read_p002(world) -> bool:
    try:
        track.timeline(_editor(world), "p-002")
    except NotFound:
        return False
    return True


def test_redeclaring_an_out_of_reach_person_in_the_editors_cohort_does_not_open_their_record(world) -> None:
    before = _stored_state(world)
    answer = _import(world, {"people": [{"id": "p-002", "cohorts": ["coh-a"]}]})
    assert "already taken" in answer and "nothing was imported" in answer
    assert not _editor_can_read_p002(world), "the membership must not have been committed"
    assert _stored_state(world) == before


@pytest.mark.parametrize(
    "field,right,wrong",
    [
        ("sensitive", {"asylum_basis": [BASIS]}, {"asylum_basis": ["political_opinion"]}),
        ("identifiers", {"a_number": A_NUMBER}, {"a_number": "A099999999"}),
        ("name", NAME, "Some Other Name"),
    ],
    ids=["asylum_basis", "a_number", "name"],
)
def test_a_guess_of_an_out_of_reach_persons_value_gets_one_answer_whether_right_or_wrong(world, field, right, wrong):
    answers = {
        guess: _import(world, {"people": [{"id": "p-002", field: value}]})
        for guess, value in (("right", right), ("wrong", wrong))
    }
    assert answers["right"] == answers["wrong"]
    assert "differ" not in answers["right"] and "already taken" in answers["right"]


def test_a_guess_leaves_an_audit_trace(world) -> None:
    _import(world, {"people": [{"id": "p-002", "sensitive": {"asylum_basis": [BASIS]}}]})
    entries = security.audit_log(_admin(world))
    assert any(e.actor == EDITOR and e.action == "import" and e.outcome == "denied" for e in entries)


def test_an_editor_cannot_write_events_onto_a_person_out_of_reach(world) -> None:
    before = _stored_state(world)
    answer = _import(world, {"events": [{"person": "p-002", "kind": "released", "date": "2025-02-01"}]})
    assert "unknown person 'p-002'" in answer
    assert _stored_state(world) == before


def test_an_out_of_reach_person_is_answered_as_an_id_that_does_not_exist(world) -> None:
    event = {"kind": "released", "date": "2025-02-01"}
    hidden = _import(world, {"events": [{"person": "p-002", **event}]})
    missing = _import(world, {"events": [{"person": "p-999", **event}]})
    assert hidden.replace("p-002", "ID") == missing.replace("p-999", "ID")


def test_an_editor_cannot_correct_or_answer_an_event_out_of_reach(world) -> None:
    correction = {"person": "p-001", "kind": "correction", "date": "2025-02-02", "supersedes": "p-002-booked",
                  "retract": True, "reason": "synthetic"}  # fmt: skip
    answer = _import(world, {"events": [correction]})
    assert "unknown event 'p-002-booked'" in answer


def test_an_editor_cannot_join_a_person_to_a_cohort_out_of_reach(world) -> None:
    answer = _import(world, {"people": [{"id": "p-001", "cohorts": ["coh-b"]}]})
    assert "unknown cohort 'coh-b'" in answer


def test_a_cohort_event_cannot_reach_the_members_of_a_cohort_out_of_reach(world) -> None:
    answer = _import(world, {"events": [{"cohort": "coh-b", "kind": "transferred", "date": "2025-02-01"}]})
    assert "unknown cohort 'coh-b'" in answer


def test_an_editor_still_adds_to_the_people_and_cohorts_in_reach(world) -> None:
    answer = _import(world, {"people": [{"id": "p-001", "aliases": ["Synthetic Alias"]}],
                             "events": [{"person": "p-001", "kind": "booked_in", "date": "2025-03-01"}]})  # fmt: skip
    assert answer.startswith("stored")
    assert any(e.kind == "booked_in" for e in track.timeline(_editor(world), "p-001").events)


def test_every_import_that_commits_is_audited_nothing_new_included(world) -> None:
    doc = {"people": [{"id": "p-001"}]}
    assert _import(world, doc).startswith("stored")  # nothing new: p-001 already holds all of it
    entries = [e for e in security.audit_log(_admin(world)) if e.actor == EDITOR and e.action == "import"]
    assert [(e.outcome, e.record_type, e.record_id) for e in entries][-1] == ("allowed", "person", "p-001")


def test_a_new_cohort_membership_is_never_reported_as_nothing_new(world) -> None:
    admin = _admin(world)
    joining = _write(world[0] / "join.yaml", {"people": [{"id": "p-002", "cohorts": ["coh-a"]}]})
    summary = track.import_casefiles(admin, [joining])
    assert not summary.nothing_new and summary.updated["people"] == 1


def test_import_file_names_and_digests_are_not_stored_in_clear(world, database_url) -> None:
    named = _write(world[0] / "hernandezromero-canary.yaml", {"sources": [{"id": "src-canary", "kind": "document"}]})
    track.import_casefiles(_admin(world), [named])
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        stored = json.dumps([list(r) for r in connection.execute(sa.text("SELECT files FROM imports"))], default=str)
    engine.dispose()
    import hashlib

    assert "hernandezromero" not in stored and "seed.yaml" not in stored
    assert hashlib.sha256(named.read_bytes()).hexdigest() not in stored
    with track.repository(_admin(world)) as repo:
        newest = max(r for r in repo.session.scalars(sa.select(sa.text("id")).select_from(sa.text("imports"))))
        assert repo.import_files(newest)[0]["name"] == "hernandezromero-canary.yaml"


def test_file_names_stored_in_clear_by_an_older_habeas_are_sealed_by_init(world, database_url) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE imports SET files = :f"), {"f": json.dumps([{"name": "older-canary.yaml"}])})
    track.init_database(_admin(world))
    with engine.connect() as connection:
        stored = json.dumps([r[0] for r in connection.execute(sa.text("SELECT files FROM imports"))], default=str)
    engine.dispose()
    assert "older-canary" not in stored
    with track.repository(_admin(world)) as repo:
        assert repo.import_files(1) == [{"name": "older-canary.yaml"}]


def test_a_person_out_of_reach_and_a_missing_one_get_the_same_answer(world) -> None:
    answers = []
    for person in ("p-002", "p-999"):
        with pytest.raises(NotFound) as caught:
            track.timeline(_editor(world), person)
        answers.append(str(caught.value).replace(person, "ID"))
    assert answers[0] == answers[1]


def test_concurrent_sqlite_imports_wait_for_each_other(tmp_path: Path) -> None:
    """Another writer holds SQLite's write lock for longer than the old ten seconds; the import waits, then lands."""
    import threading
    import time

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    settings = Settings(data_dir=tmp_path / "home", database_url=url, config_path=tmp_path / "habeas.toml")
    track.init_database(Context(settings, Actor(ADMIN)))
    holder = sa.create_engine(url).raw_connection()
    holder.execute("BEGIN IMMEDIATE")
    outcome: list[object] = []
    doc = {"people": [{"id": "p-busy"}]}
    worker = threading.Thread(
        target=lambda: outcome.append(
            track.import_casefiles(Context(settings, Actor(ADMIN)), [_write(tmp_path / "busy.yaml", doc)])
        )
    )
    worker.start()
    time.sleep(12)  # not a deadline: the lock is held past the old 10 s busy timeout, then released
    holder.rollback()
    holder.close()
    worker.join()
    assert outcome and not outcome[0].nothing_new


def test_the_export_service_decides_what_sensitive_fields_leave(world) -> None:
    """The case-file export strips sensitive fields itself; a face cannot forget to."""
    plain = track.export_casefile(_admin(world))
    full = track.export_casefile(_admin(world), include_sensitive=True)
    p002 = {p.id: p for p in plain.people}["p-002"]
    assert p002.sensitive == {} and p002.identifiers == {}
    assert {p.id: p for p in full.people}["p-002"].sensitive == {"asylum_basis": [BASIS]}

"""The web app's memory of who is in the database: bulk and one-by-one summaries agree, and writes refresh it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from web_helpers import TODAY, make_database

from habeas.domain.whereabouts import derive_whereabouts
from habeas.rules.alerts import by_person, changes
from habeas.rules.engine import check_timeline
from habeas.security.access import Scope
from habeas.services import Actor, Context, check, people, track
from habeas.services.directory import Directory

EVERYONE = Scope(all_records=True)


def _directory(folder: Path) -> tuple[Directory, Context]:
    ctx = Context(make_database(folder), Actor("admin"))
    return Directory(ctx), ctx


def _shape(summary):  # type: ignore[no-untyped-def]
    return summary.whereabouts.as_json(), [(f.rule, f.severity, f.certainty, f.evidence) for f in summary.flags]


def test_summaries_in_bulk_equal_what_the_services_derive(tmp_path: Path) -> None:
    directory, ctx = _directory(tmp_path)
    cards = directory.cards(EVERYONE)
    bulk = {pid: _shape(s) for pid, s in directory._compute(cards, TODAY).items()}
    settings = check.rule_settings(ctx)
    by_service = {}
    for card in cards:
        timeline = track.timeline(ctx, card.id)
        flags = check_timeline(timeline, TODAY, settings)
        by_service[card.id] = (
            derive_whereabouts(timeline, TODAY).as_json(),
            [(f.rule, f.severity, f.certainty, f.evidence) for f in flags],
        )
    assert bulk == by_service
    assert len(bulk) == 4 and any(c.cohorts for c in cards)  # cohort members take the other path


def test_nothing_is_summarised_before_a_page_asks(tmp_path: Path) -> None:
    directory, _ = _directory(tmp_path)
    cards = directory.cards(EVERYONE)
    assert directory._cache.summaries == {}
    directory.summaries(EVERYONE, [cards[0].id], TODAY)
    assert set(directory._cache.summaries) == {cards[0].id}


def test_an_import_elsewhere_is_noticed(tmp_path: Path) -> None:
    directory, ctx = _directory(tmp_path)
    assert [m.card.id for m in directory.search(EVERYONE, "Nueva Persona")] == []
    more = tmp_path / "more.yaml"
    more.write_text(yaml.safe_dump({"habeas": 1, "people": [{"id": "new-p", "name": "Nueva Persona Sintética"}]}))
    track.import_casefiles(ctx, [more])
    assert [m.card.id for m in directory.search(EVERYONE, "Nueva Persona")] == ["new-p"]


def test_a_write_refreshes_that_person_without_rebuilding_the_index(tmp_path: Path) -> None:
    directory, ctx = _directory(tmp_path)
    index = directory._index()
    before = directory.summaries(EVERYONE, ["ahr"], TODAY)[0]
    event = tmp_path / "event.yaml"
    event.write_text(yaml.safe_dump({"habeas": 1, "events": [
        {"person": "ahr", "kind": "proof_of_life", "date": "2025-05-31", "evidence": "call"}]}))  # fmt: skip
    track.import_casefiles(ctx, [event])  # no word to the directory: the database's change log tells it
    after = directory.summaries(EVERYONE, ["ahr"], TODAY)[0]
    assert before.days_without_proof_of_life == 77 and after.days_without_proof_of_life == 1
    assert directory._index() is index


def test_the_morning_alerts_equal_what_the_check_service_reports(tmp_path: Path) -> None:
    directory, ctx = _directory(tmp_path)
    since = date(2025, 4, 1)
    ours = people.alerts(ctx, since, TODAY, directory).as_json()
    # What the check service reports, person by person: the check as known then, and as known today.
    before = check.check(ctx, as_of=since, known_on=since)
    theirs = by_person(since, TODAY, changes(before, check.check(ctx, as_of=TODAY, known_on=TODAY))).as_json()
    assert ours == theirs
    assert ours["people"]  # something changed in those two months, so the comparison means something

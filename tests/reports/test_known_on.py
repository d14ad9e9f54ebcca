"""--known-on: a source published after the day is not cited, nor is an event that only such sources support."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from habeas.domain.dates import parse_date
from habeas.domain.model import Source
from habeas.domain.timeline import build_timeline
from habeas.domain.whereabouts import derive_whereabouts
from habeas.ingest.casefile import parse_casefiles
from habeas.reports.known import citable_on, published_by
from habeas.reports.model import Report, build_report

from .conftest import GENERATED_AT

CASE = Path(__file__).parent / "data" / "known-on.yaml"


def _report(known_on: date | None) -> Report:
    casefile = parse_casefiles([CASE])
    sources = {s.id: s for s in casefile.sources}
    timeline = citable_on(build_timeline(casefile.people[0], casefile.events, sources, known_on))
    return build_report(timeline, derive_whereabouts(timeline, date(2025, 5, 1)), [], generated_at=GENERATED_AT)


def test_a_later_source_is_not_cited_even_by_an_event_an_earlier_source_supports() -> None:
    report = _report(date(2025, 5, 1))
    assert [x.title for x in report.exhibits] == ["Synthetic early docket entry"]
    claim = next(line for line in report.chronology if line.event_id == "syn-k-claim")
    assert claim.sources == (1,)


def test_an_event_only_later_sources_support_is_left_out_though_reported_earlier() -> None:
    # The transfer was reported on 25 March, but its only source was published in July.
    shown = {line.event_id for line in _report(date(2025, 5, 1)).chronology}
    assert "syn-k-transfer" not in shown
    assert {"syn-k-claim", "syn-k-booked"} <= shown


def test_without_known_on_everything_is_cited() -> None:
    report = _report(None)
    assert {x.title for x in report.exhibits} == {
        "Synthetic early docket entry",
        "Synthetic July follow-up story",
        "Synthetic May feature, day not given",
    }
    assert "syn-k-transfer" in {line.event_id for line in report.chronology}


def test_a_source_dated_to_a_month_counts_from_the_months_last_day() -> None:
    assert "syn-k-allegation" not in {line.event_id for line in _report(date(2025, 5, 15)).chronology}
    report = _report(date(2025, 5, 31))
    allegation = next(line for line in report.chronology if line.event_id == "syn-k-allegation")
    assert allegation.what == "Allegation (alleged: gang membership; by: DHS (synthetic); basis: tattoo, social media)"


@pytest.mark.parametrize(
    ("written", "day", "expected"),
    [
        ("2025-05-01", date(2025, 5, 1), True),
        ("2025-05-02", date(2025, 5, 1), False),
        ("2025-05", date(2025, 5, 30), False),
        ("2025-05", date(2025, 5, 31), True),
        ("2025-03-21/2025-03-31", date(2025, 3, 25), False),
        (None, date(2025, 1, 1), True),
    ],
)
def test_when_a_source_counts_as_published(written: str | None, day: date, expected: bool) -> None:
    source = Source("s", "article", date=parse_date(written) if written else None)
    assert published_by(source, day) is expected

"""Properties of the rules over random synthetic timelines: order, retraction, known-on, evidence and sources."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.dates import DateRange, parse_date
from habeas.domain.model import Event, Person
from habeas.domain.vocabulary import KIND_BY_NAME
from habeas.rules.engine import check_timeline
from habeas.testing import SYNTHETIC_PERSON, event, source, timeline_of

START = date(2024, 6, 1)
SOURCE_IDS = ("src-a", "src-b", "src-c")
SOURCES = {s: source(s) for s in SOURCE_IDS}
COUNTRIES = st.sampled_from(["SV", "VE", "MX", "US"])


@st.composite
def written_date(draw: st.DrawFn) -> DateRange:
    """A day, a month, or a short range: the uncertain dates case files hold.

    Built as the interval parse_date gives for the text (checked below), because parsing
    EDTF text is what would make these properties slow.
    """
    day = START + timedelta(days=draw(st.integers(0, 500)))
    shape = draw(st.sampled_from(["day", "day", "month", "range"]))
    if shape == "month":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return DateRange(first, last, day.strftime("%Y-%m"))
    if shape == "range":
        end = day + timedelta(days=draw(st.integers(1, 10)))
        return DateRange(day, end, f"{day.isoformat()}/{end.isoformat()}")
    return DateRange.day(day)


@settings(max_examples=50, deadline=None)
@given(written_date())
def test_the_generated_dates_are_what_parse_date_reads(when: DateRange) -> None:
    assert parse_date(when.text) == when


FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "apprehended": {},
    "booked_in": {"facility": st.sampled_from(["A", "B"])},
    "transferred": {"facility": st.sampled_from(["A", "B"])},
    "released": {"reason": st.just("bond")},
    "removed": {"destination": COUNTRIES},
    "handed_over": {"country": COUNTRIES},
    "returned": {},
    "died": {},
    "claim_filed": {"claim": st.sampled_from(["asylum", "withholding", "cat"])},
    "hearing_scheduled": {"scheduled_for": written_date()},
    "decision": {
        "outcome": st.sampled_from(
            ["granted", "denied", "dismissed", "removal_order", "withholding_granted", "cat_granted", "stay_granted"]
        ),
        "claim": st.sampled_from(["asylum", "withholding", "cat"]),
        "protects_against": COUNTRIES,
        "in_absentia": st.booleans(),
        "decided_by": st.sampled_from(["immigration_judge", "bia"]),
    },
    "petition_filed": {
        "petition": st.sampled_from(["appeal", "habeas", "stay", "review", "reopen"]),
        "stay": st.sampled_from(["requested", "granted"]),
    },
    "contact": {"party": st.just("family"), "direct": st.booleans()},
    "proof_of_life": {"evidence": st.just("call")},
    "inquiry": {"by": st.just("congress")},
    "inquiry_answered": {"outcome": st.sampled_from(["answered", "denied", "no_response"])},
    "access_denied": {"who": st.just("counsel")},
    "allegation": {
        "basis": st.lists(st.sampled_from(["tattoo", "informant", "criminal_record"]), max_size=2, unique=True).map(
            tuple
        )
    },
    "record_check": {"result": st.sampled_from(["record_found", "none_found"]), "bears_on_allegation": st.booleans()},
    "bond_decision": {"outcome": st.sampled_from(["granted", "denied", "no_jurisdiction"])},
    "representation": {"action": st.sampled_from(["entered", "withdrawn"])},
    "locator_check": {"result": st.sampled_from(["found", "no_record"])},
}


@st.composite
def one_event(draw: st.DrawFn, index: int) -> Event:
    kind = draw(st.sampled_from(sorted(FIELDS)))
    spec = KIND_BY_NAME[kind]
    attrs = {
        name: draw(strategy)
        for name, strategy in FIELDS[kind].items()
        if spec.field(name).required or name == "claim" or draw(st.booleans())  # type: ignore[union-attr]
    }
    sources = tuple(draw(st.lists(st.sampled_from(SOURCE_IDS), min_size=1, max_size=2, unique=True)))
    return Event(f"e{index}", kind, draw(written_date()), person=SYNTHETIC_PERSON, attrs=attrs, sources=sources)


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    size = draw(st.integers(1, 14))
    return [draw(one_event(i)) for i in range(size)]


AS_OF = st.integers(0, 560).map(lambda n: START + timedelta(days=n))
PERSON = Person(id=SYNTHETIC_PERSON, citizenship="VE")


def flags_of(events: list[Event], as_of: date) -> list[dict[str, Any]]:
    return [f.as_json() for f in check_timeline(timeline_of(events, PERSON, SOURCES), as_of)]


@settings(max_examples=150, deadline=None)
@given(histories(), AS_OF, st.randoms(use_true_random=False))
def test_the_order_of_events_in_the_input_never_changes_the_flags(
    events: list[Event], as_of: date, shuffler: random.Random
) -> None:
    shuffled = list(events)
    shuffler.shuffle(shuffled)
    assert flags_of(shuffled, as_of) == flags_of(events, as_of)


@settings(max_examples=150, deadline=None)
@given(histories(), AS_OF, st.data())
def test_a_retracted_event_never_raises_a_flag(events: list[Event], as_of: date, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(events))
    retraction = event(
        "correction", "2024-06-01", id="retraction", supersedes=target.id, retract=True, reason="wrong person"
    )
    for flag in flags_of([*events, retraction], as_of):
        assert target.id not in flag["evidence"], flag
        assert "retraction" not in flag["evidence"], flag


@settings(max_examples=150, deadline=None)
@given(histories(), AS_OF)
def test_evidence_exists_and_sources_are_exactly_those_of_the_evidence(events: list[Event], as_of: date) -> None:
    timeline = timeline_of(events, PERSON, SOURCES)
    for flag in check_timeline(timeline, as_of):
        cited: set[str] = set()
        for event_id in flag.evidence:
            found = timeline.by_id(event_id)
            assert found is not None, f"{flag.rule} cites {event_id}, which is not in effect"
            assert found.date.earliest <= as_of, f"{flag.rule} cites {event_id}, which cannot have happened yet"
            cited.update(found.sources)
        assert set(flag.sources) == cited and len(flag.sources) == len(cited)
        assert flag.explanation and flag.legal_basis and flag.person == SYNTHETIC_PERSON


@settings(max_examples=100, deadline=None)
@given(histories(), AS_OF)
def test_rules_see_nothing_that_happened_after_as_of(events: list[Event], as_of: date) -> None:
    earlier = [e for e in events if e.date.earliest <= as_of]
    assert flags_of(earlier, as_of) == flags_of(events, as_of)


@settings(max_examples=100, deadline=None)
@given(histories(), AS_OF, st.data())
def test_an_event_known_only_later_never_changes_the_flags_as_known_on_an_earlier_day(
    events: list[Event], as_of: date, data: st.DataObject
) -> None:
    """What we knew on a day stays what we knew: a report that came later is left out under --known-on."""
    known_on = as_of
    dated = {s: source(s, known_on.isoformat()) for s in SOURCE_IDS}
    later = data.draw(st.lists(st.sampled_from(events), unique_by=lambda e: e.id, max_size=3))
    reported = DateRange.day(known_on + timedelta(days=1))
    moved = [replace(e, reported=reported) if e in later else e for e in events]
    kept = [e for e in events if e not in later]
    with_later = check_timeline(timeline_of(moved, PERSON, dated, known_on), as_of)
    without = check_timeline(timeline_of(kept, PERSON, dated, known_on), as_of)
    assert [f.as_json() for f in with_later] == [f.as_json() for f in without]


@settings(max_examples=100, deadline=None)
@given(histories(), AS_OF, st.data())
def test_an_event_and_its_retraction_cancel(events: list[Event], as_of: date, data: st.DataObject) -> None:
    """Recording an event and then retracting it leaves the flags of never having recorded it."""
    target = data.draw(st.sampled_from(events))
    retraction = event(
        "correction", "2024-06-01", id="retraction", supersedes=target.id, retract=True, reason="wrong person"
    )
    never = [e for e in events if e is not target]
    assert flags_of([*events, retraction], as_of) == flags_of(never, as_of)

"""A group's custody day by day agrees with whereabouts derived on each day; stays are measured honestly."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.dates import DayCount
from habeas.domain.model import Event, Person
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import derive_whereabouts
from habeas.stats.custody import custody_spans, daily_custody, stays, summarise_stays
from habeas.testing import event, timeline_of

D = date.fromisoformat


def _timeline(person: str, *events: Event):  # type: ignore[no-untyped-def]
    return timeline_of(list(events), person=Person(id=person))


def test_spans_follow_the_transition_table_and_uncertain_starts_are_marked() -> None:
    events = timeline_of(
        [
            event("booked_in", "2025-01", facility="A"),  # some day in January
            event("transferred", "2025-02-10", facility="B"),  # still in US custody
            event("removed", "2025-03-15", destination="SV"),
        ]
    ).events
    spans = custody_spans(events)
    assert [s.custody for s in spans] == [Custody.UNKNOWN, Custody.US_CUSTODY, Custody.US_CUSTODY, Custody.REMOVED]
    assert (spans[0].first, spans[0].last) == (None, D("2024-12-31"))
    assert (spans[1].first, spans[1].sure, spans[1].last) == (D("2025-01-01"), D("2025-01-31"), D("2025-02-09"))
    assert (spans[3].first, spans[3].last) == (D("2025-03-15"), None)


def test_days_before_an_uncertain_start_count_apart() -> None:
    a = _timeline("a", event("booked_in", "2025-01", person="a", facility="A"))
    b = _timeline("b", event("booked_in", "2025-01-10", person="b", facility="A"))
    counts = daily_custody([custody_spans(t.events) for t in (a, b)], D("2025-01-01"), D("2025-02-05"))
    assert counts.on(D("2025-01-05"))[Custody.US_CUSTODY] == 1  # a may be held; b not yet
    assert counts.unsure_on(D("2025-01-05")) == 1
    assert counts.on(D("2025-01-20")) == {**dict.fromkeys(Custody, 0), Custody.US_CUSTODY: 2}
    assert counts.unsure_on(D("2025-01-20")) == 1  # a's booking may still be after the 20th
    assert counts.unsure_on(D("2025-02-01")) == 0


EVENT_KINDS = st.sampled_from(
    [
        ("booked_in", {"facility": "A"}),
        ("transferred", {"facility": "B"}),
        ("released", {}),
        ("removed", {"destination": "SV"}),
        ("handed_over", {"country": "SV", "facility": "C"}),
        ("returned", {}),
        ("contact", {"party": "family", "channel": "phone", "direct": True}),
        ("died", {}),
    ]
)
DAY0 = D("2025-01-01")


@st.composite
def members(draw: st.DrawFn) -> list[list[Event]]:
    people = []
    for p in range(draw(st.integers(1, 4))):
        events = []
        for i in range(draw(st.integers(0, 5))):
            kind, fields = draw(EVENT_KINDS)
            start = DAY0 + timedelta(days=draw(st.integers(0, 60)))
            width = draw(st.sampled_from([0, 0, 3, 20]))
            written = start.isoformat() if not width else f"{start}/{start + timedelta(days=width)}"
            events.append(event(kind, written, person=f"p{p}", id=f"p{p}-e{i}", **fields))
        people.append(events)
    return people


@settings(max_examples=150, deadline=None)
@given(members())
def test_every_day_agrees_with_whereabouts_derived_that_day(people: list[list[Event]]) -> None:
    timelines = [_timeline(f"p{i}", *events) for i, events in enumerate(people)]
    end = DAY0 + timedelta(days=90)
    counts = daily_custody([custody_spans(t.events) for t in timelines], DAY0, end)
    for offset in range(0, 91, 3):
        day = DAY0 + timedelta(days=offset)
        derived = Counter(derive_whereabouts(t, day).custody for t in timelines)
        assert counts.on(day) == {c: derived.get(c, 0) for c in Custody}, day


def test_a_stay_runs_across_transfers_and_ends_when_custody_changes() -> None:
    timeline = timeline_of(
        [
            event("booked_in", "2025-01-10", facility="A"),
            event("transferred", "2025-02-10", facility="B"),
            event("removed", "2025-03-10/2025-03-12", destination="SV"),
            event("handed_over", "2025-03-12", country="SV", facility="C"),
        ]
    )
    found = stays("p", timeline.events, D("2025-06-01"))
    assert [(s.custody, s.length, s.ongoing) for s in found] == [
        (Custody.US_CUSTODY, DayCount(59, 61), False),  # 10 January to 10–12 March
        (Custody.FOREIGN_CUSTODY, DayCount(81, 81), True),  # still held on 1 June
    ]


def test_the_median_of_uncertain_lengths_is_a_range() -> None:
    made = [
        stays(str(i), timeline_of([event("booked_in", day, facility="A")]).events, D("2025-03-01"))[0]
        for i, day in enumerate(["2025-02-19", "2025-02", "2025-01-01"])
    ]
    summary = summarise_stays(made, Custody.US_CUSTODY)
    assert (summary.count, summary.ongoing) == (3, 3)
    assert (summary.median_low, summary.median_high) == (10, 28)  # lengths 10, 1–28, 59
    assert (summary.shortest, summary.longest) == (1, 59)
    assert summarise_stays(made, Custody.FOREIGN_CUSTODY).median_low is None

"""Whereabouts: custody follows the transition table; proof of life and pending matters are derived."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.model import Event, Person, Source
from habeas.domain.whereabouts import Vouching, derive_whereabouts, vouching
from habeas.testing import event, timeline_of

D = date.fromisoformat


def where(events: list[Event], as_of: str, **kw):  # type: ignore[no-untyped-def]
    return derive_whereabouts(timeline_of(events, **kw), D(as_of))


@pytest.mark.parametrize(
    ("events", "custody", "country", "facility"),
    [
        ([], "unknown", None, None),
        ([event("apprehended", "2025-01-02")], "us_custody", "US", None),
        ([event("booked_in", "2025-01-02", facility="Otay Mesa")], "us_custody", "US", "Otay Mesa"),
        (
            [event("booked_in", "2025-01-02", facility="A"), event("transferred", "2025-02-01", facility="B")],
            "us_custody",
            "US",
            "B",
        ),
        ([event("booked_in", "2025-01-02"), event("released", "2025-02-01", reason="bond")], "released", "US", None),
        ([event("booked_in", "2025-01-02"), event("removed", "2025-02-01", destination="SV")], "removed", "SV", None),
        (
            [event("removed", "2025-02-01", destination="SV"), event("handed_over", "2025-02-02", facility="CECOT")],
            "foreign_custody",
            "SV",
            "CECOT",
        ),
        (
            [event("handed_over", "2025-02-02", country="SV"), event("released", "2025-07-18", country="VE")],
            "released",
            "VE",
            None,
        ),
        ([event("removed", "2025-02-01", destination="SV"), event("returned", "2025-05-01")], "us_custody", "US", None),
        ([event("booked_in", "2025-01-02"), event("died", "2025-03-01")], "deceased", "US", None),
        (
            [event("booked_in", "2025-01-02", facility="A"), event("claim_filed", "2025-03-01", claim="asylum")],
            "us_custody",
            "US",
            "A",
        ),
    ],
)
def test_custody_follows_the_last_custody_event(events, custody, country, facility) -> None:  # type: ignore[no-untyped-def]
    w = where(events, "2025-12-31")
    assert (w.custody.value, w.country, w.facility) == (custody, country, facility)


def test_same_day_removal_and_hand_over_resolve_in_vocabulary_order() -> None:
    events = [event("handed_over", "2025-03-16", country="SV"), event("removed", "2025-03-16", destination="SV")]
    assert where(events, "2025-03-20").custody.value == "foreign_custody"


def test_as_of_looks_only_at_events_that_may_have_happened_by_then() -> None:
    events = [event("booked_in", "2025-01-02"), event("removed", "2025-03-15/2025-03-16", destination="SV")]
    assert where(events, "2025-03-14").custody.value == "us_custody"
    on_first_possible_day = where(events, "2025-03-15")
    assert on_first_possible_day.custody.value == "removed"
    assert str(on_first_possible_day.since) == "2025-03-15/2025-03-16"
    assert (on_first_possible_day.since.earliest, on_first_possible_day.since.latest) == (D("2025-03-15"),) * 2


@pytest.mark.parametrize(
    ("fields", "proves"),
    [
        ({"kind": "hearing_held", "attended": True}, True),
        ({"kind": "hearing_held", "attended": False}, False),
        ({"kind": "hearing_held"}, False),
        ({"kind": "contact", "direct": True, "party": "family"}, True),
        ({"kind": "contact", "direct": False, "party": "family"}, False),
        ({"kind": "proof_of_life", "evidence": "video"}, True),
        ({"kind": "inquiry", "by": "congress"}, False),
        ({"kind": "died"}, False),
        ({"kind": "transferred"}, True),
    ],
)
def test_what_counts_as_proof_of_life(fields, proves) -> None:  # type: ignore[no-untyped-def]
    kind = fields.pop("kind")
    w = where([event(kind, "2025-02-01", **fields)], "2025-03-01")
    assert (w.last_proof_of_life is not None) == proves
    if proves:
        assert w.days_without_proof_of_life.min == 28


def test_an_uncertain_proof_of_life_gives_a_range_of_days() -> None:
    w = where([event("proof_of_life", "2025-03", evidence="photo")], "2025-07-29")
    assert (w.days_without_proof_of_life.min, w.days_without_proof_of_life.max) == (120, 150)


def test_pending_claims_hearings_petitions_and_inquiries() -> None:
    events = [
        event("claim_filed", "2024-09", claim="asylum", id="c1"),
        event("hearing_scheduled", "2024-10-01", scheduled_for="2025-05-28", id="h1"),
        event("inquiry", "2025-04-01", by="congress", id="q1"),
        event("petition_filed", "2025-04-02", petition="habeas", id="p1"),
    ]
    pending = {p.event for p in where(events, "2025-05-01").pending}
    assert pending == {"c1", "h1", "q1", "p1"}
    assert {p.event for p in where(events, "2025-05-29").pending} == {"c1", "q1", "p1"}


@pytest.mark.parametrize(
    ("decision", "still_pending"),
    [
        ({"outcome": "dismissed", "claim": "asylum"}, {"c2"}),
        ({"outcome": "granted", "decides": "c2"}, {"c1"}),
        ({"outcome": "terminated"}, set()),
        ({"outcome": "stay_granted"}, {"c1", "c2"}),
    ],
)
def test_a_decision_closes_what_it_decides(decision, still_pending) -> None:  # type: ignore[no-untyped-def]
    events = [
        event("claim_filed", "2024-09", claim="asylum", id="c1"),
        event("claim_filed", "2024-09", claim="withholding", id="c2"),
        event("decision", "2025-01-10", **decision),
    ]
    assert {p.event for p in where(events, "2025-02-01").pending} == still_pending


def test_a_decision_after_a_petition_decides_the_petition_first() -> None:
    events = [
        event("claim_filed", "2024-09", claim="asylum", id="c1"),
        event("petition_filed", "2024-12-01", petition="appeal", id="p1"),
        event("decision", "2025-01-10", outcome="denied"),
    ]
    assert {p.event for p in where(events, "2025-02-01").pending} == {"c1"}


def test_an_answered_or_denied_inquiry_is_closed_and_a_silence_is_not() -> None:
    asked = event("inquiry", "2025-04-01", by="family", id="q1")
    silent = event("inquiry_answered", "2025-05-01", outcome="no_response", inquiry="q1")
    denied = event("inquiry_answered", "2025-05-02", outcome="denied", inquiry="q1")
    assert [p.event for p in where([asked, silent], "2025-06-01").pending] == ["q1"]
    assert where([asked, silent, denied], "2025-06-01").pending == ()


def test_retracting_an_event_removes_its_effect() -> None:
    removed = event("removed", "2025-03-15", destination="SV", id="r1")
    retraction = event("correction", "2025-04-01", supersedes="r1", retract=True, reason="wrong person")
    w = where([event("booked_in", "2025-01-01"), removed, retraction], "2025-05-01")
    assert w.custody.value == "us_custody"


def test_a_replacement_takes_the_place_of_what_it_corrects() -> None:
    wrong = event("transferred", "2025-02-10", facility="A", id="t1")
    fix = event(
        "correction",
        "2025-03-01",
        supersedes="t1",
        reason="log says B on the 12th",
        replacement={"kind": "transferred", "date": "2025-02-12", "facility": "B"},
    )
    tl = timeline_of([event("booked_in", "2025-01-01", facility="Z"), wrong, fix])
    statuses = {e.event.id: e.status for e in tl.entries}
    assert statuses["t1"] == "superseded"
    w = derive_whereabouts(tl, D("2025-02-11"))
    assert w.facility == "Z"
    assert derive_whereabouts(tl, D("2025-02-12")).facility == "B"


def test_known_on_leaves_out_events_reported_later() -> None:
    events = [
        event("booked_in", "2025-01-01", reported="2025-01-05"),
        event("removed", "2025-03-15", destination="SV", reported="2025-04-20"),
    ]
    assert derive_whereabouts(timeline_of(events, known_on=D("2025-04-01")), D("2025-04-01")).custody.value == (
        "us_custody"
    )
    assert derive_whereabouts(timeline_of(events, known_on=D("2025-04-20")), D("2025-04-01")).custody.value == (
        "removed"
    )


def test_a_cohort_event_applies_to_every_member() -> None:
    flight = event("removed", "2025-04-10/2025-04-12", person=None, cohort="flight", destination="MX")
    member = Person(id="m1", cohorts=("flight",))
    outsider = Person(id="m2")
    assert derive_whereabouts(timeline_of([flight], person=member), D("2025-05-01")).custody.value == "removed"
    assert derive_whereabouts(timeline_of([flight], person=outsider), D("2025-05-01")).custody.value == "unknown"


# -- properties -----------------------------------------------------------------

KIND_FIELDS = {
    "apprehended": {},
    "booked_in": {"facility": "A"},
    "transferred": {"facility": "B"},
    "released": {"reason": "bond"},
    "removed": {"destination": "SV"},
    "handed_over": {"country": "SV", "facility": "C"},
    "returned": {},
    "claim_filed": {"claim": "asylum"},
    "hearing_scheduled": {"scheduled_for": "2025-06-01"},
    "decision": {"outcome": "denied"},
    "contact": {"party": "family", "direct": True},
    "proof_of_life": {"evidence": "call"},
    "inquiry": {"by": "family"},
    "inquiry_answered": {"outcome": "denied"},
    "access_denied": {},
}
BASE = D("2025-01-01")


@st.composite
def events_strategy(draw: st.DrawFn, max_size: int = 12) -> list[Event]:
    result = []
    for i in range(draw(st.integers(0, max_size))):
        kind = draw(st.sampled_from(sorted(KIND_FIELDS)))
        start = BASE + timedelta(days=draw(st.integers(0, 200)))
        end = start + timedelta(days=draw(st.sampled_from([0, 0, 0, 1, 10])))
        date = start.isoformat() if end == start else f"{start.isoformat()}/{end.isoformat()}"
        result.append(event(kind, date, id=f"e{i}", **KIND_FIELDS[kind]))
    return result


AS_OF = st.integers(0, 260).map(lambda n: BASE + timedelta(days=n))


@settings(max_examples=150, deadline=None)
@given(events_strategy(), st.randoms(use_true_random=False), AS_OF)
def test_the_order_of_events_in_the_input_does_not_change_any_derivation(events, rnd, as_of) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert derive_whereabouts(timeline_of(events), as_of) == derive_whereabouts(timeline_of(shuffled), as_of)


@settings(max_examples=150, deadline=None)
@given(events_strategy(), events_strategy(max_size=1), AS_OF)
def test_adding_an_event_never_moves_the_last_proof_of_life_backwards(events, extra, as_of) -> None:  # type: ignore[no-untyped-def]
    extra = [Event(**{**e.__dict__, "id": "extra-" + e.id}) for e in extra]
    before = derive_whereabouts(timeline_of(events), as_of).last_proof_of_life
    after = derive_whereabouts(timeline_of(events + extra), as_of).last_proof_of_life
    if before is not None:
        assert after is not None
        assert after.latest >= before.latest


@settings(max_examples=150, deadline=None)
@given(events_strategy(), events_strategy(max_size=1), AS_OF)
def test_a_retracted_event_has_no_effect(events, extra, as_of) -> None:  # type: ignore[no-untyped-def]
    if not extra:
        return
    added = Event(**{**extra[0].__dict__, "id": "to-retract"})
    retraction = event("correction", "2025-01-01", supersedes="to-retract", retract=True, reason="error", id="x1")
    base = derive_whereabouts(timeline_of(events), as_of)
    with_retracted = derive_whereabouts(timeline_of([*events, added, retraction]), as_of)
    assert base == with_retracted


# -- the proof-of-life clock, weighed by who vouches -----------------------------------------------------------------

WEIGHED = {
    "gov": Source(id="gov", kind="government_statement"),
    "press": Source(id="press", kind="article", reliability="credible"),
    "rumour": Source(id="rumour", kind="interview", reliability="unverified"),
}
MEMBER = Person(id="p-synthetic", cohorts=("flight",))


def clock_of(events: list[Event], as_of: str = "2025-05-01"):  # type: ignore[no-untyped-def]
    return derive_whereabouts(timeline_of(events, person=MEMBER, sources=WEIGHED), D(as_of))


@pytest.mark.parametrize(
    ("fields", "weight"),
    [
        ({"cohort": "flight", "attested_by": "detaining_authority"}, Vouching.GROUP_CLAIM),
        ({"cohort": "flight", "sources": ["gov"]}, Vouching.GROUP_CLAIM),
        ({"cohort": "flight", "sources": ["gov"], "attested_by": "independent"}, Vouching.PROOF),
        ({"cohort": "flight", "sources": ["gov", "press"]}, Vouching.PROOF),
        ({"attested_by": "detaining_authority", "sources": ["gov"]}, Vouching.PROOF),
        ({"sources": ["rumour"]}, Vouching.UNVERIFIED),
        ({"sources": ["rumour", "press"]}, Vouching.PROOF),
        ({"cohort": "flight", "sources": ["rumour"]}, Vouching.UNVERIFIED),
    ],
)
def test_who_vouches_for_a_proof_of_life(fields, weight) -> None:  # type: ignore[no-untyped-def]
    person = {} if "cohort" in fields else {"person": "p-synthetic"}
    proof = event("proof_of_life", "2025-04-01", evidence="photo", **person, **fields)
    assert vouching(proof, WEIGHED) is weight


def test_a_locator_check_is_never_proof_of_life() -> None:
    check = event("locator_check", "2025-04-01", result="found", facility="A")
    assert vouching(check, WEIGHED) is None
    assert clock_of([check]).last_proof_of_life is None


def test_a_cohort_statement_by_the_detaining_authority_does_not_restart_each_members_clock() -> None:
    booked = event("booked_in", "2025-03-01", facility="A", sources=["press"])
    claim = event("proof_of_life", "2025-04-20", cohort="flight", evidence="official_confirmation", sources=["gov"])
    w = clock_of([booked, claim])
    assert (w.days_without_proof_of_life.min, w.days_without_proof_of_life.max) == (61, 61)
    assert claim.id not in w.evidence


def test_an_unverified_sign_of_life_leaves_the_days_a_range() -> None:
    booked = event("booked_in", "2025-03-01", facility="A", sources=["press"])
    call = event("proof_of_life", "2025-04-20", evidence="call", sources=["rumour"])
    w = clock_of([booked, call])
    assert (w.last_proof_of_life.earliest, w.last_proof_of_life.latest) == (D("2025-03-01"), D("2025-04-20"))
    assert (w.days_without_proof_of_life.min, w.days_without_proof_of_life.max) == (11, 61)
    assert w.evidence[-2:] == (booked.id, call.id)
    later = event("proof_of_life", "2025-04-25", evidence="visit", sources=["press"])
    assert clock_of([booked, call, later]).days_without_proof_of_life.max == 6  # a verified proof settles it


@pytest.mark.parametrize(
    ("ending", "clock"),
    [
        (None, "running"),
        (event("released", "2025-04-01", reason="bond"), "stopped"),
        (event("died", "2025-04-01"), "stopped"),
        (event("removed", "2025-04-01", destination="MX"), "running"),
    ],
)
def test_the_clock_stops_on_release_or_death_and_the_days_stay_a_fact(ending, clock) -> None:  # type: ignore[no-untyped-def]
    events = [event("booked_in", "2025-03-01", facility="A")] + ([ending] if ending else [])
    w = derive_whereabouts(timeline_of(events), D("2025-05-01"))
    assert w.as_json()["proof_of_life_clock"] == clock
    assert w.as_json()["days_without_proof_of_life"] is not None

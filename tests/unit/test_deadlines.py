"""Deadlines: a table of cases, each with what an immigration attorney would expect, in words, as its id.

Every person here is fictional (habeas.testing's synthetic person). Weekdays that matter:
2025-03-03 is a Monday, 2025-03-07 a Friday, 2025-04-06 a Sunday, 2025-05-03 a Saturday.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.deadlines import (
    DEADLINE_BY_ID,
    DEADLINES,
    MOOT_DESCRIPTIONS,
    Deadline,
    DeadlineSpec,
    DeadlineSpecError,
    HearingState,
    Moot,
    Period,
    Runs,
    Status,
    Unit,
    check_specs,
    deadlines,
    hearings,
    match,
    timeline_deadlines,
)
from habeas.domain.model import Event
from habeas.domain.posture import Finality, order_status
from habeas.domain.timeline import event_order
from habeas.testing import event, timeline_of

D = date.fromisoformat


def ordered(*events: Event) -> list[Event]:
    return sorted(events, key=event_order)


def ij_order(day: str, **fields: Any) -> Event:
    return event("decision", day, id="order", outcome="removal_order", court="Example Immigration Court", **fields)


def appeal(day: str, **fields: Any) -> Event:
    return event("petition_filed", day, id="appeal", petition="appeal", **fields)


def bia_dismisses(day: str) -> Event:
    return event("decision", day, id="bia-dismissal", outcome="dismissed")  # names no tribunal: it answers the appeal


BOOKED = event("booked_in", "2024-12-02", id="booked", facility="Example Processing Center")
APPEALED_AND_DISMISSED = [BOOKED, ij_order("2025-01-06"), appeal("2025-01-20"), bia_dismisses("2025-06-02")]
IN_ABSENTIA = [ij_order("2025-02-03", in_absentia=True)]
FINAL_BY_BIA = [BOOKED, ij_order("2025-01-10", decided_by="bia")]
RETURNED = event("returned", "2024-05-10", id="returned")

REOPENED = [*APPEALED_AND_DISMISSED, event("petition_filed", "2025-06-20", id="mtr", petition="reopen"),
            event("decision", "2025-06-25", id="reopened", outcome="granted", decides="mtr")]  # fmt: skip

# fmt: off
# (events, as of, deadline id, status (None: no such deadline), certainty, due earliest, due latest)
CASES = [
    # -- BIA appeal, 8 CFR 1003.38(b) --
    pytest.param([ij_order("2025-03-03")], "2025-03-10", "bia_appeal", "open", "certain", "2025-04-02", "2025-04-02",
                 id="bia appeal: 30 days after the judge's order, still open a week later"),
    pytest.param([ij_order("2025-03-07")], "2025-03-10", "bia_appeal", "open", "certain", "2025-04-07", "2025-04-07",
                 id="bia appeal: the 30th day is a Sunday, so Monday is the last day (1003.38(b))"),
    pytest.param([ij_order("2025-03-03"), appeal("2025-03-20")], "2025-03-25", "bia_appeal", "met", "certain",
                 "2025-04-02", "2025-04-02", id="bia appeal: met by an appeal filed within the 30 days"),
    pytest.param([ij_order("2025-03-03")], "2025-05-01", "bia_appeal", "missed", "certain", "2025-04-02",
                 "2025-04-02", id="bia appeal: missed, no appeal on record a month after the last day"),
    pytest.param([ij_order("2025-03-03")], "2025-04-03", "bia_appeal", "open", "possible", "2025-04-02",
                 "2025-04-02", id="bia appeal: the day after, still possibly open if the last day was a holiday"),
    pytest.param([ij_order("2025-03-03")], "2025-04-04", "bia_appeal", "missed", "certain", "2025-04-02",
                 "2025-04-02", id="bia appeal: two business days on, missed whatever the holidays"),
    pytest.param([ij_order("2025-03")], "2025-04-10", "bia_appeal", "open", "possible", "2025-03-31", "2025-04-30",
                 id="bia appeal: an order dated only to the month gives a range of last days; it may have passed"),
    pytest.param([ij_order("2025-03"), appeal("2025-04-15")], "2025-05-01", "bia_appeal", "met", "possible",
                 "2025-03-31", "2025-04-30", id="bia appeal: an appeal inside the range of last days possibly met it"),
    pytest.param([ij_order("2025-03-03"), appeal("2025-04-20")], "2025-05-01", "bia_appeal", "missed", "certain",
                 "2025-04-02", "2025-04-02", id="bia appeal: an appeal filed after the last day does not meet it"),
    pytest.param([event("decision", "2025-03-03", id="grant", outcome="granted", claim="asylum")], "2025-03-10",
                 "bia_appeal", "moot", "certain", "2025-04-02", "2025-04-02",
                 id="bia appeal: moot for the person when the judge granted asylum"),
    pytest.param([ij_order("2025-03-03", appeal_waived=True)], "2025-03-10", "bia_appeal", "moot", "certain",
                 "2025-04-02", "2025-04-02", id="bia appeal: moot once the person waived appeal"),
    pytest.param([event("decision", "2025-03-03", id="dismissal", outcome="dismissed", claim="asylum")],
                 "2025-03-10", "bia_appeal", "open", "certain", "2025-04-02", "2025-04-02",
                 id="bia appeal: a dismissal on DHS's motion is appealable, not moot"),
    pytest.param([ij_order("2025-03-03"), event("removed", "2025-03-05", id="removed", destination="SV")],
                 "2025-03-10", "bia_appeal", "open", "certain", "2025-04-02", "2025-04-02",
                 id="bia appeal: removal during the appeal period does not moot it"),
    pytest.param(FINAL_BY_BIA, "2025-01-20", "bia_appeal", None, None, None, None,
                 id="bia appeal: none from the BIA's own order"),
    pytest.param(IN_ABSENTIA, "2025-02-10", "bia_appeal", None, None, None, None,
                 id="bia appeal: none from an in-absentia order, which is reopened instead"),
    pytest.param([BOOKED, ij_order("2025-01-06"), appeal("2025-01-20")], "2025-03-01", "bia_appeal", "met",
                 "certain", "2025-02-05", "2025-02-05",
                 id="bia appeal: met, and the appeal pending keeps the order from being final"),
    # -- petition for review, 8 U.S.C. 1252(b)(1) --
    pytest.param(APPEALED_AND_DISMISSED, "2025-06-10", "petition_for_review", "open", "certain", "2025-07-02",
                 "2025-07-02", id="review: 30 days after the BIA dismissed the appeal"),
    pytest.param([*APPEALED_AND_DISMISSED, event("removed", "2025-06-15", id="removed", destination="GT")],
                 "2025-06-20", "petition_for_review", "open", "certain", "2025-07-02", "2025-07-02",
                 id="review: removal does not moot a petition for review"),
    pytest.param([*APPEALED_AND_DISMISSED, event("petition_filed", "2025-06-25", id="pfr", petition="review")],
                 "2025-06-30", "petition_for_review", "met", "certain", "2025-07-02", "2025-07-02",
                 id="review: met by a petition for review in time"),
    pytest.param(APPEALED_AND_DISMISSED, "2025-07-10", "petition_for_review", "missed", "certain", "2025-07-02",
                 "2025-07-02", id="review: missed, and a motion would not have tolled it"),
    pytest.param([BOOKED, ij_order("2025-01-06"), appeal("2025-01-20"),
                  event("decision", "2025-06", id="bia-june", outcome="dismissed")],
                 "2025-06-20", "petition_for_review", "open", "certain", "2025-07-01", "2025-07-30",
                 id="review: a BIA decision dated only to the month gives a range of last days"),
    pytest.param([ij_order("2025-03-03")], "2025-04-10", "petition_for_review", "open", "certain", "2025-05-05",
                 "2025-05-05", id="review: an order not appealed is final after the 30 days; its last day moves off "
                 "the weekend (FRAP 26(a)(1)(C))"),
    pytest.param([BOOKED, ij_order("2025-01-06"), appeal("2025-01-20")], "2025-03-01", "petition_for_review", None,
                 None, None, None, id="review: none while the BIA appeal is pending"),
    pytest.param(REOPENED,
                 "2025-06-30", "petition_for_review", "moot", "certain", "2025-07-02", "2025-07-02",
                 id="review: moot once reopening vacated the order"),
    # -- motions to reconsider and reopen, 8 U.S.C. 1229a(c)(6)-(7) --
    pytest.param(APPEALED_AND_DISMISSED, "2025-06-10", "motion_to_reconsider", "open", "certain", "2025-07-02",
                 "2025-07-02", id="reconsider: 30 days after the final order"),
    pytest.param(APPEALED_AND_DISMISSED, "2025-06-10", "motion_to_reopen", "open", "certain", "2025-08-31",
                 "2025-08-31", id="reopen: 90 days after the final order, a Sunday left as it is (file by it)"),
    pytest.param(REOPENED,
                 "2025-06-30", "motion_to_reopen", "met", "certain", "2025-08-31", "2025-08-31",
                 id="reopen: met by the motion that was granted"),
    pytest.param(APPEALED_AND_DISMISSED, "2025-09-15", "motion_to_reopen", "missed", "certain", "2025-08-31",
                 "2025-08-31", id="reopen: missed after 90 days (the exceptions are counsel's to weigh)"),
    # -- in-absentia orders, 8 U.S.C. 1229a(b)(5)(C) --
    pytest.param(IN_ABSENTIA, "2025-02-10", "in_absentia_exceptional", "open", "certain", "2025-08-02",
                 "2025-08-02", id="in absentia: 180 days to rescind for exceptional circumstances"),
    pytest.param(IN_ABSENTIA, "2026-01-10", "in_absentia_exceptional", "missed", "certain", "2025-08-02",
                 "2025-08-02", id="in absentia: the 180 days ran out"),
    pytest.param(IN_ABSENTIA, "2026-01-10", "in_absentia_notice_or_custody", "open", "certain", None, None,
                 id="in absentia: for lack of notice or custody, at any time"),
    pytest.param([*IN_ABSENTIA, event("petition_filed", "2026-02-01", id="rescind", petition="reopen")],
                 "2026-02-10", "in_absentia_notice_or_custody", "met", "certain", None, None,
                 id="in absentia: a motion to reopen at any time meets the open-ended one"),
    pytest.param(IN_ABSENTIA, "2025-02-10", "petition_for_review", "open", "certain", "2025-03-05", "2025-03-05",
                 id="in absentia: final when entered (1241.1(e)), so review runs from the order, not 30 days on"),
    pytest.param([BOOKED, *IN_ABSENTIA], "2025-02-10", "custody_review_90", "open", "certain", "2025-05-04",
                 "2025-05-04", id="in absentia: the removal period runs from the order itself"),
    pytest.param([*IN_ABSENTIA, event("petition_filed", "2026-02-01", id="rescind", petition="reopen")],
                 "2026-02-10", "in_absentia_exceptional", "missed", "certain", "2025-08-02", "2025-08-02",
                 id="in absentia: the same late motion misses the 180 days"),
    # -- post-order custody reviews, 8 CFR 241.4(k) --
    pytest.param(FINAL_BY_BIA, "2025-02-01", "custody_review_90", "open", "certain", "2025-04-10", "2025-04-10",
                 id="custody review: ICE owes a review within 90 days of the final order"),
    pytest.param(FINAL_BY_BIA, "2025-05-01", "custody_review_90", "unknown", "certain", "2025-04-10", "2025-04-10",
                 id="custody review: past the day, the record cannot show whether ICE held it"),
    pytest.param(FINAL_BY_BIA, "2025-02-01", "custody_review_180", "open", "certain", "2025-07-09", "2025-07-09",
                 id="custody review: the headquarters review at 180 days"),
    pytest.param([*FINAL_BY_BIA, event("released", "2025-03-01", id="released", reason="order_of_supervision")],
                 "2025-03-10", "custody_review_90", "moot", "certain", "2025-04-10", "2025-04-10",
                 id="custody review: moot once released"),
    pytest.param([*FINAL_BY_BIA, event("removed", "2025-03-01", id="removed", destination="HN")], "2025-03-10",
                 "custody_review_180", "moot", "certain", "2025-07-09", "2025-07-09",
                 id="custody review: moot once removed"),
    pytest.param([ij_order("2025-01-10", decided_by="bia")], "2025-02-01", "custody_review_90", "unknown", "certain",
                 "2025-04-10", "2025-04-10", id="custody review: unknown when the record shows no custody at all"),
    # -- asylum one year, 8 U.S.C. 1158(a)(2)(B) --
    pytest.param([RETURNED], "2024-06-01", "asylum_one_year", "open", "certain", "2025-05-10", "2025-05-10",
                 id="asylum: one year from the last arrival the record dates"),
    pytest.param([RETURNED, event("claim_filed", "2025-03", id="i589", claim="asylum")], "2025-04-01",
                 "asylum_one_year", "met", "certain", "2025-05-10", "2025-05-10",
                 id="asylum: met by a claim filed in March, whatever day"),
    pytest.param([RETURNED, event("claim_filed", "2025-06-02", id="i589", claim="asylum")], "2025-06-10",
                 "asylum_one_year", "missed", "certain", "2025-05-10", "2025-05-10",
                 id="asylum: filed after the year (an exception is counsel's to argue)"),
    pytest.param([event("apprehended", "2025-01-02", id="caught")], "2025-02-01", "asylum_one_year", "unknown",
                 "certain", None, None, id="asylum: unknown, an apprehension is not an arrival"),
    pytest.param([RETURNED, event("decision", "2025-02-01", id="grant", outcome="granted", claim="asylum")],
                 "2025-06-01", "asylum_one_year", "moot", "certain", "2025-05-10", "2025-05-10",
                 id="asylum: moot once asylum is granted"),
    pytest.param([], "2025-02-01", "asylum_one_year", "unknown", "certain", None, None,
                 id="asylum: unknown on an empty record, never guessed"),
    pytest.param([event("arrived", "2024-08-20", id="came", manner="without_inspection")], "2025-02-01",
                 "asylum_one_year", "open", "certain", "2025-08-20", "2025-08-20",
                 id="asylum: one year from an arrival without inspection"),
    pytest.param([event("arrived", "2024-08", id="came")], "2025-02-01", "asylum_one_year", "open", "certain",
                 "2025-08-01", "2025-08-31", id="asylum: arrived some day in August: the last day is a range"),
    pytest.param([RETURNED, event("arrived", "2025-03-01", id="came-again")], "2025-04-01", "asylum_one_year",
                 "open", "certain", "2026-03-01", "2026-03-01",
                 id="asylum: a later arrival restarts the year, whichever kind dated the earlier one"),
    # -- death moots every deadline --
    pytest.param([*APPEALED_AND_DISMISSED, event("died", "2025-06-05", id="died")], "2025-06-10",
                 "petition_for_review", "moot", "certain", "2025-07-02", "2025-07-02",
                 id="any deadline: moot when the record shows the person died"),
]
# fmt: on


@pytest.mark.parametrize(("events", "as_of", "deadline", "status", "certainty", "earliest", "latest"), CASES)
def test_deadline_cases(
    events: list[Event],
    as_of: str,
    deadline: str,
    status: str | None,
    certainty: str | None,
    earliest: str | None,
    latest: str | None,
) -> None:
    found = [d for d in deadlines(ordered(*events), D(as_of)) if d.spec.id == deadline]
    if status is None:
        assert found == []
        return
    assert len(found) == 1, found
    (result,) = found
    assert (result.status.value, result.certainty.value) == (status, certainty), result.reason
    due = (result.due.earliest.isoformat(), result.due.latest.isoformat()) if result.due else (None, None)
    assert due == (earliest, latest)
    assert result.reason and result.spec.basis


def one(events: list[Event], as_of: str, deadline: str) -> Deadline:
    (found,) = [d for d in deadlines(ordered(*events), D(as_of)) if d.spec.id == deadline]
    return found


def test_a_met_deadline_names_the_event_that_met_it() -> None:
    result = one([ij_order("2025-03-03"), appeal("2025-03-20")], "2025-03-25", "bia_appeal")
    assert result.evidence == ("order", "appeal") and "appeal" in result.reason


def test_an_order_final_without_the_bia_says_what_review_can_hear() -> None:
    result = one([ij_order("2025-03-03")], "2025-04-10", "petition_for_review")
    assert any("1252(d)(1)" in note for note in result.notes)
    assert result.runs_from is not None and result.runs_from.earliest == D("2025-04-03")


def test_an_in_absentia_order_against_a_person_in_custody_says_so() -> None:
    result = one([BOOKED, *IN_ABSENTIA], "2025-02-10", "in_absentia_notice_or_custody")
    assert any("in US custody" in note and "booked" in note for note in result.notes)
    assert one(IN_ABSENTIA, "2025-02-10", "in_absentia_notice_or_custody").notes == ()


def test_an_asylum_claim_without_an_arrival_is_noted_not_judged() -> None:
    claim = event("claim_filed", "2024", id="claim", claim="asylum")
    result = one([claim], "2025-02-01", "asylum_one_year")
    assert result.status == Status.UNKNOWN and "last arrival" in result.reason
    assert result.evidence == ("claim",) and "cannot say" in result.notes[0]


def test_only_the_last_arrival_counts() -> None:
    later = event("returned", "2025-01-15", id="returned-again")
    assert one([RETURNED, later], "2025-02-01", "asylum_one_year").trigger == "returned-again"


def test_two_decisions_of_one_day_set_one_appeal_deadline() -> None:
    denial = event("decision", "2025-03-03", id="denial", outcome="denied", claim="asylum")
    found = [
        d for d in deadlines(ordered(denial, ij_order("2025-03-03")), D("2025-03-10")) if d.spec.id == "bia_appeal"
    ]
    assert len(found) == 1 and set(found[0].evidence) == {"denial", "order"}


def test_json_has_the_documented_shape() -> None:
    data = one([ij_order("2025-03-03")], "2025-03-10", "bia_appeal").as_json()
    assert list(data) == ["person", "deadline", "label", "as_of", "status", "certainty", "due", "days_left",
                          "runs_from", "reason", "notes", "legal_basis", "met_by", "owed_by", "evidence",
                          "sources"]  # fmt: skip
    assert data["days_left"] == {"min": 23, "max": 23} and data["legal_basis"] == "8 CFR 1003.38(b)"


def test_a_timeline_gives_each_deadline_its_person_and_sources() -> None:
    order = event("decision", "2025-03-03", id="order", outcome="removal_order", sources=["s-order"])
    (found,) = [d for d in timeline_deadlines(timeline_of([order]), D("2025-03-10")) if d.spec.id == "bia_appeal"]
    assert found.person == "p-synthetic" and found.sources == ("s-order",)


# -- the table is data, checked against the vocabulary --------------------------------------------------------


def test_every_row_has_an_exact_cite_and_a_label() -> None:
    assert {spec.id for spec in DEADLINES} == set(DEADLINE_BY_ID)
    for spec in DEADLINES:
        assert spec.basis.startswith(("8 CFR", "8 U.S.C.")) and spec.label and spec.description


def _spec(**changes: Any) -> DeadlineSpec:
    base: dict[str, Any] = {
        "id": "probe", "label": "Probe", "description": "a probe", "trigger": match("decision", outcome=("denied",)),
        "runs_from": Runs.EVENT, "period": Period(10), "basis": "8 CFR 0", "met_by": None,
    }  # fmt: skip
    return DeadlineSpec(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"trigger": match("landed")}, "unknown trigger kind 'landed'", id="a kind the vocabulary lacks"),
        pytest.param({"trigger": match("decision", verdict=("x",))}, "no field 'verdict'", id="a field the kind lacks"),
        pytest.param({"trigger": match("decision", outcome=("won",))}, "cannot be ['won']", id="a value not allowed"),
        pytest.param({"met_by": match("petition_filed", petition=())}, "cannot be nothing", id="no values at all"),
        pytest.param({"period": Period(0)}, "positive number", id="a period of no days"),
        pytest.param({"id": "Bad Id"}, "snake_case", id="an id that is not snake_case"),
        pytest.param({"runs_from": Runs.FINAL_ORDER}, "only a removal order", id="finality of something else"),
    ],
)
def test_a_bad_row_is_refused_with_a_clear_error(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(DeadlineSpecError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        check_specs([_spec(**changes)])


def test_two_rows_with_one_id_are_refused() -> None:
    with pytest.raises(DeadlineSpecError, match="unique"):
        check_specs([_spec(), _spec()])


def test_a_new_row_applies_without_new_code() -> None:
    spec = _spec(met_by=match("petition_filed", petition=("appeal",)), moot_when=(Moot.RELIEF_GRANTED,))
    found = deadlines([event("decision", "2025-03-03", id="d", outcome="denied")], D("2025-03-05"), [spec])
    assert [(d.spec.id, d.status, d.due and d.due.earliest) for d in found] == [("probe", "open", D("2025-03-13"))]


def test_a_year_from_29_february_ends_on_28_february() -> None:
    assert Period(1, Unit.YEARS).after(D("2024-02-29")) == D("2025-02-28")
    assert str(Period(1, Unit.YEARS)) == "1 year" and str(Period(30)) == "30 days"


# -- the appeal deadline and posture's finality agree ---------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.dates(D("2024-01-01"), D("2026-12-31")), st.integers(0, 3), st.integers(0, 45))
def test_the_appeal_deadline_agrees_with_finality(start: date, spread: int, offset: int) -> None:
    text = start.isoformat() if spread == 0 else f"{start}/{start + timedelta(days=spread)}"
    order = ij_order(text)
    day = start + timedelta(days=offset)
    result = one([order], day.isoformat(), "bia_appeal")
    finality = order_status([order], day)
    assert finality is not None
    if result.status == Status.MISSED:
        assert finality.finality == Finality.FINAL, (result.reason, finality.basis)
    if finality.finality == Finality.NOT_FINAL:
        assert result.status == Status.OPEN, result.reason
    if result.status == Status.OPEN and result.certainty == "certain":
        assert finality.finality == Finality.NOT_FINAL


# -- hearings -------------------------------------------------------------------------------------------------


def hearing(scheduled_for: str, ident: str = "hearing", **fields: Any) -> Event:
    return event("hearing_scheduled", "2025-03-01", id=ident, scheduled_for=scheduled_for, **fields)


@pytest.mark.parametrize(
    ("events", "as_of", "state"),
    [
        pytest.param([hearing("2025-04-20")], "2025-04-01", "scheduled", id="set and still ahead"),
        pytest.param([hearing("2025-04-20"), event("hearing_held", "2025-04-20", id="held", attended=True)],
                     "2025-05-01", "held", id="held on its day"),
        pytest.param([hearing("2025-04-20")], "2025-05-01", "nothing_recorded", id="passed with nothing recorded"),
        pytest.param([hearing("2025-04-20"), event("decision", "2025-04-20", id="d", outcome="removal_order")],
                     "2025-05-01", "nothing_recorded", id="a decision that names no hearing leaves it unanswered"),
        pytest.param([hearing("2025-04-20"), event("decision", "2025-04-01", id="t", outcome="terminated")],
                     "2025-05-01", None, id="ended before its day: not on the agenda"),
        pytest.param([hearing("2025-04-20", proceeding="bond"),
                      event("bond_decision", "2025-04-20", id="bond", outcome="granted")],
                     "2025-05-01", "held", id="a bond decision answers a bond hearing"),
    ],
)  # fmt: skip
def test_hearing_states(events: list[Event], as_of: str, state: str | None) -> None:
    found = hearings(ordered(*events), D(as_of))
    assert [h.state.value for h in found] == ([state] if state else [])


def test_a_terminated_case_closes_its_hearing_after_the_day_as_decided() -> None:
    events = ordered(hearing("2025-04-20"), event("decision", "2025-04-20", id="t", outcome="terminated"))
    (found,) = hearings(events, D("2025-05-01"))
    assert found.state == HearingState.DECIDED and found.closed_by == "t"


# -- the docs keep up with the table ----------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deadlines.md"


def docs_row(spec: DeadlineSpec) -> str:
    runs = "the order became final" if spec.runs_from == Runs.FINAL_ORDER else "the event"
    met = f"`{spec.met_by}`" if spec.met_by else "nothing the record can show"
    moot = ", ".join(m.value for m in (*spec.moot_when, Moot.DIED))
    period = str(spec.period) if spec.period else "no limit"
    return f"| `{spec.id}` | {period} after {runs} | {spec.basis} | {met} | {moot} | {spec.weekend_rule or 'no'} |"


def test_docs_table_is_the_deadline_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `") and line.split("`")[1] in DEADLINE_BY_ID]
    assert rows == [docs_row(spec) for spec in DEADLINES]
    for spec in DEADLINES:
        assert f"### {spec.label} (`{spec.id}`)" in text, spec.id
        assert f"`{spec.trigger}`" in text, spec.id
    for moot, description in MOOT_DESCRIPTIONS.items():
        assert f"`{moot.value}`: {description}" in text

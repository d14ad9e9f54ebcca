"""Custody rules: foreign custody, the proof-of-life clock, prolonged detention, transfers, re-detention."""

from __future__ import annotations

from typing import Any

import pytest
from rulecheck import SOURCES, D, ev, outcome, run

from habeas.domain.model import Person, Source
from habeas.rules.engine import check_timeline
from habeas.rules.flag import Flag
from habeas.rules.registry import RULE_BY_ID
from habeas.rules.settings import RuleSettings
from habeas.testing import SYNTHETIC_PERSON, source, timeline_of

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
BOOKED = ev("booked_in", "2025-01-01", "booked", facility="Processing Center A")


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([ev("removed", "2025-03-15", destination="SV"), ev("handed_over", "2025-03-16", country="SV")],
                     "2025-04-01", WARNING, id="removed then handed to a foreign prison"),
        pytest.param([ev("removed", "2025-03-15", destination="SV")], "2025-04-01", None, id="removed, no hand-over"),
        pytest.param([ev("handed_over", "2025-03-16", country="US", to="US Marshals")], "2025-04-01", None,
                     id="handed to another US authority"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"), ev("handed_over", "2025-03", country="SV")],
                     "2025-03-10", WARNING_POSSIBLE, id="hand-over may fall after as-of"),
    ],
)  # fmt: skip
def test_foreign_custody(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("foreign_custody", events, as_of)) == expected


def test_foreign_custody_says_whether_the_person_is_still_held() -> None:
    held = [ev("removed", "2025-03-15", destination="SV"), ev("handed_over", "2025-03-16", country="SV")]
    (flag,) = run("foreign_custody", held, "2025-04-01")
    assert "still held there on 2025-04-01" in flag.explanation
    # Changed with the second edition of the rules: once released, a past hand-over is history, not a flag.
    assert run("foreign_custody", [*held, ev("released", "2025-07-18", country="VE")], "2025-08-01") == []
    # Handed on to a second state: one flag, for the custody the person is in, naming the first.
    moved = [*held, ev("handed_over", "2025-07-18", "second", country="VE", to="Venezuelan authorities")]
    (flag,) = run("foreign_custody", moved, "2025-07-20")
    assert flag.evidence[-1] == "second" and "Before that" in flag.explanation


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([BOOKED], "2025-01-08", None, id="7 days: not more than warning_days"),
        pytest.param([BOOKED], "2025-01-09", WARNING, id="8 days: past warning_days"),
        pytest.param([BOOKED], "2025-01-31", WARNING, id="30 days: not more than critical_days"),
        pytest.param([BOOKED], "2025-02-01", CRITICAL, id="31 days: past critical_days"),
        pytest.param([ev("booked_in", "2025-01")], "2025-02-05", CRITICAL_POSSIBLE, id="5–35 days"),
        pytest.param([ev("booked_in", "2025-01-20/2025-01-25")], "2025-01-30", WARNING_POSSIBLE, id="5–10 days"),
        pytest.param([ev("booked_in", "2025-01-10/2025-01-20")], "2025-02-15", CRITICAL_POSSIBLE,
                     id="26–36 days: certainly a warning, possibly critical"),
        pytest.param([BOOKED, ev("contact", "2025-01-25", party="attorney", direct=True)], "2025-02-01", None,
                     id="a direct contact restarts the clock"),
        pytest.param([BOOKED, ev("contact", "2025-01-25", party="attorney", direct=False)], "2025-02-01", CRITICAL,
                     id="a message through others is not proof of life"),
        pytest.param([BOOKED, ev("released", "2025-01-05", reason="bond")], "2025-03-01", None, id="released"),
        pytest.param([BOOKED, ev("died", "2025-01-05")], "2025-03-01", None, id="deceased"),
        pytest.param([BOOKED, ev("removed", "2025-01-05", destination="SV")], "2025-03-01", CRITICAL,
                     id="removed with nothing after: unknown whereabouts"),
        pytest.param([ev("proof_of_life", "2025-01-01", evidence="photo")], "2025-03-01", CRITICAL,
                     id="no custody event: unknown whereabouts"),
        pytest.param([ev("claim_filed", "2025-01-01", claim="asylum")], "2025-03-01", None,
                     id="no proof of life on record at all"),
    ],
)  # fmt: skip
def test_no_proof_of_life(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("no_proof_of_life", events, as_of)) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2025-01-02", None), ("2025-01-03", WARNING), ("2025-01-11", WARNING), ("2025-01-12", CRITICAL)],
)
def test_no_proof_of_life_thresholds_come_from_settings(as_of, expected) -> None:  # type: ignore[no-untyped-def]
    settings = {"no_proof_of_life": {"warning_days": 1, "critical_days": 10}}
    assert outcome(run("no_proof_of_life", [BOOKED], as_of, settings=settings)) == expected


def test_no_proof_of_life_keeps_uncertain_days_as_a_range() -> None:
    (flag,) = run("no_proof_of_life", [ev("booked_in", "2025-01")], "2025-02-05")
    assert "No proof of life for 5–35 days" in flag.explanation
    assert "certainly more than" not in flag.explanation  # 5 days is not certainly past 7
    (flag,) = run("no_proof_of_life", [ev("booked_in", "2025-01-10/2025-01-20")], "2025-02-15")
    assert "26–36 days" in flag.explanation and "certainly more than 7" in flag.explanation


# Unbroken US custody from 2025-01-01: 180 days on 2025-06-30.
ORDER = ev("decision", "2025-01-10", "order", outcome="removal_order")


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([BOOKED], "2025-06-30", None, id="180 days: not more than days"),
        pytest.param([BOOKED], "2025-07-01", WARNING, id="181 days"),
        pytest.param([BOOKED, ev("transferred", "2025-03-01", facility="B")], "2025-07-01", WARNING,
                     id="a transfer does not break custody"),
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="bond"), ev("booked_in", "2025-03-01")],
                     "2025-07-01", None, id="a release breaks custody"),
        pytest.param([BOOKED, ev("removed", "2025-06-01", destination="SV")], "2025-07-01", None,
                     id="not in US custody any more"),
        # Changed with the posture's finality (8 CFR 1241.1): an order of 2025-01-10 with no appeal becomes final
        # only when the 30 days to appeal run out (Monday 2025-02-10; possibly final on the 11th, as a holiday may
        # move the last day), no longer on the day it was entered. The six months count from then.
        pytest.param([BOOKED, ORDER], "2025-08-10", WARNING, id="180 days after the order became final"),
        pytest.param([BOOKED, ORDER], "2025-08-11", CRITICAL_POSSIBLE,
                     id="181 days after the first day it may be final"),
        pytest.param([BOOKED, ORDER], "2025-08-12", CRITICAL, id="181 days after the order became final"),
        # Changed: a petition for review does not keep a removal order from being final (8 U.S.C. 1252(b)(3)(B)).
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="review")], "2025-08-12", CRITICAL,
                     id="a petition for review without a stay leaves the order final"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="review", stay="granted",
                                        stay_type="judicial")], "2025-08-12", WARNING,
                     id="a court's stay: the removal period has not begun"),
        pytest.param([BOOKED, ORDER, ev("decision", "2025-02-01", outcome="stay_granted", stay_type="administrative",
                                        decided_by="dhs")], "2025-08-12", CRITICAL,
                     id="a stay DHS granted itself does not hold the removal period back"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="appeal")], "2025-12-01", WARNING,
                     id="a pending BIA appeal keeps the order from being final"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-03-20", petition="appeal")], "2025-08-12", CRITICAL,
                     id="an appeal filed after the 30 days does not"),
        pytest.param([BOOKED, ev("decision", "2025-01-10", outcome="removal_order", appeal_waived=True)],
                     "2025-07-10", CRITICAL, id="appeal waived: final when entered"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="appeal"),
                      ev("decision", "2025-03-01", outcome="dismissed")], "2025-08-28", WARNING,
                     id="appeal dismissed: 180 days after it"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="appeal"),
                      ev("decision", "2025-03-01", outcome="dismissed")], "2025-08-29", CRITICAL,
                     id="appeal dismissed: 181 days after it"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="appeal"),
                      ev("decision", "2025-03-01", outcome="granted")], "2025-12-01", WARNING,
                     id="appeal granted: no final order"),
        pytest.param([ev("booked_in", "2025-01")], "2025-07-15", WARNING_POSSIBLE, id="165–195 days"),
    ],
)  # fmt: skip
def test_prolonged_detention(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("prolonged_detention", events, as_of)) == expected


def test_post_order_clock_starts_with_custody_when_custody_came_later() -> None:
    events = [ev("decision", "2024-01-10", outcome="removal_order"), ev("apprehended", "2025-01-01")]
    assert outcome(run("prolonged_detention", events, "2025-06-30")) is None
    assert outcome(run("prolonged_detention", events, "2025-07-01")) == CRITICAL


def test_prolonged_detention_evidence_names_the_order() -> None:
    # Changed: as of 2025-08-12, not 2025-07-10 (the order is final from the end of the 30 days to appeal).
    (flag,) = run("prolonged_detention", [BOOKED, ORDER], "2025-08-12")
    assert flag.evidence == ("booked", "order")
    assert "Zadvydas" in flag.legal_basis
    assert "final from 2025-02-11/2025-02-12" in flag.explanation and "1241.1(c)" in flag.explanation


def test_the_order_is_final_from_the_bia_decision_that_upholds_it() -> None:
    appeal = ev("petition_filed", "2025-01-20", "appeal", petition="appeal")
    dismissed = ev("decision", "2025-03-01", "dismissed", outcome="dismissed")
    (flag,) = run("prolonged_detention", [BOOKED, ORDER, appeal, dismissed], "2025-08-29")
    assert flag.evidence == ("booked", "order", "dismissed")
    assert "final from 2025-03-01" in flag.explanation


# -- the proof-of-life clock, weighed by who vouches ----------------------------------------------------------------

MEMBER = Person(id=SYNTHETIC_PERSON, citizenships=("VE",), cohorts=("flight-1",))
WEIGHED_SOURCES = {
    **SOURCES,
    "statement": source("statement", kind="government_statement"),
    "rumour": Source(id="rumour", kind="interview", reliability="unverified"),
    "press": source("press", kind="article"),
}
HANDED = [ev("removed", "2025-03-15", "rm", destination="SV"), ev("handed_over", "2025-03-16", "ho", country="SV")]


def run_member(rule: str, events: list[Any], as_of: str, person: Person = MEMBER) -> list[Flag]:
    timeline = timeline_of(events, person=person, sources=WEIGHED_SOURCES)
    return check_timeline(timeline, D(as_of), RuleSettings(), rules=[RULE_BY_ID[rule]])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param([], CRITICAL, id="46 days since the hand-over"),
        pytest.param([ev("proof_of_life", "2025-04-25", cohort="flight-1", evidence="official_confirmation",
                         attested_by="detaining_authority")], CRITICAL,
                     id="the jailer's word about all the men does not stop the clock for one of them"),
        pytest.param([ev("proof_of_life", "2025-04-25", cohort="flight-1", evidence="official_confirmation",
                         sources=["statement"])], CRITICAL,
                     id="a cohort event resting only on government statements is the detaining authority's word"),
        pytest.param([ev("proof_of_life", "2025-04-25", cohort="flight-1", evidence="photo", attested_by="journalist",
                         sources=["press"])], None,
                     id="a cohort photo a journalist vouches for does stop it"),
        pytest.param([ev("proof_of_life", "2025-04-25", evidence="official_confirmation",
                         attested_by="detaining_authority", sources=["statement"])], None,
                     id="the detaining authority's word about this person alone is weighed as proof"),
        pytest.param([ev("proof_of_life", "2025-04-25", evidence="call", sources=["rumour"])], CRITICAL_POSSIBLE,
                     id="an unverified call may have stopped it: possible, not silent"),
        pytest.param([ev("proof_of_life", "2025-04-25", evidence="call", sources=["rumour", "press"])], None,
                     id="one credible source among them is enough"),
        pytest.param([ev("locator_check", "2025-04-28", result="found", facility="CECOT")], CRITICAL,
                     id="a locator check is never proof of life"),
    ],
)  # fmt: skip
def test_no_proof_of_life_weighs_who_vouches(extra, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run_member("no_proof_of_life", [*HANDED, *extra], "2025-05-01")) == expected


def test_the_explanation_says_why_a_statement_or_an_unverified_sign_does_not_count() -> None:
    claim = ev("proof_of_life", "2025-04-25", "claim", cohort="flight-1", attested_by="detaining_authority")
    (flag,) = run_member("no_proof_of_life", [*HANDED, claim], "2025-05-01")
    assert "46 days" in flag.explanation and "about the whole group" in flag.explanation
    assert "claim" not in flag.evidence
    rumour = ev("proof_of_life", "2025-04-25", "rumour-call", evidence="call", sources=["rumour"])
    (flag,) = run_member("no_proof_of_life", [*HANDED, rumour], "2025-05-01")
    assert "6–46 days" in flag.explanation and "unverified" in flag.explanation
    assert flag.evidence[:2] == ("ho", "rumour-call")


def test_a_cohort_statement_alone_is_a_floor_on_the_silence() -> None:
    claim = ev("proof_of_life", "2025-03-20", "claim", cohort="flight-1", attested_by="detaining_authority")
    (flag,) = run_member("no_proof_of_life", [claim], "2025-05-01")
    assert (flag.severity.value, flag.certainty.value) == CRITICAL
    assert "at least 42 days" in flag.explanation and "nothing on record proves this person alive" in flag.explanation


VE_HOME = Person(id=SYNTHETIC_PERSON, citizenships=("VE",))
HOME = ev("removed", "2025-03-15", "home", destination="VE")


@pytest.mark.parametrize(
    ("events", "person", "expected"),
    [
        pytest.param([HOME], VE_HOME, WARNING, id="removed home with nothing pending: confirm arrival"),
        pytest.param([ev("removed", "2025-03-15", destination="SV")], VE_HOME, CRITICAL, id="removed elsewhere"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"), HOME], VE_HOME, CRITICAL,
                     id="removed home with an asylum claim pending"),
        pytest.param([ev("decision", "2025-02-01", outcome="withholding_granted", protects_against="VE"), HOME],
                     VE_HOME, CRITICAL, id="removed home despite protection"),
        pytest.param([HOME, ev("handed_over", "2025-03-15", country="VE", to="SEBIN")], VE_HOME, CRITICAL,
                     id="handed to the home state's custody"),
        pytest.param([HOME], Person(id=SYNTHETIC_PERSON, citizenships=("CO", "VE")), WARNING,
                     id="home is any of the person's citizenships"),
        pytest.param([ev("removed", "2025-03-15", destination="VE", destination_disclosed=False)], VE_HOME, CRITICAL,
                     id="a destination the authorities would not confirm"),
        pytest.param([HOME, ev("inquiry", "2025-04-01", by="family")], VE_HOME, WARNING,
                     id="an open inquiry is not a pending proceeding"),
    ],
)  # fmt: skip
def test_a_removal_home_with_nothing_pending_is_at_most_a_warning(events, person, expected) -> None:  # type: ignore[no-untyped-def]
    flags = run_member("no_proof_of_life", events, "2025-05-01", person=person)
    assert outcome(flags) == expected
    if expected == WARNING and len(events) == 1:
        assert "confirm that they arrived" in flags[0].explanation


@pytest.mark.parametrize(
    "ending",
    [ev("released", "2025-07-18", reason="exchange", country="VE"), ev("died", "2025-04-01")],
    ids=["released in July", "died"],
)
def test_after_release_or_death_the_clock_is_no_alarm(ending) -> None:  # type: ignore[no-untyped-def]
    assert run_member("no_proof_of_life", [*HANDED, ending], "2025-09-01") == []


def test_foreign_custody_cites_the_supreme_court_orders_and_says_the_law_is_contested() -> None:
    rule = RULE_BY_ID["foreign_custody"]
    cites = [c.cite for c in rule.legal_basis]
    assert "Trump v. J.G.G., 604 U.S. ___ (2025) (per curiam) (No. 24A931, Apr. 7, 2025)" in cites
    assert "Noem v. Abrego Garcia, 604 U.S. ___ (2025) (No. 24A949, Apr. 10, 2025)" in cites
    assert not any("J.G.G. v. Trump" in c for c in cites)
    assert "contested" in rule.description and "not a ruling that the removals were unlawful" in rule.description


# -- transfers ------------------------------------------------------------------------------------------------------


def moves(*days: str) -> list[Any]:
    return [BOOKED] + [ev("transferred", d, f"t{i}", facility=f"Facility {i}") for i, d in enumerate(days, 1)]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param(moves("2025-01-05", "2025-01-20", "2025-02-03"), WARNING, id="3 transfers in 29 days"),
        pytest.param(moves("2025-01-05", "2025-01-20", "2025-02-04"), WARNING, id="3 transfers in 30 days"),
        pytest.param(moves("2025-01-05", "2025-01-20", "2025-02-05"), None, id="3 transfers in 31 days"),
        pytest.param(moves("2025-01-05", "2025-01-25", "2025-02-19"), None, id="3 transfers in 45 days"),
        pytest.param(moves("2025-01-05", "2025-01-20"), None, id="2 transfers"),
        pytest.param(moves("2025-01-05", "2025-01-20", "2025-02"), WARNING_POSSIBLE, id="the third in February"),
        pytest.param([*moves("2025-01-05", "2025-01-20"), ev("transferred", "2025-01-25", facility="Facility 2")],
                     None, id="a repeated report of the same facility is not a move"),
        pytest.param(moves("2025-03-01", "2025-03-10", "2025-03-20", "2025-06-01"), WARNING, id="a burst in March"),
    ],
)  # fmt: skip
def test_frequent_transfers(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("frequent_transfers", events, "2025-07-01")) == expected


def test_frequent_transfers_thresholds_and_counsel() -> None:
    events = [*moves("2025-01-05", "2025-01-20"), ev("representation", "2025-01-02", action="entered", by="Counsel")]
    assert outcome(run("frequent_transfers", events, "2025-07-01")) is None
    settings = {"frequent_transfers": {"transfers": 2, "window_days": 15}}
    (flag,) = run("frequent_transfers", events, "2025-07-01", settings=settings)
    assert flag.evidence == ("t1", "t2") and "Counsel of record since 2025-01-02" in flag.explanation


# -- re-detention ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "expected", "cite"),
    [
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="bond"), ev("apprehended", "2025-06-01")],
                     WARNING, "236.1(c)(9)", id="re-arrested after a release on bond"),
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="order_of_supervision"),
                      ev("booked_in", "2025-06-01")], WARNING, "241.4(l)", id="an order of supervision revoked"),
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="parole"), ev("booked_in", "2025-06-01")],
                     WARNING, "212.5(e)", id="parole ended"),
        pytest.param([BOOKED, ev("released", "2025-06"), ev("booked_in", "2025-06-20")], WARNING_POSSIBLE, "",
                     id="the release may have come after"),
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="bond")], None, "", id="released and still out"),
        pytest.param([BOOKED, ev("transferred", "2025-02-01", facility="B")], None, "", id="never released"),
        pytest.param([BOOKED, ev("released", "2025-02-01"), ev("booked_in", "2025-03-01"),
                      ev("removed", "2025-04-01", destination="MX")], None, "", id="no longer held"),
    ],
)  # fmt: skip
def test_redetained_after_release(events, expected, cite) -> None:  # type: ignore[no-untyped-def]
    flags = run("redetained_after_release", events, "2025-07-01")
    assert outcome(flags) == expected
    if cite:
        assert cite in flags[0].explanation and "Courts differ" in flags[0].explanation

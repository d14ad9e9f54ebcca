"""Removal rules: pending proceedings, protection, third countries, decisions after removal."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from rulecheck import SOURCES, D, ev, outcome, run

from habeas.domain.model import Event, Person
from habeas.rules.engine import check_timeline
from habeas.rules.flag import Flag
from habeas.rules.registry import RULE_BY_ID
from habeas.testing import SYNTHETIC_PERSON, timeline_of

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
REMOVED = ev("removed", "2025-03-15", "rm", destination="SV")
# A removal order an immigration judge entered in January, never appealed: final by the day of removal.
FINAL = ev("decision", "2025-01-10", "order", outcome="removal_order", decided_by="immigration_judge")
PFR = ev("petition_filed", "2025-03-01", "pfr", petition="review", court="5th Cir.")


def run_for(rule: str, events: Sequence[Event], as_of: str, citizenships: tuple[str, ...]) -> list[Flag]:
    """The flags one rule raises for a synthetic person with every one of ``citizenships`` on record."""
    person = Person(id=SYNTHETIC_PERSON, citizenships=citizenships)
    return check_timeline(timeline_of(events, person=person, sources=SOURCES), D(as_of), rules=[RULE_BY_ID[rule]])


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"), REMOVED], "2025-04-01", CRITICAL,
                     id="claim with no decision"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"),
                      ev("decision", "2025-02-01", outcome="denied", claim="asylum"), REMOVED], "2025-04-01", None,
                     id="claim decided before removal"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"),
                      ev("decision", "2025-03", outcome="denied", claim="asylum"), REMOVED], "2025-04-01",
                     CRITICAL_POSSIBLE, id="decided some day in the month of removal"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"),
                      ev("decision", "2025-05-27", outcome="dismissed", claim="asylum"), REMOVED], "2025-06-01",
                     CRITICAL, id="claim decided only after removal"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-20"), REMOVED], "2025-04-01",
                     CRITICAL, id="hearing set for after the removal"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-20"),
                      ev("removed", "2025-03", destination="SV")], "2025-04-01", CRITICAL_POSSIBLE,
                     id="removal in 2025-03 and hearing on 2025-03-20"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-10"), REMOVED], "2025-04-01", None,
                     id="hearing date already past"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-15"), REMOVED], "2025-04-01",
                     CRITICAL_POSSIBLE, id="hearing set for the day of the removal"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"),
                      ev("decision", "2025-03-15", outcome="denied", claim="asylum"), REMOVED], "2025-04-01",
                     CRITICAL_POSSIBLE, id="claim decided on the day of the removal"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-20"),
                      ev("decision", "2025-03-01", outcome="terminated"), REMOVED], "2025-04-01", None,
                     id="proceedings terminated before removal"),
        # Critical as before, now for the reason the posture gives: no removal order is on record at all.
        pytest.param([ev("petition_filed", "2025-03-01", petition="habeas"), REMOVED], "2025-04-01", CRITICAL,
                     id="habeas petition undecided, no order on record"),
        pytest.param([ev("petition_filed", "2025-03-01", petition="stay"),
                      ev("decision", "2025-03-10", outcome="denied"), REMOVED], "2025-04-01", None,
                     id="stay motion denied before removal"),
        pytest.param([REMOVED, ev("claim_filed", "2025-04-01", claim="asylum")], "2025-05-01", None,
                     id="claim filed after removal"),
        pytest.param([ev("claim_filed", "2025-03", claim="asylum"), REMOVED], "2025-04-01", CRITICAL_POSSIBLE,
                     id="claim filed some day in the month of removal"),
        pytest.param([REMOVED], "2025-04-01", None, id="nothing pending"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"), REMOVED], "2025-03-10", None,
                     id="as of a day before the removal"),
        pytest.param([ev("claim_filed", "2025-01-10", claim="asylum"), ev("removed", "2025-03", destination="SV")],
                     "2025-03-10", CRITICAL_POSSIBLE, id="removal may not have happened yet by as-of"),
    ],
)  # fmt: skip
def test_removed_with_pending_proceedings(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("removed_with_pending_proceedings", events, as_of)) == expected


def test_pending_flag_names_the_dates_as_written_and_the_later_decision() -> None:
    events = [
        ev("claim_filed", "2024", "claim", claim="asylum"),
        ev("removed", "2025-03-15/2025-03-16", "rm", destination="SV"),
        ev("decision", "2025-05-27", "dismissal", outcome="dismissed", claim="asylum", sources=["src-b"]),
    ]
    (flag,) = run("removed_with_pending_proceedings", events, "2025-06-01")
    assert "2025-03-15/2025-03-16" in flag.explanation and "filed 2024" in flag.explanation
    assert "decided only on 2025-05-27" in flag.explanation
    assert flag.evidence == ("rm", "claim", "dismissal")
    assert flag.sources == ("src-a", "src-b")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([ev("decision", "2025-01-10", outcome="withholding_granted", protects_against="VE"),
                      ev("removed", "2025-03-15", destination="VE")], CRITICAL,
                     id="withholding against VE, sent to VE"),
        pytest.param([ev("decision", "2025-01-10", outcome="withholding_granted", protects_against="VE"),
                      ev("removed", "2025-03-15", destination="SV")], None, id="withholding against VE, sent to SV"),
        pytest.param([ev("decision", "2025-01-10", outcome="cat_granted"),
                      ev("removed", "2025-03-15", destination="VE")], CRITICAL,
                     id="CAT grant naming no country: the country of citizenship"),
        pytest.param([ev("decision", "2025-03", outcome="withholding_granted", protects_against="VE"),
                      ev("removed", "2025-03-15", destination="VE")], CRITICAL_POSSIBLE,
                     id="granted some day in the month of removal"),
        pytest.param([ev("decision", "2025-01-10", outcome="withholding_granted", protects_against="VE"),
                      ev("decision", "2025-02-01", outcome="denied", claim="withholding"),
                      ev("removed", "2025-03-15", destination="VE")], None, id="protection reversed before removal"),
        pytest.param([ev("decision", "2025-01-10", outcome="granted", claim="asylum", protects_against="VE"),
                      ev("removed", "2025-03-15", destination="SV"),
                      ev("handed_over", "2025-03-20", country="VE")], CRITICAL,
                     id="asylee removed to a third country, then handed to the country they fled"),
        pytest.param([ev("decision", "2025-03-01", outcome="stay_granted"),
                      ev("removed", "2025-03-15", destination="SV")], CRITICAL, id="stay of removal in force"),
        pytest.param([ev("decision", "2025-03-01", outcome="stay_granted"),
                      ev("decision", "2025-03-10", outcome="denied"),
                      ev("removed", "2025-03-15", destination="SV")], None, id="stay lifted before removal"),
        pytest.param([ev("decision", "2025-01-10", outcome="granted", claim="tps"),
                      ev("removed", "2025-03-15", destination="VE")], None, id="a grant that is not protection"),
    ],
)  # fmt: skip
def test_removed_despite_protection(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("removed_despite_protection", events, "2025-04-01")) == expected


def test_protection_by_citizenship_is_said_to_be_assumed() -> None:
    events = [ev("decision", "2025-01-10", outcome="cat_granted"), ev("removed", "2025-03-15", destination="VE")]
    (flag,) = run("removed_despite_protection", events, "2025-04-01")
    assert "taken as the country of citizenship" in flag.explanation


@pytest.mark.parametrize(
    ("events", "citizenship", "as_of", "expected"),
    [
        pytest.param([REMOVED], "VE", "2025-04-01", WARNING, id="Venezuelan removed to El Salvador"),
        pytest.param([ev("removed", "2025-03-15", destination="VE")], "VE", "2025-04-01", None, id="sent home"),
        pytest.param([REMOVED], None, "2025-04-01", None, id="citizenship not recorded"),
        pytest.param([ev("removed", "2025-03-15")], "VE", "2025-04-01", None, id="destination not recorded"),
        pytest.param([ev("removed", "2025-03", destination="SV")], "VE", "2025-03-10", WARNING_POSSIBLE,
                     id="removal may fall after as-of"),
    ],
)  # fmt: skip
def test_third_country_removal(events, citizenship, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("third_country_removal", events, as_of, citizenship=citizenship)) == expected


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([REMOVED, ev("decision", "2025-05-27", outcome="dismissed", in_absentia=True)], WARNING,
                     id="dismissed in absentia after removal"),
        pytest.param([ev("decision", "2025-03-01", outcome="removal_order"), REMOVED], None,
                     id="decision before removal"),
        pytest.param([REMOVED, ev("decision", "2025-03", outcome="dismissed")], WARNING_POSSIBLE,
                     id="decision some day in the month of removal"),
        pytest.param([REMOVED, ev("decision", "2025-03-15", outcome="dismissed")], WARNING_POSSIBLE,
                     id="decision on the day of the removal"),
        pytest.param([REMOVED, ev("returned", "2025-04-01"), ev("decision", "2025-05-01", outcome="denied")], None,
                     id="returned to the US before the decision"),
        pytest.param([REMOVED, ev("returned", "2025-05"), ev("decision", "2025-05-10", outcome="denied")],
                     WARNING_POSSIBLE, id="return and decision in uncertain order"),
    ],
)  # fmt: skip
def test_decided_after_removal(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("decided_after_removal", events, "2025-06-01")) == expected


def test_decided_after_removal_says_in_absentia() -> None:
    events = [REMOVED, ev("decision", "2025-05-27", outcome="dismissed", claim="asylum", in_absentia=True)]
    (flag,) = run("decided_after_removal", events, "2025-06-01")
    assert "the asylum claim dismissed in absentia on 2025-05-27" in flag.explanation


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([FINAL, ev("removed", "2025-03-15", "rm", destination="HN")], None,
                     id="routine: a final order and nothing pending"),
        pytest.param([FINAL, PFR, REMOVED], WARNING, id="final order, petition for review with no stay"),
        pytest.param([FINAL, ev("petition_filed", "2025-03-01", petition="habeas"), REMOVED], WARNING,
                     id="final order, habeas petition with no stay"),
        pytest.param([FINAL, ev("petition_filed", "2025-03-01", petition="reopen"), REMOVED], WARNING,
                     id="final order, motion to reopen with no stay"),
        pytest.param([FINAL, ev("petition_filed", "2025-03-01", petition="stay"), REMOVED], WARNING,
                     id="final order, a stay asked for and not yet decided"),
        pytest.param([FINAL, ev("petition_filed", "2025-03-01", "pfr", petition="review", stay="granted"), REMOVED],
                     CRITICAL, id="final order, petition for review with a stay granted"),
        pytest.param([FINAL, PFR, ev("decision", "2025-03-05", outcome="stay_granted", decided_by="federal_court"),
                      REMOVED], CRITICAL, id="final order, a court's stay granted on the petition"),
        pytest.param([FINAL, PFR, ev("petition_filed", "2025-03-02", "sm", petition="stay"),
                      ev("decision", "2025-03-05", outcome="stay_granted", stay="granted"),
                      ev("decision", "2025-03-10", outcome="other", stay="lifted", decides="sm"), REMOVED], WARNING,
                     id="the stay lifted before the removal"),
        pytest.param([FINAL, PFR, ev("decision", "2025-03-15", outcome="stay_granted", stay="granted"), REMOVED],
                     CRITICAL_POSSIBLE, id="a stay granted on the day of the removal"),
        pytest.param([ev("decision", "2025-02-01", outcome="removal_order"),
                      ev("petition_filed", "2025-02-10", petition="appeal"), REMOVED], CRITICAL,
                     id="timely BIA appeal pending: the automatic stay"),
        pytest.param([FINAL, ev("petition_filed", "2025-03-01", petition="appeal"), REMOVED], WARNING,
                     id="an appeal filed after the 30 days: the order stays final"),
        pytest.param([ev("decision", "2025-01-10", "order", outcome="removal_order"),
                      ev("petition_filed", "2025-01-20", "appeal", petition="appeal"),
                      ev("decision", "2025-03-01", outcome="dismissed", decides="appeal", decided_by="bia"),
                      ev("petition_filed", "2025-03-05", petition="review"), REMOVED], WARNING,
                     id="BIA dismissed the appeal, petition for review pending"),
        pytest.param([ev("decision", "2025-03-01", outcome="removal_order"), REMOVED], CRITICAL,
                     id="the 30 days to appeal had not run"),
        pytest.param([ev("decision", "2025-03-01", outcome="removal_order", appeal_waived=True), REMOVED], None,
                     id="appeal waived: final at once"),
        pytest.param([ev("decision", "2025-03-01", outcome="removal_order", decided_by="bia"),
                      ev("petition_filed", "2025-03-05", petition="review"), REMOVED], WARNING,
                     id="an order the BIA entered is final when entered"),
        pytest.param([ev("decision", "2025-02", outcome="removal_order"), PFR, REMOVED], CRITICAL_POSSIBLE,
                     id="order known only to the month: finality turns on the dates"),
        pytest.param([FINAL, ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-20", proceeding="bond"),
                      REMOVED], WARNING, id="final order, a hearing set for after the removal"),
    ],
)  # fmt: skip
def test_removed_with_pending_proceedings_reads_the_posture(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("removed_with_pending_proceedings", events, "2025-04-01")) == expected


def test_a_petition_for_review_without_a_stay_is_explained_as_no_bar() -> None:
    (flag,) = run("removed_with_pending_proceedings", [FINAL, PFR, REMOVED], "2025-04-01")
    assert "1252(b)(3)(B)" in flag.explanation and "Nken v. Holder" in flag.explanation
    assert "was final (no appeal within 30 days" in flag.explanation
    assert flag.evidence == ("rm", "pfr", "order")


def test_a_pending_motion_says_the_departure_bar_is_contested() -> None:
    events = [FINAL, ev("petition_filed", "2025-03-01", "mtr", petition="reopen"), REMOVED]
    (flag,) = run("removed_with_pending_proceedings", events, "2025-04-01")
    assert "a motion to reopen filed 2025-03-01" in flag.explanation
    assert "Armendarez-Mendez" in flag.explanation and "several circuits have rejected" in flag.explanation


def test_an_alien_enemies_act_removal_says_the_cases_are_contested() -> None:
    events = [
        ev("claim_filed", "2025-01-10", claim="asylum"),
        ev("removed", "2025-03-15", destination="SV", removal_type="aea"),
    ]
    (flag,) = run("removed_with_pending_proceedings", events, "2025-04-01")
    assert "Trump v. J.G.G." in flag.explanation and "contested" in flag.explanation


def test_removed_with_pending_proceedings_cites_the_law_as_it_stands() -> None:
    cites = " ".join(c.cite for c in RULE_BY_ID["removed_with_pending_proceedings"].legal_basis)
    whys = " ".join(c.why for c in RULE_BY_ID["removed_with_pending_proceedings"].legal_basis)
    assert "8 U.S.C. § 1229a(c)(2), (c)(3)(A)" in cites and "8 C.F.R. § 1241.1" in cites
    assert "Trump v. J.G.G., 604 U.S. ___ (2025) (per curiam) (Apr. 7, 2025)" in cites
    assert "A.A.R.P. v. Trump, 605 U.S. ___ (2025) (May 16, 2025)" in cites and "J.G.G. v. Trump" not in cites
    assert whys.count("contested") >= 2  # the departure bar and the Alien Enemies Act


@pytest.mark.parametrize(
    ("events", "citizenships", "expected"),
    [
        pytest.param([ev("decision", "2024-01-10", outcome="granted", claim="asylum"), REMOVED], ("VE",), CRITICAL,
                     id="asylee removed to a third country"),
        pytest.param([ev("decision", "2024-01-10", outcome="granted", claim="asylum"),
                      ev("decision", "2025-02-01", outcome="terminated", claim="asylum"), REMOVED], ("VE",), None,
                     id="asylum terminated before the removal"),
        pytest.param([ev("decision", "2024-01-10", outcome="granted", claim="asylum"), REMOVED,
                      ev("handed_over", "2025-03-16", country="SV", facility="Prison X")], ("VE",), CRITICAL,
                     id="asylee removed and handed over: one flag"),
        pytest.param([ev("decision", "2024-01-10", outcome="withholding_granted", protects_against="VE"),
                      ev("removed", "2025-03-15", destination="MX"), ev("handed_over", "2025-03-20", country="VE")],
                     ("VE",), CRITICAL, id="withholding: removed to a third country, then handed to the protected one"),
        pytest.param([ev("decision", "2024-01-10", outcome="withholding_granted", claim="asylum",
                         protects_against="VE"), REMOVED], ("VE",), None,
                     id="asylum denied, withholding granted: country-specific, third country not a breach"),
        pytest.param([ev("decision", "2024-01-10", outcome="cat_granted"), ev("removed", "2025-03-15",
                                                                              destination="CO")],
                     ("VE", "CO"), CRITICAL_POSSIBLE, id="CAT naming no country, one of two citizenships"),
        pytest.param([ev("decision", "2024-01-10", outcome="granted", claim="asylum"), REMOVED,
                      ev("returned", "2025-05-01"), ev("handed_over", "2025-06-01", country="US")], ("VE",), CRITICAL,
                     id="a hand-over after a return is not part of the removal"),
    ],
)  # fmt: skip
def test_removed_despite_protection_asylum_and_country_specific(events, citizenships, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run_for("removed_despite_protection", events, "2025-07-01", citizenships)) == expected


def test_an_asylee_removal_says_asylum_must_first_be_terminated() -> None:
    events = [ev("decision", "2024-01-10", "grant", outcome="granted", claim="asylum"), REMOVED,
              ev("handed_over", "2025-03-16", "ho", country="SV")]  # fmt: skip
    (flag,) = run("removed_despite_protection", events, "2025-04-01")
    assert "no termination of asylum on record" in flag.explanation and "1208.24" in flag.explanation
    assert flag.evidence == ("rm", "grant")  # the hand-over into a country asylum does not name adds no breach
    cites = " ".join(c.cite for c in RULE_BY_ID["removed_despite_protection"].legal_basis)
    assert "Noem v. Abrego Garcia" in cites and "No. 24A1153" in cites


@pytest.mark.parametrize(
    ("events", "citizenships", "expected"),
    [
        pytest.param([ev("removed", "2025-03-15", destination="MX")], ("US",), None, id="US citizen removed to Mexico"),
        pytest.param([ev("removed", "2025-03-15", destination="MX")], ("US", "MX"), None,
                     id="US and Mexican citizen removed to Mexico"),
        pytest.param([ev("removed", "2025-03-15", destination="SV")], ("US", "VE"), None,
                     id="a US citizen is another rule's concern, wherever sent"),
        pytest.param([ev("removed", "2025-03-15", destination="CO")], ("VE", "CO"), None,
                     id="dual national removed to their second country"),
        pytest.param([ev("removed", "2025-03-15", destination="SV")], ("VE", "CO"), WARNING,
                     id="dual national removed to neither of their countries"),
    ],
)  # fmt: skip
def test_third_country_removal_reads_every_citizenship(events, citizenships, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run_for("third_country_removal", events, "2025-04-01", citizenships)) == expected


def test_a_third_country_removal_after_withholding_says_the_notice_question_is_contested() -> None:
    events = [ev("decision", "2019-06-01", outcome="withholding_granted", protects_against="GT"),
              ev("removed", "2025-03-15", destination="MX")]  # fmt: skip
    (flag,) = run("third_country_removal", events, "2025-04-01", citizenship="GT")
    assert "protects against GT only" in flag.explanation and "D.V.D., No. 24A1153" in flag.explanation


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([REMOVED, ev("decision", "2025-05-01", outcome="removal_order", in_absentia=True)], WARNING,
                     id="ordered removed after removal"),
        pytest.param([REMOVED, ev("decision", "2025-05-01", outcome="other", stay="denied")], WARNING,
                     id="a stay denied after removal"),
        pytest.param([REMOVED, ev("decision", "2025-05-01", outcome="granted", claim="asylum")], None,
                     id="a grant after removal"),
        pytest.param([ev("petition_filed", "2025-03-01", "hab", petition="habeas"), REMOVED,
                      ev("decision", "2025-05-01", outcome="granted", decides="hab", decided_by="federal_court")],
                     None, id="a habeas petition granted after removal"),
        pytest.param([REMOVED, ev("decision", "2025-05-01", outcome="stay_granted")], None,
                     id="a stay granted after removal"),
        pytest.param([REMOVED, ev("decision", "2025-05-01", outcome="terminated")], None,
                     id="proceedings terminated after removal"),
        pytest.param([REMOVED, ev("decision", "2025-05-01", outcome="remanded", decided_by="bia")], None,
                     id="a remand after removal"),
    ],
)  # fmt: skip
def test_decided_after_removal_raises_adverse_decisions_only(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("decided_after_removal", events, "2025-06-01")) == expected


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([ev("decision", "2025-02-10", "ord", outcome="removal_order"),
                      ev("petition_filed", "2025-02-10", "pfr", petition="review"),
                      ev("removed", "2025-03-20", "rm2", destination="SV")], WARNING,
                     id="an order dated the day a petition for review is filed does not decide that petition"),
        pytest.param([ev("decision", "2025-01-02", "ord", outcome="removal_order"),
                      ev("petition_filed", "2025-02-10", "pfr", petition="review", stay="granted"),
                      ev("decision", "2025-02-20", "lift", outcome="other", stay="lifted"),
                      ev("removed", "2025-03-20", "rm2", destination="SV")], WARNING,
                     id="a stay lifted leaves the petition for review pending (warning, not silence)"),
    ],
)  # fmt: skip
def test_a_ruling_on_an_order_or_a_stay_decides_no_petition(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("removed_with_pending_proceedings", events, "2025-04-01")) == expected

"""Removal rules: pending proceedings, protection, third countries, decisions after removal."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
REMOVED = ev("removed", "2025-03-15", "rm", destination="SV")


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
        pytest.param([ev("petition_filed", "2025-03-01", petition="habeas"), REMOVED], "2025-04-01", CRITICAL,
                     id="habeas petition undecided"),
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

"""Hearing rules: orders in absentia against people in custody, hearings without counsel, outcomes unknown."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
BOOKED = ev("booked_in", "2025-01-05", "booked", facility="Facility A")
IN_ABSENTIA = ev("decision", "2025-03-15", "order", outcome="removal_order", in_absentia=True)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([BOOKED, IN_ABSENTIA], CRITICAL, id="ordered in absentia while held"),
        pytest.param([BOOKED, ev("transferred", "2025-02-01", facility="Facility B"), IN_ABSENTIA], CRITICAL,
                     id="a transfer does not end custody"),
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="bond"), IN_ABSENTIA], None,
                     id="released before the order"),
        pytest.param([BOOKED, ev("released", "2025-03", reason="bond"), IN_ABSENTIA], CRITICAL_POSSIBLE,
                     id="released some day in the month of the order"),
        pytest.param([ev("apprehended", "2025-03"), IN_ABSENTIA], CRITICAL_POSSIBLE,
                     id="arrested some day in the month of the order"),
        pytest.param([ev("booked_in", "2025-03-15", facility="Facility A"), IN_ABSENTIA], CRITICAL_POSSIBLE,
                     id="booked in on the day of the order"),
        pytest.param([BOOKED, ev("removed", "2025-03-01", destination="SV"), IN_ABSENTIA], None,
                     id="already removed: decided_after_removal's concern"),
        pytest.param([BOOKED, ev("removed", "2025-03-01", destination="SV"),
                      ev("handed_over", "2025-03-02", country="SV"), IN_ABSENTIA], None, id="held by another state"),
        pytest.param([BOOKED, ev("decision", "2025-03-15", outcome="removal_order")], None, id="not in absentia"),
        pytest.param([IN_ABSENTIA], None, id="no custody on record"),
        pytest.param([BOOKED, ev("decision", "2025-03-15", outcome="dismissed", claim="asylum", in_absentia=True)],
                     CRITICAL, id="a claim dismissed in absentia while held"),
    ],
)  # fmt: skip
def test_in_absentia_while_detained(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("in_absentia_while_detained", events, "2025-04-01")) == expected


def test_in_absentia_while_detained_names_the_custody_and_the_statute() -> None:
    (flag,) = run("in_absentia_while_detained", [BOOKED, IN_ABSENTIA], "2025-04-01")
    assert flag.evidence == ("order", "booked")
    assert "since the book-in on 2025-01-05 (Facility A)" in flag.explanation
    assert "1229a(b)(5)(C)(ii)" in flag.explanation


HEARING = ev("hearing_scheduled", "2025-02-01", "merits", scheduled_for="2025-03-10", proceeding="merits")
ALONE = ev("hearing_held", "2025-03-10", "held", hearing="merits", attended=True, represented=False)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([HEARING, ALONE], WARNING, id="held without counsel"),
        pytest.param([HEARING, ev("hearing_held", "2025-03-10", hearing="merits", represented=True)], None,
                     id="represented"),
        pytest.param([HEARING, ev("hearing_held", "2025-03-10", hearing="merits", attended=True)], None,
                     id="representation not recorded: never guessed"),
        pytest.param([HEARING, ev("access_denied", "2025-03-07", who="counsel", where="the facility door"), ALONE],
                     CRITICAL, id="counsel turned away three days before the merits hearing"),
        pytest.param([HEARING, ev("access_denied", "2025-02-20", who="Attorney of record"), ALONE], CRITICAL,
                     id="an attorney, in any case"),
        pytest.param([HEARING, ev("access_denied", "2025-02-20", who="the lawyers"), ALONE], CRITICAL,
                     id="lawyers"),
        pytest.param([HEARING, ev("access_denied", "2025-03-10", who="counsel"), ALONE], CRITICAL_POSSIBLE,
                     id="counsel refused on the day of the hearing: which came first is not known"),
        pytest.param([HEARING, ALONE, ev("access_denied", "2025-03-12", who="counsel")], WARNING,
                     id="counsel refused only after the hearing"),
        pytest.param([HEARING, ev("access_denied", "2025-03-07", who="family"), ALONE], WARNING,
                     id="family refused, not counsel"),
        pytest.param([HEARING, ev("access_denied", "2025-03-07", who="a consular officer"), ALONE], WARNING,
                     id="a consul is not counsel"),
    ],
)  # fmt: skip
def test_hearing_without_counsel(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("hearing_without_counsel", events, "2025-04-01")) == expected


def test_hearing_without_counsel_says_what_was_refused_and_cites_the_privilege() -> None:
    events = [
        ev("representation", "2025-02-15", "rep", action="entered", form="eoir_28"),
        HEARING,
        ev("access_denied", "2025-03-07", "refused", who="counsel", where="the facility door"),
        ALONE,
    ]
    (flag,) = run("hearing_without_counsel", events, "2025-04-01")
    assert flag.evidence == ("held", "merits", "refused")
    assert "A hearing (merits) was held on 2025-03-10" in flag.explanation
    assert "counsel on 2025-03-07 at the facility door" in flag.explanation
    assert "Counsel had entered an appearance on 2025-02-15" in flag.explanation
    assert "Matter of C-B-, 25 I&N Dec. 888 (BIA 2012)" in flag.explanation and "1362" in flag.explanation


SET = ev("hearing_scheduled", "2025-02-01", "set", scheduled_for="2025-03-10", court="Court A")


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([SET], "2025-03-20", WARNING, id="ten days on, nothing recorded"),
        pytest.param([SET], "2025-03-12", None, id="two days on: within grace_days"),
        pytest.param([SET], "2025-03-13", WARNING, id="three days on"),
        pytest.param([SET], "2025-03-01", None, id="not yet"),
        pytest.param([SET, ev("hearing_held", "2025-03-10", hearing="set", represented=True)], "2025-03-20", None,
                     id="held, naming it"),
        pytest.param([SET, ev("hearing_held", "2025-03-10")], "2025-03-20", None, id="held that day, naming none"),
        pytest.param([SET, ev("hearing_held", "2025-03-10", hearing="another")], "2025-03-20", WARNING,
                     id="a hearing held that names another hearing"),
        pytest.param([SET, ev("decision", "2025-03-10", outcome="denied", claim="asylum")], "2025-03-20", None,
                     id="a decision that day"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-10", proceeding="bond"),
                      ev("bond_decision", "2025-03-10", outcome="denied")], "2025-03-20", None,
                     id="a bond hearing and its bond decision"),
        pytest.param([SET, ev("hearing_scheduled", "2025-03-11", scheduled_for="2025-04-20")], "2025-03-20", None,
                     id="a new hearing set after it: continued"),
        pytest.param([SET, ev("decision", "2025-03-01", outcome="terminated")], "2025-03-20", None,
                     id="proceedings terminated before it"),
        pytest.param([SET, ev("removed", "2025-03-05", destination="SV")], "2025-03-20", None,
                     id="removed before it: the removal rule's concern"),
        pytest.param([SET, ev("died", "2025-03-05")], "2025-03-20", None, id="died before it"),
        pytest.param([ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03")], "2025-04-02",
                     WARNING_POSSIBLE, id="a hearing set for some day in March: 2 to 32 days ago"),
    ],
)  # fmt: skip
def test_hearing_outcome_unknown(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("hearing_outcome_unknown", events, as_of)) == expected


def test_hearing_outcome_unknown_reads_its_grace_days_and_says_what_is_at_stake() -> None:
    settings = {"hearing_outcome_unknown": {"grace_days": 14}}
    assert run("hearing_outcome_unknown", [SET], "2025-03-20", settings=settings) == []
    (flag,) = run("hearing_outcome_unknown", [SET], "2025-03-20")
    assert flag.evidence == ("set",)
    assert "set for 2025-03-10 at Court A passed 10 days before 2025-03-20" in flag.explanation
    assert "1003.38(b)" in flag.explanation

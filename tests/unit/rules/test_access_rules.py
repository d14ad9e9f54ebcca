"""Access rules: access refused, inquiries unanswered, the marks of an enforced disappearance."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
INQUIRY = ev("inquiry", "2025-04-01", "inq", by="congress", to="DHS")
OTHER = ev("inquiry", "2025-04-02", "other", by="attorney", to="ICE field office")


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([ev("access_denied", "2025-04-17", who="counsel", where="Facility A")], "2025-05-01", WARNING,
                     id="counsel refused"),
        pytest.param([ev("contact", "2025-04-17", party="attorney", direct=True)], "2025-05-01", None,
                     id="counsel saw the person"),
        pytest.param([ev("access_denied", "2025-04", who="a consul")], "2025-04-10", WARNING_POSSIBLE,
                     id="refusal may fall after as-of"),
    ],
)  # fmt: skip
def test_access_denied(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("access_denied", events, as_of)) == expected


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([INQUIRY], "2025-05-01", None, id="30 days: not more than days"),
        pytest.param([INQUIRY], "2025-05-02", WARNING, id="31 days"),
        pytest.param([INQUIRY, ev("inquiry_answered", "2025-04-10", outcome="answered", inquiry="inq")], "2025-06-01",
                     None, id="answered"),
        pytest.param([INQUIRY, ev("inquiry_answered", "2025-04-10", outcome="denied", inquiry="inq")], "2025-04-11",
                     WARNING, id="refused: flagged at once"),
        pytest.param([INQUIRY, ev("inquiry_answered", "2025-04-10", outcome="no_response", inquiry="inq")],
                     "2025-05-01", None, id="no response within 30 days"),
        pytest.param([INQUIRY, ev("inquiry_answered", "2025-04-10", outcome="no_response", inquiry="inq")],
                     "2025-05-02", WARNING, id="no response does not close the inquiry"),
        pytest.param([ev("inquiry", "2025-04", by="family")], "2025-05-15", WARNING_POSSIBLE, id="14–44 days"),
        pytest.param([INQUIRY, OTHER, ev("inquiry_answered", "2025-04-10", outcome="answered", inquiry="other")],
                     "2025-05-10", WARNING, id="an answer to another inquiry does not silence this one"),
        pytest.param([INQUIRY, OTHER, ev("inquiry_answered", "2025-04-10", outcome="answered")], "2025-05-10",
                     WARNING, id="an answer naming no inquiry, with two open, closes neither"),
        pytest.param([INQUIRY, ev("inquiry_answered", "2025-04-10", outcome="answered")], "2025-05-10", None,
                     id="an answer naming no inquiry closes the only one open"),
        pytest.param([INQUIRY, OTHER, ev("inquiry_answered", "2025-04-05", outcome="answered", inquiry="inq")],
                     "2025-05-01", None, id="the answered one closed, the other within its 30 days"),
    ],
)  # fmt: skip
def test_inquiry_unanswered(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("inquiry_unanswered", events, as_of)) == expected


def test_inquiry_threshold_comes_from_settings() -> None:
    settings = {"inquiry_unanswered": {"days": 5}}
    assert outcome(run("inquiry_unanswered", [INQUIRY], "2025-04-06", settings=settings)) is None
    assert outcome(run("inquiry_unanswered", [INQUIRY], "2025-04-07", settings=settings)) == WARNING


def test_unanswered_inquiry_cites_the_no_response_record() -> None:
    silence = ev("inquiry_answered", "2025-04-10", "silence", outcome="no_response", inquiry="inq", sources=["src-b"])
    (flag,) = run("inquiry_unanswered", [INQUIRY, silence], "2025-06-01")
    assert flag.evidence == ("inq", "silence") and flag.sources == ("src-a", "src-b")
    assert "no answer for 61 days" in flag.explanation


def test_an_answer_to_one_inquiry_leaves_the_other_on_the_flag() -> None:
    answered = ev("inquiry_answered", "2025-04-10", "ans", outcome="answered", inquiry="other")
    (flag,) = run("inquiry_unanswered", [INQUIRY, OTHER, answered], "2025-05-10")
    assert flag.evidence == ("inq",) and "to DHS on 2025-04-01 has had no answer for 39 days" in flag.explanation
    denied = ev("inquiry_answered", "2025-04-10", "no", outcome="denied", inquiry="other")
    (flag,) = run("inquiry_unanswered", [INQUIRY, OTHER, denied], "2025-05-10")
    assert set(flag.evidence) == {"inq", "other", "no"} and "refused an answer on 2025-04-10" in flag.explanation


HELD = [ev("removed", "2025-03-15", destination="SV"), ev("handed_over", "2025-03-16", "held", country="SV")]
REFUSED = [INQUIRY, ev("inquiry_answered", "2025-04-02", "refused", outcome="denied", inquiry="inq")]
UNDISCLOSED = ev("removed", "2025-03-15", "gone", destination_disclosed=False)
IN_US = [ev("apprehended", "2025-03-01"), ev("booked_in", "2025-03-02", "booked", facility="Facility A")]
NO_RECORD = ev("locator_check", "2025-03-10", "locator", result="no_record", by="counsel")


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([*HELD, *REFUSED], "2025-04-30", CRITICAL, id="held, refused, 45 days silent"),
        # Was None before the three elements were weighed one by one: the definition sets no minimum duration
        # (Yrusta v. Argentina), so a refusal to account for a person held is a warning the day it happens;
        # the silence past critical_days only shows the third element and makes it critical.
        pytest.param([*HELD, *REFUSED], "2025-04-15", WARNING, id="30 days silent: elements 1 and 2 only"),
        pytest.param([*HELD, *REFUSED], "2025-04-16", CRITICAL, id="31 days silent"),
        pytest.param(HELD, "2025-04-30", None, id="nobody was refused"),
        # Was critical: a refusal of access where the person is held acknowledges the detention, so it is not the
        # refusal to acknowledge or concealment the definition needs; it shows only the third element.
        pytest.param([*HELD, ev("access_denied", "2025-04-17", who="a member of Congress")], "2025-04-30", None,
                     id="access refused instead of an inquiry: not a refusal to acknowledge"),
        pytest.param([*HELD, ev("access_denied", "2025-04-17", who="counsel", where="CECOT")], "2025-04-30", None,
                     id="location given but visit refused: not a disappearance"),
        pytest.param([*HELD, INQUIRY], "2025-04-30", None, id="inquiry still within its 30 days"),
        pytest.param([*HELD, INQUIRY], "2025-05-02", CRITICAL, id="inquiry unanswered past its 30 days"),
        pytest.param([*HELD, *REFUSED, ev("proof_of_life", "2025-04-20", evidence="video")], "2025-04-30", None,
                     id="seen alive after the refusal: the refusal no longer stands"),
        pytest.param([*HELD, *REFUSED, ev("released", "2025-04-20", country="VE")], "2025-06-30", None,
                     id="released"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"), *REFUSED], "2025-04-30", None,
                     id="removed to a named country, no custody on record after"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"),
                      ev("handed_over", "2025-03-15/2025-03-31", country="SV"), *REFUSED], "2025-04-20",
                     CRITICAL_POSSIBLE, id="hand-over between 15 and 31 March: 20–36 days silent"),
        pytest.param([UNDISCLOSED, *REFUSED], "2025-04-10", WARNING,
                     id="removed to an undisclosed place, inquiry refused, 26 days silent"),
        pytest.param([UNDISCLOSED, *REFUSED], "2025-04-20", CRITICAL,
                     id="removed to an undisclosed place, inquiry refused, 36 days silent"),
        pytest.param([ev("removed", "2025-03-15", destination="SV", destination_disclosed=False), INQUIRY],
                     "2025-05-02", CRITICAL, id="destination reported but not disclosed, inquiry unanswered"),
        pytest.param([UNDISCLOSED], "2025-05-02", None, id="undisclosed removal, nobody has asked yet"),
        pytest.param([*IN_US, NO_RECORD], "2025-03-12", WARNING, id="in US custody, locator shows no record"),
        pytest.param([*IN_US, NO_RECORD], "2025-04-05", CRITICAL, id="locator no record, 34 days silent"),
        pytest.param([*IN_US, NO_RECORD, ev("locator_check", "2025-03-11", result="found", facility="Facility B")],
                     "2025-03-12", None, id="a later look-up finds the person"),
        pytest.param([*IN_US, ev("released", "2025-03-08", reason="bond"), NO_RECORD], "2025-03-12", None,
                     id="no record after a release: nothing concealed"),
        pytest.param([*HELD, ev("access_denied", "2025-03-20", who="counsel"),
                      ev("proof_of_life", "2025-03-25", evidence="visit"),
                      ev("inquiry", "2025-03-26", "inq2", by="family"),
                      ev("inquiry_answered", "2025-03-27", outcome="denied", inquiry="inq2")],
                     "2025-04-10", WARNING, id="access refused before a later visit no longer shows element 3"),
    ],
)  # fmt: skip
def test_enforced_disappearance_indicators(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("enforced_disappearance_indicators", events, as_of)) == expected


def test_enforced_disappearance_reads_the_other_rules_thresholds() -> None:
    events = [*HELD, *REFUSED]
    later = {"no_proof_of_life": {"critical_days": 60}}
    # The silence decides only the third element: within 60 days it is a warning (it was nothing before).
    assert outcome(run("enforced_disappearance_indicators", events, "2025-04-30", settings=later)) == WARNING
    assert outcome(run("enforced_disappearance_indicators", events, "2025-05-16", settings=later)) == CRITICAL
    assert outcome(run("enforced_disappearance_indicators", [*HELD, INQUIRY], "2025-04-10")) is None
    slower = {"inquiry_unanswered": {"days": 5}}
    assert outcome(run("enforced_disappearance_indicators", [*HELD, INQUIRY], "2025-04-10", settings=slower)) == (
        WARNING
    )


def test_enforced_disappearance_names_every_mark_and_its_evidence() -> None:
    (flag,) = run("enforced_disappearance_indicators", [*HELD, *REFUSED], "2025-04-30")
    assert set(flag.evidence) == {"held", "inq", "refused"}
    assert "no proof of life for 45 days" in flag.explanation and "refused an answer" in flag.explanation
    assert "47/133" in flag.legal_basis and "art. 2" in flag.legal_basis
    assert "CED/C/10/D/1/2013" in flag.legal_basis


def test_enforced_disappearance_says_which_elements_are_shown_and_which_are_not() -> None:
    (flag,) = run("enforced_disappearance_indicators", [*HELD, *REFUSED], "2025-04-10")
    assert "shows two" in flag.explanation
    assert "(1) deprivation of liberty" in flag.explanation and "(2) a refusal to acknowledge" in flag.explanation
    assert "(3) placement outside the protection of the law: not shown" in flag.explanation
    assert set(flag.evidence) == {"held", "inq", "refused"}
    (flag,) = run("enforced_disappearance_indicators", [UNDISCLOSED, *REFUSED], "2025-04-20")
    assert "to no disclosed destination" in flag.explanation and "no one has said where" in flag.explanation
    assert "shows all three" in flag.explanation and set(flag.evidence) == {"gone", "inq", "refused"}
    (flag,) = run("enforced_disappearance_indicators", [*IN_US, NO_RECORD], "2025-03-12")
    assert "found no record of the person" in flag.explanation and "locator" in flag.evidence

"""Access rules: access refused, inquiries unanswered, the marks of an enforced disappearance."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
INQUIRY = ev("inquiry", "2025-04-01", "inq", by="congress", to="DHS")


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


HELD = [ev("removed", "2025-03-15", destination="SV"), ev("handed_over", "2025-03-16", "held", country="SV")]
REFUSED = [INQUIRY, ev("inquiry_answered", "2025-04-02", "refused", outcome="denied", inquiry="inq")]


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([*HELD, *REFUSED], "2025-04-30", CRITICAL, id="held, refused, 45 days silent"),
        pytest.param([*HELD, *REFUSED], "2025-04-15", None, id="30 days silent: not past critical_days"),
        pytest.param([*HELD, *REFUSED], "2025-04-16", CRITICAL, id="31 days silent"),
        pytest.param(HELD, "2025-04-30", None, id="nobody was refused"),
        pytest.param([*HELD, ev("access_denied", "2025-04-17", who="a member of Congress")], "2025-04-30", CRITICAL,
                     id="access refused instead of an inquiry"),
        pytest.param([*HELD, INQUIRY], "2025-04-30", None, id="inquiry still within its 30 days"),
        pytest.param([*HELD, INQUIRY], "2025-05-02", CRITICAL, id="inquiry unanswered past its 30 days"),
        pytest.param([*HELD, *REFUSED, ev("proof_of_life", "2025-04-20", evidence="video")], "2025-04-30", None,
                     id="seen alive ten days ago"),
        pytest.param([*HELD, *REFUSED, ev("released", "2025-04-20", country="VE")], "2025-06-30", None,
                     id="released"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"), *REFUSED], "2025-04-30", None,
                     id="removed but not in anyone's custody on record"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"),
                      ev("handed_over", "2025-03-15/2025-03-31", country="SV"), *REFUSED], "2025-04-20",
                     CRITICAL_POSSIBLE, id="hand-over between 15 and 31 March: 20–36 days silent"),
    ],
)  # fmt: skip
def test_enforced_disappearance_indicators(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("enforced_disappearance_indicators", events, as_of)) == expected


def test_enforced_disappearance_reads_the_other_rules_thresholds() -> None:
    events = [*HELD, *REFUSED]
    later = {"no_proof_of_life": {"critical_days": 60}}
    assert outcome(run("enforced_disappearance_indicators", events, "2025-04-30", settings=later)) is None
    assert outcome(run("enforced_disappearance_indicators", events, "2025-05-16", settings=later)) == CRITICAL


def test_enforced_disappearance_names_every_mark_and_its_evidence() -> None:
    (flag,) = run("enforced_disappearance_indicators", [*HELD, *REFUSED], "2025-04-30")
    assert set(flag.evidence) == {"held", "inq", "refused"}
    assert "no proof of life for 45 days" in flag.explanation and "refused an answer" in flag.explanation
    assert "47/133" in flag.legal_basis and "art. 2" in flag.legal_basis

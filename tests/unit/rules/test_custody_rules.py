"""Custody rules: foreign custody, the proof-of-life clock, prolonged detention."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

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
    (later,) = run("foreign_custody", [*held, ev("released", "2025-07-18", country="VE")], "2025-08-01")
    assert "still held" not in later.explanation


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
        pytest.param([BOOKED, ORDER], "2025-07-09", WARNING, id="180 days after a final order"),
        pytest.param([BOOKED, ORDER], "2025-07-10", CRITICAL, id="181 days after a final order"),
        pytest.param([BOOKED, ORDER, ev("petition_filed", "2025-01-20", petition="review")], "2025-07-10", WARNING,
                     id="order under review is not final"),
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
    (flag,) = run("prolonged_detention", [BOOKED, ORDER], "2025-07-10")
    assert flag.evidence == ("booked", "order")
    assert "Zadvydas" in flag.legal_basis

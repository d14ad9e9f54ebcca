"""Conflicting accounts between sources, and allegations with no criminal record behind them."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

WARNING, WARNING_POSSIBLE = ("warning", "certain"), ("warning", "possible")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([ev("transferred", "2025-03-16", facility="A", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], WARNING,
                     id="in the US and in El Salvador on the same day"),
        pytest.param([ev("transferred", "2025-03-16", facility="A", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-a", "src-b"])], None,
                     id="one source behind both"),
        pytest.param([ev("transferred", "2025-03-16", facility="A", sources=[]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], None, id="unsourced"),
        pytest.param([ev("removed", "2025-03-16", destination="SV", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], None,
                     id="removal and hand-over agree"),
        pytest.param([ev("transferred", "2025-03", facility="A", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], WARNING_POSSIBLE,
                     id="transfer some day that month"),
        pytest.param([ev("booked_in", "2025-01-05", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], None,
                     id="different times"),
        pytest.param([ev("died", "2025-03-01", country="SV", sources=["src-a"]),
                      ev("proof_of_life", "2025-04-01", evidence="video", sources=["src-b"])], WARNING,
                     id="alive after a reported death"),
    ],
)  # fmt: skip
def test_conflicting_accounts(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("conflicting_accounts", events, "2025-05-01")) == expected


def test_conflicting_accounts_names_both_sources() -> None:
    events = [
        ev("transferred", "2025-03-16", "t", facility="A", sources=["src-a"]),
        ev("handed_over", "2025-03-16", "h", country="SV", sources=["src-b"]),
    ]
    (flag,) = run("conflicting_accounts", events, "2025-05-01")
    assert flag.evidence == ("t", "h") and set(flag.sources) == {"src-a", "src-b"}
    assert "src-a vs src-b" in flag.explanation


TATTOOS = ev("allegation", "2024-08", "alleged", claim="gang_membership", by="DHS", basis=["tattoo"])


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([TATTOOS], "2025-05-01", WARNING, id="tattoos, no record check"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="none_found")], "2025-06-01", WARNING,
                     id="tattoos, record check found nothing"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found")], "2025-06-01", None,
                     id="a record was found"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership", basis=["criminal_record", "tattoo"])],
                     "2025-05-01", None, id="alleged on a criminal record"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership")], "2025-05-01", WARNING,
                     id="no basis stated"),
        pytest.param([ev("allegation", "2025-05", basis=["informant"])], "2025-05-10", WARNING_POSSIBLE,
                     id="allegation may fall after as-of"),
    ],
)  # fmt: skip
def test_allegation_without_record(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("allegation_without_record", events, as_of)) == expected


def test_allegation_explanation_says_what_it_rests_on() -> None:
    (flag,) = run("allegation_without_record", [TATTOOS], "2025-05-01")
    assert flag.explanation.startswith("An allegation of gang membership by DHS on 2024-08 rests on tattoos")
    assert "No criminal-record check is on file" in flag.explanation

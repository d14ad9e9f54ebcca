"""Casework follow-ups: an unanswered inquiry is chased every so many days, from its latest unanswered follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from habeas.domain.followups import follow_ups
from habeas.domain.model import Event
from habeas.testing import event, timeline_of

ASKED = event("inquiry", "2025-06-02", id="asked", by="congress", to="ICE field office")


def ev(kind: str, when: str, ident: str, **fields: Any) -> Event:
    return event(kind, when, id=ident, **fields)


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([ASKED], "2025-06-15", [], id="a caseworker's inquiry, 13 days old: not yet"),
        pytest.param([ASKED], "2025-06-16", [("asked", "2025-06-16", True)], id="14 days: follow up today"),
        pytest.param([ASKED, ev("inquiry_answered", "2025-06-16", "chased", outcome="no_response", inquiry="asked")],
                     "2025-06-20", [], id="followed up on the 16th with no answer: the clock restarts"),
        pytest.param([ASKED, ev("inquiry_answered", "2025-06-16", "chased", outcome="no_response", inquiry="asked")],
                     "2025-06-30", [("asked", "2025-06-30", True)], id="14 days after the unanswered follow-up"),
        pytest.param([ASKED, ev("inquiry_answered", "2025-06-10", "answered", outcome="answered", inquiry="asked")],
                     "2025-07-30", [], id="the agency answered: nothing to chase"),
        pytest.param([ev("inquiry", "2025-06", "asked", by="family", to="consulate")], "2025-06-20",
                     [("asked", "2025-06-15", False)], id="asked some day in June: possibly due"),
        pytest.param([ASKED, ev("inquiry_answered", "2025-06-16", "other", outcome="no_response", inquiry="elsewhere")],
                     "2025-06-17", [("asked", "2025-06-16", True)], id="no response to another inquiry"),
    ],
)  # fmt: skip
def test_follow_ups(events: list[Event], as_of: str, expected: list[tuple[str, str, bool]]) -> None:
    due = follow_ups(timeline_of(events), date.fromisoformat(as_of))
    assert [(f.inquiry.id, f.due.earliest.isoformat(), f.certain) for f in due] == expected


def test_the_interval_is_a_positive_number_of_days() -> None:
    assert [f.due.earliest for f in follow_ups(timeline_of([ASKED]), date(2025, 6, 9), every=7)] == [date(2025, 6, 9)]
    with pytest.raises(ValueError, match="positive number of days"):
        follow_ups(timeline_of([ASKED]), date(2025, 6, 9), every=0)

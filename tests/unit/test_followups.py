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


WEEKLY = ev("inquiry", "2025-06-02", "weekly", by="attorney", to="ICE ERO", follow_up_days=7)


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([WEEKLY], "2025-06-08", [], id="the inquiry asks for a weekly follow-up: 6 days, not yet"),
        pytest.param([WEEKLY], "2025-06-09", [("weekly", "2025-06-09", 7)],
                     id="7 days: due, though the default is 14"),
        pytest.param([WEEKLY, ev("inquiry_answered", "2025-06-09", "w1", outcome="no_response", inquiry="weekly")],
                     "2025-06-16", [("weekly", "2025-06-16", 7)], id="its own interval restarts from the no-response"),
        pytest.param([ASKED], "2025-06-16", [("asked", "2025-06-16", 14)], id="no interval recorded: the default"),
    ],
)  # fmt: skip
def test_an_inquiry_may_carry_its_own_interval(events: list[Event], as_of: str, expected: list[object]) -> None:
    due = follow_ups(timeline_of(events), date.fromisoformat(as_of))
    assert [(f.inquiry.id, f.due.earliest.isoformat(), f.every) for f in due] == expected


@pytest.mark.parametrize(
    ("fields", "needs_release"),
    [
        pytest.param({"by": "congress"}, True, id="a congressional inquiry, release not recorded: needs one"),
        pytest.param({"by": "congress", "privacy_release": "requested"}, True, id="requested, not yet on file"),
        pytest.param({"by": "congress", "privacy_release": "on_file", "privacy_release_date": "2025-05-30"}, False,
                     id="release on file: nothing missing"),
        pytest.param({"by": "attorney"}, False, id="an attorney of record asks under a G-28, not a release"),
        pytest.param({"by": "congress", "privacy_release": "not_needed"}, False, id="the caseworker says none needed"),
    ],
)  # fmt: skip
def test_a_congressional_inquiry_without_a_privacy_act_release_is_marked(
    fields: dict[str, Any], needs_release: bool
) -> None:
    inquiry = ev("inquiry", "2025-06-02", "asked", to="ICE", case_number="DHS-2025-0042", **fields)
    (due,) = follow_ups(timeline_of([inquiry]), date(2025, 6, 20))
    assert due.needs_release is needs_release
    assert due.as_json()["case_number"] == "DHS-2025-0042"
    assert due.as_json()["needs_release"] is needs_release


@pytest.mark.parametrize("every", [0, -3, True, 1.5])
def test_a_default_interval_that_is_not_a_positive_whole_number_is_refused(every: Any) -> None:
    with pytest.raises(ValueError, match="positive number of days"):
        follow_ups(timeline_of([ASKED]), date(2025, 6, 20), every=every)

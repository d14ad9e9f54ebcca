"""Casework follow-ups: an inquiry to an agency not yet answered is followed up every so many days.

A congressional caseworker, an attorney or a family asks DHS, a consulate or a facility about a
person; until the answer comes, the inquiry is chased on a fixed interval (fourteen days by
default, as caseworkers do). The clock of an inquiry restarts at its latest "no response" recorded
against it (an ``inquiry_answered`` with outcome ``no_response`` naming it), which is how a
follow-up that went unanswered is written down. An inquiry stops being followed up when it is
answered or denied (domain.proceedings decides when an inquiry is open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.proceedings import open_matters
from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import Kind

FOLLOW_UP_DAYS = 14


@dataclass(frozen=True)
class FollowUp:
    person: str
    inquiry: Event
    last: Event  # the inquiry itself, or the latest "no response" recorded against it
    due: DateRange  # the day (a range when the last activity's date is uncertain) the next follow-up is due
    certain: bool  # False when the due range straddles the day asked about
    every: int = FOLLOW_UP_DAYS  # the interval that applies: the inquiry's own follow_up_days, or the default

    @property
    def release(self) -> str | None:
        """The Privacy Act release the inquiry records: on_file, requested, not_needed, or None when not said."""
        value = self.inquiry.get("privacy_release")
        return value if isinstance(value, str) else None

    @property
    def needs_release(self) -> bool:
        """True for a congressional inquiry with no Privacy Act release on file.

        An agency answers a member of Congress about an individual only with the individual's written
        consent (the Privacy Act, 5 U.S.C. 552a(b)); a follow-up without it is likely to be refused again.
        """
        return self.inquiry.get("by") == "congress" and self.release not in ("on_file", "not_needed")

    def as_json(self) -> dict[str, object]:
        return {
            "person": self.person,
            "inquiry": self.inquiry.id,
            "by": self.inquiry.get("by"),
            "to": self.inquiry.get("to"),
            "last_activity": self.last.id,
            "due": self.due.as_json(),
            "certainty": "certain" if self.certain else "possible",
            "every": self.every,
            "case_number": self.inquiry.get("case_number"),
            "privacy_release": self.release,
            "needs_release": self.needs_release,
        }


def follow_ups(timeline: Timeline, as_of: date, every: int = FOLLOW_UP_DAYS) -> list[FollowUp]:
    """The open inquiries about the timeline's person whose next follow-up may be due by ``as_of``, soonest first.

    ``every`` is the default interval; an inquiry that records its own ``follow_up_days`` is chased on that.
    """
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"a follow-up interval is a positive number of days, not {every!r}")
    events = [e for e in timeline.events if e.date.earliest <= as_of]
    still_open = [e for e in open_matters(events, as_of).open.values() if e.kind == Kind.INQUIRY]
    found = []
    for inquiry in still_open:
        chased = [
            e
            for e in events
            if e.kind == Kind.INQUIRY_ANSWERED and e.get("outcome") == "no_response" and e.get("inquiry") == inquiry.id
        ]
        last = max([inquiry, *chased], key=lambda e: (e.date.latest, e.date.earliest))
        own = inquiry.get("follow_up_days")
        interval = own if isinstance(own, int) and not isinstance(own, bool) and own >= 1 else every
        step = timedelta(days=interval)
        due = DateRange(last.date.earliest + step, last.date.latest + step, "")
        if due.earliest <= as_of:
            found.append(FollowUp(timeline.person.id, inquiry, last, due, certain=due.latest <= as_of, every=interval))
    return sorted(found, key=lambda f: (f.due.earliest, f.person, f.inquiry.id))

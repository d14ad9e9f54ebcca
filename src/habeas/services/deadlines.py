"""Deadlines and the agenda for the people the acting user may reach, and both as an iCalendar file.

Timelines are read through habeas.services.track, which decides access and audits every read;
the deadlines and hearings are derived in the core (habeas.domain.deadlines). A calendar goes
to phones and to the companies that sync them, so what it says of a person is their id and no
more: no name, court, proceeding or note, only the deadline's label, its day and its legal basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import TYPE_CHECKING, Any

from habeas.domain.dates import DateRange
from habeas.domain.deadlines import Deadline, Hearing, HearingState, Status, timeline_deadlines, timeline_hearings
from habeas.domain.followups import FOLLOW_UP_DAYS, FollowUp, follow_ups
from habeas.security.access import NOTHING
from habeas.services import Context, ServiceError

if TYPE_CHECKING:
    from icalendar import Event as CalendarEvent

NOT_ADVICE = "Deadlines are prompts for review by counsel, not legal advice."
PRODID = "-//habeas//deadlines and hearings//EN"


def _statuses(values: Sequence[Status | str]) -> set[Status]:
    try:
        return {Status(v) for v in values}
    except ValueError:
        raise ServiceError(f"unknown status in {list(values)}; use {', '.join(s.value for s in Status)}") from None


def _overlaps(days: DateRange, start: date, end: date) -> bool:
    return days.earliest <= end and start <= days.latest


def deadlines(
    ctx: Context,
    person_ids: Sequence[str] | None = None,
    *,
    as_of: date,
    within: int | None = None,
    statuses: Sequence[Status | str] = (),
) -> list[Deadline]:
    """The deadlines of the named people (or of everyone the user may reach) on ``as_of``, soonest first.

    ``within`` keeps those whose last day may fall in the next ``within`` days (from ``as_of``);
    ``statuses`` keeps those with one of the statuses.
    """
    if within is not None and within <= 0:
        raise ServiceError(f"within must be a positive number of days, not {within}")
    wanted = _statuses(statuses)
    from habeas.services import track  # with the store: loaded when a command reads deadlines, not at start-up

    found = [d for t in track.timelines(ctx, person_ids=person_ids) for d in timeline_deadlines(t, as_of)]
    if within is not None:
        found = [d for d in found if d.due is not None and _overlaps(d.due, as_of, as_of + timedelta(days=within))]
    if wanted:
        found = [d for d in found if d.status in wanted]
    return sorted(found, key=_soonest)


def _soonest(d: Deadline) -> tuple[object, ...]:
    return (d.due is None, d.due.earliest if d.due else date.max, d.person or "", d.spec.id, d.trigger or "")


@dataclass(frozen=True)
class AgendaItem:
    """A deadline or a hearing, listed on its earliest possible day (or the agenda's first day, if earlier)."""

    day: date
    person: str
    deadline: Deadline | None = None
    hearing: Hearing | None = None

    @property
    def days(self) -> DateRange:
        if self.hearing is not None:
            return self.hearing.scheduled_for
        assert self.deadline is not None and self.deadline.due is not None
        return self.deadline.due

    def as_json(self) -> dict[str, Any]:
        if self.hearing is not None:
            return {"type": "hearing", **self.hearing.as_json()}
        assert self.deadline is not None
        return {"type": "deadline", **self.deadline.as_json()}


@dataclass(frozen=True)
class Agenda:
    start: date
    end: date
    as_of: date
    items: tuple[AgendaItem, ...]

    def by_day(self) -> list[tuple[date, list[AgendaItem]]]:
        return [(day, list(items)) for day, items in groupby(self.items, key=lambda item: item.day)]

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "days": [{"day": d.isoformat(), "items": [i.as_json() for i in items]} for d, items in self.by_day()],
        }


def agenda(ctx: Context, start: date, end: date, *, as_of: date) -> Agenda:
    """Hearings and dated deadlines between ``start`` and ``end`` (inclusive), across everyone the user may reach.

    Statuses are as the record shows them on ``as_of``. A deadline or hearing known only as a range
    of days is listed when the range meets the agenda's days.
    """
    if end < start:
        raise ServiceError(f"the agenda ends ({end}) before it starts ({start})")
    from habeas.services import track

    items: list[AgendaItem] = []
    for timeline in track.timelines(ctx):
        person = timeline.person.id
        for d in timeline_deadlines(timeline, as_of):
            if d.due is not None and _overlaps(d.due, start, end):
                items.append(AgendaItem(max(d.due.earliest, start), person, deadline=d))
        for h in timeline_hearings(timeline, as_of):
            if _overlaps(h.scheduled_for, start, end):
                items.append(AgendaItem(max(h.scheduled_for.earliest, start), person, hearing=h))
    items.sort(key=lambda i: (i.day, i.hearing is None, i.person, i.deadline.spec.id if i.deadline else ""))
    return Agenda(start, end, as_of, tuple(items))


# -- iCalendar (RFC 5545) ---------------------------------------------------------------------------------------

HEARING_WORDS = {
    HearingState.SCHEDULED: "scheduled",
    HearingState.HELD: "held",
    HearingState.DECIDED: "decided",
    HearingState.NOTHING_RECORDED: "nothing recorded",
}


def _uid(ctx: Context, person: str, key: str) -> str:
    """Stable across exports, and keyed: it says nothing of the person or the events to whoever lacks the key."""
    digest = ctx.keyring.identity_mac("calendar-uid", f"{person}\x00{key}".encode()).hex()[:32]
    return f"{digest}@habeas"


def _stamp(recorded: datetime | None, fallback: date) -> datetime:
    """From the data, never the clock: when the events behind it were recorded, else its first day."""
    if recorded is None:
        return datetime.combine(fallback, time(0), UTC)
    return (recorded if recorded.tzinfo else recorded.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


def _deadline_event(ctx: Context, d: Deadline) -> CalendarEvent:
    assert d.due is not None and d.person is not None
    summary = f"{d.person}: {d.spec.label}" + ("" if d.status == Status.OPEN else f" ({d.status.value})")
    lines = [
        f"{d.spec.label}: {d.status.value}" + (" (possibly)" if d.certainty.value == "possible" else ""),
        f"Last day: {d.due.earliest}" + ("" if d.due.exact else f", or as late as {d.due.latest}"),
        f"Legal basis: {d.spec.basis}",
        f"Owed by: {d.spec.owed_by}",
        *([f"Met by: {d.spec.met_by}"] if d.spec.met_by else []),
        d.reason,
        *d.notes,
        f"As the record shows on {d.as_of}. {NOT_ADVICE}",
    ]
    return _all_day(_uid(ctx, d.person, d.key), d.due, summary, "\n".join(lines), _stamp(d.recorded, d.due.earliest))


def _hearing_event(ctx: Context, h: Hearing) -> CalendarEvent:
    assert h.person is not None
    state = HEARING_WORDS[h.state]
    summary = f"{h.person}: hearing" + ("" if h.state == HearingState.SCHEDULED else f" ({state})")
    when = str(h.scheduled_for.earliest) + ("" if h.scheduled_for.exact else f" to {h.scheduled_for.latest}")
    description = f"Hearing set for {when}: {state}.\nAs the record shows on {h.as_of}."
    stamp = _stamp(h.recorded, h.scheduled_for.earliest)
    return _all_day(_uid(ctx, h.person, f"hearing:{h.event}"), h.scheduled_for, summary, description, stamp)


def _all_day(uid: str, days: DateRange, summary: str, description: str, stamp: datetime) -> CalendarEvent:
    from icalendar import Event as CalendarEvent  # loaded only for a calendar: every command would pay for it

    event = CalendarEvent()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", days.earliest)  # a date, so VALUE=DATE: an all-day event
    event.add("dtend", days.latest + timedelta(days=1))  # exclusive: the range's last day is in it
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event


def calendar(ctx: Context, entries: Sequence[Deadline | Hearing | AgendaItem], name: str = "habeas") -> bytes:
    """An iCalendar file of the dated deadlines and the hearings; deadlines with no day are left out."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for entry in entries:
        item: Deadline | Hearing | None = entry.deadline or entry.hearing if isinstance(entry, AgendaItem) else entry
        if isinstance(item, Hearing):
            cal.add_component(_hearing_event(ctx, item))
        elif isinstance(item, Deadline) and item.due is not None:
            cal.add_component(_deadline_event(ctx, item))
    return bytes(cal.to_ical())


# -- the morning report -----------------------------------------------------------------------------------------

DUE_SOON_DAYS = 7  # the morning report's "due within": a week, what an attorney plans from


@dataclass(frozen=True)
class MorningDeadlines:
    """The morning report's deadlines and hearings across everyone in reach, on ``today``.

    ``due_soon``: open, with a last day that may come within ``DUE_SOON_DAYS``, soonest first.
    ``missed``: those missed since ``since`` first, then newest first. ``unrecorded``: hearings
    whose day passed with nothing recorded, newest first.
    """

    since: date
    today: date
    due_soon: tuple[Deadline, ...] = ()
    missed: tuple[Deadline, ...] = ()
    unrecorded: tuple[Hearing, ...] = ()

    @property
    def people(self) -> list[str]:
        found = [d.person for d in (*self.due_soon, *self.missed)] + [h.person for h in self.unrecorded]
        return [p for p in dict.fromkeys(found) if p is not None]

    def missed_since(self, d: Deadline) -> bool:
        """Whether it was missed after the last report: on ``since`` its last day had not all passed."""
        return d.due is not None and d.due.latest >= self.since

    def recorded_nothing_since(self, h: Hearing) -> bool:
        return h.scheduled_for.latest >= self.since

    def as_json(self) -> dict[str, Any]:
        return {
            "due_within_days": DUE_SOON_DAYS,
            "due_soon": [d.as_json() for d in self.due_soon],
            "missed": [{**d.as_json(), "missed_since_last_report": self.missed_since(d)} for d in self.missed],
            "hearings_nothing_recorded": [
                {**h.as_json(), "since_last_report": self.recorded_nothing_since(h)} for h in self.unrecorded
            ],
        }


def morning_deadlines(ctx: Context, since: date, today: date) -> MorningDeadlines:
    """What is due this week, what was missed and which hearing passed unrecorded, for everyone in reach.

    Timelines are read through the access model: a user who may read nobody is told nothing, not refused.
    """
    from habeas.services import access, track

    if access.reachable(ctx) == NOTHING:
        return MorningDeadlines(since, today)
    soon: list[Deadline] = []
    missed: list[Deadline] = []
    unrecorded: list[Hearing] = []
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    for timeline in track.timelines(ctx):
        for d in timeline_deadlines(timeline, today):
            if d.status == Status.OPEN and d.due is not None and d.due.earliest <= horizon:
                soon.append(d)
            elif d.status == Status.MISSED:
                missed.append(d)
        unrecorded += [h for h in timeline_hearings(timeline, today) if h.state == HearingState.NOTHING_RECORDED]
    report = MorningDeadlines(since, today, tuple(sorted(soon, key=_soonest)))
    missed.sort(key=lambda d: (d.due.latest if d.due else date.min, d.person or "", d.spec.id), reverse=True)
    missed.sort(key=report.missed_since, reverse=True)  # stable: newest first within each
    unrecorded.sort(key=lambda h: (h.scheduled_for.latest, h.person or "", h.event), reverse=True)
    return replace(report, missed=tuple(missed), unrecorded=tuple(unrecorded))


def followups(ctx: Context, as_of: date, every: int = FOLLOW_UP_DAYS) -> list[FollowUp]:
    """Open inquiries due a follow-up by ``as_of``, across everyone the user may reach (reads are audited)."""
    if every < 1:
        raise ServiceError(f"--every takes a positive number of days, not {every}")
    from habeas.services import track

    found = [f for timeline in track.timelines(ctx) for f in follow_ups(timeline, as_of, every)]
    return sorted(found, key=lambda f: (f.due.earliest, f.person, f.inquiry.id))

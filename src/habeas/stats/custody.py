"""A group's custody day by day and its stays in detention, from each member's events: pure arithmetic.

Each member's timeline is folded through the whereabouts transition table once, into
spans of days in one custody state; the day-by-day counts are then a sweep over those
spans, never a derivation per member per day. A day counts in a state exactly as
:func:`habeas.domain.whereabouts.derive_whereabouts` would place the member that day
(an event counts from the earliest day it may have happened); the days before the
state has surely begun (its event's latest possible day) are counted apart, as
uncertain, so a chart can draw them lighter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import CustodyState
from habeas.stats.intervals import median

DETENTION = (Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY)  # the states whose stays are measured


@dataclass(frozen=True)
class CustodySpan:
    """Days ``first``..``last`` (``last`` None: still so) in one custody state; surely begun from ``sure``."""

    custody: Custody
    first: date | None  # None: from the beginning of the record (no event yet)
    last: date | None
    sure: date | None  # the state's event's latest possible day; before it the state may not have begun


def _steps(events: Sequence[Event]) -> list[tuple[date, CustodyState]]:
    """Each change of state with the first day whereabouts place the member in it.

    ``custody_on`` folds the events up to the first one that may not have happened yet,
    so the k-th state holds from the latest of the first k events' earliest days.
    """
    steps: list[tuple[date, CustodyState]] = []
    state, reached = CustodyState(), date.min
    for event in events:
        reached = max(reached, event.date.earliest)
        stepped = state.step(event)
        if steps and steps[-1][0] == reached:
            steps[-1] = (reached, stepped)  # several events on the day reached: the fold's last state holds
        elif stepped is not state:
            steps.append((reached, stepped))
        state = stepped
    return [s for i, s in enumerate(steps) if i == 0 or s[1] is not steps[i - 1][1]]


def custody_spans(events: Sequence[Event]) -> list[CustodySpan]:
    """A member's custody as consecutive spans of days, from the events of their timeline (in its order)."""
    spans: list[CustodySpan] = []
    steps = _steps(events)
    first_day = steps[0][0] if steps else None
    if first_day is None or first_day > date.min:
        spans.append(CustodySpan(Custody.UNKNOWN, None, first_day - timedelta(days=1) if first_day else None, None))
    for i, (start, state) in enumerate(steps):
        stop = steps[i + 1][0] - timedelta(days=1) if i + 1 < len(steps) else None
        sure = state.since.latest if state.since is not None else start
        spans.append(CustodySpan(state.custody, start, stop, max(sure, start)))
    return [s for s in spans if s.first is None or s.last is None or s.first <= s.last]


@dataclass(frozen=True)
class DailyCustody:
    """For each day from ``start``, how many members were in each state (``sure`` + ``unsure``)."""

    start: date
    days: int
    sure: dict[Custody, tuple[int, ...]]
    unsure: dict[Custody, tuple[int, ...]]  # counted in the state before it had surely begun

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def on(self, day: date) -> dict[Custody, int]:
        """Members per state on ``day`` (as whereabouts derived that day would place them)."""
        i = (day - self.start).days
        if not 0 <= i < self.days:
            raise ValueError(f"{day} is outside {self.start} + {self.days} days")
        return {c: self.sure[c][i] + self.unsure[c][i] for c in Custody}

    def unsure_on(self, day: date) -> int:
        i = (day - self.start).days
        return sum(self.unsure[c][i] for c in Custody)


def _add(counts: list[int], start: date, end: date, first: date | None, last: date | None) -> None:
    """+1 on every day of [first, last] within [start, end] (a difference array, summed afterwards)."""
    lo = max(first or start, start)
    hi = min(last or end, end)
    if lo > hi:
        return
    counts[(lo - start).days] += 1
    counts[(hi - start).days + 1] -= 1


def _running(diffs: list[int]) -> tuple[int, ...]:
    total, out = 0, []
    for change in diffs[:-1]:
        total += change
        out.append(total)
    return tuple(out)


def daily_custody(members: Iterable[Sequence[CustodySpan]], start: date, end: date) -> DailyCustody:
    """Members per custody state on every day from ``start`` to ``end`` (both included)."""
    days = (end - start).days + 1
    if days < 1:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    sure = {c: [0] * (days + 1) for c in Custody}
    unsure = {c: [0] * (days + 1) for c in Custody}
    for spans in members:
        for span in spans:
            if span.sure is None or (span.first is not None and span.sure <= span.first):
                _add(sure[span.custody], start, end, span.first, span.last)
                continue
            before = span.sure - timedelta(days=1)
            _add(unsure[span.custody], start, end, span.first, min(before, span.last) if span.last else before)
            _add(sure[span.custody], start, end, span.sure, span.last)
    return DailyCustody(
        start, days, {c: _running(v) for c, v in sure.items()}, {c: _running(v) for c, v in unsure.items()}
    )


@dataclass(frozen=True)
class Stay:
    """A continuous period in one detention state (transfers within it do not end it)."""

    person: str
    custody: Custody
    began: DateRange
    ended: DateRange | None  # None: still held on the as-of day
    length: DayCount

    @property
    def ongoing(self) -> bool:
        return self.ended is None


def stays(person: str, events: Sequence[Event], as_of: date) -> list[Stay]:
    """The member's stays in US detention and in foreign custody up to ``as_of``, each with its length in days."""
    found: list[Stay] = []
    state, current = CustodyState(), None
    for event in events:
        if event.date.earliest > as_of:
            break
        stepped = state.step(event)
        if stepped.custody != state.custody:
            if current is not None:
                assert stepped.since is not None
                found.append(_ended(person, current, stepped.since.clip_to(as_of)))
            current = stepped if stepped.custody in DETENTION else None
        state = stepped
    if current is not None and current.since is not None:
        began = current.since.clip_to(as_of)
        length = DayCount((as_of - began.latest).days, (as_of - began.earliest).days)
        found.append(Stay(person, current.custody, began, None, length))
    return found


def _ended(person: str, state: CustodyState, ended: DateRange) -> Stay:
    assert state.since is not None
    began = state.since
    low = max(0, (ended.earliest - began.latest).days)
    high = max(low, (ended.latest - began.earliest).days)
    return Stay(person, state.custody, began, ended, DayCount(low, high))


@dataclass(frozen=True)
class StaySummary:
    """The stays in one state: how many, how many still running, and the median length's bounds."""

    custody: Custody
    count: int
    ongoing: int
    median_low: float | None  # the median of the shortest possible lengths
    median_high: float | None  # the median of the longest possible lengths
    shortest: int | None
    longest: int | None


def summarise_stays(found: Sequence[Stay], custody: Custody) -> StaySummary:
    """The median of uncertain lengths as a range: the true median lies between those of the bounds."""
    chosen = [s for s in found if s.custody == custody]
    lows = sorted(s.length.min for s in chosen)
    highs = sorted(s.length.max for s in chosen)
    return StaySummary(
        custody=custody,
        count=len(chosen),
        ongoing=sum(1 for s in chosen if s.ongoing),
        median_low=median(lows),
        median_high=median(highs),
        shortest=lows[0] if lows else None,
        longest=highs[-1] if highs else None,
    )

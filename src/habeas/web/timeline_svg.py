"""The geometry of a person's visual timeline: custody bands by country, marks for proceedings and contacts.

Pure arithmetic on a timeline; the template draws it as SVG. An uncertain date is a
range on the axis (a hatched start for a band, a capsule for a mark), never a point
picked inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import CustodyState, Whereabouts, proves_alive

WIDTH = 960
GUTTER = 150  # room for the row labels
PAD = 24
ROW_HEIGHT = 40
TOP = 28  # room above the rows for the as-of day's label
AXIS_HEIGHT = 34

ROWS = ("custody", "proceedings", "contact", "other")
ROW_OF_KIND = {
    **dict.fromkeys(("claim_filed", "hearing_scheduled", "hearing_held", "decision", "petition_filed"), 1),
    **dict.fromkeys(("contact", "proof_of_life", "inquiry", "inquiry_answered", "access_denied"), 2),
    **dict.fromkeys(("allegation", "record_check"), 3),
}
# Colour-blind-safe palette (Okabe–Ito, without yellow, which fails contrast on white), by first appearance.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
UNKNOWN_COUNTRY = "#8c8c8c"


@dataclass(frozen=True)
class Band:
    x: float  # where the state has surely begun
    width: float
    fuzz_x: float  # the range in which it began (drawn hatched)
    fuzz_width: float
    custody: str
    country: str | None
    facility: str | None
    colour: str
    event: str
    since: DateRange

    @property
    def faint(self) -> bool:
        # Out of anyone's custody, or custody at the destination not recorded: drawn lighter.
        return self.custody in (Custody.RELEASED, Custody.REMOVED)


@dataclass(frozen=True)
class Mark:
    row: int
    x: float
    x_end: float  # equal to x for an exact day
    kind: str
    event: str
    date: DateRange
    alive: bool
    offset: float = 0.0  # up or down from the row's middle, so overlapping marks stay apart

    @property
    def y(self) -> float:
        return TOP + self.row * ROW_HEIGHT + ROW_HEIGHT / 2 + self.offset

    @property
    def is_range(self) -> bool:
        return self.x_end - self.x > 3

    @property
    def shape(self) -> str:
        if self.kind == "access_denied":
            return "cross"
        if self.kind == "decision":
            return "diamond"
        return "circle"


@dataclass(frozen=True)
class Tick:
    x: float
    day: date
    label: bool


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    rows: tuple[tuple[str, float], ...]  # (row name, y of its middle)
    bands: tuple[Band, ...]
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    tick_format: str
    as_of_x: float
    as_of: date
    alive_x: float | None  # the latest day of the last proof of life
    countries: tuple[tuple[str, str], ...]  # (country code or "", colour)

    @property
    def axis_y(self) -> float:
        return TOP + len(ROWS) * ROW_HEIGHT

    @property
    def band_y(self) -> float:
        return TOP + 6.0

    @property
    def band_height(self) -> float:
        return ROW_HEIGHT - 12


class _Scale:
    def __init__(self, start: date, end: date):
        self.start, self.days = start, max(1, (end - start).days)

    def x(self, day: date) -> float:
        return round(GUTTER + (day - self.start).days / self.days * (WIDTH - GUTTER - PAD), 1)

    def span(self, value: DateRange) -> tuple[float, float]:
        return self.x(value.earliest), self.x(value.latest + timedelta(days=1))


def _bounds(events: tuple[Event, ...], as_of: date) -> tuple[date, date]:
    first = min((e.date.earliest for e in events), default=as_of - timedelta(days=30))
    last = max([as_of, *(e.date.latest for e in events)])
    margin = timedelta(days=max(2, (last - first).days // 30))
    return first - margin, last + margin


def _colours(states: list[CustodyState]) -> dict[str | None, str]:
    colours: dict[str | None, str] = {}
    for state in states:
        if state.country is None:
            colours.setdefault(None, UNKNOWN_COUNTRY)
        elif state.country not in colours:
            colours[state.country] = PALETTE[sum(1 for c in colours if c is not None) % len(PALETTE)]
    return colours


def _custody_states(events: tuple[Event, ...]) -> list[CustodyState]:
    states, state = [], CustodyState()
    for event in events:
        stepped = state.step(event)
        if stepped is not state:
            states.append(stepped)
        state = stepped
    return states


def _bands(states: list[CustodyState], scale: _Scale, end: date, colours: dict[str | None, str]) -> list[Band]:
    bands = []
    followers: list[CustodyState | None] = [*states[1:], None] if states else []
    for state, following in zip(states, followers, strict=True):
        assert state.since is not None and state.event is not None
        if state.custody is Custody.DECEASED:
            continue
        stop = following.since.earliest if following is not None and following.since is not None else end
        fuzz_x, sure_x = scale.x(state.since.earliest), scale.x(state.since.latest)
        stop_x = max(sure_x, scale.x(stop))
        bands.append(
            Band(
                x=sure_x,
                width=stop_x - sure_x,
                fuzz_x=fuzz_x,
                fuzz_width=sure_x - fuzz_x,
                custody=state.custody,
                country=state.country,
                facility=state.facility,
                colour=colours[state.country],
                event=state.event,
                since=state.since,
            )
        )
    return bands


def _marks(timeline: Timeline, scale: _Scale) -> list[Mark]:
    marks = []
    for event in timeline.events:
        row = ROW_OF_KIND.get(event.kind, 0)
        x, x_end = scale.span(event.date)
        if event.date.exact and row != 0:
            x = x_end = (x + x_end) / 2
        marks.append(Mark(row, x, x_end, event.kind, event.id, event.date, proves_alive(event)))
    return _apart(marks)


def _apart(marks: list[Mark]) -> list[Mark]:
    """Marks of a row that would overlap go to separate lanes (at most three, then they share)."""
    placed = []
    for row in sorted({m.row for m in marks}):
        lanes: list[float] = []  # where each lane is free from
        assigned = []
        for mark in sorted((m for m in marks if m.row == row), key=lambda m: (m.x, m.x_end)):
            lane = next((i for i, free in enumerate(lanes) if mark.x - 8 >= free), None)
            if lane is None and len(lanes) < 3:
                lanes.append(0.0)
                lane = len(lanes) - 1
            elif lane is None:
                lane = min(range(len(lanes)), key=lanes.__getitem__)
            lanes[lane] = max(lanes[lane], mark.x_end + 8)
            assigned.append((mark, lane))
        middle = (len(lanes) - 1) / 2
        placed += [replace(m, offset=(lane - middle) * 11) if row else m for m, lane in assigned]
    return placed


def time_ticks(x: Callable[[date], float], start: date, end: date) -> tuple[list[Tick], str]:
    """Ticks of a time axis from ``start`` to ``end`` placed by ``x``, and the date format of their labels.

    Weeks for spans up to 75 days; otherwise months, labelled every month, quarter or year.
    """
    days = (end - start).days
    if days <= 75:
        first = start + timedelta(days=(7 - start.weekday()) % 7)
        return [Tick(x(d), d, True) for d in _every(first, end, weeks=1)], "d MMM"
    step = 1 if days <= 400 else 3 if days <= 1200 else 12
    month = date(start.year, start.month, 1)
    ticks = []
    while month <= end:
        if month >= start:
            ticks.append(Tick(x(month), month, (month.month - 1) % step == 0))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks, ("MMM y" if step < 12 else "y")


def _every(first: date, end: date, weeks: int) -> list[date]:
    out, day = [], first
    while day <= end:
        out.append(day)
        day += timedelta(weeks=weeks)
    return out


def draw(timeline: Timeline, whereabouts: Whereabouts) -> Drawing:
    """The drawing of ``timeline`` up to its whereabouts' as-of day."""
    # Only what may have happened by the as-of day: a page "as of" a day draws nothing that came later.
    shown = tuple(e for e in timeline.events if e.date.earliest <= whereabouts.as_of)
    start, end = _bounds(shown, whereabouts.as_of)
    scale = _Scale(start, end)
    states = _custody_states(shown)
    colours = _colours(states)
    ticks, tick_format = time_ticks(scale.x, start, end)
    # The silence since the last proof of life is drawn only while the clock runs (not after a release or a death).
    alive = whereabouts.last_proof_of_life if whereabouts.clock_running else None
    rows = tuple((name, TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2) for i, name in enumerate(ROWS))
    return Drawing(
        width=WIDTH,
        height=TOP + len(ROWS) * ROW_HEIGHT + AXIS_HEIGHT,
        rows=rows,
        bands=tuple(_bands(states, scale, whereabouts.as_of, colours)),
        marks=tuple(_marks(replace(timeline, events=shown), scale)),
        ticks=tuple(ticks),
        tick_format=tick_format,
        as_of_x=scale.x(whereabouts.as_of),
        as_of=whereabouts.as_of,
        alive_x=scale.x(alive.latest + timedelta(days=1)) if alive else None,
        countries=tuple((code or "", colour) for code, colour in colours.items()),
    )

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
GUTTER = 190  # room for the row labels (Spanish ones are the longest)
PAD = 24
ROW_HEIGHT = 40
TOP = 28  # room above the rows for the as-of day's label
AXIS_HEIGHT = 34
PHONE_WIDTH = 320  # a 390 px phone less the page's and the figure's margins


@dataclass(frozen=True)
class Layout:
    """How big the drawing is: a wide one labels rows in a gutter; a phone's labels each row above its marks."""

    width: int = WIDTH
    gutter: int = GUTTER
    row_height: int = ROW_HEIGHT
    label_above: bool = False  # row labels on a line of their own, at the top of each row
    max_labels: int = 12  # labelled ticks on the axis at most

    @property
    def label_room(self) -> int:
        return 22 if self.label_above else 0


WIDE = Layout()
PHONE = Layout(width=PHONE_WIDTH, gutter=8, row_height=62, label_above=True, max_labels=4)

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
    layout: Layout = WIDE

    @property
    def y(self) -> float:
        return _row_middle(self.layout, self.row) + self.offset

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
    layout: Layout = WIDE

    @property
    def axis_y(self) -> float:
        return TOP + len(ROWS) * self.layout.row_height

    @property
    def band_y(self) -> float:
        return TOP + self.layout.label_room + 6.0

    @property
    def band_height(self) -> float:
        return ROW_HEIGHT - 12

    @property
    def plot_x(self) -> int:
        return self.layout.gutter

    @property
    def label_x(self) -> int:
        return 4 if self.layout.label_above else self.layout.gutter - 10

    def label_y(self, middle: float) -> float:
        """Where a row's label sits: above the row's marks on a phone, beside them otherwise."""
        if self.layout.label_above:
            return middle - (self.layout.row_height + self.layout.label_room) / 2 + 13
        return middle + 4


def _row_middle(layout: Layout, row: int) -> float:
    """The y of a row's marks: its middle, or on a phone the middle of what is below its label."""
    return TOP + row * layout.row_height + layout.label_room + (layout.row_height - layout.label_room) / 2


class _Scale:
    def __init__(self, start: date, end: date, layout: Layout = WIDE):
        self.start, self.days = start, max(1, (end - start).days)
        self.left, self.right = layout.gutter, layout.width - PAD

    def x(self, day: date) -> float:
        return round(self.left + (day - self.start).days / self.days * (self.right - self.left), 1)

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


def _marks(timeline: Timeline, scale: _Scale, layout: Layout) -> list[Mark]:
    marks = []
    for event in timeline.events:
        row = ROW_OF_KIND.get(event.kind, 0)
        x, x_end = scale.span(event.date)
        if event.date.exact and row != 0:
            x = x_end = (x + x_end) / 2
        marks.append(Mark(row, x, x_end, event.kind, event.id, event.date, proves_alive(event), layout=layout))
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


def time_ticks(x: Callable[[date], float], start: date, end: date, max_labels: int = 12) -> tuple[list[Tick], str]:
    """Ticks of a time axis from ``start`` to ``end`` placed by ``x``, and the date format of their labels.

    Weeks for spans up to 75 days (every week labelled, or every second or fourth on a narrow axis);
    otherwise months, labelled every month, quarter, half year or year, at most ``max_labels`` of them.
    """
    days = (end - start).days
    if days <= 75:
        first = start + timedelta(days=(7 - start.weekday()) % 7)
        weeks = _every(first, end, weeks=1)
        every = next((n for n in (1, 2, 4, 8, 16) if len(weeks) / n <= max_labels), 16)
        return [Tick(x(d), d, i % every == 0) for i, d in enumerate(weeks)], "d MMM"
    months = days / 30.4
    step = next((n for n in (1, 3, 6, 12, 24, 60) if months / n <= max_labels), 120)
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


def draw(timeline: Timeline, whereabouts: Whereabouts, layout: Layout = WIDE) -> Drawing:
    """The drawing of ``timeline`` up to its whereabouts' as-of day, at the size of ``layout``.

    A phone gets a drawing of its own (fewer ticks, the same text size), not the wide one shrunk.
    """
    # Only what may have happened by the as-of day: a page "as of" a day draws nothing that came later.
    shown = tuple(e for e in timeline.events if e.date.earliest <= whereabouts.as_of)
    start, end = _bounds(shown, whereabouts.as_of)
    scale = _Scale(start, end, layout)
    states = _custody_states(shown)
    colours = _colours(states)
    ticks, tick_format = time_ticks(scale.x, start, end, layout.max_labels)
    # The silence since the last proof of life is drawn only while the clock runs (not after a release or a death).
    alive = whereabouts.last_proof_of_life if whereabouts.clock_running else None
    rows = tuple((name, _row_middle(layout, i)) for i, name in enumerate(ROWS))
    return Drawing(
        width=layout.width,
        height=TOP + len(ROWS) * layout.row_height + AXIS_HEIGHT,
        rows=rows,
        bands=tuple(_bands(states, scale, whereabouts.as_of, colours)),
        marks=tuple(_marks(replace(timeline, events=shown), scale, layout)),
        ticks=tuple(ticks),
        tick_format=tick_format,
        as_of_x=scale.x(whereabouts.as_of),
        as_of=whereabouts.as_of,
        alive_x=scale.x(alive.latest + timedelta(days=1)) if alive else None,
        countries=tuple((code or "", colour) for code, colour in colours.items()),
        layout=layout,
    )

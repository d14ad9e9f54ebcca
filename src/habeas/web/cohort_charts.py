"""The geometry of a cohort's two charts: custody population day by day (stacked), and lengths of stays.

Pure arithmetic on the members' timelines (:mod:`habeas.stats.custody` does the
counting); templates/cohort_charts.html draws it as SVG. Days whose state had not
surely begun are a lighter layer above the sure ones; an uncertain stay length is a
capsule over its range, a stay still running is an open mark (its length a lower bound).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import Custody
from habeas.stats.custody import (
    DETENTION,
    DailyCustody,
    Stay,
    StaySummary,
    custody_spans,
    daily_custody,
    stays,
    summarise_stays,
)
from habeas.web.timeline_svg import Tick, time_ticks

WIDTH = 960
GUTTER = 56  # room for the counts on the left
PAD = 24
TOP = 16
PLOT_HEIGHT = 220
AXIS_HEIGHT = 34
STAY_GUTTER = 170  # room for the row names of the stays chart
STAY_ROW = 64
TABLE_ROWS = 13
PHONE_WIDTH = 320  # a phone gets charts of its own: the same text size, fewer ticks, row names above the rows
PHONE_LABELS = 4  # labelled ticks on a phone's time axis at most

# The custody colours of the morning report's tiles and badges (habeas.css), in stacking order.
CUSTODY_ORDER = (
    Custody.US_CUSTODY,
    Custody.FOREIGN_CUSTODY,
    Custody.REMOVED,
    Custody.RELEASED,
    Custody.DECEASED,
    Custody.UNKNOWN,
)
CUSTODY_COLOURS = {
    Custody.US_CUSTODY: "#1a56a0",
    Custody.FOREIGN_CUSTODY: "#7b2a9c",
    Custody.REMOVED: "#c4570b",
    Custody.RELEASED: "#1b7f3b",
    Custody.DECEASED: "#000000",
    Custody.UNKNOWN: "#9aa1ab",
}


@dataclass(frozen=True)
class Layer:
    custody: str
    colour: str
    sure: bool  # False: days counted in the state before it had surely begun (drawn lighter)
    path: str


@dataclass(frozen=True)
class CountTick:
    y: float
    value: int


@dataclass(frozen=True)
class PopulationRow:
    """The text alternative: one day's counts."""

    day: date
    counts: tuple[tuple[str, int], ...]
    unsure: int


@dataclass(frozen=True)
class Population:
    width: int
    height: int
    start: date
    end: date
    members: int
    layers: tuple[Layer, ...]
    ticks: tuple[Tick, ...]
    tick_format: str
    counts: tuple[CountTick, ...]
    states: tuple[tuple[str, str], ...]  # (custody, colour) of the states that occur, for the legend
    rows: tuple[PopulationRow, ...]
    daily: DailyCustody

    @property
    def phone(self) -> bool:
        return self.width < WIDTH

    @property
    def axis_y(self) -> float:
        return TOP + PLOT_HEIGHT

    @property
    def plot_x(self) -> int:
        return GUTTER

    @property
    def plot_right(self) -> int:
        return self.width - PAD


class _Scale:
    def __init__(self, start: date, end: date, width: int = WIDTH):
        self.start, self.days, self.width = start, max(1, (end - start).days + 1), width

    def x(self, day: date) -> float:
        return self.at((day - self.start).days)

    def at(self, index: int) -> float:
        return round(GUTTER + index / self.days * (self.width - GUTTER - PAD), 1)


def _step_path(scale: _Scale, bottom: Sequence[int], top: Sequence[int], y: float) -> str:
    """A closed step outline between two day-by-day cumulative counts (``y`` pixels per member)."""
    base = TOP + PLOT_HEIGHT

    def at(v: int) -> float:
        return round(base - v * y, 1)

    n = len(top)
    parts = [f"M{scale.at(0)},{at(top[0])}"]
    for i in range(1, n):
        if top[i] != top[i - 1]:
            parts.append(f"H{scale.at(i)}V{at(top[i])}")
    parts.append(f"H{scale.at(n)}V{at(bottom[n - 1])}")
    for i in range(n - 1, 0, -1):
        if bottom[i] != bottom[i - 1]:
            parts.append(f"H{scale.at(i)}V{at(bottom[i - 1])}")
    parts.append(f"H{scale.at(0)}Z")
    return "".join(parts)


def _count_ticks(members: int, y: float) -> list[CountTick]:
    step = _nice_step(members, 5)
    return [CountTick(round(TOP + PLOT_HEIGHT - v * y, 1), v) for v in range(0, members + 1, step)]


def _nice_step(top: float, parts: int) -> int:
    raw = max(1.0, top / parts)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def population(timelines: Sequence[Timeline], end: date, width: int = WIDTH) -> Population:
    """Members per custody state on every day from the cohort's first event to ``end``, drawn ``width`` wide."""
    firsts = [e.date.earliest for t in timelines for e in t.events if e.date.earliest <= end]
    start = min(firsts, default=end - timedelta(days=30))
    counts = daily_custody((custody_spans(t.events) for t in timelines), start, end)
    scale = _Scale(start, end, width)
    members = len(timelines)
    y = PLOT_HEIGHT / max(1, members)
    cumulative = [0] * counts.days
    layers = []
    for custody in CUSTODY_ORDER:
        for sure, values in ((True, counts.sure[custody]), (False, counts.unsure[custody])):
            if not any(values):
                continue
            top = [c + v for c, v in zip(cumulative, values, strict=True)]
            path = _step_path(scale, cumulative, top, y)
            layers.append(Layer(custody.value, CUSTODY_COLOURS[custody], sure, path))
            cumulative = top
    ticks, tick_format = time_ticks(scale.x, start, end, PHONE_LABELS if width < WIDTH else 12)
    present = tuple(
        (c.value, CUSTODY_COLOURS[c]) for c in CUSTODY_ORDER if any(counts.sure[c]) or any(counts.unsure[c])
    )
    return Population(
        width=width,
        height=TOP + PLOT_HEIGHT + AXIS_HEIGHT,
        start=start,
        end=end,
        members=members,
        layers=tuple(layers),
        ticks=tuple(ticks),
        tick_format=tick_format,
        counts=tuple(_count_ticks(members, y)),
        states=present,
        rows=tuple(_table(counts, ticks, start, end)),
        daily=counts,
    )


def _table(counts: DailyCustody, ticks: list[Tick], start: date, end: date) -> list[PopulationRow]:
    """Counts on the labelled tick days (at most about a dozen) and on the last day, for the text alternative."""
    days = [t.day for t in ticks if t.label] or [start]
    if len(days) > TABLE_ROWS:
        every = math.ceil(len(days) / TABLE_ROWS)
        days = days[::every]
    if days[-1] != end:
        days.append(end)
    rows = []
    for day in days:
        on = counts.on(day)
        rows.append(PopulationRow(day, tuple((c.value, on[c]) for c in CUSTODY_ORDER), counts.unsure_on(day)))
    return rows


@dataclass(frozen=True)
class StayMark:
    x: float
    x_end: float  # equal to x for a length known to the day
    y: float
    stay: Stay

    @property
    def is_range(self) -> bool:
        return self.x_end - self.x > 3


@dataclass(frozen=True)
class StayRow:
    custody: str
    y: float  # the row's middle
    marks: tuple[StayMark, ...]
    summary: StaySummary
    median_x: float | None
    median_x_end: float | None


@dataclass(frozen=True)
class Stays:
    width: int
    height: int
    rows: tuple[StayRow, ...]
    ticks: tuple[tuple[float, int], ...]  # (x, days)
    label_room: int = 0  # above each row, for its name (a phone's)

    @property
    def phone(self) -> bool:
        return self.width < WIDTH

    @property
    def plot_x(self) -> int:
        return 8 if self.phone else STAY_GUTTER

    @property
    def axis_y(self) -> float:
        return TOP + len(self.rows) * (STAY_ROW + self.label_room)

    @property
    def count(self) -> int:
        return sum(r.summary.count for r in self.rows)


def stay_lengths(timelines: Sequence[Timeline], as_of: date, width: int = WIDTH) -> Stays:
    """Each member's stays in US detention and in foreign custody, one row per state, with the median.

    On a phone (``width`` below the desktop's) the row names go above the rows and the axis has fewer ticks.
    """
    found = [s for t in timelines for s in stays(t.person.id, t.events, as_of)]
    longest = max((s.length.max for s in found), default=0)
    step = _nice_step(max(longest, 1), 8 if width >= WIDTH else 4)
    top = max(step, math.ceil(longest / step) * step)
    left = STAY_GUTTER if width >= WIDTH else 8
    room = 0 if width >= WIDTH else 20

    def x(days: float) -> float:
        return round(left + days / top * (width - left - PAD), 1)

    rows: list[StayRow] = []
    for custody in DETENTION:
        chosen = sorted((s for s in found if s.custody == custody), key=lambda s: (s.length.min, s.length.max))
        if not chosen:
            continue
        middle = TOP + len(rows) * (STAY_ROW + room) + room + STAY_ROW / 2
        # Spread the marks over five lanes so that equal lengths stay visible as several marks.
        marks = tuple(
            StayMark(x(s.length.min), x(s.length.max), middle + ((i % 5) - 2) * 9, s) for i, s in enumerate(chosen)
        )
        summary = summarise_stays(chosen, custody)
        low, high = summary.median_low, summary.median_high
        rows.append(
            StayRow(
                custody.value,
                middle,
                marks,
                summary,
                x(low) if low is not None else None,
                x(high) if high is not None else None,
            )
        )
    ticks = tuple((x(d), d) for d in range(0, top + 1, step))
    return Stays(width, TOP + len(rows) * (STAY_ROW + room) + AXIS_HEIGHT, tuple(rows), ticks, room)

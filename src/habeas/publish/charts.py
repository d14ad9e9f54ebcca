"""Inline SVG bar charts for the publication page: no script, no external file, nothing to fetch.

Hand-written rather than drawn by matplotlib (which draws the dataset charts, see
``habeas.analytics.charts``): the page must fetch nothing and run nothing, its text must
stay text in the page's language (for screen readers, search and translation), and a
chart must read on a phone. Each bar's label sits on its own line above the bar, wrapped,
never clipped; the value axis has ticks and says its unit; a count not shown says so in
words where its bar would be.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 400  # at a phone's 360 px the text stays near its size
LEFT = 8
RIGHT = 56  # room for the value after the longest bar
LINE = 17  # one line of label text
BAR_HEIGHT = 14
ROW_GAP = 10
AXIS_ROOM = 44
WRAP = 46  # characters per label line at this width and font size
MAX_BARS = 12


def nice_ticks(top: int) -> list[int]:
    """Round ticks from 0 to at least ``top``: 1, 2 or 5 times a power of ten apart, at most six."""
    if top <= 0:
        return [0, 1]
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, math.ceil(top / step) * step + 1, step))


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[int | None], unit: str, not_shown: str, more: str = ""
) -> Markup:
    """Horizontal bars, one per label; a count not shown gets no bar and the words ``not_shown``.

    ``unit`` names the value axis ("People"); ``more`` is said under the chart when only
    the largest bars are drawn.
    """
    ticks = nice_ticks(max((v for v in values if v is not None), default=0))
    span = WIDTH - LEFT - RIGHT
    y = 4
    parts: list[str] = []
    for label, value in zip(labels, values, strict=True):
        for line in textwrap.wrap(label, WRAP) or [""]:
            y += LINE
            parts.append(f'<text x="{LEFT}" y="{y - 4}" class="label">{escape(line)}</text>')
        if value is None:
            parts.append(f'<text x="{LEFT}" y="{y + BAR_HEIGHT - 2}" class="suppressed">{escape(not_shown)}</text>')
        else:
            length = round(span * value / ticks[-1])
            parts.append(f'<rect x="{LEFT}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" class="bar"/>')
            parts.append(f'<text x="{LEFT + length + 4}" y="{y + BAR_HEIGHT - 2}" class="value">{value:,}</text>')
        y += BAR_HEIGHT + ROW_GAP
    parts = [*_grid(ticks, y, span), *parts, _axis(ticks, y, span, unit)]
    height = y + AXIS_ROOM
    if more:
        height += LINE
        parts.append(f'<text x="{LEFT}" y="{height - 6}" class="more">{escape(more)}</text>')
    body = "\n  ".join(parts)
    return Markup(
        f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">\n'
        f"  <title>{escape(title)}</title>\n  {body}\n</svg>"
    )


def _grid(ticks: Sequence[int], y: int, span: int) -> list[str]:
    """A faint line up from each tick, drawn first so that the bars lie over it."""
    xs = [LEFT + round(span * tick / ticks[-1]) for tick in ticks]
    return [f'<line x1="{x}" y1="4" x2="{x}" y2="{y + 4}" class="grid"/>' for x in xs]


def _axis(ticks: Sequence[int], y: int, span: int, unit: str) -> str:
    """The value axis under the bars: a line, a number at each tick, and the unit."""
    marks = [f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + span}" y2="{y}" class="axis"/>']
    for tick in ticks:
        x = LEFT + round(span * tick / ticks[-1])
        marks.append(f'<text x="{x}" y="{y + 17}" text-anchor="middle" class="tick">{tick:,}</text>')
    marks.append(
        f'<text x="{LEFT + span / 2:.0f}" y="{y + 35}" text-anchor="middle" class="unit">{escape(unit)}</text>'
    )
    return "\n  ".join(marks)


SERIES_HEIGHT = 180
SERIES_TOP = 52  # room for the marks' words above the bars


def series_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | None],
    marks: Sequence[str | None],
    axes: tuple[str, str],
    words: dict[str, str],
) -> Markup:
    """Vertical bars, one per month; undercounted months hatched and labelled, the open last month marked.

    ``axes`` names the x and y axes; ``words`` gives "undercounted", "open" and "not_shown"
    in the page's language. A count not shown has no bar: a short grey stub and the words.
    """
    ticks = nice_ticks(max((v for v in values if v is not None), default=0))
    left, right = 44, 8
    span = WIDTH - left - right
    step = span / max(len(values), 1)
    base = SERIES_TOP + SERIES_HEIGHT
    parts: list[str] = []
    for tick in ticks:
        y = base - round(SERIES_HEIGHT * tick / ticks[-1])
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + span}" y2="{y}" class="grid"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" class="tick">{tick:,}</text>')
    hidden = False
    for index, (label, value, mark) in enumerate(zip(labels, values, marks, strict=True)):
        x = left + index * step + step * 0.12
        width = step * 0.76
        if value is None:
            parts.append(f'<rect x="{x:.1f}" y="{base - 3}" width="{width:.1f}" height="3" class="stub"/>')
            hidden = True
        else:
            height = round(SERIES_HEIGHT * value / ticks[-1])
            # Undercounted bars are pale and dashed (a pattern fill would need url(), which the page avoids).
            kind = "bar undercounted" if mark == "undercounted" else "bar"
            parts.append(
                f'<rect x="{x:.1f}" y="{base - height}" width="{width:.1f}" height="{height}" class="{kind}"/>'
            )
        if index % max(1, math.ceil(len(labels) / 8)) == 0:
            month, _, year = label.partition(" ")
            parts.append(f'<text x="{x + width / 2:.1f}" y="{base + 15}" text-anchor="middle" class="tick">'
                         f"{escape(month)}</text>")  # fmt: skip
            if index == 0 or year != labels[index - 1].partition(" ")[2]:
                parts.append(f'<text x="{x + width / 2:.1f}" y="{base + 29}" text-anchor="middle" class="tick">'
                             f"{escape(year)}</text>")  # fmt: skip
    parts.extend(_series_marks(marks, left, step, base, words))
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + span}" y2="{base}" class="axis"/>')
    parts.append(
        f'<text x="{left + span / 2:.0f}" y="{base + 48}" text-anchor="middle" class="unit">{escape(axes[0])}</text>'
    )
    parts.append(
        f'<text x="12" y="{base - SERIES_HEIGHT / 2:.0f}" text-anchor="middle" class="unit" '
        f'transform="rotate(-90 12 {base - SERIES_HEIGHT / 2:.0f})">{escape(axes[1])}</text>'
    )
    height = base + 58
    if hidden:  # a month with no bar: its count is not shown, said once under the chart
        parts.append(f'<rect x="{left}" y="{height + 5}" width="14" height="3" class="stub"/>')
        parts.append(f'<text x="{left + 20}" y="{height + 10}" class="suppressed">{escape(words["not_shown"])}</text>')
        height += 18
    body = "\n  ".join(parts)
    return Markup(
        f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">\n'
        f"  <title>{escape(title)}</title>\n  {body}\n</svg>"
    )


def _series_marks(marks: Sequence[str | None], left: int, step: float, base: int, words: dict[str, str]) -> list[str]:
    """A bracket over the undercounted months with the word, and a dashed line at the open last month."""
    found = []
    under = [i for i, mark in enumerate(marks) if mark == "undercounted"]
    if under:
        x1, x2 = left + under[0] * step, left + (under[-1] + 1) * step
        found.append(f'<path d="M{x1:.1f} 26 V20 H{x2:.1f} V26" class="mark"/>')
        found.append(f'<text x="{x1 + 2:.1f}" y="14" class="marktext">{escape(words["undercounted"])}</text>')
    if marks and marks[-1] == "open":
        x = left + (len(marks) - 0.5) * step
        found.append(f'<line x1="{x:.1f}" y1="{SERIES_TOP - 12}" x2="{x:.1f}" y2="{base}" class="openline"/>')
        found.append(f'<text x="{x:.1f}" y="{SERIES_TOP - 16}" text-anchor="end" class="marktext">'
                     f"{escape(words['open'])}</text>")  # fmt: skip
    return found

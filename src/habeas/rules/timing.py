"""Ordering and counting with uncertain dates: is A before B, certainly or only possibly?

Two events whose date ranges overlap (including two events on the same day) may have
happened in either order, so anything that rests on their order is only possible.
"""

from __future__ import annotations

from datetime import date

from habeas.domain.dates import DateRange, DayCount
from habeas.rules.flag import Certainty


def before(a: DateRange, b: DateRange) -> Certainty | None:
    """Whether ``a`` came before ``b``: certainly, possibly (ranges overlap), or not at all."""
    if a.latest < b.earliest:
        return Certainty.CERTAIN
    if a.earliest <= b.latest:
        return Certainty.POSSIBLE
    return None


def after(a: DateRange, b: DateRange) -> Certainty | None:
    """Whether ``a`` came after ``b``."""
    return before(b, a)


def past(count: DayCount, threshold: float) -> Certainty | None:
    """Whether a span of days is more than ``threshold``: certainly, possibly, or not."""
    if count.min > threshold:
        return Certainty.CERTAIN
    if count.max > threshold:
        return Certainty.POSSIBLE
    return None


def span(start: DateRange, end: date) -> DayCount:
    """Days from ``start`` to ``end``, counting only the part of ``start`` on or before ``end``."""
    clipped = start.clip_to(end)
    return DayCount(max(0, (end - clipped.latest).days), max(0, (end - clipped.earliest).days))


def later_of(a: DateRange, b: DateRange) -> DateRange:
    """The range of the later of two uncertain days (used as the start of a clock)."""
    if a.earliest >= b.earliest and a.latest >= b.latest:
        return a
    if b.earliest >= a.earliest and b.latest >= a.latest:
        return b
    return DateRange(max(a.earliest, b.earliest), max(a.latest, b.latest), f"the later of {a} and {b}")


def number(value: float) -> str:
    """A threshold as people write it: 30, not 30.0."""
    return str(int(value)) if float(value).is_integer() else str(value)

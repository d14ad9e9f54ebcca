"""A monthly series of people held: which days are counted, and which of them are undercounted.

The series counts, on the first day of each month, the people in custody then (a census
at 00:00, like ICE's). Its first months are undercounted: people already held before the
records begin have no events yet, so they are missing until their stays would have
ended. How long that is cannot be observed; it is estimated from the stays the series
does see begin and end, assuming (it cannot be checked) that stays before the records
began were no longer than those after. The last month is right-censored: the stays
still open on it have not ended.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

MONTHS = 24  # the most months a page shows: two years read on a phone
QUANTILE = 0.95
UNDERCOUNTED = "undercounted"
OPEN = "open"


def month_starts(first: date, last: date, most: int = MONTHS) -> list[date]:
    """The first day of each month from ``first``'s month to ``last``'s (at most ``most``, the latest kept)."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-most:]


def completed_runs(held: Sequence[bool]) -> list[int]:
    """The lengths (in samples) of the runs of custody seen to begin and end inside the series."""
    runs, length = [], 0
    for index, now in enumerate(held):
        if now:
            length += 1
            continue
        if length and index - length > 0:  # a run from the first sample may have begun before it
            runs.append(length)
        length = 0
    return runs  # a run still going at the last sample is right-censored: its length is not known


def undercounted_until(months: Sequence[date], data_start: date, runs: Sequence[int]) -> int:
    """How many of ``months`` are undercounted: those before ``data_start`` plus the 95th percentile stay.

    A stay seen in k monthly samples may last up to k + 1 months. With no completed stay
    there is no estimate, and every month is said to be undercounted.
    """
    if not months:
        return 0
    if not runs:
        return len(months)
    ordered = sorted(runs)
    window = ordered[min(len(ordered) - 1, math.ceil(QUANTILE * len(ordered)) - 1)] + 1
    start = (data_start.year, data_start.month)
    first_counted = start[0] * 12 + start[1] - 1 + window
    return sum(1 for m in months if m.year * 12 + m.month - 1 < first_counted)


def row_marks(months: Sequence[date], undercounted: int) -> dict[str, str]:
    """Each month's mark, by its label (YYYY-MM): undercounted first months, the last one open."""
    marks = {m.strftime("%Y-%m"): UNDERCOUNTED for m in months[:undercounted]}
    if months:
        marks.setdefault(months[-1].strftime("%Y-%m"), OPEN)
    return marks

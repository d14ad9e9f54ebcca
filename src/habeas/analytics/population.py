"""Daily population by facility (or any column), computed with an event sweep, not one filter per day.

Two measures, as the Vera Institute's ICE detention trends data offers both:

- ``midnight`` (the default, the census ICE itself reports): a person counts on day D
  when booked in at or before 00:00 of D and not yet booked out then;
- ``24h``: a person counts on every day they were held at any time, so an arrival and a
  departure on the same day count on that day, and a stay counts on its last day too.

A placement still open counts through the release's last observed day (right-censored:
its end is not known yet). Each placement adds +1 on its first counted day and -1 on the
day after its last; the running sum of those along the calendar, found for every day and
group at once by searching the sorted days (see ``_sweep``), is each day's population.

The first days of a release are undercounted: people already held when the data begin
have no rows (left-censored), so the count rises from zero. ``undercounted`` marks the
days until the release's 95th percentile of completed placement length has passed since
the first day, assuming (it cannot be checked) that stays before the data began were as
long as those after.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl

UNGROUPED = "all"
MIDNIGHT = "midnight"
TWENTY_FOUR_HOURS = "24h"
MEASURES = (MIDNIGHT, TWENTY_FOUR_HOURS)
MEASURE_LABELS = {
    MIDNIGHT: "midnight census: people held at 00:00 of the day",
    TWENTY_FOUR_HOURS: "24-hour population: people held at any time of the day",
}
UNDERCOUNT_QUANTILE = 0.95


def first_counted_day(stamp: pl.Expr) -> pl.Expr:
    """The first day whose 00:00 is at or after ``stamp`` (the day itself when booked in at midnight)."""
    day = stamp.dt.date()
    return pl.when(stamp == day.cast(pl.Datetime("us"))).then(day).otherwise(day + pl.duration(days=1))


def counted_span(measure: str, last_observed: date) -> tuple[pl.Expr, pl.Expr]:
    """The first day counted and the day after the last, for a placement, under ``measure``."""
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r}: choose {' or '.join(MEASURES)}")
    still_open = pl.col("book_out").is_null()
    end_of_data = pl.lit(last_observed + timedelta(days=1))
    if measure == MIDNIGHT:
        first = first_counted_day(pl.col("book_in"))
        stop = pl.when(still_open).then(end_of_data).otherwise(first_counted_day(pl.col("book_out")))
        return first, stop
    first = pl.col("book_in").dt.date()
    # The day after the last day held at any time is the first 00:00 at or after the book-out
    # (out at 00:00 of D was last held the day before D). A stay that ends the instant it
    # begins was still held that day: it counts once.
    stop = pl.max_horizontal(first_counted_day(pl.col("book_out")), first + pl.duration(days=1))
    return first, pl.when(still_open).then(end_of_data).otherwise(stop)


def group_label(column: str) -> pl.Expr:
    """A column's value as a label, saying when it was withheld or never recorded."""
    value = pl.col(column).cast(pl.String)
    withheld = pl.col("redacted").list.contains(column) if column != UNGROUPED else pl.lit(False)
    return (
        pl.when(value.is_not_null())
        .then(value)
        .when(withheld)
        .then(pl.lit("(redacted)"))
        .otherwise(pl.lit("(not recorded)"))
    )


def daily_population(
    rows: pl.LazyFrame,
    last_observed: date,
    by: str | None = None,
    start: date | None = None,
    end: date | None = None,
    measure: str = MIDNIGHT,
    first_observed: date | None = None,
) -> pl.DataFrame:
    """Columns ``day``, the ``by`` column (or ``all``), ``population``, ``measure`` and ``undercounted``.

    Every day, every group, zeros included. ``undercounted`` is true on the first days of
    the data (from ``first_observed``, by default the first day counted), while people
    already held before the data began would still be held (see the module docstring).
    """
    key = by or UNGROUPED
    labelled = rows.with_columns((group_label(by) if by else pl.lit(UNGROUPED)).alias(key))
    first, stop = counted_span(measure, last_observed)
    spans = (
        labelled.select(
            pl.col(key),
            first.alias("first"),
            stop.alias("stop"),
            ((pl.col("book_out") - pl.col("book_in")).dt.total_seconds() / 86400).alias("length"),
        )
        .filter(pl.col("first") < pl.col("stop"))
        .collect()
    )
    schema = {"day": pl.Date, key: pl.String, "population": pl.Int64, "measure": pl.String,
              "undercounted": pl.Boolean}  # fmt: skip
    if spans.is_empty():
        return pl.DataFrame(schema=schema)
    calendar_start = spans["first"].min()
    assert isinstance(calendar_start, date)
    population = _sweep(spans, key, calendar_start, last_observed).with_columns(
        pl.lit(measure).alias("measure"),
        (pl.col("day") < undercounted_until(spans, first_observed or calendar_start)).alias("undercounted"),
    )
    if start is not None:
        population = population.filter(pl.col("day") >= start)
    if end is not None:
        population = population.filter(pl.col("day") <= end)
    return population


def undercounted_until(spans: pl.DataFrame, data_start: date) -> date:
    """The first day no longer undercounted: ``data_start`` plus the 95th percentile of completed lengths."""
    lengths = spans["length"].drop_nulls()
    if lengths.is_empty():
        return data_start
    days = float(lengths.quantile(UNDERCOUNT_QUANTILE, interpolation="higher") or 0.0)
    return data_start + timedelta(days=math.ceil(days))


def _sweep(spans: pl.DataFrame, key: str, first_day: date, last_day: date) -> pl.DataFrame:
    """+1 on each span's first day, -1 on the day after its last, then a running sum along each group's days.

    The running sum on day D of a group is the number of its spans begun by D less the number
    stopped by D. With each span's first and stop days numbered group after group (the group's
    number times the days, plus the day), both are counted for every day at once by searching the
    sorted numbers: the spans of earlier groups are counted in both, and cancel. In Polars alone:
    NumPy would cost the command more time to import than the sweep takes.
    """
    days = (last_day - first_day).days + 1
    groups = spans[key].unique().sort()
    width = days + 1  # one spare day per group takes the stop of spans still open on the last day
    numbered = spans.select(
        pl.col(key).replace_strict(groups, range(len(groups)), return_dtype=pl.Int64).alias("group"),
        (pl.col("first") - first_day).dt.total_days().alias("first"),
        (pl.col("stop") - first_day).dt.total_days().clip(upper_bound=days).alias("stop"),
    ).select(
        (pl.col("group") * width + pl.col("first")).sort().alias("first"),
        (pl.col("group") * width + pl.col("stop")).sort().alias("stop"),
    )
    # Every day and group, day after day (each day's groups in order), as the result is given.
    cell = pl.int_range(0, days * len(groups), eager=True)
    day, group = cell // len(groups), cell % len(groups)
    wanted = group * width + day
    begun = numbered["first"].search_sorted(wanted, side="right").cast(pl.Int64)
    stopped = numbered["stop"].search_sorted(wanted, side="right").cast(pl.Int64)
    calendar = pl.date_range(first_day, last_day, "1d", eager=True)
    return pl.DataFrame(
        {"day": calendar.gather(day), key: groups.gather(group), "population": begun - stopped},
        schema={"day": pl.Date, key: pl.String, "population": pl.Int64},
    )


def population_summary(population: pl.DataFrame, key: str) -> pl.DataFrame:
    """Per group: average daily population, the peak and its first day, the last day's population, the measure.

    The average and the peak leave out the undercounted first days when there are other days.
    """
    last_day = population["day"].max()
    if "undercounted" in population.columns and not population["undercounted"].all():
        counted = population.filter(~pl.col("undercounted"))
    else:
        counted = population
    measure = [pl.col("measure").first()] if "measure" in population.columns else []
    return (
        counted.group_by(key)
        .agg(
            pl.col("population").mean().alias("average"),
            pl.col("population").max().alias("peak"),
            pl.col("day").filter(pl.col("population") == pl.col("population").max()).min().alias("peak_day"),
            pl.col("population").filter(pl.col("day") == last_day).sum().alias("on_last_day"),
            pl.col("day").min().alias("averaged_from"),
            *measure,
        )
        .sort("average", descending=True)
    )

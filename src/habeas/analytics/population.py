"""Daily population by facility (or any column), computed with an event sweep, not one filter per day.

A person counts on day D when booked in at or before 00:00 of D and not yet booked out
then; a placement still open counts through the release's last observed day. Each
placement adds +1 on its first counted day and -1 on the day after its last (spans in
Polars, the +1/-1 counted into one array per group); a cumulative sum over the calendar
gives every day's population at once.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

UNGROUPED = "all"


def first_counted_day(stamp: pl.Expr) -> pl.Expr:
    """The first day whose 00:00 is at or after ``stamp`` (the day itself when booked in at midnight)."""
    day = stamp.dt.date()
    return pl.when(stamp == day.cast(pl.Datetime("us"))).then(day).otherwise(day + pl.duration(days=1))


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
) -> pl.DataFrame:
    """Columns ``day``, the ``by`` column (or ``all``), ``population``: every day, every group, zeros included."""
    key = by or UNGROUPED
    labelled = rows.with_columns((group_label(by) if by else pl.lit(UNGROUPED)).alias(key))
    spans = (
        labelled.select(
            pl.col(key),
            first_counted_day(pl.col("book_in")).alias("first"),
            pl.when(pl.col("book_out").is_null())
            .then(pl.lit(last_observed + timedelta(days=1)))
            .otherwise(first_counted_day(pl.col("book_out")))
            .alias("stop"),
        )
        .filter(pl.col("first") < pl.col("stop"))
        .collect()
    )
    if spans.is_empty():
        return pl.DataFrame(schema={"day": pl.Date, key: pl.String, "population": pl.Int64})
    calendar_start = spans["first"].min()
    assert isinstance(calendar_start, date)
    population = _sweep(spans, key, calendar_start, last_observed)
    if start is not None:
        population = population.filter(pl.col("day") >= start)
    if end is not None:
        population = population.filter(pl.col("day") <= end)
    return population


def _sweep(spans: pl.DataFrame, key: str, first_day: date, last_day: date) -> pl.DataFrame:
    """+1 on each span's first day, -1 on the day after its last, then a running sum along each group's days."""
    days = (last_day - first_day).days + 1
    groups = spans[key].unique().sort()
    positions = spans.select(
        pl.col(key).replace_strict(groups, range(len(groups)), return_dtype=pl.Int64).alias("group"),
        (pl.col("first") - first_day).dt.total_days().alias("first"),
        (pl.col("stop") - first_day).dt.total_days().clip(upper_bound=days).alias("stop"),
    )
    width = days + 1  # one spare day per group takes the -1 of spans still open on the last day
    group = positions["group"].to_numpy()
    changes = np.bincount(group * width + positions["first"].to_numpy(), minlength=len(groups) * width)
    changes -= np.bincount(group * width + positions["stop"].to_numpy(), minlength=len(groups) * width)
    counts = changes.reshape(len(groups), width).cumsum(axis=1)[:, :days]
    calendar = pl.date_range(first_day, last_day, "1d", eager=True)
    return pl.DataFrame(
        {
            "day": np.repeat(calendar.to_numpy(), len(groups)),
            key: pl.Series(groups).gather(np.tile(np.arange(len(groups)), days)),
            "population": counts.T.ravel(),
        },
        schema={"day": pl.Date, key: pl.String, "population": pl.Int64},
    )


def population_summary(population: pl.DataFrame, key: str) -> pl.DataFrame:
    """Per group: average daily population, the peak and its first day, and the population on the last day."""
    last_day = population["day"].max()
    return (
        population.group_by(key)
        .agg(
            pl.col("population").mean().alias("average"),
            pl.col("population").max().alias("peak"),
            pl.col("day").filter(pl.col("population") == pl.col("population").max()).min().alias("peak_day"),
            pl.col("population").filter(pl.col("day") == last_day).sum().alias("on_last_day"),
        )
        .sort("average", descending=True)
    )

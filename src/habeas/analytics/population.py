"""Daily population by facility (or any column), computed with an event sweep, not one filter per day.

A person counts on day D when booked in at or before 00:00 of D and not yet booked out
then; a placement still open counts through the release's last observed day. Each
placement adds +1 on its first counted day and -1 on the day after its last; a
cumulative sum over the calendar gives every day's population at once.
"""

from __future__ import annotations

from datetime import date, timedelta

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
    deltas = (
        pl.concat(
            [
                spans.select(pl.col(key), pl.col("first").alias("day"), pl.lit(1, pl.Int64).alias("change")),
                spans.select(pl.col(key), pl.col("stop").alias("day"), pl.lit(-1, pl.Int64).alias("change")),
            ]
        )
        .group_by(key, "day")
        .agg(pl.col("change").sum())
    )
    calendar_start = spans["first"].min()
    days = pl.date_range(calendar_start, last_observed, "1d", eager=True).alias("day").to_frame()
    grid = spans.select(pl.col(key).unique()).join(days, how="cross")
    population = (
        grid.join(deltas, on=[key, "day"], how="left")
        .with_columns(pl.col("change").fill_null(0))
        .sort(key, "day")
        .with_columns(pl.col("change").cum_sum().over(key).alias("population"))
        .select("day", key, "population")
    )
    if start is not None:
        population = population.filter(pl.col("day") >= start)
    if end is not None:
        population = population.filter(pl.col("day") <= end)
    return population.sort("day", key)


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

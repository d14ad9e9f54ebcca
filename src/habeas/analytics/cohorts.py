"""Cohort figures over any column: counts, medians and quantiles, shares with 95% Wilson intervals."""

from __future__ import annotations

import polars as pl

from habeas.analytics.population import UNGROUPED, group_label
from habeas.stats.intervals import DEFAULT_CONFIDENCE, wilson_interval

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def _grouped(frame: pl.LazyFrame, by: str | None) -> tuple[pl.LazyFrame, str]:
    key = by or UNGROUPED
    if by is not None and by not in frame.collect_schema().names():
        raise KeyError(by)
    return frame.with_columns((group_label(by) if by else pl.lit(UNGROUPED)).alias(key)), key


def distribution(frame: pl.LazyFrame, value: str, by: str | None = None) -> pl.DataFrame:
    """Per group: count, mean, min, max and quantiles (linear interpolation, as pandas and numpy do)."""
    grouped, key = _grouped(frame, by)
    column = pl.col(value)
    return (
        grouped.group_by(key)
        .agg(
            pl.len().alias("count"),
            column.mean().alias("mean"),
            column.min().alias("min"),
            *[column.quantile(q, interpolation="linear").alias(f"p{round(q * 100)}") for q in QUANTILES],
            column.max().alias("max"),
        )
        .rename({"p50": "median"})
        .sort("count", key, descending=[True, False])
        .collect()
    )


def shares(
    frame: pl.LazyFrame, flag: str, by: str | None = None, confidence: float = DEFAULT_CONFIDENCE
) -> pl.DataFrame:
    """Per group: how many have ``flag`` true, out of how many known (null = unknown, left out), with an interval."""
    grouped, key = _grouped(frame, by)
    counts = (
        grouped.group_by(key)
        .agg(
            pl.col(flag).sum().cast(pl.Int64).alias("count"),
            pl.col(flag).is_not_null().sum().cast(pl.Int64).alias("total"),
            pl.col(flag).is_null().sum().cast(pl.Int64).alias("unknown"),
        )
        .sort("total", key, descending=[True, False])
        .collect()
    )
    bounds = [wilson_interval(c, t, confidence) for c, t in zip(counts["count"], counts["total"], strict=True)]
    return counts.with_columns(
        (pl.col("count") / pl.col("total")).alias("share"),
        pl.Series("low", [b[0] for b in bounds], pl.Float64),
        pl.Series("high", [b[1] for b in bounds], pl.Float64),
    )


def counts(frame: pl.LazyFrame, by: str | None = None, unit: str | None = None) -> pl.DataFrame:
    """Per group: rows, and distinct ``unit`` values (people) when given."""
    grouped, key = _grouped(frame, by)
    aggregations = [pl.len().alias("rows")]
    if unit is not None:
        aggregations.append(pl.col(unit).n_unique().alias("people"))
    return grouped.group_by(key).agg(aggregations).sort("rows", key, descending=[True, False]).collect()

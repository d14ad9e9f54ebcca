"""Stays and placements per person from detention history rows: length, transfers, how the stay ended.

A stay is a continuous period in ICE custody (one ``stay_book_in``); its placements after
the first are transfers. A stay with no book-out is ongoing: its length runs to the end of
the release's last observed day, and it is flagged so that figures can say so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import polars as pl

CONVICTION_FIELDS = ("msc_category", "msc_charge", "msc_conviction_date")
DAY_SECONDS = 86_400.0


def observed_until(last_observed: date) -> datetime:
    """The end of the last observed day, where open stays and placements are cut."""
    return datetime.combine(last_observed + timedelta(days=1), time())


def no_conviction_on_record(fields: tuple[str, ...] = CONVICTION_FIELDS) -> pl.Expr:
    """True when the release records no conviction; null when a conviction field is redacted (unknown)."""
    present = [f for f in fields]
    empty = pl.all_horizontal([pl.col(f).is_null() for f in present])
    withheld = pl.any_horizontal([pl.col("redacted").list.contains(f) for f in present])
    return pl.when(withheld).then(None).otherwise(empty)


def placements(rows: pl.LazyFrame, last_observed: date) -> pl.LazyFrame:
    """One row per placement with its length in days and whether it is still open."""
    until = observed_until(last_observed)
    return rows.with_columns(
        ongoing=pl.col("book_out").is_null(),
        length_days=(pl.col("book_out").fill_null(until) - pl.col("book_in")).dt.total_seconds() / DAY_SECONDS,
    )


def stays(rows: pl.LazyFrame, last_observed: date) -> pl.LazyFrame:
    """One row per stay: placements, transfers, length, ongoing, outcome, and the person's attributes."""
    until = observed_until(last_observed)
    names = rows.collect_schema().names()
    per_person = [
        c
        for c in names
        if c not in ("row", "book_in", "book_out", "facility_code", "facility", "detention_release_reason",
                     "detention_release_reason_outcome", "stay_book_in", "person", "redacted", "area_of_responsibility")
    ]  # fmt: skip
    ordered = rows.sort("person", "stay_book_in", "book_in", "row")
    return (
        ordered.group_by("person", "stay_book_in", maintain_order=True)
        .agg(
            pl.len().alias("placements"),
            pl.col("row").first(),
            pl.col("facility_code").first().alias("first_facility_code"),
            pl.col("facility").first().alias("first_facility"),
            pl.col("facility_code").last().alias("facility_code"),
            pl.col("facility").last().alias("facility"),
            pl.col("area_of_responsibility").first(),
            pl.col("book_out").last().alias("last_book_out"),
            pl.col("redacted").first(),
            *[pl.col(c).first() for c in per_person],
        )
        .with_columns(
            transfers=pl.col("placements") - 1,
            ongoing=pl.col("stay_book_out").is_null(),
            length_days=(pl.col("stay_book_out").fill_null(until) - pl.col("stay_book_in")).dt.total_seconds()
            / DAY_SECONDS,
            no_conviction=no_conviction_on_record(),
        )
        .with_columns(
            transferred=pl.col("transfers") > 0,
            removed=pl.col("stay_release_reason_outcome") == "removed",
            released=pl.col("stay_release_reason_outcome") == "released",
        )
    )


def people(rows: pl.LazyFrame, last_observed: date) -> pl.LazyFrame:
    """One row per person: stays, placements, transfers, days detained in all, any stay ongoing."""
    return (
        stays(rows, last_observed)
        .group_by("person", maintain_order=True)
        .agg(
            pl.len().alias("stays"),
            pl.col("placements").sum(),
            pl.col("transfers").sum(),
            pl.col("length_days").sum().alias("days_detained"),
            pl.col("ongoing").any(),
            pl.col("no_conviction").first(),
            pl.exclude("stays", "placements", "transfers", "length_days", "ongoing", "no_conviction").first(),
        )
    )

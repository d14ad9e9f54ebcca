"""Daily population benchmark: the habeas event sweep against filtering the table once per day (pandas).

    .venv/bin/python bench/bench_population.py                # 100,000 placements vs pandas, then 1,000,000 alone

Part 1 runs both on the same placements (a size the per-day filter can finish), checks
that every day's count per facility is identical, and prints the ratio. Part 2 runs
habeas alone on 1,000,000 placements spanning 12 years, reading the imported Parquet.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from common import detentions_csv

from habeas.analytics.population import daily_population
from habeas.services import Actor, Context, datasets, track
from habeas.settings import Settings


def imported(workdir: Path, rows: int) -> datasets.Release:
    home = workdir / f"population-home-{rows}"
    shutil.rmtree(home, ignore_errors=True)
    settings = Settings(home, f"sqlite:///{home / 'habeas.db'}", home / "none.toml")
    context = Context(settings, Actor("bench"))
    track.init_database(context)
    report = datasets.import_dataset(context, "ice-detentions", detentions_csv(workdir, rows))
    return datasets.get_release(context, report.release)


def per_day_filter(frame: pd.DataFrame, last_observed: pd.Timestamp) -> pd.DataFrame:
    """The approach the issue describes: for every day of the span, filter the whole table, then count."""
    first = frame["book_in"].min().ceil("D")
    counts = []
    for day in pd.date_range(first, last_observed, freq="D"):
        held = frame[(frame["book_in"] <= day) & (frame["book_out"].isna() | (frame["book_out"] > day))]
        counts.append(held.groupby("facility_code").size().rename("population").reset_index().assign(day=day))
    return pd.concat(counts, ignore_index=True)


def compare(ours: pl.DataFrame, theirs: pd.DataFrame) -> bool:
    """Identical when every (day, facility) with people has the same count, and every other count is zero."""
    expected = pl.from_pandas(theirs).with_columns(pl.col("day").dt.date(), pl.col("population").cast(pl.Int64))
    joined = ours.join(expected, on=["day", "facility_code"], how="full", suffix="_pandas", coalesce=True)
    return joined.select((pl.col("population").fill_null(0) == pl.col("population_pandas").fill_null(0)).all()).item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="placements for the comparison with pandas")
    parser.add_argument("--large", type=int, default=1_000_000, help="placements for habeas alone")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/habeas-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    small = imported(args.workdir, args.rows)
    days = (small.last_observed - small.first_observed).days + 1
    print(f"part 1: {args.rows:,} placements, {days:,} days ({small.first_observed} to {small.last_observed})")
    started = time.perf_counter()
    ours = daily_population(small.scan(), small.last_observed, by="facility_code")
    ours_seconds = time.perf_counter() - started
    frame = small.scan().select("book_in", "book_out", "facility_code").collect().to_pandas()
    started = time.perf_counter()
    theirs = per_day_filter(frame, pd.Timestamp(small.last_observed))
    theirs_seconds = time.perf_counter() - started
    same = compare(ours, theirs)
    print(f"  habeas event sweep      {ours_seconds:8.3f} s")
    print(f"  pandas per-day filter   {theirs_seconds:8.3f} s")
    print(
        f"  results identical: {'yes' if same else 'NO'}; ratio: habeas is {theirs_seconds / ours_seconds:,.0f}x faster"
    )

    large = imported(args.workdir, args.large)
    span = (large.last_observed - large.first_observed + timedelta(days=1)).days
    started = time.perf_counter()
    result = daily_population(large.scan(), large.last_observed, by="facility_code")
    seconds = time.perf_counter() - started
    print(f"part 2: {args.large:,} placements over {span:,} days ({span / 365.25:.1f} years), "
          f"{result['facility_code'].n_unique()} facilities")  # fmt: skip
    print(f"  habeas daily population by facility   {seconds:8.3f} s  ({result.height:,} day-facility counts)")
    if not same:
        raise SystemExit("the results differ from the per-day baseline")


if __name__ == "__main__":
    main()

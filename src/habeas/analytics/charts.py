"""Charts for reports (matplotlib): daily population, distributions, shares with intervals, counts.

Every chart has a title, labelled axes and a source note naming the release and what was counted.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

FORMATS = (".png", ".svg")
OTHER = "all others"


MAX_GROUPS = 25


def _largest(table: pl.DataFrame, note: str) -> tuple[pl.DataFrame, str]:
    """The first (largest) groups, bottom to top, and a note saying when some were left out."""
    if table.height <= MAX_GROUPS:
        return table.reverse(), note
    return table.head(MAX_GROUPS).reverse(), f"{note} Showing the {MAX_GROUPS} largest of {table.height} groups."


def check_path(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"{path}: charts are written as .png or .svg")


def _finish(figure: Figure, path: Path, note: str) -> None:
    figure.text(0.01, 0.01, note, fontsize=7, color="#555555", ha="left", va="bottom", wrap=True)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    figure.savefig(path, dpi=150)
    plt.close(figure)


def population_chart(population: pl.DataFrame, key: str, path: Path, title: str, note: str, top: int = 8) -> None:
    """Daily population, one line per group (the largest ``top``; the rest summed as one line)."""
    check_path(path)
    ranked = population.group_by(key).agg(pl.col("population").mean()).sort("population", descending=True)
    keep = ranked[key].head(top).to_list()
    shown = (
        population.with_columns(pl.when(pl.col(key).is_in(keep)).then(pl.col(key)).otherwise(pl.lit(OTHER)).alias(key))
        .group_by("day", key)
        .agg(pl.col("population").sum())
    )
    figure, axes = plt.subplots(figsize=(10, 5.5))
    for group in [*keep, OTHER]:
        series = shown.filter(pl.col(key) == group).sort("day")
        if series.height:
            axes.plot(series["day"].to_list(), series["population"].to_list(), linewidth=1, label=str(group))
    axes.set_title(textwrap.fill(title, 90))
    axes.set_xlabel("Day")
    axes.set_ylabel("People held (at 00:00)")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    if key != "all":
        axes.legend(title=key, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _finish(figure, path, note)


def distribution_chart(table: pl.DataFrame, key: str, path: Path, title: str, xlabel: str, note: str) -> None:
    """Per group: the median, the middle half (p25–p75) as a bar, p10–p90 as a line."""
    check_path(path)
    rows, note = _largest(table, note)
    labels = [f"{v} (n={n:,})" for v, n in zip(rows[key], rows["count"], strict=True)]
    figure, axes = plt.subplots(figsize=(9, 2.0 + 0.35 * len(labels)))
    y = list(range(len(labels)))
    axes.hlines(y, rows["p10"], rows["p90"], color="#999999", linewidth=1, label="p10–p90")
    axes.barh(y, rows["p75"] - rows["p25"], left=rows["p25"], height=0.5, color="#9ecae1", label="p25–p75")
    axes.scatter(rows["median"], y, color="#08519c", zorder=3, label="median")
    axes.set_yticks(y, labels, fontsize=8)
    axes.set_xlabel(xlabel)
    _title_and_legend(axes, title)
    axes.grid(axis="x", alpha=0.3)
    _finish(figure, path, note)


def _title_and_legend(axes: Axes, title: str) -> None:
    """Title on the left, legend above the plot on the right, where neither covers the bars."""
    axes.set_title(textwrap.fill(title, 70), loc="left", pad=22)
    axes.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, ncols=3)


def share_chart(table: pl.DataFrame, key: str, path: Path, title: str, note: str) -> None:
    """Per group: the share as a bar, its 95% interval as an error bar."""
    check_path(path)
    rows, note = _largest(table, note)
    labels = [f"{v} ({c:,} of {t:,})" for v, c, t in zip(rows[key], rows["count"], rows["total"], strict=True)]
    shares = [100 * (s or 0.0) for s in rows["share"].to_list()]
    low = [s - 100 * lo for s, lo in zip(shares, rows["low"].to_list(), strict=True)]
    high = [100 * hi - s for s, hi in zip(shares, rows["high"].to_list(), strict=True)]
    figure, axes = plt.subplots(figsize=(9, 2.0 + 0.35 * len(labels)))
    y = list(range(len(labels)))
    axes.barh(y, shares, color="#9ecae1", height=0.6)
    axes.errorbar(shares, y, xerr=[low, high], fmt="none", ecolor="#08519c", capsize=3, label="95% interval (Wilson)")
    axes.set_yticks(y, labels, fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_xlabel("Share (%)")
    _title_and_legend(axes, title)
    axes.grid(axis="x", alpha=0.3)
    _finish(figure, path, note)


def count_chart(table: pl.DataFrame, key: str, value: str, path: Path, title: str, note: str) -> None:
    check_path(path)
    rows, note = _largest(table, note)
    figure, axes = plt.subplots(figsize=(9, 2.0 + 0.35 * rows.height))
    axes.barh([str(v) for v in rows[key]], rows[value], color="#9ecae1")
    axes.set_xlabel(value.replace("_", " ").capitalize())
    axes.set_title(textwrap.fill(title, 70), loc="left")
    axes.tick_params(axis="y", labelsize=8)
    axes.grid(axis="x", alpha=0.3)
    _finish(figure, path, note)

"""Charts for reports (matplotlib): daily population, distributions, shares with intervals, counts.

Every chart has a title, labelled axes and a source note naming the release and what was counted.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.axes import Axes
from matplotlib.dates import date2num

if TYPE_CHECKING:
    from datetime import date
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

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


PANELS = 6  # small multiples: more panels than this are too small to read
Y_LABELS = {"midnight": "People held at 00:00", "24h": "People held at any time of the day"}


def population_chart(population: pl.DataFrame, key: str, path: Path, title: str, note: str, top: int = PANELS) -> None:
    """Daily population: one panel overall, or small multiples of the ``top`` largest groups (one panel each).

    Each panel shades the undercounted first days (people held before the data begin are
    missing) and marks the last observed day, past which open stays are not known.
    """
    check_path(path)
    ranked = (
        population.group_by(key).agg(pl.col("population").mean()).sort(["population", key], descending=[True, False])
    )
    groups = ranked[key].to_list()
    keep = groups[:top] if key != "all" else groups[:1]
    if len(groups) > len(keep):
        note = f"{note} Showing the {len(keep)} largest of {len(groups)} groups by average population."
    measure = str(population["measure"][0]) if "measure" in population.columns and population.height else "midnight"
    columns = 1 if len(keep) == 1 else 2
    panel_rows = -(-len(keep) // columns)
    figure, grid = plt.subplots(panel_rows, columns, figsize=(10, 1.6 + 2.4 * panel_rows), sharex=True,
                                squeeze=False)  # fmt: skip
    for axes, group in zip(grid.flat, keep, strict=False):
        series = population.filter(pl.col(key) == group).sort("day")
        _population_panel(axes, series, measure, group if key != "all" else None)
    for axes in list(grid.flat)[len(keep) :]:
        axes.set_visible(False)
    for axes in grid[-1]:
        axes.set_xlabel("Day")
        axes.tick_params(axis="x", labelbottom=True, labelsize=8)
    figure.suptitle(textwrap.fill(title, 90), x=0.01, ha="left", fontsize=11)
    _finish(figure, path, note)


def _x(day: date) -> float:
    """A day as the float a date axis holds (axvspan's annotations want floats)."""
    return float(date2num(day))  # type: ignore[no-untyped-call]  # matplotlib.dates has no annotations


def _population_panel(axes: Axes, series: pl.DataFrame, measure: str, group: str | None) -> None:
    days, values = series["day"].to_list(), series["population"].to_list()
    axes.plot(days, values, linewidth=1, color="#08519c")
    if "undercounted" in series.columns and series["undercounted"].any():
        low = series.filter(pl.col("undercounted"))["day"].to_list()
        axes.axvspan(_x(low[0]), _x(low[-1]), color="#bbbbbb", alpha=0.35, hatch="//", linewidth=0)
        axes.text(_x(low[0]), 0.97, " undercounted: people held\n before the data begin\n are missing",
                  transform=axes.get_xaxis_transform(), va="top", ha="left", fontsize=7, color="#444444")  # fmt: skip
    if days:
        axes.axvline(days[-1], color="#444444", linestyle="--", linewidth=0.8)
        axes.text(days[-1], 0.97, "data end: open stays\ncounted to here ", transform=axes.get_xaxis_transform(),
                  va="top", ha="right", fontsize=7, color="#444444")  # fmt: skip
    axes.set_ylabel(f"{Y_LABELS.get(measure, 'People held')} (people)", fontsize=8)
    if group is not None:
        axes.set_title(textwrap.shorten(str(group), 50), loc="left", fontsize=9)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    axes.grid(alpha=0.3)
    axes.tick_params(labelsize=8)


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

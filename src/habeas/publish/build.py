"""Build the public artifact: aggregate tables, protected, written as CSV, JSON and one static HTML page.

The input is aggregate rows only (a category or two and a count), so nothing about a
person can reach this module. Each table is checked against the allowlist of
dimensions, protected by disclosure control, compared with what earlier publications
showed (``habeas.publish.differencing``), and written with the note that its counts
are of people documented in habeas, not the prevalence of anything.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from habeas.publish.colophon import Colophon
from habeas.publish.differencing import Difference, EarlierPublication, PublishedCell, differences, published_cells
from habeas.publish.fields import DIMENSIONS, Dimension, label_problem
from habeas.publish.page import render_page
from habeas.publish.words import check_language, dimension_label, text, value_label
from habeas.stats.disclosure import (
    DEFAULT_THRESHOLD,
    Cell,
    CountTable,
    ProtectedTable,
    Suppression,
    check_threshold,
    protect,
)

FORMAT = 1
MANIFEST = "publication.json"
SUPPRESSED = "suppressed"
NOTE = text("note", "en")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")


class PublicationError(ValueError):
    """A table that may not be published as asked; the message says which and why."""


class DifferencingError(PublicationError):
    """Counts that an earlier publication would give away by difference; names where, never the values."""

    SHOWN = 5

    def __init__(self, found: Sequence[Difference], threshold: int) -> None:
        self.differences = tuple(found)
        by_earlier: dict[str, list[str]] = {}
        for difference in found[: self.SHOWN]:
            by_earlier.setdefault(difference.earlier.describe(), []).append(difference.cell_place())
        places = "; ".join(f"against {earlier}: {', '.join(cells)}" for earlier, cells in by_earlier.items())
        more = f"; and {len(found) - self.SHOWN} more" if len(found) > self.SHOWN else ""
        super().__init__(
            f"{len(found)} published count{'s' if len(found) > 1 else ''} would differ from an earlier "
            f"publication's by 1 to {threshold}, which would give away the people in the difference ({places}"
            f"{more}). Publish with coarser categories or over a larger cohort, or suppress these counts as well"
        )


@dataclass(frozen=True)
class AggregateRow:
    """One count: the people in category ``row`` (and ``column``).

    ``sensitive`` counts how many of them have each value of a sensitive attribute; it is
    used to withhold groups that all share one, and never published.
    """

    row: str
    count: int
    column: str | None = None
    sensitive: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PublicationTable:
    """A table to publish: counts of people by one dimension (``row_field``) or two.

    ``people`` is how many distinct people the table counts. When each person is in one
    cell (the usual table) the counts must add up to it. When ``overlapping``, a person
    may be in several rows (a person flagged by several rules): the rows do not add up,
    and the total published is ``people``, protected like any count and withheld when it
    and a row shown would give away a small group by difference.
    """

    id: str  # file name: lower case letters, digits, dashes
    title: str
    row_field: str
    rows: Sequence[AggregateRow]
    column_field: str | None = None
    description: str = ""
    row_order: Sequence[str] | None = None  # default: sorted labels
    column_order: Sequence[str] | None = None
    people: int | None = None
    overlapping: bool = False
    row_marks: Mapping[str, str] = field(default_factory=dict)  # row -> "undercounted" or "open" (series)


@dataclass(frozen=True)
class NotPublished:
    """A table left out, and why, said on the page so that its absence is not read as zero."""

    title: str
    reason: str


@dataclass(frozen=True)
class Publication:
    out_dir: Path
    files: tuple[Path, ...]
    tables: tuple[ProtectedTable, ...]
    cells: tuple[PublishedCell, ...] = ()  # every count as shown: what the database records
    withheld: int = 0  # counts suppressed because an earlier publication would give them away


@dataclass(frozen=True)
class PreparedPublication:
    """Protected tables and the files that show them, ready to be recorded and written."""

    tables: tuple[ProtectedTable, ...]
    cells: tuple[PublishedCell, ...]
    withheld: int
    files: Mapping[str, str]


def build_publication(
    tables: Sequence[PublicationTable],
    out_dir: Path,
    threshold: int = DEFAULT_THRESHOLD,
    generated_on: date | None = None,
    earlier: Sequence[EarlierPublication] = (),
    suppress_differences: bool = False,
    lang: str = "en",
    colophon: Colophon | None = None,
) -> Publication:
    """Check, protect and write ``tables`` to ``out_dir`` (replacing an earlier publication there)."""
    check_out_dir(Path(out_dir))
    prepared = prepare_publication(
        tables, threshold, generated_on, earlier, suppress_differences, lang=lang, colophon=colophon
    )
    return write_publication(prepared, Path(out_dir))


def prepare_publication(
    tables: Sequence[PublicationTable],
    threshold: int = DEFAULT_THRESHOLD,
    generated_on: date | None = None,
    earlier: Sequence[EarlierPublication] = (),
    suppress_differences: bool = False,
    *,
    lang: str = "en",
    colophon: Colophon | None = None,
    as_of: date | None = None,
    not_published: Sequence[NotPublished] = (),
) -> PreparedPublication:
    """Protect ``tables`` against small counts and against ``earlier`` publications; build the files.

    A count that an earlier publication would give away by difference is refused
    (:class:`DifferencingError`), or with ``suppress_differences`` suppressed as well.
    ``lang`` ("en" or "es") is the page's language; the CSV and JSON keep the codes and
    add their labels.
    """
    check_threshold(threshold)
    check_language(lang)
    if not tables:
        raise PublicationError("nothing to publish: no tables")
    if len({t.id for t in tables}) != len(tables):
        raise PublicationError("two tables have the same id")
    counts = [to_count_table(t) for t in tables]
    protected, cells, withheld = _protect_against(tables, counts, threshold, earlier, suppress_differences)
    docs = [_table_doc(t, p, lang) for t, p in zip(tables, protected, strict=True)]
    colophon = colophon or Colophon()
    day = generated_on or date.today()
    manifest = {
        "habeas_publication": FORMAT,
        "generated_on": day.isoformat(),
        "as_of": (as_of or day).isoformat(),
        "lang": lang,
        "threshold": threshold,
        "note": text("note", lang),
        "suppression": _suppression_note(threshold, lang),
        "method": text("method", lang),
        "method_note": colophon.method,
        "publisher": colophon.publisher,
        "licence": colophon.licence,
        "licence_url": colophon.licence_url,
        "tables": docs,
        "not_published": [{"title": n.title, "reason": n.reason} for n in not_published],
    }
    files = {f"{doc['id']}.csv": _csv(doc, threshold, lang) for doc in docs}
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    files["index.html"] = render_page(manifest, colophon)
    return PreparedPublication(tuple(protected), tuple(cells), withheld, files)


def _protect_against(
    tables: Sequence[PublicationTable],
    counts: Sequence[CountTable],
    threshold: int,
    earlier: Sequence[EarlierPublication],
    suppress: bool,
) -> tuple[list[ProtectedTable], list[PublishedCell], int]:
    """Protect each table, withholding the counts earlier publications would give away, until none is left.

    Each round suppresses at least one more count, so it ends; what is withheld is then
    protected like a small count (its row and column cannot give it back).
    """
    withhold: dict[str, set[Cell]] = {t.id: set() for t in tables}
    while True:
        protected = [_protect_table(t, c, threshold, withhold[t.id]) for t, c in zip(tables, counts, strict=True)]
        placed = [pair for t, p in zip(tables, protected, strict=True) for pair in published_cells(t.id, p)]
        found = differences([cell for _, cell in placed], earlier, threshold)
        if not found:
            return protected, [cell for _, cell in placed], sum(len(cells) for cells in withhold.values())
        if not suppress:
            raise DifferencingError(found, threshold)
        where = {cell.key: grid_cell for grid_cell, cell in placed}
        for difference in found:
            withhold[difference.cell.table].add(where[difference.cell.key])


def _protect_table(table: PublicationTable, counts: CountTable, threshold: int, withhold: set[Cell]) -> ProtectedTable:
    """Protect a table; an overlapping one's total is its distinct people, not the sum of its rows."""
    _check_people(table, counts)
    if not table.overlapping:
        return protect(counts, threshold, withhold)
    m = len(counts.rows)
    # The rows overlap and their sum is never shown, so no sum can give a hidden row back:
    # each row is protected on its own (small, all sharing a sensitive value, or withheld).
    cells: list[int | None] = []
    suppressed: dict[Cell, Suppression] = {}
    for i, (row, sensitive) in enumerate(zip(counts.counts, counts.sensitive or [({},)] * m, strict=True)):
        alone = CountTable(rows=(counts.rows[i],), columns=counts.columns, counts=(row,), sensitive=(sensitive,))
        withheld = [(0, 0)] if {(i, 0), (i, 1)} & withhold else []
        shown = protect(alone, threshold, withheld)
        cells.append(shown.cells[0][0])
        if shown.cells[0][0] is None:
            reason = next(iter(shown.suppressed.values()))
            suppressed.update({(i, 0): reason, (i, 1): reason})
    margins = {(m, 0), (m, 1)}
    total = None if margins & withhold else _distinct_total(table.people, cells, threshold)
    if total is None:
        suppressed.update(dict.fromkeys(margins, Suppression.WITHHELD))
    return ProtectedTable(
        rows=counts.rows,
        columns=counts.columns,
        cells=tuple((v,) for v in cells),
        row_totals=tuple(cells),
        column_totals=(total,),
        total=total,
        threshold=threshold,
        suppressed=suppressed,
    )


def _check_people(table: PublicationTable, counts: CountTable) -> None:
    """The distinct people a table says it counts agree with its counts; an overlapping table must say it."""
    added = sum(sum(row) for row in counts.counts)
    if table.overlapping:
        if table.people is None or len(counts.columns) != 1:
            raise PublicationError(f"table {table.id}: an overlapping table needs one column and its people")
        if not max((row[0] for row in counts.counts), default=0) <= table.people <= added:
            raise PublicationError(f"table {table.id}: {table.people} distinct people cannot give these rows")
    elif table.people is not None and table.people != added:
        raise PublicationError(f"table {table.id}: its counts add up to {added}, not its {table.people} people")


def _distinct_total(people: int | None, rows: Sequence[int | None], threshold: int) -> int | None:
    """The distinct people of an overlapping table, or None when showing it would give away a small group.

    The total minus a row shown is the people not in that row (flagged, but not by that
    rule); when every row is shown, their sum minus the total is how many more times
    than once people are counted. Either from 1 to the threshold withholds the total.
    """
    if people is None or 1 <= people <= threshold:
        return None
    if any(v is not None and 1 <= people - v <= threshold for v in rows):
        return None
    if all(v is not None for v in rows) and 1 <= sum(v for v in rows if v is not None) - people <= threshold:
        return None
    return people


def write_publication(prepared: PreparedPublication, out_dir: Path) -> Publication:
    """Write the prepared files to ``out_dir`` in one step (replacing an earlier publication there)."""
    _write_atomically(Path(out_dir), prepared.files)
    files = tuple(Path(out_dir) / name for name in sorted(prepared.files))
    return Publication(Path(out_dir), files, prepared.tables, prepared.cells, prepared.withheld)


def check_out_dir(out_dir: Path) -> None:
    """Refuse, before anything is recorded, a directory that holds something other than a publication."""
    if out_dir.exists() and any(out_dir.iterdir()) and not _is_publication(out_dir):
        raise PublicationError(f"{out_dir} is not empty and holds no earlier publication; choose another directory")


def to_count_table(table: PublicationTable) -> CountTable:
    """The table's counts as a grid, after checking its id, dimensions and labels."""
    if not _SLUG.fullmatch(table.id):
        raise PublicationError(f"table id {table.id!r}: use lower-case letters, digits and dashes")
    row_dim = _dimension(table, table.row_field)
    col_dim = _dimension(table, table.column_field) if table.column_field else None
    cells: dict[tuple[str, str], AggregateRow] = {}
    for agg in table.rows:
        key = _cell_key(table, agg, row_dim, col_dim)
        if key in cells:
            raise PublicationError(f"table {table.id}: two counts for {key[0]!r}, {key[1]!r}")
        cells[key] = agg
    rows = tuple(table.row_order or sorted({r for r, _ in cells}))
    columns = tuple(table.column_order or sorted({c for _, c in cells})) if col_dim else ("count",)
    if not rows or not columns:
        raise PublicationError(f"table {table.id} has no counts")
    missing = {k for k in cells if k[0] not in rows or k[1] not in columns}
    if missing:
        raise PublicationError(f"table {table.id}: categories missing from the given order: {sorted(missing)}")
    empty = AggregateRow(row="", count=0)
    grid = [[cells.get((r, c), empty) for c in columns] for r in rows]
    return CountTable(
        rows=rows,
        columns=columns,
        counts=tuple(tuple(a.count for a in line) for line in grid),
        sensitive=tuple(tuple(dict(a.sensitive) for a in line) for line in grid),
    )


def _cell_key(
    table: PublicationTable, agg: AggregateRow, row_dim: Dimension, col_dim: Dimension | None
) -> tuple[str, str]:
    _check_label(table, row_dim, agg.row)
    if col_dim is None:
        if agg.column is not None:
            raise PublicationError(f"table {table.id}: a row has a column but the table has no column field")
        return agg.row, "count"
    if agg.column is None:
        raise PublicationError(f"table {table.id}: every row needs a {col_dim.name}")
    _check_label(table, col_dim, agg.column)
    return agg.row, agg.column


def _dimension(table: PublicationTable, name: str | None) -> Dimension:
    if name not in DIMENSIONS:
        allowed = ", ".join(sorted(DIMENSIONS))
        raise PublicationError(f"table {table.id}: {name!r} may not be published (allowed: {allowed})")
    return DIMENSIONS[name]


def _check_label(table: PublicationTable, dimension: Dimension, value: str) -> None:
    if (problem := label_problem(dimension, value)) is not None:
        # The value itself stays out of the message: it may be the very thing to keep private.
        raise PublicationError(f"table {table.id}: a {dimension.name} label {problem}")


def _suppression_note(threshold: int, lang: str = "en") -> str:
    return text("suppression", lang, threshold=threshold, not_shown=text("not_shown", lang))


def _table_doc(table: PublicationTable, protected: ProtectedTable, lang: str) -> dict[str, Any]:
    # Which cells were small and which were suppressed to protect them stays private:
    # telling them apart would point at the small ones.
    column_field = table.column_field
    return {
        "id": table.id,
        "title": table.title,
        "description": table.description,
        "row_field": table.row_field,
        "column_field": column_field,
        "rows": list(protected.rows),
        "columns": list(protected.columns),
        "cells": [list(r) for r in protected.cells],
        "row_totals": list(protected.row_totals),
        "column_totals": list(protected.column_totals),
        "total": protected.total,
        "note": text("note", lang),
        "unit": "people",
        "rows_overlap": table.overlapping,
        "row_marks": dict(table.row_marks),
        "row_heading": dimension_label(table.row_field, lang),
        "column_heading": dimension_label(column_field, lang) if column_field else text("people", lang),
        "row_labels": [value_label(table.row_field, r, lang) for r in protected.rows],
        "column_labels": (
            [value_label(column_field, c, lang) for c in protected.columns] if column_field else [text("people", lang)]
        ),
    }


def _csv(doc: dict[str, Any], threshold: int, lang: str) -> str:
    out = io.StringIO()
    out.write(f"# {doc['title']}\n# {doc['note']}\n# {_suppression_note(threshold, lang)}\n")
    if doc["rows_overlap"]:
        out.write(f"# {text('overlap', lang)}\n")
    writer = csv.writer(out, lineterminator="\n")
    one_column = doc["column_field"] is None

    def shown(values: list[int | None]) -> list[str]:
        return [SUPPRESSED if v is None else str(v) for v in values]

    writer.writerow([doc["row_field"], *(["count"] if one_column else [*doc["columns"], "total"])])
    for label, cells, total in zip(doc["rows"], doc["cells"], doc["row_totals"], strict=True):
        writer.writerow([label, *shown(cells if one_column else [*cells, total])])
    totals = doc["column_totals"] if one_column else [*doc["column_totals"], doc["total"]]
    writer.writerow(["total", *shown(totals)])
    return out.getvalue()


def _write_atomically(out_dir: Path, files: Mapping[str, str]) -> None:
    """Write every file into a fresh directory, then swap it in: readers never see half a publication."""
    check_out_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.chmod(0o755)  # a publication is meant to be read by anyone
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out_dir.rename(old)
            staging.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _is_publication(directory: Path) -> bool:
    try:
        return "habeas_publication" in json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False

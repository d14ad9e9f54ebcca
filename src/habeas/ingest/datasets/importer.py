"""Read a whole dataset file as a stream of parsed batches, keeping the tally the import summary reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from habeas.ingest.datasets.metadata import FORMAT_NAMES, DatasetError, DatasetFormat, load_format, normalize_header

if TYPE_CHECKING:
    import polars as pl

    from habeas.ingest.datasets.parse import ParsedBatch
    from habeas.ingest.datasets.reader import Layout

# Polars, the parser and the reader are imported where a file is read: the command line loads
# this module (for the import summary's tally) at start-up.

MAX_PROBLEMS_KEPT = 1000
MAX_NOTES_KEPT = 20
MAX_VALUE_SHOWN = 80


@dataclass
class Tally:
    """What an import read, kept, rejected and could not look up."""

    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    notes: int = 0
    note_rows: list[int] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    redacted: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[tuple[str, str]] = field(default_factory=Counter)
    zoned: Counter[str] = field(default_factory=Counter)  # column → times written with "Z" or an offset
    first_observed: date | None = None
    last_observed: date | None = None

    def add(self, batch: ParsedBatch, fmt: DatasetFormat, file: str) -> None:
        import polars as pl

        self.rows_read += batch.read - len(batch.notes)
        self.notes += len(batch.notes)
        self.note_rows.extend(batch.notes[: MAX_NOTES_KEPT - len(self.note_rows)])
        self.rows_imported += batch.rows.height
        self.rows_rejected += batch.problems["row"].n_unique()
        for column, kind, count in batch.problems.group_by("column", "kind").len().iter_rows():
            self.problem_kinds[(column, kind)] += count
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        if room > 0:
            kept = batch.problems.sort("row").head(room)
            self.problems.extend({"file": file, **row} for row in kept.iter_rows(named=True))
        if batch.rows.height:
            for name, count in (
                batch.rows.select(pl.col("redacted").explode().value_counts()).unnest("redacted").iter_rows()
            ):
                if name is not None:
                    self.redacted[name] += count
        for column, value, rows in batch.unmapped.iter_rows():
            self.unmapped[(column, value[:MAX_VALUE_SHOWN])] += rows  # a huge cell is named by its start
        self.zoned.update(batch.zoned)
        self._observe(batch.rows, fmt)

    def reject(self, problems: pl.DataFrame, file: str) -> None:
        """Count rows rejected after parsing (a mapped list's rows whose events are invalid)."""
        if problems.is_empty():
            return
        rows = problems["row"].n_unique()
        self.rows_rejected += rows
        self.rows_imported -= rows
        for column, kind, count in problems.group_by("column", "kind").len().iter_rows():
            self.problem_kinds[(column, kind)] += count
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        self.problems.extend(
            {"file": file, **row} for row in problems.sort("row").head(max(0, room)).iter_rows(named=True)
        )

    def _observe(self, rows: pl.DataFrame, fmt: DatasetFormat) -> None:
        import polars as pl

        columns = [c for c in fmt.observed_columns if c in rows.columns]
        if not columns or rows.is_empty():
            return
        span = rows.select(
            pl.min_horizontal([pl.col(c).min() for c in columns]).alias("first"),
            pl.max_horizontal([pl.col(c).max() for c in columns]).alias("last"),
        ).row(0)
        first, last = (_day(v) for v in span)
        if first is not None:
            self.first_observed = min(filter(None, (self.first_observed, first)))
        if last is not None:
            self.last_observed = max(filter(None, (self.last_observed, last)))


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


class DatasetReading:
    """One pass over a file for one format: ``for batch in reading`` yields parsed batches."""

    def __init__(
        self,
        path: Path,
        fmt: DatasetFormat,
        sheet: str | None = None,
        batch_rows: int = 250_000,
        workdir: Path | None = None,
    ):
        from habeas.ingest.datasets.parse import BatchParser

        self.path = path
        self.fmt = fmt
        self.layout = locate(path, fmt, sheet)
        self.parser = BatchParser(fmt, self.layout)
        self.batch_rows = batch_rows
        self.workdir = workdir
        self.tally = Tally()

    @property
    def unused_columns(self) -> tuple[str, ...]:
        return self.parser.unused

    def __iter__(self) -> Iterator[ParsedBatch]:
        from habeas.ingest.datasets.reader import read_batches

        for raw in read_batches(self.layout, self.batch_rows, self.workdir):
            parsed = self.parser.parse(raw)
            self.tally.add(parsed, self.fmt, self.path.name)
            yield parsed


def locate(path: Path, fmt: DatasetFormat, sheet: str | None = None) -> Layout:
    """The file's layout for ``fmt``, or an error that says what the file looks like instead."""
    from habeas.ingest.datasets.reader import sniff

    wanted = {spec.name for spec in fmt.required if spec.name != fmt.person_column}
    index = fmt.header_index()
    layout = sniff(path, index, wanted, sheet)
    named = {index.get(normalize_header(h)) for h in layout.headers}
    # A header naming none of the required columns belongs to some other kind of file.
    if layout.header_row and (not wanted or wanted & named):
        return layout
    examples = ", ".join(repr(spec.released_header) for spec in (fmt.required or fmt.columns)[:3])
    hint = ""
    for other in FORMAT_NAMES:
        if other in (fmt.name, "mapped_list"):
            continue
        candidate = load_format(other)
        others_wanted = {s.name for s in candidate.required if s.name != candidate.person_column}
        try:
            found = sniff(path, candidate.header_index(), others_wanted, sheet)
        except DatasetError:
            continue
        if found.header_row and others_wanted <= {
            candidate.header_index().get(normalize_header(h)) for h in found.headers
        }:
            hint = f"; it looks like {other} (habeas datasets import {other.replace('_', '-')} {path})"
            break
    raise DatasetError(
        f"{path} does not look like {fmt.title} ({fmt.name}): none of its first rows is a header "
        f"with columns such as {examples}{hint}"
    )

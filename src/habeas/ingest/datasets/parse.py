"""Turn a batch of text cells into typed canonical columns, with every problem named by row and column.

Redacted cells (FOIA exemption codes such as ``(b)(6)``, ``(b)(7)(c)``, ``"(b)(6),(b)(7)(c )"``,
or the word "Redacted") become null and are listed, per row, in the ``redacted`` column:
a withheld value is never read as a value. Rows holding at most one non-empty cell are
notes (titles, footnotes) and are skipped, not rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from habeas.ingest.datasets.lookups import derived_column, lookup_table
from habeas.ingest.datasets.metadata import (
    LOCAL_TIME,
    DatasetError,
    DatasetFormat,
    normalize_header,
    normalize_value,
)
from habeas.ingest.datasets.reader import Layout

REDACTION = r"(?i)^\s*(?:(?:\(\s*b\s*\)\s*\(\s*\d+\s*\)(?:\s*\(\s*[a-z]\s*\))*[\s,;&]*)+|\[?redacted\]?)\s*$"
DATETIME_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(2100, 1, 1)
# ISO 8601 date-times as tools write them: "T" or a space, optional seconds and fraction, and an optional
# "Z" or offset (R's lubridate and readr write "2012-09-08T12:40:48Z"; pandas "12:40:48.5-05:00").
ISO_DATETIME = (
    r"^\s*(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
PROBLEM_SCHEMA = {"row": pl.Int64, "column": pl.String, "kind": pl.String, "problem": pl.String}


@dataclass
class ParsedBatch:
    rows: pl.DataFrame  # accepted rows: `row`, canonical columns, derived lookup columns, `redacted`
    problems: pl.DataFrame  # row, column (as headed in the file), kind, problem
    notes: list[int]  # row numbers of title, note and blank rows skipped
    read: int  # data rows read (notes included)
    unmapped: pl.DataFrame  # column, value, rows: values with no lookup entry
    zoned: dict[str, int] = field(default_factory=dict)  # column → times written with "Z" or an offset


class BatchParser:
    """Parses the batches of one file for one format; remembers each date column's format."""

    def __init__(self, fmt: DatasetFormat, layout: Layout):
        self.fmt = fmt
        self.layout = layout
        index = fmt.header_index()
        self.positions: dict[str, int] = {}
        unused: list[str] = []
        for position, header in enumerate(layout.headers):
            name = index.get(normalize_header(header))
            if name is not None and name not in self.positions:
                self.positions[name] = position
            elif str(header).strip():
                unused.append(str(header).strip())
        self.unused = tuple(unused)
        missing = [spec for spec in fmt.required if spec.name not in self.positions]
        if missing and not (len(missing) == 1 and missing[0].name == fmt.person_column):
            names = ", ".join(repr(spec.released_header) for spec in missing)
            raise DatasetError(
                f"{layout.path}: the header (row {layout.header_row}) lacks the required column(s) {names} "
                f"for {fmt.name}; headers found: {', '.join(repr(h) for h in layout.headers if str(h).strip())}"
            )
        self.date_formats: dict[str, str] = {}
        # A lone cell in a wide table is a title or a footnote; in a one- or two-column list it is data.
        self.note_cells = 1 if sum(1 for h in layout.headers if str(h).strip()) >= 3 else 0

    def header(self, name: str) -> str:
        position = self.positions.get(name)
        return self.layout.header_of(position) if position is not None else name

    def parse(self, batch: pl.DataFrame) -> ParsedBatch:
        raw = [c for c in batch.columns if c != "_row"]
        cleaned = batch.with_columns(pl.col("_row").cast(pl.Int64).alias("row"))
        note = pl.sum_horizontal(pl.col(raw).is_not_null()) <= self.note_cells
        notes = cleaned.filter(note)["row"].to_list()
        values = self._canonical(cleaned.filter(~note))
        self._zoned: dict[str, int] = {}
        values, problems = self._typed(values)
        values, unmapped = self._looked_up(values)
        bad_rows = problems["row"].unique()
        accepted = values.filter(~pl.col("row").is_in(bad_rows.implode()))
        return ParsedBatch(accepted, problems, notes, batch.height, unmapped, self._zoned)

    def _canonical(self, frame: pl.DataFrame) -> pl.DataFrame:
        selected = [
            self._cell(spec.name, spec.type)
            if spec.name in self.positions
            else pl.lit(None, pl.String).alias(spec.name)
            for spec in self.fmt.columns
        ]
        frame = frame.select("row", *selected)
        redacted = {name: pl.col(name).str.contains(REDACTION).fill_null(False) for name in self.positions}
        frame = frame.with_columns(
            pl.concat_list([pl.when(flag).then(pl.lit(name)) for name, flag in redacted.items()])
            .list.drop_nulls()
            .alias("redacted")
            if redacted
            else pl.lit([], pl.List(pl.String)).alias("redacted"),
            *[pl.when(~flag).then(pl.col(name)).alias(name) for name, flag in redacted.items()],
        )
        person = self.fmt.person_column
        if person and person not in self.positions:
            frame = frame.with_columns(pl.format("row-{}", pl.col("row")).alias(person))
        return frame

    def _cell(self, name: str, type_: str) -> pl.Expr:
        cell = pl.col(f"c{self.positions[name]}")
        # Dates and numbers are parsed as they are (a rare padded one is retried stripped); text is stripped
        # so that lookups and groupings see "MEXICO " and "MEXICO" as one value.
        return (cell.str.strip_chars() if type_ == "text" else cell).alias(name)

    def _typed(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        problems: list[pl.DataFrame] = []
        unreadable: dict[str, pl.Series] = {}  # column → rows whose value was there but unreadable
        for spec in self.fmt.columns:
            if spec.type == "text" or spec.name not in self.positions:
                continue
            text = frame[spec.name]
            if spec.type == "int":
                parsed = text.str.strip_chars().str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
                kind = "not a whole number"
            else:
                parsed = self._datetimes(spec.name, text)
                parsed = parsed.dt.date() if spec.type == "date" else parsed
                kind = "unparseable date"
            failed = text.is_not_null() & parsed.is_null()
            if failed.any():
                problems.append(
                    self._problems(frame.filter(failed), spec.name, kind, text.filter(failed), spec.sensitive)
                )
                unreadable[spec.name] = frame.filter(failed)["row"]
            frame = frame.with_columns(parsed.alias(spec.name))
        problems.extend(self._required(frame, unreadable))
        problems.extend(self._order(frame))
        merged = pl.concat(problems) if problems else pl.DataFrame(schema=PROBLEM_SCHEMA)
        return frame, merged

    def _problems(
        self, rows: pl.DataFrame, name: str, kind: str, values: pl.Series, sensitive: bool = False
    ) -> pl.DataFrame:
        shown = pl.lit(values.str.slice(0, 40))
        detail = pl.lit(kind) if sensitive else pl.format(f"{kind} '{{}}'", shown)
        return rows.select(
            pl.col("row"),
            pl.lit(self.header(name)).alias("column"),
            pl.lit(kind).alias("kind"),
            detail.alias("problem"),
        )

    def _datetimes(self, name: str, text: pl.Series) -> pl.Series:
        wall, offset = _split_offset(text)
        if name not in self.date_formats:
            self.date_formats[name] = _detect_format(wall)
        parsed = _strptime(wall, self.date_formats[name])
        retry = wall.is_not_null() & parsed.is_null()
        if retry.any():
            again = wall.filter(retry).str.strip_chars()
            fallback = pl.select(pl.coalesce([_strptime(again, f) for f in DATETIME_FORMATS])).to_series()
            parsed = parsed.scatter(retry.arg_true(), fallback)
        zoned = int((offset.is_not_null() & parsed.is_not_null()).sum())
        if zoned:
            self._zoned[name] = zoned
            parsed = in_release_zone(parsed, offset, self.fmt.time_zone)
        return parsed

    def _required(self, frame: pl.DataFrame, unreadable: dict[str, pl.Series]) -> list[pl.DataFrame]:
        out = []
        for spec in self.fmt.required:
            if spec.name not in frame.columns:
                continue
            # A value that was there but could not be read is reported as unreadable, not also as empty.
            missing = frame.filter(pl.col(spec.name).is_null())
            if spec.name in unreadable:
                missing = missing.filter(~pl.col("row").is_in(unreadable[spec.name].implode()))
            if missing.is_empty():
                continue
            withheld = missing["redacted"].list.contains(spec.name)
            out.append(
                missing.select(
                    pl.col("row"),
                    pl.lit(self.header(spec.name)).alias("column"),
                    pl.when(withheld).then(pl.lit("redacted")).otherwise(pl.lit("missing value")).alias("kind"),
                    pl.when(withheld)
                    .then(pl.lit("required value is redacted (FOIA exemption code)"))
                    .otherwise(pl.lit("required value is empty"))
                    .alias("problem"),
                )
            )
        return out

    def _order(self, frame: pl.DataFrame) -> list[pl.DataFrame]:
        out = []
        for earlier, later in self.fmt.order_checks:
            bad = frame.filter(pl.col(later) < pl.col(earlier))
            if bad.is_empty():
                continue
            first, second = self.header(earlier), self.header(later)
            out.append(
                bad.select(
                    pl.col("row"),
                    pl.lit(second).alias("column"),
                    pl.lit("out of order").alias("kind"),
                    pl.format(
                        f"{second} {{}} is before {first} {{}}",
                        pl.col(later).dt.strftime("%Y-%m-%d %H:%M"),
                        pl.col(earlier).dt.strftime("%Y-%m-%d %H:%M"),
                    ).alias("problem"),
                )
            )
        return out

    def _looked_up(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        unmapped: list[pl.DataFrame] = []
        for spec in self.fmt.columns:
            if not spec.lookup or spec.name not in self.positions:
                continue
            values = frame[spec.name].drop_nulls().unique().to_list()
            table = lookup_table(self.fmt, spec.lookup, values)
            known = {v: code for v, code in table.items() if code is not None}
            target = derived_column(spec.name, spec.lookup)
            frame = frame.with_columns(
                pl.col(spec.name).replace_strict(known, default=None, return_dtype=pl.String).alias(target)
            )
            missing = [
                v for v, code in table.items() if code is None and not _deliberately_empty(self.fmt, spec.lookup, v)
            ]
            if missing:
                counts = frame.filter(pl.col(spec.name).is_in(missing)).group_by(spec.name).len()
                unmapped.append(
                    counts.select(
                        pl.lit(self.header(spec.name)).alias("column"),
                        pl.col(spec.name).alias("value"),
                        pl.col("len").cast(pl.Int64).alias("rows"),
                    )
                )
        empty = pl.DataFrame(schema={"column": pl.String, "value": pl.String, "rows": pl.Int64})
        return frame, pl.concat(unmapped) if unmapped else empty


def _deliberately_empty(fmt: DatasetFormat, lookup: str, value: str) -> bool:
    table = fmt.lookups.get(lookup, {})
    key = normalize_value(value)
    return key in table and table[key] is None


def _split_offset(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """ISO 8601 values as a wall-clock time ("2012-09-08 12:40:48.5") and their "Z" or offset; others unchanged."""
    parts = text.str.extract_groups(ISO_DATETIME)
    matched = parts.struct.field("1").is_not_null()
    iso = parts.struct.field("1") + " " + parts.struct.field("2").str.replace(",", ".", literal=True)
    wall = pl.select(pl.when(matched).then(iso).otherwise(text)).to_series()
    return wall, parts.struct.field("3").str.to_uppercase()


def in_release_zone(parsed: pl.Series, offset: pl.Series, zone: str) -> pl.Series:
    """Times with an offset converted to the release's time zone (naive); a ``local`` release keeps the wall clock.

    A "local" release (ICE's) gives wall-clock times where they were recorded, in no stated zone:
    a "Z" or an offset on them was added by whatever tool wrote the file (R labels every time it
    reads without a zone as UTC), so the time as written is the time as published.
    """
    if zone == LOCAL_TIME:
        return parsed
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset.str.replace_all(r"[^0-9]", "")
    minutes = sign * (
        digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0) * 60
        + digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    )
    instant = (pl.lit(parsed) - pl.duration(minutes=minutes)).dt.replace_time_zone("UTC")
    converted = instant.dt.convert_time_zone(zone).dt.replace_time_zone(None)
    return pl.select(pl.when(pl.lit(offset).is_null()).then(pl.lit(parsed)).otherwise(converted)).to_series()


def _strptime(text: pl.Series, fmt: str) -> pl.Series:
    parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
    # "1/3/12" read with %Y is the year 12: outside 1900–2099 a reading is taken as a failure.
    return pl.select(pl.when(parsed.is_between(EARLIEST, LATEST, closed="left")).then(parsed)).to_series()


def _detect_format(text: pl.Series) -> str:
    """The format that reads the most of the first non-empty values (the first listed wins ties)."""
    sample = text.drop_nulls().head(2000)
    if sample.is_empty():
        return DATETIME_FORMATS[0]
    best, best_score = DATETIME_FORMATS[0], -1
    for fmt in DATETIME_FORMATS:
        score = int(_strptime(sample, fmt).is_not_null().sum())
        if score > best_score:
            best, best_score = fmt, score
        if score == sample.len():  # reads every value: no later format can do better, and ties go to the first
            break
    return best

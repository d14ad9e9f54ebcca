"""Read a dataset file in batches: CSV, pipe- or tab-delimited, gzip, or XLSX, header found past title rows.

Releases open with title and note rows ("ERO-LESA Statistical Tracking Unit", "For
Official Use Only", ...). The header is the first row that names the format's columns.
Every batch carries each cell as text in columns ``c0, c1, ...`` (in file order) and the
row number (``_row``, 1-based, counting title rows, as a spreadsheet shows it).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from habeas.ingest.datasets.metadata import DatasetError, normalize_header

if TYPE_CHECKING:
    import fastexcel  # loaded only when a workbook is read

SNIFF_ROWS = 64
SNIFF_BYTES = 1 << 20
# The widest table habeas reads. ICE releases have a few dozen columns and spreadsheets stop at
# 16,384; a wider "table" is some other file, and reading it would hold every column of every batch.
MAX_COLUMNS = 4096
DELIMITERS = (",", "|", "\t", ";")
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Layout:
    """Where the data is in a file: container, delimiter, header row and headers."""

    path: Path
    container: str  # csv | xlsx
    compressed: bool = False
    separator: str = ","
    encoding: str = "utf-8"
    header_row: int = 1  # 1-based row number of the header
    headers: tuple[str, ...] = ()
    sheet: str | None = None
    estimated_rows: int | None = None

    def header_of(self, position: int) -> str:
        return self.headers[position] if position < len(self.headers) else f"column {position + 1}"


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based index among the sniffed rows
    score: int
    cells: tuple[str, ...]


def find_header(rows: list[list[str]], index: dict[str, str], wanted: set[str]) -> HeaderMatch | None:
    """The first row naming every wanted column, else the row naming the most known columns (at least two)."""
    best: HeaderMatch | None = None
    for number, cells in enumerate(rows):
        named = {index[key] for cell in cells if (key := normalize_header(cell)) in index}
        if wanted and wanted <= named:
            return HeaderMatch(number, len(named), tuple(cells))
        if len(named) >= min(2, len(index)) and (best is None or len(named) > best.score):
            best = HeaderMatch(number, len(named), tuple(cells))
    return best


def sniff(path: Path, index: dict[str, str], wanted: set[str], sheet: str | None = None) -> Layout:
    """Find the container, delimiter, encoding and header row of ``path`` for a format's headers."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic.startswith(ZIP_MAGIC):
        return _sniff_xlsx(path, index, wanted, sheet)
    if sheet is not None:
        raise DatasetError(f"{path}: --sheet applies to XLSX files only")
    compressed = magic.startswith(GZIP_MAGIC)
    head = _head_bytes(path, compressed)
    text, encoding = _decode(path, _checked_text(path, head))
    if len(head) >= SNIFF_BYTES:  # the last line may be cut short: only whole lines are looked at
        if "\n" not in text:
            raise DatasetError(
                f"{path}: its first line is longer than {SNIFF_BYTES // (1 << 20)} MiB, so it is not a table "
                f"habeas reads (a header of more than {MAX_COLUMNS:,} columns, or not a text table at all)"
            )
        text = text[: text.rindex("\n") + 1]
    best: tuple[HeaderMatch, str] | None = None
    widest = 0
    for separator in DELIMITERS:
        rows = _sniffed_rows(text, separator)
        widest = max([widest, *(len(r) for r in rows)])
        match = find_header(rows, index, wanted)
        if match and (best is None or match.score > best[0].score):
            best = (match, separator)
    width = len(best[0].cells) if best else widest
    if width > MAX_COLUMNS:
        raise DatasetError(f"{path}: a row has {width:,} columns, more than the {MAX_COLUMNS:,} habeas reads")
    if best is None:
        return Layout(path, "csv", compressed, encoding=encoding, header_row=0)
    match, separator = best
    return Layout(
        path,
        "csv",
        compressed,
        separator,
        encoding,
        header_row=match.row + 1,
        headers=match.cells,
        estimated_rows=_estimate_rows(path, compressed, head, text, match.row),
    )


def _head_bytes(path: Path, compressed: bool) -> bytes:
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as stream:
            return stream.read(SNIFF_BYTES)
    except (EOFError, OSError, zlib.error) as exc:
        raise DatasetError(f"{path}: the gzip stream is damaged or truncated ({exc}); download the file again") from exc


def _checked_text(path: Path, head: bytes) -> bytes:
    """The first bytes, if they can be a text table: not empty, not UTF-16, no NUL byte."""
    if not head.strip():
        raise DatasetError(f"{path}: the file is empty (no header, no rows)")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DatasetError(f"{path}: the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)")
    nul = head.find(b"\x00")
    if nul >= 0:
        raise DatasetError(
            f"{path}: byte {nul:,} is a NUL byte: this is not a text table (a binary file, or UTF-16 text "
            "without its mark); save it as UTF-8 CSV"
        )
    return head


def _decode(path: Path, head: bytes) -> tuple[str, str]:
    """Text of the first bytes and the file's encoding: UTF-8 (BOM allowed), else Windows-1252, else refused."""
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return head.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path}: is neither UTF-8 nor Windows-1252 text (byte {exc.start:,} is 0x{head[exc.start]:02x}); "
            "save it as UTF-8 CSV"
        ) from None


def _sniffed_rows(text: str, separator: str) -> list[list[str]]:
    """The first rows as ``separator`` splits them (as many as can be read: a huge field ends them)."""
    rows: list[list[str]] = []
    # A field over the csv module's limit ends the rows read: those before it are enough to find a header.
    with contextlib.suppress(csv.Error):
        rows.extend(islice(csv.reader(io.StringIO(text), delimiter=separator), SNIFF_ROWS))
    return rows


def _estimate_rows(path: Path, compressed: bool, head: bytes, text: str, header_index: int) -> int | None:
    lines = text.splitlines()
    sample = lines[header_index + 1 : header_index + 1 + SNIFF_ROWS]
    if not sample:
        return 0
    per_row = max(1.0, sum(len(line) + 1 for line in sample) / len(sample))
    size = path.stat().st_size
    if compressed:
        with path.open("rb") as raw:
            raw.seek(-4, io.SEEK_END)
            size = struct.unpack("<I", raw.read(4))[0]  # uncompressed size modulo 2**32, enough for a progress bar
            size = max(size, len(head))
    return max(0, int(size / per_row) - header_index)


def _sniff_xlsx(path: Path, index: dict[str, str], wanted: set[str], sheet: str | None) -> Layout:
    import fastexcel

    try:
        workbook = fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types for damaged workbooks
        raise DatasetError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    names = list(workbook.sheet_names)
    if sheet is None and len(names) > 1:
        hint = _sheet_hint(workbook, names, index, wanted)
        raise DatasetError(
            f"{path} has {len(names)} sheets: {', '.join(repr(n) for n in names)}; "
            f"choose the one with the data with --sheet NAME{hint}"
        )
    chosen = sheet if sheet is not None else names[0]
    if chosen not in names:
        raise DatasetError(f"{path}: no sheet named {chosen!r}; its sheets are {', '.join(repr(n) for n in names)}")
    top = workbook.load_sheet(chosen, header_row=None, n_rows=SNIFF_ROWS, dtypes="string").to_polars()
    rows = [["" if v is None else str(v) for v in row] for row in top.iter_rows()]
    match = find_header(rows, index, wanted)
    total = workbook.load_sheet(chosen, header_row=None, n_rows=0).total_height
    if match is None:
        return Layout(path, "xlsx", header_row=0, sheet=chosen)
    return Layout(
        path,
        "xlsx",
        header_row=match.row + 1,
        headers=match.cells,
        sheet=chosen,
        estimated_rows=max(0, total - match.row - 1),
    )


def _sheet_hint(workbook: fastexcel.ExcelReader, names: list[str], index: dict[str, str], wanted: set[str]) -> str:
    found = []
    for name in names:
        top = workbook.load_sheet(name, header_row=None, n_rows=SNIFF_ROWS, dtypes="string").to_polars()
        rows = [["" if v is None else str(v) for v in row] for row in top.iter_rows()]
        if find_header(rows, index, wanted):
            found.append(name)
    return f" (the expected header is in {', '.join(repr(n) for n in found)})" if found else ""


def read_batches(layout: Layout, batch_rows: int = 250_000, workdir: Path | None = None) -> Iterator[pl.DataFrame]:
    """The data rows after the header, ``batch_rows`` at a time, every cell as text."""
    if layout.container == "xlsx":
        yield from _xlsx_batches(layout, batch_rows)
        return
    source: Path = layout.path
    if layout.encoding != "utf-8":
        source = _transcode(layout, workdir)
    width = len(layout.headers)
    frame = pl.scan_csv(
        source,
        has_header=False,
        separator=layout.separator,
        skip_rows=layout.header_row,
        infer_schema=False,
        schema={f"c{i}": pl.String for i in range(width)},
        empty_string_is_null=True,
        raise_if_empty=False,
    ).with_row_index("_row", offset=layout.header_row + 1)
    try:
        for batch in frame.collect_batches(chunk_size=batch_rows):
            _refuse_nul(layout, batch)
            yield batch
    except pl.exceptions.ComputeError as exc:
        if "more fields" in str(exc):
            raise DatasetError(_long_row_message(layout, source)) from exc
        if "utf-8" in str(exc).lower():
            raise DatasetError(
                f"{layout.path}: is not UTF-8 throughout (its first MiB is, a later part is not); save it as UTF-8 CSV"
            ) from exc
        raise DatasetError(f"{layout.path}: cannot be read as delimited text ({str(exc)[:200]})") from exc
    except pl.exceptions.PolarsError as exc:  # a schema the file does not keep to, and the like
        raise DatasetError(f"{layout.path}: cannot be read as delimited text ({str(exc)[:200]})") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(
            f"{layout.path}: the gzip stream is damaged or truncated ({exc}); download the file again"
        ) from exc


def _refuse_nul(layout: Layout, batch: pl.DataFrame) -> None:
    """A NUL byte past the first MiB: the file is not the text table it began as."""
    cells = [c for c in batch.columns if c != "_row"]
    if not cells:
        return
    holding = batch.filter(pl.any_horizontal([pl.col(c).str.contains("\x00", literal=True) for c in cells]))
    if holding.height:
        raise DatasetError(
            f"{layout.path}: row {holding['_row'][0]} holds a NUL byte: this is not a text table throughout; "
            "save it as UTF-8 CSV"
        )


def _transcode(layout: Layout, workdir: Path | None) -> Path:
    """A UTF-8 copy of a Windows-1252 file (Excel's default CSV encoding) for the columnar reader."""
    if workdir is None:
        raise DatasetError(f"{layout.path}: is not UTF-8; a working directory is needed to convert it")
    target = workdir / "source-utf8.csv"
    opener = gzip.open if layout.compressed else open
    try:
        with (
            opener(layout.path, "rt", encoding="cp1252", newline="") as src,
            target.open("w", encoding="utf-8", newline="") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
    except UnicodeDecodeError:
        raise DatasetError(
            f"{layout.path}: is neither UTF-8 nor Windows-1252 text throughout (a byte past its first MiB is "
            "neither); save it as UTF-8 CSV"
        ) from None
    return target


def _long_row_message(layout: Layout, source: Path) -> str:
    width = len(layout.headers)
    opener = gzip.open if layout.compressed and source == layout.path else open
    with (
        opener(source, "rt", encoding="utf-8", errors="replace", newline="") as text,
        contextlib.suppress(csv.Error),  # a field too long for the csv module: the general message will do
    ):
        for number, cells in enumerate(csv.reader(text, delimiter=layout.separator), start=1):
            if number > layout.header_row and len(cells) > width:
                return (
                    f"{layout.path}: row {number} has {len(cells):,} fields but the header (row {layout.header_row}) "
                    f"has {width}; a delimiter or quote inside a value is probably not escaped"
                )
    return f"{layout.path}: a row has more fields than the header (row {layout.header_row})"


def _xlsx_batches(layout: Layout, batch_rows: int) -> Iterator[pl.DataFrame]:
    import fastexcel

    sheet = fastexcel.read_excel(str(layout.path)).load_sheet(
        layout.sheet if layout.sheet is not None else 0, header_row=None, skip_rows=layout.header_row, dtypes="string"
    )
    frame = sheet.to_polars()
    width = len(layout.headers)
    frame = frame.select(
        [pl.col(c).alias(f"c{i}") for i, c in enumerate(frame.columns[:width])]
        + [pl.lit(None, pl.String).alias(f"c{i}") for i in range(frame.width, width)]
    ).with_row_index("_row", offset=layout.header_row + 1)
    for start in range(0, frame.height, batch_rows):
        yield frame.slice(start, batch_rows)

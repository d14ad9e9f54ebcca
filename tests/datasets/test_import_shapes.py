"""Importers read the shapes real releases come in: title rows, redactions, footnotes, PSV/gzip, XLSX, cp1252."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from habeas.ingest.datasets.parse import REDACTION
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER, detention_row

REMOVALS_HEADER = (
    "Departed Date", "Date of Birth", "Gender", "Country of Citizenship", "Event Number", "Most Serious Conviction",
    "Case Category",
)  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "redacted"),
    [
        ("(b)(6)", True),
        ("(b)(7)(c)", True),
        ("(b)(6),(b)(7)(c )", True),
        ("(b)(7)(E )", True),
        ("(B)(6), (B)(7)(C)", True),
        ("Redacted", True),
        ("[redacted]", True),
        ("Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325)", False),
        ("b6", False),
        ("MEXICO", False),
        ("(b)", False),
    ],
)
def test_foia_exemption_codes_are_recognised_and_values_are_not(cell: str, redacted: bool) -> None:
    assert pl.Series([cell]).str.contains(REDACTION)[0] is redacted


def test_removals_with_title_rows_redactions_and_footnotes(dctx, write_release) -> None:
    er, fear, dob = "[8F] Expedited Removal", "[8G] Expedited Removal - Credible Fear Referral", "(b)(6),(b)(7)(c )"
    rows = [
        ["1/3/2012", dob, "Male", "FRANCE", "(b)(7)(E )", None, er],
        ["1/5/2012", dob, "Female", "EL SALVADOR", "(b)(7)(E )", "Illegal Entry", er],
        ["12/31/2012", "(b)(6)", "Female", "KOREA", "(b)(7)(E )", None, fear],
    ]
    path = write_release("removals.csv", REMOVALS_HEADER, rows, footnotes=["", "Note: data as of 07/06/2019"])
    report = service.import_dataset(dctx, "ice-removals", path)
    tally = report.tally
    assert (report.header_row, tally.rows_read, tally.rows_imported, tally.rows_rejected) == (6, 3, 3, 0)
    assert tally.notes == 2  # the blank row and the footnote
    assert tally.redacted == {"birth_date": 3, "event_number": 3}
    stored = service.get_release(dctx, report.release).scan().sort("row").collect()
    assert stored["row"].to_list() == [7, 8, 9]
    assert stored["birth_date"].null_count() == 3 and stored["event_number"].null_count() == 3
    assert stored["redacted"].to_list()[0] == ["birth_date", "event_number"]
    # KOREA alone may be North or South: no code, and reported as a value with no lookup.
    assert stored["citizenship_country_iso"].to_list() == ["FR", "SV", None]
    assert tally.unmapped[("Country of Citizenship", "KOREA")] == 1
    assert stored["departed_date"].cast(pl.String).to_list() == ["2012-01-03", "2012-01-05", "2012-12-31"]


def test_cleaned_pipe_delimited_gzip_with_snake_case_headers_and_iso_dates(dctx, write_release) -> None:
    header = [h.lower().replace(" ", "_").replace("(", "").replace(")", "") for h in DETENTION_HEADER]
    rows = [
        ["2019-01-02 10:00:00", "2019-01-02 10:00:00", "2019-01-09 08:30:00", "2019-02-01 00:00:00", "MEXICO",
         "Male", 1990, None, None, "CSCNWWA", "NORTHWEST DETENTION CENTER", "Transferred", "Removed", "a1"],
        ["2019-01-02 10:00:00", "2019-01-09 08:30:00", "2019-02-01 00:00:00", "2019-02-01 00:00:00", "MEXICO",
         "Male", 1990, None, None, "STWRTGA", "STEWART DETENTION CENTER", "Removed", "Removed", "a1"],
    ]  # fmt: skip
    path = write_release("clean.psv.gz", header, rows, titles=(), separator="|", compress=True)
    report = service.import_dataset(dctx, "ice-detentions", path)
    assert (report.header_row, report.tally.rows_imported, report.unused_columns) == (1, 2, ())
    stored = service.get_release(dctx, report.release).scan().collect()
    assert stored["book_out"].dt.strftime("%Y-%m-%d %H:%M").to_list() == ["2019-01-09 08:30", "2019-02-01 00:00"]


def test_released_dates_with_and_without_leading_zeros(dctx, write_release) -> None:
    rows = [detention_row("p1", "1/2/2019 9:05", "1/2/2019 9:05", "01/09/2019 14:30", "01/09/2019 14:30")]
    report = service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows))
    stored = service.get_release(dctx, report.release).scan().collect()
    assert stored["book_in"].dt.strftime("%Y-%m-%d %H:%M").to_list() == ["2019-01-02 09:05"]


def test_xlsx_with_title_rows_and_excel_dates(dctx, tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.title = "Detentions"
    sheet.append(["ERO-LESA Statistical Tracking Unit"])
    sheet.append([None])
    sheet.append(list(DETENTION_HEADER))
    sheet.append(detention_row("p1", datetime(2020, 3, 1, 8), datetime(2020, 3, 1, 8), datetime(2020, 3, 5, 9),
                               datetime(2020, 3, 5, 9)))  # fmt: skip
    path = tmp_path / "release.xlsx"
    book.save(path)
    report = service.import_dataset(dctx, "ice-detentions", path)
    assert (report.header_row, report.tally.rows_imported) == (3, 1)
    stored = service.get_release(dctx, report.release).scan().collect()
    assert stored["stay_book_out"].dt.strftime("%Y-%m-%d %H:%M").to_list() == ["2020-03-05 09:00"]
    assert stored["birth_year"].to_list() == [1990]


def test_windows_1252_file_is_read_without_losing_accents(dctx, write_release) -> None:
    rows = [["1/3/2012", "(b)(6)", "Male", "CÔTE D'IVOIRE", "(b)(7)(E )", "Agresión", "[8F] Expedited Removal"]]
    path = write_release("cp1252.csv", REMOVALS_HEADER, rows, encoding="cp1252")
    report = service.import_dataset(dctx, "ice-removals", path)
    stored = service.get_release(dctx, report.release).scan().collect()
    assert stored["msc_charge"].to_list() == ["Agresión"]
    assert stored["citizenship_country_iso"].to_list() == ["CI"]


def test_unused_columns_and_values_without_lookup_are_reported(dctx, write_release) -> None:
    header = [*REMOVALS_HEADER, "Port of Departure"]
    rows = [["1/3/2012", None, "Male", "ATLANTIS", None, None, "[99] Something New", "SEA"]]
    report = service.import_dataset(dctx, "ice-removals", write_release("r.csv", header, rows))
    assert report.unused_columns == ("Port of Departure",)
    assert report.tally.unmapped == {
        ("Country of Citizenship", "ATLANTIS"): 1,
        ("Case Category", "[99] Something New"): 1,
    }


def test_gzip_is_recognised_by_content_not_by_name(dctx, tmp_path: Path, write_release) -> None:
    plain = write_release("r.csv", REMOVALS_HEADER, [["1/3/2012", None, "Male", "MEXICO", None, None, None]])
    hidden = tmp_path / "download.bin"
    hidden.write_bytes(gzip.compress(plain.read_bytes()))
    assert service.import_dataset(dctx, "ice-removals", hidden).tally.rows_imported == 1

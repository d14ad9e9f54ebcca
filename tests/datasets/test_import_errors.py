"""Bad input is named by file, row and column; a failed or interrupted import leaves the store as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from habeas.analytics import releases as release_store
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER, detention_row


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``directory`` with its size and modification time (empty when it does not exist)."""
    if not directory.exists():
        return {}
    found = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = Path(root) / name
            stat = path.stat()
            found[str(path.relative_to(directory))] = (stat.st_size if path.is_file() else 0, stat.st_mtime_ns)
    return found


def good_rows() -> list[list[object]]:
    return [
        detention_row("p1", "01/02/2019 10:00", "01/02/2019 10:00", "01/09/2019 08:30", "02/01/2019 00:00",
                      reason="Transferred"),
        detention_row("p1", "01/02/2019 10:00", "01/09/2019 08:30", "02/01/2019 00:00", "02/01/2019 00:00",
                      facility="STWRTGA"),
    ]  # fmt: skip


def test_a_file_of_another_format_is_refused_with_a_hint(dctx, write_release) -> None:
    removals = write_release(
        "r.csv", ["Departed Date", "Gender", "Country of Citizenship"], [["1/3/2012", "Male", "X"]]
    )
    with pytest.raises(service.DatasetImportError) as caught:
        service.import_dataset(dctx, "ice-detentions", removals)
    message = str(caught.value)
    assert "r.csv does not look like ICE detention history" in message
    assert "ice-removals" in message


def test_a_missing_required_column_is_named(dctx, write_release) -> None:
    header = [h for h in DETENTION_HEADER if h != "Detention Book In Date And Time"]
    rows = [[c for h, c in zip(DETENTION_HEADER, r, strict=True) if h != "Detention Book In Date And Time"]
            for r in good_rows()]  # fmt: skip
    with pytest.raises(
        service.DatasetImportError, match=r"lacks the required column.*'Detention Book In Date And Time'"
    ):
        service.import_dataset(dctx, "ice-detentions", write_release("d.csv", header, rows))


@pytest.mark.parametrize(
    ("change", "column", "problem"),
    [
        ({2: "13/45/2019 10:00"}, "Detention Book Out Date Time", "unparseable date '13/45/2019 10:00'"),
        ({2: "01/01/2019 10:00"}, "Detention Book Out Date Time", "is before Detention Book In Date And Time"),
        ({3: "12/01/2018 10:00"}, "Stay Book Out Date Time", "is before Stay Book In Date Time"),
        ({6: "nineteen ninety"}, "Birth Year", "not a whole number 'nineteen ninety'"),
        ({13: None}, "Anonymized Identifier", "required value is empty"),
        ({0: "(b)(6)"}, "Stay Book In Date Time", "required value is redacted"),
    ],
)
def test_a_bad_value_rejects_its_row_naming_file_row_and_column(dctx, write_release, change, column, problem) -> None:
    rows = good_rows()
    for index, value in change.items():
        rows[1][index] = value
    path = write_release("d.csv", DETENTION_HEADER, rows)
    report = service.import_dataset(dctx, "ice-detentions", path, max_rejected_share=0.5)  # half: allowed here
    assert (report.tally.rows_imported, report.tally.rows_rejected) == (1, 1)
    [found] = [p for p in report.tally.problems if p["column"] == column]
    assert (found["file"], found["row"]) == ("d.csv", 8)
    assert problem in found["problem"]


def test_strict_makes_any_rejection_fatal_and_stores_nothing(dctx, write_release, settings) -> None:
    rows = good_rows()
    rows[1][2] = "not a date"
    with pytest.raises(service.DatasetImportError, match=r"row 8, column 'Detention Book Out Date Time'"):
        service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows), strict=True)
    assert snapshot(settings.datasets_dir) == {}


def test_a_truncated_gzip_is_reported_and_stores_nothing(dctx, write_release, settings, tmp_path: Path) -> None:
    rows = good_rows() * 4000
    whole = write_release("d.csv.gz", DETENTION_HEADER, rows, compress=True).read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(service.DatasetImportError, match=r"cut\.csv\.gz: the gzip stream is damaged or truncated"):
        service.import_dataset(dctx, "ice-detentions", cut)
    assert snapshot(settings.datasets_dir) == {}


def test_an_xlsx_with_several_sheets_names_them_and_asks_which(dctx, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Footnotes"
    book.active.append(["1. Data are as of the date of extraction."])
    data = book.create_sheet("Detentions")
    data.append(list(DETENTION_HEADER))
    data.append(good_rows()[0])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(service.DatasetImportError) as caught:
        service.import_dataset(dctx, "ice-detentions", path)
    assert "'Footnotes', 'Detentions'" in str(caught.value) and "--sheet" in str(caught.value)
    assert "expected header is in 'Detentions'" in str(caught.value)
    assert service.import_dataset(dctx, "ice-detentions", path, sheet="Detentions").tally.rows_imported == 1


def test_a_row_with_more_fields_than_the_header_is_named(dctx, write_release, tmp_path: Path) -> None:
    path = write_release("d.csv", DETENTION_HEADER, good_rows())
    with path.open("a") as out:
        out.write(",".join(["x"] * (len(DETENTION_HEADER) + 2)) + "\n")
    with pytest.raises(service.DatasetImportError, match=r"row 9 has 16 fields but the header \(row 6\) has 14"):
        service.import_dataset(dctx, "ice-detentions", path)


def test_an_import_failing_midway_leaves_the_datasets_directory_exactly_as_before(
    dctx, write_release, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = service.import_dataset(dctx, "ice-detentions", write_release("a.csv", DETENTION_HEADER, good_rows()))
    before = snapshot(settings.datasets_dir)
    assert first.release in {p.split("/")[0] for p in before}
    calls = {"n": 0}
    original = release_store.ReleaseWriter.write

    def write_then_fail(self, frame, name="rows"):  # type: ignore[no-untyped-def]
        original(self, frame, name)
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C after two batches were written

    monkeypatch.setattr(release_store.ReleaseWriter, "write", write_then_fail)
    bigger = write_release("b.csv", DETENTION_HEADER, good_rows() * 50)
    with pytest.raises(KeyboardInterrupt):
        service.import_dataset(dctx, "ice-detentions", bigger, batch_rows=20)
    assert calls["n"] == 2
    assert snapshot(settings.datasets_dir) == before


def test_a_failed_first_import_does_not_even_leave_the_directory(dctx, tmp_path: Path, settings) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("hello,world\n1,2\n")
    with pytest.raises(service.DatasetImportError):
        service.import_dataset(dctx, "ice-removals", bad)
    assert not settings.datasets_dir.exists()


def test_importing_the_same_file_twice_is_a_no_op_that_says_so(dctx, write_release, settings) -> None:
    path = write_release("d.csv", DETENTION_HEADER, good_rows())
    first = service.import_dataset(dctx, "ice-detentions", path)
    before = snapshot(settings.datasets_dir)
    again = service.import_dataset(dctx, "ice-detentions", path)
    assert (again.already_imported, again.release, again.tally.rows_imported) == (True, first.release, 2)
    assert snapshot(settings.datasets_dir) == before


def test_dry_run_reads_everything_and_stores_nothing(dctx, write_release, settings) -> None:
    rows = good_rows()
    rows[0][2] = "garbage"
    report = service.import_dataset(
        dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows), dry_run=True
    )
    assert (report.dry_run, report.tally.rows_read, report.tally.rows_rejected) == (True, 2, 1)
    assert snapshot(settings.datasets_dir) == {}


def test_a_file_that_is_not_there_and_an_unknown_format(dctx, tmp_path: Path) -> None:
    with pytest.raises(service.DatasetImportError, match="no such file"):
        service.import_dataset(dctx, "ice-removals", tmp_path / "missing.csv")
    with pytest.raises(service.DatasetImportError, match="unknown dataset format 'ice-arrests'"):
        service.import_dataset(dctx, "ice-arrests", tmp_path / "missing.csv")


def test_each_release_is_a_dataset_source_with_its_hash_and_rows(dctx, write_release, settings) -> None:
    path = write_release("d.csv", DETENTION_HEADER, good_rows())
    report = service.import_dataset(dctx, "ice-detentions", path)
    [source] = service.dataset_sources(settings)
    assert (source.id, source.kind, source.sha256, source.rows) == (report.release, "dataset", report.sha256, 2)
    assert str(source.date) == "2019-02-01"
    assert release_store.release_id("ice_detentions", report.sha256) == report.release

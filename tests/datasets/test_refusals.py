"""A release with no row accepted, or too many rejected, is refused whole: nothing stored, every reason listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli import app
from habeas.ingest.datasets import FORMAT_NAMES, DatasetError, load_format
from habeas.ingest.datasets.metadata import format_from_mapping
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER, detention_row
from .test_import_errors import good_rows, snapshot

runner = CliRunner()


def unreadable_rows(count: int) -> list[list[object]]:
    """Placements whose book-in is no date at all: every one is rejected."""
    return [detention_row(f"p{i}", "13/45/2019 10:00", "13/45/2019 10:00", None, None) for i in range(count)]


def test_release_with_every_row_rejected_is_refused_and_nothing_stored(dctx, write_release, settings) -> None:
    kept = service.import_dataset(dctx, "ice-detentions", write_release("good.csv", DETENTION_HEADER, good_rows()))
    before = snapshot(settings.datasets_dir)
    bad = write_release("bad.csv", DETENTION_HEADER, unreadable_rows(3))
    with pytest.raises(service.DatasetImportError, match=r"bad\.csv: refused, nothing was stored: every one") as caught:
        service.import_dataset(dctx, "ice-detentions", bad)
    assert snapshot(settings.datasets_dir) == before  # no release, no staging folder left
    assert [r.id for r in service.list_releases(dctx)] == [kept.release]
    assert service.get_release(dctx, None).id == kept.release  # the latest release is still the good one
    rejected = {(p["row"], p["column"]) for p in caught.value.problems if p["kind"] == "unparseable date"}
    assert rejected == {(row, "Stay Book In Date Time") for row in (7, 8, 9)} | {
        (row, "Detention Book In Date And Time") for row in (7, 8, 9)
    }
    assert all(p["file"] == "bad.csv" and p["problem"] for p in caught.value.problems)
    assert caught.value.report is not None and caught.value.report.tally.rows_rejected == 3


def test_release_with_more_rows_rejected_than_its_format_allows_is_refused(dctx, write_release, settings) -> None:
    rows = good_rows() * 50 + unreadable_rows(2)  # 2 of 102 rejected: 2%, above the 1% of ice_detentions
    path = write_release("d.csv", DETENTION_HEADER, rows)
    with pytest.raises(service.DatasetImportError, match=r"2 of its 102 rows \(2\.0%\) were rejected.*1\.0%"):
        service.import_dataset(dctx, "ice-detentions", path)
    assert not settings.datasets_dir.exists()
    allowed = service.import_dataset(dctx, "ice-detentions", path, max_rejected_share=0.05)
    assert (allowed.refused, allowed.tally.rows_imported) == (None, 100)


def test_a_header_only_file_is_refused_as_having_no_rows(dctx, write_release, settings) -> None:
    path = write_release("empty.csv", DETENTION_HEADER, [])
    with pytest.raises(service.DatasetImportError, match=r"empty\.csv: refused.*no data rows after its header"):
        service.import_dataset(dctx, "ice-detentions", path)
    assert not settings.datasets_dir.exists()


def test_a_dry_run_of_a_refused_release_reports_the_refusal_and_every_rejected_row(dctx, write_release) -> None:
    report = service.import_dataset(
        dctx, "ice-detentions", write_release("bad.csv", DETENTION_HEADER, unreadable_rows(2)), dry_run=True
    )
    assert report.refused is not None and "every one of its 2 rows was rejected" in report.refused
    assert {p["row"] for p in report.tally.problems} == {7, 8}
    assert any("would be refused" in w for w in report.warnings)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_USER", "tester")
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path / "home"


def test_the_command_line_says_a_refused_release_stored_nothing_and_why(home: Path, write_release) -> None:
    good = write_release("good.csv", DETENTION_HEADER, good_rows())
    assert runner.invoke(app, ["datasets", "import", "ice-detentions", str(good)]).exit_code == 0
    bad = write_release("bad.csv", DETENTION_HEADER, unreadable_rows(3))
    result = runner.invoke(app, ["datasets", "import", "ice-detentions", str(bad)])
    assert result.exit_code == 1
    assert "Refused, nothing stored: bad.csv" in result.output
    assert "nothing was stored: every one of its 3 rows was rejected" in result.output
    for row in (7, 8, 9):
        assert f"bad.csv: row {row}, column 'Stay Book In Date Time': unparseable date" in result.output
    listed = json.loads(runner.invoke(app, ["datasets", "list", "--format", "json"]).output)["rows"]
    assert [r["file"] for r in listed] == ["good.csv"]
    dry = runner.invoke(app, ["datasets", "import", "ice-detentions", str(bad), "--dry-run"])
    assert dry.exit_code == 1 and "would be refused and nothing would be stored" in dry.output
    assert "bad.csv: row 9, column 'Stay Book In Date Time'" in dry.output


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_documents_its_max_rejected_share(name: str) -> None:
    fmt = load_format(name)
    assert "max_rejected_share" in fmt.assertions and 0 <= fmt.max_rejected_share <= 1


@pytest.mark.parametrize(
    ("assertions", "problem"),
    [
        ({"min_rows": 10**23}, "min_rows must be a number"),
        ({"max_rejected_share": 1e23}, "max_rejected_share must be a number from 0.0 to 1.0"),
        ({"max_rejected_share": "lots"}, "max_rejected_share must be a number"),
        ({"rows": 10**23}, "unknown assertion 'rows'"),
    ],
)
def test_a_huge_or_unknown_assertion_in_metadata_is_refused(assertions: dict[str, object], problem: str) -> None:
    with pytest.raises(DatasetError, match=problem):
        format_from_mapping({"name": "test_format", "columns": [], "assertions": assertions})

"""Files and mappings that are not what they claim are refused by name, and killed imports leave nothing for long."""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

from habeas.analytics import releases as release_store
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER
from .test_import_errors import good_rows, snapshot

REMOVALS = "Departed Date,Gender,Country of Citizenship\n"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\n\n  \n", "the file is empty"),
        ("wide.csv", (",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n").encode(), "first line is longer than"),
        ("wide2.csv", (REMOVALS.strip() + "," + ",".join(f"c{i}" for i in range(5000)) + "\n").encode(),
         "a row has 5,003 columns, more than the 4,096 habeas reads"),
        ("nul.csv", (REMOVALS + "1/3/2012,Ma\x00le,MEXICO\n").encode(), "byte 55 is a NUL byte"),
        ("utf16.csv", (REMOVALS + "1/3/2012,Male,MEXICO\n").encode("utf-16"), "UTF-16 text; save it as UTF-8"),
        ("odd.csv", REMOVALS.encode() + b"1/3/2012,Male,M\x81XICO\n", "nor Windows-1252 text (byte 59 is 0x81)"),
        ("late.csv", (REMOVALS + "1/3/2012,Male,MEXICO\n" * 60_000).encode() + b"1/3/2012,Male,M\xc9XICO\n",
         "is not UTF-8 throughout"),
        ("nul-late.csv", (REMOVALS + "1/3/2012,Male,MEXICO\n" * 60_000 + "1/3/2012,Ma\x00le,MEXICO\n").encode(),
         "row 60002 holds a NUL byte"),
        ("header-only.csv", REMOVALS.encode(), "no data rows after its header"),
    ],
)  # fmt: skip
def test_unreadable_input_is_refused_naming_the_file_and_the_problem(
    dctx, tmp_path: Path, settings, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(service.DatasetImportError) as caught:
        service.import_dataset(dctx, "ice-removals", path)
    assert name in str(caught.value) and problem in str(caught.value)
    assert snapshot(settings.datasets_dir) == {}


def test_a_huge_cell_is_read_as_a_value_and_named_by_its_start(dctx, tmp_path: Path) -> None:
    path = tmp_path / "huge-field.csv"
    path.write_text(REMOVALS + "1/3/2012,Male," + "x" * 300_000 + "\n")
    report = service.import_dataset(dctx, "ice-removals", path, dry_run=True)
    [((column, value), rows)] = report.tally.unmapped.items()
    assert (column, len(value), rows) == ("Country of Citizenship", 80, 1)


def test_a_gzip_that_holds_nothing_is_refused_as_empty(dctx, tmp_path: Path) -> None:
    path = tmp_path / "nothing.csv.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(service.DatasetImportError, match=r"nothing\.csv\.gz: the file is empty"):
        service.import_dataset(dctx, "ice-removals", path)


LIST = "No.,Name,Born\n1,Ana Example,1990\n2,Beto Ejemplo,1e23\n"


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ("title: 100000000000000000000000\nperson: {id: No.}\n", "title must be text (put it in quotes), not int"),
        ("title: T\nrows: 100000000000000000000000\nperson: {id: No.}\n", "unknown key(s) 'rows'"),
        ("person: {id: No., birth_year: {value: 100000000000000000000000}}\n", "is not a value a record"),
        ("person: {id: 100000000000000000000000}\n", "person.id: give a column header"),
        ("person: {id: No.}\nmax_rejected_share: 100000000000000000000000\n", "max_rejected_share must be a number"),
        ("person: {id: No.}\ncohort: {id: 100000000000000000000000}\n", "cohort.id must be text"),
        ("a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nperson: {id: No.}\n", "uses a YAML alias"),
        ("person: {id: No.}\nevents: {kind: removed}\n", "`events` must be a list"),
        ("\x00\x01", "cannot read the mapping"),
    ],
)
def test_a_mapping_with_a_huge_number_or_a_wrong_type_is_refused_by_name(
    dctx, tmp_path: Path, mapping: str, problem: str
) -> None:
    listing, path = tmp_path / "list.csv", tmp_path / "mapping.yaml"
    listing.write_text(LIST)
    path.write_text(mapping)
    with pytest.raises(service.DatasetImportError, match=r"mapping\.yaml") as caught:
        service.import_dataset(dctx, "mapped-list", listing, mapping=path)
    assert problem in str(caught.value)


def test_a_huge_birth_year_in_a_list_rejects_its_row_not_the_import(dctx, tmp_path: Path) -> None:
    listing, path = tmp_path / "list.csv", tmp_path / "mapping.yaml"
    listing.write_text(LIST)
    path.write_text("title: T\nperson: {id: No., birth_year: Born}\n")
    report = service.import_dataset(dctx, "mapped-list", listing, mapping=path, dry_run=True)
    assert [(p["row"], p["problem"]) for p in report.tally.problems] == [(3, "not a year '1e23'")]


def test_a_mapping_file_over_its_size_limit_is_refused(dctx, tmp_path: Path, monkeypatch) -> None:
    from habeas.ingest.datasets.mapped_list import mapping_file

    monkeypatch.setattr(mapping_file, "MAX_MAPPING_BYTES", 100)
    listing, path = tmp_path / "list.csv", tmp_path / "mapping.yaml"
    listing.write_text(LIST)
    path.write_text("title: " + "x" * 200 + "\nperson: {id: No.}\n")
    with pytest.raises(service.DatasetImportError, match=r"mapping\.yaml: the mapping is 226 bytes, more than the 100"):
        service.import_dataset(dctx, "mapped-list", listing, mapping=path)


KILLED_IMPORT = """
import os, sys
from pathlib import Path
import polars as pl
from habeas.analytics.releases import ReleaseWriter
writer = ReleaseWriter(Path(sys.argv[1]), "ice_detentions-000000000000").__enter__()
writer.write(pl.DataFrame({"row": [1]}))
print(writer.stage.name, flush=True)
os._exit(9)  # killed: no clean-up runs, as with kill -9 or a power cut
"""


def killed_import(datasets_dir: Path) -> Path:
    """Run an import in another process that dies half-way, leaving its staging folder."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_IMPORT), str(datasets_dir)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 9, done.stderr
    stage = datasets_dir / done.stdout.strip()
    assert (stage / "rows").is_dir()
    return stage


def test_the_next_import_removes_the_staging_folder_a_killed_import_left(dctx, write_release, settings) -> None:
    stage = killed_import(settings.datasets_dir)
    report = service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, good_rows()))
    assert not stage.exists()
    assert sorted(snapshot(settings.datasets_dir)) == sorted(
        p for p in snapshot(settings.datasets_dir) if p.startswith(report.release)
    )


def test_listing_releases_removes_abandoned_staging_folders_old_and_new(dctx, settings) -> None:
    stage = killed_import(settings.datasets_dir)
    older = settings.datasets_dir / ".staging-ice_removals-0123456789ab-deadbeef"  # left by an older habeas
    (older / "rows").mkdir(parents=True)
    assert service.list_releases(dctx) == []
    assert snapshot(settings.datasets_dir) == {}
    assert not stage.exists() and not older.exists()


def test_a_running_imports_staging_folder_is_never_removed(dctx, settings) -> None:
    with release_store.ReleaseWriter(settings.datasets_dir, "ice_detentions-111111111111") as live:
        live.write(pl.DataFrame({"row": [1]}))
        assert release_store.clean_abandoned_staging(settings.datasets_dir) == []
        # Another process (another habeas command) sees the import running too.
        other = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from habeas.analytics.releases import clean_abandoned_staging as c; print(c(Path(sys.argv[1])))",
             str(settings.datasets_dir)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert other.stdout.strip() == "[]"
        assert service.list_releases(dctx) == []
        assert (live.stage / "rows" / "part-00000.parquet").is_file()
        live.commit({"format": "ice_detentions", "source": {"id": live.release}})
    assert [r.id for r in release_store.releases(settings.datasets_dir)] == ["ice_detentions-111111111111"]
    assert sorted(p.name for p in settings.datasets_dir.iterdir()) == ["ice_detentions-111111111111"]

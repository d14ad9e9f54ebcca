"""A list of people read through a mapping: people and events go to the database; names never to the columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.services import datasets as service
from habeas.services import track

MAPPING = """
title: People removed to a third country (synthetic list)
publisher: Example Newsroom
reliability: credible
id_prefix: "list-"
person:
  id: No.
  name: Name
  citizenship: Nationality
  birth_year: Born
cohort: {id: removed-2025-03, name: "Removed, March 2025"}
events:
  - kind: removed
    date: {value: 2025-03-15/2025-03-16}
    destination: {value: SV}
  - kind: record_check
    date: Checked
    jurisdiction: {value: United States}
    result: {column: US record, values: {"no": none_found, "yes": record_found}}
"""


@pytest.fixture
def list_files(tmp_path: Path, write_release) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    rows = [
        [1, "Ana Example", "VENEZUELA", 1995, "2025-04", "no", "x"],
        [2, "Beto Ejemplo", "VE", 1990, "04/10/2025", "yes", "y"],
        [3, "Caro Muestra", "VENEZUELA", 2001, None, None, "z"],
    ]
    header = ["No.", "Name", "Nationality", "Born", "Checked", "US record", "Remarks"]
    listing = write_release("list.csv", header, rows, titles=("Compiled from public reporting",))
    return listing, mapping


def test_a_mapped_list_lands_in_the_database_and_its_figures_in_columns(dctx, list_files) -> None:
    listing, mapping = list_files
    track.init_database(dctx)
    report = service.import_dataset(dctx, "mapped-list", listing, mapping=mapping)
    assert (report.tally.rows_imported, report.unused_columns) == (3, ("Remarks",))
    assert report.stored["people"] == 3 and report.stored["events"] == 5
    timeline = track.timeline(dctx, "list-1")
    assert timeline.person.name == "Ana Example" and timeline.person.citizenship == "VE"
    assert [(e.kind, str(e.date)) for e in timeline.events] == [
        ("removed", "2025-03-15/2025-03-16"),
        ("record_check", "2025-04"),
    ]
    assert timeline.events[1].get("result") == "none_found"
    assert set(timeline.sources) == {report.release}
    stored = service.get_release(dctx, report.release)
    columns = stored.scan().collect()
    assert "name" not in columns.columns and "Ana Example" not in str(columns.to_dicts())
    for part in stored.path.rglob("*"):
        if part.is_file():
            assert b"Ana Example" not in part.read_bytes()
    share = service.share_figures(dctx, None, report.release, where="record_check_result=none_found")
    assert share.table.select("count", "total", "unknown").row(0) == (1, 2, 1)  # no check for row 3: unknown


def test_a_row_with_a_value_outside_the_mapping_is_rejected(dctx, list_files, tmp_path: Path) -> None:
    listing, mapping = list_files
    text = listing.read_text().replace(",no,x", ",maybe,x")
    listing.write_text(text)
    track.init_database(dctx)
    report = service.import_dataset(dctx, "mapped-list", listing, mapping=mapping, dry_run=True)
    assert (report.tally.rows_imported, report.tally.rows_rejected) == (2, 1)
    [problem] = report.tally.problems
    assert problem["column"] == "US record" and "'maybe' is not in the mapping's values" in problem["problem"]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("title: x\n", "needs a `person:` section"),
        ("person: {colour: Colour}\n", "person.colour is not a person field"),
        ("person: {id: No.}\nevents: [{kind: teleported, date: D}]\n", "`kind` must be one of"),
        ("person: {id: No.}\nevents: [{kind: removed, date: D, airline: A}]\n", "removed has no field 'airline'"),
    ],
)
def test_a_bad_mapping_is_explained(dctx, list_files, mapping: str, message: str) -> None:
    listing, path = list_files
    path.write_text(mapping)
    with pytest.raises(service.DatasetImportError, match=message.replace("(", r"\(")):
        service.import_dataset(dctx, "mapped-list", listing, mapping=path)


def test_mapped_list_needs_a_mapping_and_others_refuse_one(dctx, list_files) -> None:
    listing, mapping = list_files
    with pytest.raises(service.DatasetImportError, match="needs --mapping"):
        service.import_dataset(dctx, "mapped-list", listing)
    with pytest.raises(service.DatasetImportError, match="--mapping applies to the mapped-list format only"):
        service.import_dataset(dctx, "ice-removals", listing, mapping=mapping)


def test_a_one_column_list_keeps_every_name(dctx, tmp_path: Path) -> None:
    listing = tmp_path / "names.csv"
    listing.write_text("Name\nAna Example\nBeto Ejemplo\n\n")
    mapping = tmp_path / "names.yaml"
    mapping.write_text("title: Names\nperson: {name: Name}\n")
    report = service.import_dataset(dctx, "mapped-list", listing, mapping=mapping, dry_run=True)
    assert (report.tally.rows_imported, report.tally.notes) == (2, 1)


def test_a_mapped_lists_file_name_and_hash_are_not_stored_in_clear(dctx, list_files, settings, tmp_path) -> None:
    listing, mapping = list_files
    named = listing.rename(tmp_path / "names-from-our-source-Ana-Example.csv")
    track.init_database(dctx)
    report = service.import_dataset(dctx, "mapped-list", named, mapping=mapping)
    file_sha = service.file_sha256(named)
    secrets_ = [named.name.encode(), b"names-from-our-source", file_sha.encode(), report.sha256.encode()]
    secrets_ += [file_sha[:12].encode(), report.sha256[:12].encode()]  # not even the short forms
    for part in settings.data_dir.rglob("*"):
        if part.is_file():
            content = part.read_bytes()
            assert not [s for s in secrets_ if s in content], f"{part.name} holds the list's name or hash"
    found = service.get_release(dctx, report.release)
    assert found.manifest["file"] is None and found.manifest["sha256"] is None
    assert service.release_file(dctx, found) == named.name  # sealed, and opened with the key
    again = service.import_dataset(dctx, "mapped-list", named, mapping=mapping)
    assert again.already_imported and again.release == report.release
    assert "names-from-our-source" not in service.summary_figures(dctx, report.release).note

"""Flat tables: typed Parquet that reads back as written, CSV, and a dictionary from the vocabulary."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from habeas.domain.vocabulary import KINDS
from habeas.ingest.casefile import CaseFile
from habeas.interop.tables import TABLE_NAMES, build_tables, data_dictionary, export_tables, table_columns


def test_parquet_files_read_back_with_the_same_rows_and_types(casefile: CaseFile, flags: list, tmp_path: Path) -> None:
    tables = build_tables(casefile, flags)
    export_tables(casefile, tmp_path, ["parquet"], flags)
    for name, table in tables.items():
        back = pq.read_table(tmp_path / f"{name}.parquet")
        assert back.schema.equals(table.schema), name
        assert back.to_pylist() == table.to_pylist(), name


def test_tables_hold_every_record_with_explicit_types(casefile: CaseFile, flags: list) -> None:
    tables = build_tables(casefile, flags)
    assert tables["people"].num_rows == len(casefile.people)
    assert tables["events"].num_rows == len(casefile.events)
    assert tables["sources"].num_rows == len(casefile.sources)
    assert tables["flags"].num_rows == 1
    events = {row["id"]: row for row in tables["events"].to_pylist()}
    assert events["syn-claim"]["date_earliest"] == date(2024, 11, 1)
    assert events["syn-claim"]["date_latest"] == date(2024, 11, 30)
    assert tables["events"].schema.field("date_earliest").type == pa.date32()
    assert tables["events"].schema.field("basis").type == pa.list_(pa.string())
    assert tables["events"].schema.field("attended").type == pa.bool_()
    assert tables["flags"].to_pylist()[0]["as_of"] == date(2025, 5, 1)
    replacement = json.loads(events["syn-fix"]["replacement"])
    assert replacement["date"] == "2025-03-15/2025-03-16"


def test_csv_files_have_the_dictionary_columns_and_one_row_per_record(casefile: CaseFile, tmp_path: Path) -> None:
    export_tables(casefile, tmp_path, ["csv"])
    for name, columns in table_columns().items():
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == [c.name for c in columns]
    with (tmp_path / "events.csv").open(encoding="utf-8") as handle:
        events = {row["id"]: row for row in csv.DictReader(handle)}
    assert len(events) == len(casefile.events)
    assert events["syn-apprehended"]["country"] == "US"
    assert events["syn-apprehended"]["attended"] == ""


def test_every_vocabulary_field_has_an_events_column_described_in_the_dictionary() -> None:
    described = {c["name"]: c for c in data_dictionary()["tables"]["events"]}
    for kind in KINDS:
        for field in kind.fields:
            assert field.name in described
            assert kind.name in described[field.name]["event_kinds"]
    assert set(described["kind"]["values"]) == {k.name for k in KINDS}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_leave_out_sensitive_attributes_unless_asked(
    casefile: CaseFile, tmp_path: Path, fmt: str, secrets: tuple[str, ...]
) -> None:
    export_tables(casefile, tmp_path / "plain", [fmt])
    export_tables(casefile, tmp_path / "full", [fmt], include_sensitive=True)
    plain = b"".join(p.read_bytes() for p in sorted((tmp_path / "plain").iterdir()))
    full = b"".join(p.read_bytes() for p in sorted((tmp_path / "full").iterdir()))
    for secret in secrets:
        assert secret.encode() not in plain
        assert secret.encode() in full


def test_export_writes_the_data_dictionary_in_markdown_and_json(casefile: CaseFile, tmp_path: Path) -> None:
    written = {p.name for p in export_tables(casefile, tmp_path, ["csv", "parquet"])}
    assert {"data_dictionary.md", "data_dictionary.json"} <= written
    assert {f"{t}.{ext}" for t in TABLE_NAMES for ext in ("csv", "parquet")} <= written
    markdown = (tmp_path / "data_dictionary.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert kind.name in markdown
    assert json.loads((tmp_path / "data_dictionary.json").read_text(encoding="utf-8"))["tables"]["events"]

"""Flat tables for researchers (people, cohorts, sources, events, flags) as CSV and Parquet, with a data dictionary.

The columns and their descriptions are generated from the vocabulary, so a new event
field appears in the tables and in the dictionary without editing this module.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from habeas.domain.codec import event_to_written
from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.vocabulary import COMMON_FIELDS, KINDS, RELIABILITY, SOURCE_KINDS, FieldType
from habeas.ingest.casefile import CaseFile

LIST_SEPARATOR = ";"
TABLE_NAMES = ("people", "cohorts", "sources", "events", "flags")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    values: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # for event fields: the kinds that use the column
    sensitive: bool = False

    @property
    def type_name(self) -> str:
        return str(self.type)


_S, _LIST, _DATE = pa.string(), pa.list_(pa.string()), pa.date32()


def _range_columns(name: str, what: str) -> tuple[Column, ...]:
    return (
        Column(name, _S, f"{what}, exactly as written (EDTF)"),
        Column(f"{name}_earliest", _DATE, f"first day {what} may be"),
        Column(f"{name}_latest", _DATE, f"last day {what} may be"),
    )


def _event_field_columns() -> tuple[Column, ...]:
    by_name: dict[str, list[tuple[str, Any]]] = {}
    for kind in KINDS:
        for spec in kind.fields:
            by_name.setdefault(spec.name, []).append((kind.name, spec))
    columns = []
    for name, uses in by_name.items():
        types = {spec.type for _, spec in uses}
        if types == {FieldType.BOOL}:
            arrow: pa.DataType = pa.bool_()
        elif types == {FieldType.ENUM_LIST}:
            arrow = _LIST
        else:
            arrow = _S
        descriptions = list(dict.fromkeys(spec.description for _, spec in uses))
        values = tuple(dict.fromkeys(v for _, spec in uses for v in spec.values))
        if FieldType.EVENT in types:
            descriptions = [d + " (the replacing event in case-file form, as JSON)" for d in descriptions]
        columns.append(Column(name, arrow, " / ".join(descriptions), values, tuple(k for k, _ in uses)))
    return tuple(columns)


def table_columns(include_sensitive: bool = False) -> dict[str, tuple[Column, ...]]:
    """Every table's columns, in order; sensitive columns only when asked for."""
    note = next(f for f in COMMON_FIELDS if f.name == "note")
    columns: dict[str, tuple[Column, ...]] = {
        "people": (
            Column("id", _S, "the person's habeas id"),
            Column("name", _S, "full name"),
            Column("aliases", _LIST, "other names"),
            Column("citizenship", _S, "ISO 3166-1 alpha-2 country code (the first listed)"),
            Column("citizenships", _LIST, "every country of citizenship (ISO 3166-1 alpha-2), in the order listed"),
            Column("birth_year", pa.int32(), "year of birth"),
            *(replace(c, sensitive=True) for c in _range_columns("birth_date", "the date of birth")),
            Column(
                "unaccompanied", pa.bool_(), "an unaccompanied alien child (6 U.S.C. 279(g)(2)); empty: not recorded"
            ),
            Column("gender", _S, "gender as recorded"),
            Column("cohorts", _LIST, "ids of the cohorts the person belongs to"),
            Column("identifiers", _S, "A-numbers and dataset ids, as a JSON object", sensitive=True),
            Column("sensitive", _S, "sensitive attributes (e.g. asylum basis), as a JSON object", sensitive=True),
        ),
        "cohorts": (
            Column("id", _S, "the cohort's habeas id"),
            Column("name", _S, "name"),
            Column("description", _S, "description"),
        ),
        "sources": (
            Column("id", _S, "the source's habeas id"),
            Column("kind", _S, "kind of source", tuple(SOURCE_KINDS)),
            Column("title", _S, "title"),
            Column("publisher", _S, "publisher"),
            *_range_columns("date", "the publication date"),
            Column("url", _S, "where it can be read"),
            Column("sha256", _S, "SHA-256 of an attached file"),
            Column("reliability", _S, "how far it is confirmed", tuple(RELIABILITY)),
            Column("rows", pa.int64(), "for a dataset: the number of data rows"),
        ),
        "events": (
            Column("id", _S, "the event's habeas id"),
            Column("person", _S, "the person it happened to (empty for a cohort event)"),
            Column("cohort", _S, "the cohort it happened to, every member (empty for a person's event)"),
            Column("kind", _S, "kind of event", tuple(k.name for k in KINDS)),
            *_range_columns("date", "when it happened"),
            Column("reported", _S, "when it became known (EDTF), when recorded"),
            Column("sources", _LIST, "ids of the sources that report it"),
            *_event_field_columns(),
            Column("note", _S, note.description, sensitive=True),
        ),
        "flags": (
            Column("rule", _S, "the rule's stable id (`habeas rules` lists them)"),
            Column("severity", _S, "how serious"),
            Column("certainty", _S, "certain, or possible when it rests on the order of uncertain dates"),
            Column("person", _S, "the person flagged"),
            Column("as_of", _DATE, "the day the rules were checked for"),
            Column("title", _S, "short title"),
            Column("explanation", _S, "why the flag was raised"),
            Column("evidence", _LIST, "ids of the events behind it"),
            Column("sources", _LIST, "ids of the sources behind it"),
            Column("legal_basis", _S, "the legal basis that makes it a concern"),
        ),
    }
    return {t: tuple(c for c in cols if include_sensitive or not c.sensitive) for t, cols in columns.items()}


def schema(table: str, include_sensitive: bool = False) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type) for c in table_columns(include_sensitive)[table]])


def _range(value: DateRange | None) -> tuple[str | None, date | None, date | None]:
    if value is None:
        return None, None, None
    return value.text or str(value), value.earliest, value.latest


def _event_row(event: Event, include_sensitive: bool) -> dict[str, Any]:
    text, earliest, latest = _range(event.date)
    row: dict[str, Any] = {
        "id": event.id,
        "person": event.person,
        "cohort": event.cohort,
        "kind": event.kind,
        "date": text,
        "date_earliest": earliest,
        "date_latest": latest,
        "reported": _range(event.reported)[0],
        "sources": list(event.sources),
        "note": event.note,
    }
    for name, value in event.attrs.items():
        if isinstance(value, Event):
            written = event_to_written(value)
            if not include_sensitive:
                written.pop("note", None)
            row[name] = json.dumps(written, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, DateRange):
            row[name] = value.text or str(value)
        elif isinstance(value, tuple):
            row[name] = list(value)
        else:
            row[name] = value
    return row


def _rows(
    casefile: CaseFile, flags: Sequence[Mapping[str, Any]], include_sensitive: bool
) -> dict[str, list[dict[str, Any]]]:
    people = [
        {
            "id": p.id,
            "name": p.name,
            "aliases": list(p.aliases),
            "citizenship": p.citizenship,
            "citizenships": list(p.citizenships),
            "birth_year": p.birth_year,
            **dict(zip(("birth_date", "birth_date_earliest", "birth_date_latest"), _range(p.birth_date), strict=True)),
            "unaccompanied": p.unaccompanied,
            "gender": p.gender,
            "cohorts": list(p.cohorts),
            "identifiers": json.dumps(dict(p.identifiers), ensure_ascii=False, sort_keys=True),
            "sensitive": json.dumps(dict(p.sensitive), ensure_ascii=False, sort_keys=True, default=str),
        }
        for p in casefile.people
    ]
    sources = []
    for s in casefile.sources:
        text, earliest, latest = _range(s.date)
        sources.append(
            {**vars(s), "date": text, "date_earliest": earliest, "date_latest": latest},
        )
    cohorts = [vars(c) for c in casefile.cohorts]
    events = [_event_row(e, include_sensitive) for e in casefile.events]
    flag_rows = [
        {
            **{k: flag.get(k) for k in ("rule", "severity", "certainty", "person", "title", "explanation")},
            "as_of": date.fromisoformat(str(flag["as_of"])) if flag.get("as_of") else None,
            "evidence": list(flag.get("evidence", ())),
            "sources": list(flag.get("sources", ())),
            "legal_basis": flag.get("legal_basis"),
        }
        for flag in flags
    ]
    return {"people": people, "cohorts": cohorts, "sources": sources, "events": events, "flags": flag_rows}


def build_tables(
    casefile: CaseFile, flags: Sequence[Mapping[str, Any]] = (), include_sensitive: bool = False
) -> dict[str, pa.Table]:
    """The records as Arrow tables with the dictionary's explicit types; sensitive columns only when asked."""
    rows = _rows(casefile, flags, include_sensitive)
    out = {}
    for name in TABLE_NAMES:
        table_schema = schema(name, include_sensitive)
        wanted = table_schema.names
        out[name] = pa.Table.from_pylist([{k: r.get(k) for k in wanted} for r in rows[name]], schema=table_schema)
    return out


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(tables: Mapping[str, pa.Table], out_dir: Path) -> list[Path]:
    """One UTF-8 CSV per table; lists joined with ``;``, booleans as true/false, empty for missing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = out_dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.column_names)
            writer.writerows([_csv_value(row[c]) for c in table.column_names] for row in table.to_pylist())
        written.append(path)
    return written


def write_parquet(tables: Mapping[str, pa.Table], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = out_dir / f"{name}.parquet"
        pq.write_table(table, path)
        written.append(path)
    return written


def data_dictionary(include_sensitive: bool = False) -> dict[str, Any]:
    """The dictionary as JSON data: every table's columns, types, descriptions and allowed values."""
    return {
        "list_separator_in_csv": LIST_SEPARATOR,
        "tables": {
            table: [
                {
                    "name": c.name,
                    "type": c.type_name,
                    "description": c.description,
                    **({"values": list(c.values)} if c.values else {}),
                    **({"event_kinds": list(c.kinds)} if c.kinds else {}),
                    **({"sensitive": True} if c.sensitive else {}),
                }
                for c in columns
            ]
            for table, columns in table_columns(include_sensitive).items()
        },
    }


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def dictionary_markdown(include_sensitive: bool = False) -> str:
    lines = [
        "# habeas flat tables: data dictionary",
        "",
        "Generated from the habeas vocabulary. In CSV files, lists are joined with "
        f"`{LIST_SEPARATOR}`, booleans are `true`/`false`, and an empty cell is a missing value. "
        "Parquet files carry the types below.",
    ]
    if not include_sensitive:
        lines += [
            "",
            "Sensitive columns (birth dates, identifiers, sensitive attributes, notes) are left out of this export.",
        ]
    for table, columns in data_dictionary(include_sensitive)["tables"].items():
        lines += [
            "",
            f"## {table}",
            "",
            "| column | type | description | values | event kinds |",
            "|---|---|---|---|---|",
        ]
        for c in columns:
            cells = [
                f"`{c['name']}`",
                c["type"],
                c["description"] + (" (sensitive)" if c.get("sensitive") else ""),
                ", ".join(c.get("values", [])),
                ", ".join(c.get("event_kinds", [])),
            ]
            lines.append("| " + " | ".join(_md_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def write_dictionary(out_dir: Path, include_sensitive: bool = False) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "data_dictionary.md", out_dir / "data_dictionary.json"
    md.write_text(dictionary_markdown(include_sensitive), encoding="utf-8")
    js.write_text(json.dumps(data_dictionary(include_sensitive), ensure_ascii=False, indent=2) + "\n", "utf-8")
    return [md, js]


def export_tables(
    casefile: CaseFile,
    out_dir: Path,
    formats: Iterable[str] = ("csv", "parquet"),
    flags: Sequence[Mapping[str, Any]] = (),
    include_sensitive: bool = False,
) -> list[Path]:
    """Write the tables in each format, and the data dictionary, into ``out_dir``."""
    tables = build_tables(casefile, flags, include_sensitive)
    written = []
    for fmt in formats:
        written += write_csv(tables, out_dir) if fmt == "csv" else write_parquet(tables, out_dir)
    return written + write_dictionary(out_dir, include_sensitive)

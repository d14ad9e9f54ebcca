"""Lists of people (CSV/XLSX) read through a mapping file: which column is which field, which events a row gives.

A mapping (YAML)::

    title: Venezuelans removed to CECOT, March 2025   # names the list as a source
    publisher: Example Newsroom                       # optional: url, reliability, sheet, id_prefix
    person:                                           # person field: column header
      id: No.
      name: Name
      citizenship: Nationality
    cohort: {id: cecot-2025-03, name: Removed to CECOT, March 2025}
    events:
      - kind: removed
        date: {value: 2025-03-15/2025-03-16}          # a constant
        destination: {value: SV}
      - kind: record_check
        date: Checked                                 # a column
        result: {column: US record, values: {"no": none_found, "yes": record_found}}

A row's event is skipped when its date cell is empty. Names, aliases, A-numbers and
notes never reach the columnar files; they go to the database with the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from habeas.domain.codec import attrs_to_written
from habeas.domain.dates import DateError, DateRange, parse_date
from habeas.domain.ids import canonical_json
from habeas.domain.model import Cohort, Event, Person
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType
from habeas.ingest.datasets.lookups import country_code, person_citizenship
from habeas.ingest.datasets.mapped_list.mapping_file import constant, read_mapping, text
from habeas.ingest.datasets.metadata import (
    DatasetError,
    DatasetFormat,
    checked_assertions,
    format_from_mapping,
    normalize_header,
)
from habeas.ingest.datasets.parse import ISO_DATETIME
from habeas.ingest.datasets.records import GENDERS, dataset_event

LOOSE_DATES = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%y", "%Y-%m-%d %H:%M:%S", "%d %B %Y", "%B %d, %Y")
MIN_YEAR, MAX_YEAR = 1850, 2100
BOOLEANS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


@cache
def vocabulary() -> dict[str, Any]:
    text = resources.files("habeas.ingest.datasets.mapped_list").joinpath("metadata.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@dataclass(frozen=True)
class Cell:
    """Where a value comes from: a column (optionally through a table of values) or a constant."""

    column: str | None = None
    value: Any = None
    values: Mapping[str, Any] | None = None

    def read(self, row: Mapping[str, Any], names: Mapping[str, str]) -> Any:
        if self.column is None:
            return self.value
        raw = row.get(names[self.column])
        if raw is None or self.values is None:
            return raw
        lowered = {str(k).strip().lower(): v for k, v in self.values.items()}
        return lowered.get(str(raw).strip().lower(), _Unmapped(str(raw)))


@dataclass(frozen=True)
class _Unmapped:
    text: str


@dataclass(frozen=True)
class EventSpec:
    kind: str
    date: Cell
    fields: Mapping[str, Cell]


@dataclass(frozen=True)
class ListMapping:
    path: Path
    format: DatasetFormat
    names: Mapping[str, str]  # column header → canonical column name in the parsed rows
    person: Mapping[str, Cell]
    events: tuple[EventSpec, ...]
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    reliability: str | None = None
    sheet: str | None = None
    id_prefix: str | None = None
    cohorts: list[Cohort] = field(default_factory=list)


def _cell(spec: Any, where: str) -> Cell:
    if isinstance(spec, str):
        return Cell(column=text(spec, where))
    if isinstance(spec, Mapping) and "value" in spec:
        return Cell(value=constant(spec["value"], where))
    if isinstance(spec, Mapping) and "column" in spec:
        values = spec.get("values")
        if values is not None and not isinstance(values, Mapping):
            raise DatasetError(f"{where}: `values` must map what the column says to what habeas records")
        for written, recorded in (values or {}).items():
            constant(written, f"{where}: values")
            constant(recorded, f"{where}: values[{str(written)[:40]!r}]")
        return Cell(column=text(spec["column"], where), values=values)
    raise DatasetError(f"{where}: give a column header, {{value: ...}} or {{column: ..., values: {{...}}}}")


def load_mapping(path: Path) -> ListMapping:
    """Read and check a mapping file; every problem names the mapping file and the key."""
    raw = read_mapping(path)
    allowed = vocabulary()["person_fields"]
    person = {}
    for key, spec in raw["person"].items():
        if key not in allowed:
            raise DatasetError(f"{path}: person.{key} is not a person field; use one of {', '.join(allowed)}")
        person[key] = _cell(spec, f"{path}: person.{key}")
    events = tuple(_event_spec(path, i, spec) for i, spec in enumerate(raw.get("events") or ()))
    cells = [*person.values(), *(c for e in events for c in (e.date, *e.fields.values()))]
    headers = list(dict.fromkeys(c.column for c in cells if c.column is not None))
    names = {header: normalize_header(header) or f"column_{i}" for i, header in enumerate(headers)}
    id_column = person["id"].column if "id" in person else None
    sensitive = {person[k].column for k in vocabulary()["sensitive_fields"] if k in person}
    columns = [
        {"name": names[h], "headers": [h], "type": "text", "required": h == id_column, "sensitive": h in sensitive}
        for h in headers
    ]
    assertions = dict(vocabulary()["assertions"])
    if "max_rejected_share" in raw:
        assertions["max_rejected_share"] = raw["max_rejected_share"]
    checked_assertions(assertions, str(path))
    fmt = format_from_mapping({"name": "mapped_list", "title": raw.get("title") or "List", "columns": columns,
                               "person_column": "person", "assertions": assertions})  # fmt: skip
    cohort = raw.get("cohort")
    cohorts = []
    if cohort:
        cohorts = (
            [Cohort(id=cohort["id"], name=cohort.get("name"))] if isinstance(cohort, Mapping) else [Cohort(str(cohort))]
        )
    return ListMapping(
        path, fmt, names, person, events, raw.get("title"), raw.get("publisher"), raw.get("url"),
        raw.get("reliability"), raw.get("sheet"), raw.get("id_prefix"), cohorts,
    )  # fmt: skip


def _event_spec(path: Path, index: int, spec: Any) -> EventSpec:
    where = f"{path}: events[{index}]"
    if not isinstance(spec, Mapping) or spec.get("kind") not in KIND_BY_NAME:
        raise DatasetError(f"{where}: `kind` must be one of {', '.join(KIND_BY_NAME)}")
    kind = KIND_BY_NAME[spec["kind"]]
    if "date" not in spec:
        raise DatasetError(f"{where}: an event needs a `date` (a column, or {{value: EDTF date}})")
    fields = {}
    for name, cell in spec.items():
        if name in ("kind", "date"):
            continue
        if name != "note" and kind.field(name) is None:
            known = ", ".join(f.name for f in kind.fields)
            raise DatasetError(f"{where}: {kind.name} has no field {name!r} (its fields: {known})")
        fields[name] = _cell(cell, f"{where}.{name}")
    return EventSpec(kind.name, _cell(spec["date"], f"{where}.date"), fields)


@dataclass
class ListRecords:
    people: list[Person]
    events_domain: list[Event]
    rows: pl.DataFrame  # the non-sensitive columns, for figures
    problems: pl.DataFrame  # row, column, kind, problem
    events: pl.DataFrame = field(default_factory=pl.DataFrame)


def list_records(
    mapping: ListMapping, rows: pl.DataFrame, release: str, header_of: Callable[[str], str]
) -> ListRecords:
    """People and events from a batch of parsed rows; a row with any invalid value is rejected whole."""
    people: list[Person] = []
    events: list[Event] = []
    kept: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        found: list[dict[str, Any]] = []
        person, columnar = _person(mapping, row, release, found)
        row_events = [e for spec in mapping.events if (e := _event(mapping, spec, row, person.id, release, found))]
        if found:
            problems.extend({"row": row["row"], **p} for p in found)
            continue
        people.append(person)
        events.extend(row_events)
        for event in row_events:
            columnar[f"{event.kind}_date"] = str(event.date)
            columnar.update({f"{event.kind}_{k}": v for k, v in event.attrs.items() if isinstance(v, (str, bool))})
        kept.append(columnar)
    frame = pl.DataFrame(kept, infer_schema_length=None) if kept else pl.DataFrame(schema={"row": pl.Int64})
    schema = {"row": pl.Int64, "column": pl.String, "kind": pl.String, "problem": pl.String}
    issues = pl.DataFrame(problems, schema=schema) if problems else pl.DataFrame(schema=schema)
    issues = issues.with_columns(pl.col("column").map_elements(header_of, pl.String))
    return ListRecords(people, events, frame, issues, events_table(events))


def _person(
    mapping: ListMapping, row: Mapping[str, Any], release: str, found: list[dict[str, Any]]
) -> tuple[Person, dict[str, Any]]:
    values = {k: cell.read(row, mapping.names) for k, cell in mapping.person.items()}
    local = str(values.get("id") or f"row-{row['row']}")
    pid = f"{mapping.id_prefix}{local}" if mapping.id_prefix else f"{release}:{local}"
    citizenship = values.get("citizenship")
    iso, refused = person_citizenship(str(citizenship)) if citizenship else (None, None)
    if refused:
        found.append(_problem(mapping, "citizenship", refused[0], str(citizenship), refused[1]))
    birth_year = _year(values.get("birth_year"), mapping, found)
    gender = values.get("gender")
    gender = GENDERS.get(str(gender).strip().lower(), str(gender).strip().lower()) if gender else None
    aliases = tuple(a.strip() for a in str(values.get("aliases") or "").split(";") if a.strip())
    identifiers = {"list_id": local, "release": release}
    if values.get("a_number"):
        identifiers["a_number"] = str(values["a_number"])
    person = Person(
        id=pid,
        name=values.get("name"),
        aliases=aliases,
        citizenship=iso,
        birth_year=birth_year,
        gender=gender,
        cohorts=tuple(c.id for c in mapping.cohorts),
        identifiers=identifiers,
    )
    columnar = {"row": row["row"], "person": pid, "citizenship_iso": iso, "gender": gender, "birth_year": birth_year}
    columnar["cohort"] = mapping.cohorts[0].id if mapping.cohorts else None
    return person, columnar


def _year(value: Any, mapping: ListMapping, found: list[dict[str, Any]]) -> int | None:
    if value is None:
        return None
    try:
        year = int(float(str(value)))
    except (ValueError, OverflowError):
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:  # 1e23 is a number, not a year a record can hold
        found.append(_problem(mapping, "birth_year", "not a year", str(value)))
        return None
    return year


def _problem(
    mapping: ListMapping, field_name: str, kind: str, value: str | None = None, why: str = ""
) -> dict[str, Any]:
    cell = mapping.person.get(field_name)
    column = mapping.names.get(cell.column, field_name) if cell and cell.column else field_name
    sensitive = field_name in vocabulary()["sensitive_fields"]
    detail = kind if sensitive or value is None else f"{kind} {value[:40]!r}"
    return {"column": column, "kind": kind, "problem": detail + (f" ({why})" if why else "")}


def _event(
    mapping: ListMapping,
    spec: EventSpec,
    row: Mapping[str, Any],
    person: str,
    release: str,
    found: list[dict[str, Any]],
) -> Event | None:
    written = spec.date.read(row, mapping.names)
    if written is None or str(written).strip() == "":
        return None
    column = mapping.names.get(spec.date.column or "", f"{spec.kind}.date")
    when = _date(written)
    if when is None:
        found.append(
            {"column": column, "kind": "unparseable date", "problem": f"unparseable date {str(written)[:40]!r}"}
        )
        return None
    attrs: dict[str, Any] = {}
    note = None
    for name, cell in spec.fields.items():
        value = cell.read(row, mapping.names)
        where = mapping.names.get(cell.column or "", f"{spec.kind}.{name}")
        if isinstance(value, _Unmapped):
            found.append(
                {"column": where, "kind": "no lookup", "problem": f"{value.text[:40]!r} is not in the mapping's values"}
            )
            continue
        if value is None or value == "":
            continue
        if name == "note":
            note = str(value)
            continue
        checked = _field_value(spec.kind, name, value)
        if isinstance(checked, _Unmapped):
            found.append({"column": where, "kind": "invalid value", "problem": checked.text})
        else:
            attrs[name] = checked
    key = f"{spec.kind}-{mapping.events.index(spec)}"
    return dataset_event(spec.kind, when, person, release, row["row"], note, key=key, **attrs)


def _date(value: Any) -> DateRange | None:
    text = str(value).strip()
    try:
        return parse_date(text)
    except DateError:
        pass
    stamp = re.match(ISO_DATETIME, text)
    if stamp:  # a list's events are days: the day of the time as written ("Z" or offset and all)
        try:
            return DateRange.day(date.fromisoformat(stamp.group(1)))
        except ValueError:
            return None
    for fmt in LOOSE_DATES:
        try:
            return DateRange.day(datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    return None


def _field_value(kind: str, name: str, value: Any) -> Any:
    spec = KIND_BY_NAME[kind].field(name)
    assert spec is not None  # checked when the mapping was loaded
    text = str(value).strip()
    if spec.type == FieldType.COUNTRY:
        code = text.upper() if len(text) == 2 else country_code(text)
        return code or _Unmapped(f"{text[:40]!r} is not a country")
    if spec.type == FieldType.ENUM and not spec.open_values and text not in spec.values:
        return _Unmapped(f"{text[:40]!r} is not one of {', '.join(spec.values)}")
    if spec.type == FieldType.BOOL:
        flag = BOOLEANS.get(text.lower())
        return _Unmapped(f"{text[:40]!r} is not yes or no") if flag is None else flag
    if spec.type == FieldType.DATE:
        return _date(text) or _Unmapped(f"{text[:40]!r} is not a date")
    if spec.type == FieldType.ENUM_LIST:
        return tuple(v.strip() for v in text.split(";") if v.strip())
    return text


def events_table(events: list[Event]) -> pl.DataFrame:
    """A mapped list's events in columns (without notes), for figures over lists."""
    return pl.DataFrame(
        {
            "person": [e.person for e in events],
            "kind": [e.kind for e in events],
            "date": [str(e.date) for e in events],
            "earliest": [e.date.earliest for e in events],
            "latest": [e.date.latest for e in events],
            "attrs": [canonical_json(attrs_to_written(e.attrs)) for e in events],
        },
        schema={"person": pl.String, "kind": pl.String, "date": pl.String, "earliest": pl.Date,
                "latest": pl.Date, "attrs": pl.String},
    )  # fmt: skip

"""Shared pieces for turning dataset rows into habeas records: events named by release and row, people."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from habeas.domain.dates import DateRange
from habeas.domain.ids import content_id
from habeas.domain.model import Event, Person

RECORDS_JURISDICTION = "ICE ERO records (dataset)"
GENDERS = {"male": "male", "m": "male", "female": "female", "f": "female"}


def person_id(release: str, local_id: str) -> str:
    """Anonymized ids do not persist across releases, so a person's id names the release it came from."""
    return f"{release}:{local_id}"


def split_person_id(value: str) -> tuple[str, str]:
    release, sep, local = value.partition(":")
    if not sep or not release or not local:
        raise ValueError(f"{value!r} is not a dataset person id (RELEASE:ID)")
    return release, local


def day(value: date | datetime) -> DateRange:
    return DateRange.day(value.date() if isinstance(value, datetime) else value)


def dataset_event(
    kind: str,
    when: DateRange,
    person: str,
    release: str,
    row: int,
    note: str | None = None,
    key: str | None = None,
    **attrs: Any,
) -> Event:
    """An event read from row ``row`` of a release, sourced to the release, with a deterministic id.

    ``key`` tells apart two events of one kind from the same row (it defaults to the kind).
    """
    fields = {k: v for k, v in attrs.items() if v is not None}
    ident = content_id("e", {"release": release, "row": row, "kind": key or kind, "person": person})
    text = f"row {row}" + (f"; {note}" if note else "")
    return Event(id=ident, kind=kind, date=when, person=person, attrs=fields, sources=(release,), note=text)


def dataset_person(release: str, row: Mapping[str, Any], local_id: str) -> Person:
    """The person a row describes: citizenship (ISO), gender and birth year when the release gives them."""
    birth_year = row.get("birth_year")
    if birth_year is None and isinstance(row.get("birth_date"), date):
        birth_year = row["birth_date"].year
    gender = GENDERS.get(str(row.get("gender") or "").strip().lower())
    return Person(
        id=person_id(release, local_id),
        citizenship=row.get("citizenship_country_iso"),
        birth_year=int(birth_year) if birth_year is not None else None,
        gender=gender,
        identifiers={"dataset_id": local_id, "release": release},
    )


def record_check(
    person: str, release: str, row: Mapping[str, Any], conviction_fields: tuple[str, ...], when: DateRange
) -> Event | None:
    """What the release says about criminal records: a conviction on record, none, or (redacted) nothing.

    "none_found" means no conviction is on record in this dataset, not that the person has none.
    """
    withheld = set(row.get("redacted") or ()) & set(conviction_fields)
    values = {name: row.get(name) for name in conviction_fields if row.get(name) is not None}
    if withheld and not values:
        return None
    if values:
        described = ", ".join(str(v) for k, v in values.items() if not k.endswith("_date"))
        note = f"most serious conviction on record: {described}" if described else "conviction on record"
        result = "record_found"
    else:
        note, result = "no conviction on record in this dataset", "none_found"
    return dataset_event(
        "record_check", when, person, release, row["row"], note, jurisdiction=RECORDS_JURISDICTION, result=result
    )

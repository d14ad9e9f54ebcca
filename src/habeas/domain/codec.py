"""Turn an event's written fields (case-file form) into domain values and back.

The written form is what a case file holds and what the store keeps: plain JSON
with dates as EDTF text. The domain form has :class:`DateRange` values, tuples,
and a correction's replacement as an :class:`Event`. Input is assumed valid here;
validation with line numbers happens at the edge (``habeas.ingest``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from habeas.domain.dates import DateRange, parse_date
from habeas.domain.ids import content_id
from habeas.domain.model import Event
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType

# Keys every event may have besides its kind's own fields.
ENVELOPE_KEYS = ("id", "person", "cohort", "kind", "date", "sources", "reported", "note")


def event_id_for(written: Mapping[str, Any]) -> str:
    """The id of a written event: its own, or one derived from its content."""
    given = written.get("id")
    if given:
        return str(given)
    return content_id("e", {k: v for k, v in written.items() if k != "id"})


def attrs_from_written(kind: str, written: Mapping[str, Any]) -> dict[str, Any]:
    spec = KIND_BY_NAME[kind]
    attrs: dict[str, Any] = {}
    for field_spec in spec.fields:
        value = written.get(field_spec.name)
        if value is None:
            continue
        if field_spec.type == FieldType.DATE:
            value = parse_date(value)
        elif field_spec.type == FieldType.ENUM_LIST:
            value = tuple(value)
        elif field_spec.type == FieldType.EVENT:
            value = event_from_written(value, inherit=written)
        attrs[field_spec.name] = value
    return attrs


def attrs_to_written(attrs: Mapping[str, Any]) -> dict[str, Any]:
    written: dict[str, Any] = {}
    for name, value in attrs.items():
        if isinstance(value, DateRange):
            written[name] = value.text or str(value)
        elif isinstance(value, tuple):
            written[name] = list(value)
        elif isinstance(value, Event):
            written[name] = event_to_written(value)
        else:
            written[name] = value
    return written


def event_from_written(written: Mapping[str, Any], inherit: Mapping[str, Any] | None = None) -> Event:
    """A domain event from its written form (a replacement inherits its correction's person)."""
    kind = str(written["kind"])
    reported = written.get("reported")
    inherit = inherit or {}
    return Event(
        id=event_id_for(written) if written.get("id") or inherit == {} else _replacement_id(written, inherit),
        kind=kind,
        date=parse_date(written["date"]),
        person=written.get("person"),
        cohort=written.get("cohort"),
        attrs=attrs_from_written(kind, written),
        sources=tuple(written.get("sources") or ()),
        reported=parse_date(reported) if reported is not None else None,
        note=written.get("note"),
    )


def _replacement_id(written: Mapping[str, Any], correction: Mapping[str, Any]) -> str:
    return content_id("e", {"replacement": dict(written), "supersedes": correction.get("supersedes")})


def event_to_written(event: Event) -> dict[str, Any]:
    """The written (case-file) form of an event, with only the keys that have values."""
    written: dict[str, Any] = {"id": event.id}
    if event.person:
        written["person"] = event.person
    if event.cohort:
        written["cohort"] = event.cohort
    written["kind"] = event.kind
    written["date"] = event.date.text or str(event.date)
    written.update(attrs_to_written(event.attrs))
    if event.sources:
        written["sources"] = list(event.sources)
    if event.reported is not None:
        written["reported"] = event.reported.text or str(event.reported)
    if event.note:
        written["note"] = event.note
    return written

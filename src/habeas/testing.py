"""Builders of synthetic people, events and timelines for tests and benchmarks (no real data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from habeas.domain.codec import event_from_written
from habeas.domain.dates import parse_date
from habeas.domain.model import Event, Person, Source
from habeas.domain.timeline import Timeline, build_timeline

SYNTHETIC_PERSON = "p-synthetic"


def event(kind: str, date: str, person: str | None = SYNTHETIC_PERSON, **fields: Any) -> Event:
    """An event from its written form: ``event("removed", "2025-03-15", destination="SV")``."""
    written: dict[str, Any] = {"kind": kind, "date": date, **fields}
    if "cohort" not in fields and person is not None:
        written["person"] = person
    return event_from_written(written)


def source(ident: str, date: str | None = None, kind: str = "document") -> Source:
    return Source(id=ident, kind=kind, date=parse_date(date) if date else None)


def timeline_of(
    events: Iterable[Event],
    person: Person | None = None,
    sources: Mapping[str, Source] | None = None,
    known_on: Any = None,
) -> Timeline:
    person = person or Person(id=SYNTHETIC_PERSON, citizenship="VE")
    return build_timeline(person, list(events), sources or {}, known_on)

"""Plain-English wording of events, countries and values, generated from the vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pycountry

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType

# Fields that say where an event happened; they go in the "where" column, not in "what".
WHERE_FIELDS = ("facility", "facility_code", "place", "court", "where", "country")

# Values whose plain spelling would mislead a reader (abbreviations of forms of relief).
VALUE_WORDS: Mapping[str, str] = {
    "cat": "CAT (Convention against Torture)",
    "cat_granted": "CAT protection granted",
    "tps": "TPS",
    "aea": "Alien Enemies Act",
}


def country_name(code: str | None) -> str:
    """``El Salvador (SV)``; an unknown code is shown as written."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return f"{name} ({code.upper()})"


def value_words(value: Any) -> str:
    """A field value as a reader would say it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, DateRange):
        return str(value)
    if isinstance(value, (tuple, list)):
        return ", ".join(value_words(v) for v in value)
    text = str(value)
    if text in VALUE_WORDS:
        return VALUE_WORDS[text]
    return text.replace("_", " ") if text.isidentifier() else text


def range_words(value: DateRange | None) -> str:
    """``2025-03-16``, or ``between 2025-03-15 and 2025-03-16`` when the day is uncertain."""
    if value is None:
        return "none on record"
    if value.exact:
        return value.earliest.isoformat()
    return f"between {value.earliest.isoformat()} and {value.latest.isoformat()}"


def days_words(value: DayCount | None) -> str:
    if value is None:
        return "no proof of life on record"
    if value.min == value.max:
        return f"{value.min} days"
    return f"{value.min}–{value.max} days (the dates are uncertain)"


def day_words(value: date | None, missing: str = "") -> str:
    return value.isoformat() if value else missing


def _field_label(name: str) -> str:
    return name.replace("_", " ")


def _refer(event_id: str, lines: Mapping[str, int]) -> str:
    line = lines.get(event_id)
    return f"entry {line}" if line is not None else event_id


def describe(event: Event, lines: Mapping[str, int]) -> tuple[str, str]:
    """(what happened, where) for one event; ``lines`` maps event ids to chronology line numbers."""
    spec = KIND_BY_NAME.get(event.kind)
    if spec is None:
        return event.kind.replace("_", " ").capitalize(), ""
    details = []
    for field in spec.fields:
        value = event.get(field.name)
        if value is None or field.name in WHERE_FIELDS or field.type == FieldType.EVENT:
            continue
        if field.type == FieldType.EVENT_REF:
            shown = _refer(str(value), lines)
        elif field.type == FieldType.COUNTRY:
            shown = country_name(str(value))
        else:
            shown = value_words(value)
        details.append(f"{_field_label(field.name)}: {shown}")
    what = spec.description[0].upper() + spec.description[1:]
    if details:
        what = f"{what} ({'; '.join(details)})"
    return what, where_words(event)


def where_words(event: Event) -> str:
    parts = []
    for name in WHERE_FIELDS:
        value = event.get(name)
        if not value:
            continue
        if name == "facility_code":
            parts.append(f"facility code {value}")
        elif name == "country":
            parts.append(country_name(str(value)))
        else:
            parts.append(str(value))
    return ", ".join(parts)

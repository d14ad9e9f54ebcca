"""The case-file JSON Schema, generated from the vocabulary."""

from __future__ import annotations

from typing import Any

from habeas.domain.vocabulary import (
    KINDS,
    RELIABILITY,
    SOURCE_KINDS,
    FieldSpec,
    FieldType,
    KindSpec,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
_ID = {"type": "string", "pattern": ID_PATTERN}
_DATE = {"type": ["string", "integer"], "description": "EDTF date, e.g. 2025-03-15, 2025-03, 2025-03-15/2025-03-16"}
_COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}
_TEXT = {"type": "string"}
# One code, or a list of codes for a person with several nationalities (the first is `citizenship`).
# Flat rather than anyOf, so that an error names the bad code itself, not "valid under none of".
_CITIZENSHIP = {
    "type": ["string", "array", "null"],
    "pattern": _COUNTRY["pattern"],
    "items": _COUNTRY,
    "minItems": 1,
    "uniqueItems": True,
    "description": "ISO 3166-1 alpha-2, or a list of them for a person with several nationalities",
}
BIRTH_YEARS = (1880, 2100)  # the years a birth_year (and a birth date) may name
MAX_DAYS = 3650  # an interval of days (a follow-up's) longer than ten years is a typo


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    base: dict[str, Any]
    if spec.type == FieldType.DATE:
        base = dict(_DATE)
    elif spec.type == FieldType.COUNTRY:
        base = dict(_COUNTRY)
    elif spec.type == FieldType.BOOL:
        base = {"type": "boolean"}
    elif spec.type == FieldType.ENUM:
        base = {"type": "string", "enum": list(spec.values)}
    elif spec.type == FieldType.ENUM_LIST:
        base = {"type": "array", "items": {"type": "string", "enum": list(spec.values)}}
    elif spec.type == FieldType.DAYS:
        base = {"type": "integer", "minimum": 1, "maximum": MAX_DAYS}
    elif spec.type == FieldType.EVENT_REF:
        base = dict(_ID)
    elif spec.type == FieldType.EVENT:
        base = {"$ref": "#/$defs/replacement"}
    else:
        base = dict(_TEXT)
    if "description" not in base:
        base["description"] = spec.description
    return base


def _envelope(replacement: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": {**_ID, "description": "unique id; generated from content when absent"},
        "kind": {"type": "string", "enum": [k.name for k in KINDS if not (replacement and k.name == "correction")]},
        "date": {**_DATE, "description": "when it happened (EDTF)"},
        "sources": {"type": "array", "items": _ID, "description": "ids of the sources that report it"},
        "reported": {**_DATE, "description": "when it became known (EDTF)"},
        "note": {"type": "string", "description": "free text"},
    }
    if not replacement:
        props["person"] = {**_ID, "description": "the person it happened to"}
        props["cohort"] = {**_ID, "description": "a cohort: it happened to every member"}
    return props


def _kind_branch(kind: KindSpec, replacement: bool) -> dict[str, Any]:
    props = _envelope(replacement)
    props.update({f.name: _field_schema(f) for f in kind.fields})
    required = ["kind", "date", *[f.name for f in kind.fields if f.required]]
    return {
        "if": {"properties": {"kind": {"const": kind.name}}, "required": ["kind"]},
        "then": {"properties": props, "required": required, "additionalProperties": False},
    }


def _event_schema(replacement: bool, only: str | None = None) -> dict[str, Any]:
    """An event's schema: a branch per kind, or (``only``) the one branch an event of that kind can take."""
    kinds = [k for k in KINDS if not (replacement and k.name == "correction") and only in (None, k.name)]
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["kind", "date"],
        "properties": {"kind": _envelope(replacement)["kind"]},
        "allOf": [_kind_branch(k, replacement) for k in kinds],
    }
    if not replacement:
        schema["oneOf"] = [{"required": ["person"]}, {"required": ["cohort"]}]
    return schema


def event_kind_schema(kind: str | None) -> dict[str, Any]:
    """The schema of one event whose ``kind`` is known, standalone (with the replacement it may hold).

    Validating an event of that kind against it finds exactly the errors the case-file schema finds
    under ``/events/N``: there, every other kind's branch is skipped by its ``if``. One branch
    instead of one per kind is what makes validating many events fast. With ``kind`` None (or a kind
    not in the vocabulary) it is the whole event schema, every branch.
    """
    known = kind if any(k.name == kind for k in KINDS) else None
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **_event_schema(replacement=False, only=known),
        "$defs": {"replacement": _event_schema(replacement=True)},
    }


def casefile_schema(events: bool = True) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a habeas case file, version 1.

    Without ``events``, the schema says only that ``events`` is a list: each event is then
    validated apart, against :func:`event_kind_schema` of its kind.
    """
    source = {
        "type": "object",
        "required": ["id", "kind"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "kind": {"type": "string", "enum": list(SOURCE_KINDS)},
            "title": _TEXT,
            "publisher": _TEXT,
            "date": _DATE,
            "url": _TEXT,
            "sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
            "reliability": {"type": "string", "enum": list(RELIABILITY)},
            "rows": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        },
    }
    cohort = {
        "type": "object",
        "required": ["id"],
        "additionalProperties": False,
        "properties": {"id": _ID, "name": _TEXT, "description": _TEXT},
    }
    person = {
        "type": "object",
        "required": ["id"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "name": _TEXT,
            "aliases": {"type": "array", "items": _TEXT},
            "citizenship": _CITIZENSHIP,
            "birth_year": {"type": ["integer", "null"], "minimum": BIRTH_YEARS[0], "maximum": BIRTH_YEARS[1]},
            "birth_date": {
                **_DATE,
                "type": ["string", "integer", "null"],
                "description": "date of birth (EDTF: 2009-04-12, 2009-04, 2009~ or an interval); sensitive",
            },
            "unaccompanied": {
                "type": ["boolean", "null"],
                "description": "an unaccompanied alien child, as 6 U.S.C. 279(g)(2) defines it; absent: not recorded",
            },
            "gender": {"type": ["string", "null"]},
            "cohorts": {"type": "array", "items": _ID},
            "identifiers": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
            "sensitive": {"type": "object", "description": "encrypted at rest; never in a public output"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://habeas.invalid/schema/casefile-1.json",
        "title": "habeas case file, version 1",
        "type": "object",
        "required": ["habeas"],
        "additionalProperties": False,
        "properties": {
            "habeas": {"const": 1, "description": "format version"},
            "sources": {"type": "array", "items": source},
            "cohorts": {"type": "array", "items": cohort},
            "people": {"type": "array", "items": person},
            "events": {"type": "array", "items": _event_schema(replacement=False)} if events else {"type": "array"},
        },
        "$defs": {"replacement": _event_schema(replacement=True)},
    }

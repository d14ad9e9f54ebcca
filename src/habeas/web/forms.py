"""The add-an-event form: its fields, the one-event case file it becomes, and problems placed by field.

The form is validated exactly like a case file because it is one: the fields become
a case-file document that habeas.services.track.import_casefile_data reads, and each
problem it reports is shown next to the field its JSON pointer names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData

from habeas.domain.ids import content_id
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType
from habeas.services import Context, track
from habeas.services.imports import ImportSummary
from habeas.services.track import InvalidInput

SOURCE_FIELDS = ("id", "kind", "title", "publisher", "date", "url", "reliability")
ENVELOPE = ("kind", "date", "reported", "note", "sources", "supersedes", "reason", "retract")
_PROBLEM = re.compile(r"^(?P<file>.*?)(?::\d+)? at (?P<pointer>/\S*): (?P<message>.*)$", re.DOTALL)
_REQUIRED = re.compile(r"missing required field '(?P<name>\w+)'")
MAX_TEXT = 4000
# Where a case file holds names, aliases, identifiers, sensitive attributes and notes, and the places
# that contain them, followed by a problem that opens with the value it refuses ("'…' should be array"):
# a value of the wrong type there (the list of people given as a string) may well be a name.
_QUOTES_SENSITIVE = re.compile(
    r"(?P<head> at /(people(/\d+(/(name|aliases|identifiers|sensitive)(/\S*)?)?)?"
    r"|events(/\d+(/replacement)?(/note)?)?)(:\d+)?: )(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
)


@dataclass
class EventForm:
    """What the user typed, and the problems found, keyed by form field name ("" for the whole form)."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> EventForm:
        return cls({"mode": "event", "source": "", "kind": "proof_of_life"})

    @classmethod
    def read(cls, form: FormData) -> EventForm:
        values: dict[str, Any] = {}
        for key in form:
            items = [v for v in form.getlist(key) if isinstance(v, str)]
            if _is_list_field(key):
                values[key] = [v.strip()[:MAX_TEXT] for v in items if v.strip()]
            elif items:
                values[key] = items[-1].strip()[:MAX_TEXT]
        values.setdefault("mode", "event")
        return cls(values)

    def get(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def add_problem(self, name: str, message: str) -> None:
        self.problems.setdefault(name, []).append(message)

    @property
    def is_blank(self) -> bool:
        return not self.problems and self.values == EventForm.empty().values

    @property
    def correction(self) -> bool:
        return self.values.get("mode") == "correction"


def field_name(kind: str, name: str) -> str:
    """The form field of a kind's field: fields of the same name in two kinds are two inputs."""
    return f"{kind}.{name}"


def _is_list_field(key: str) -> bool:
    kind, _, name = key.partition(".")
    spec = KIND_BY_NAME.get(kind)
    return spec is not None and (found := spec.field(name)) is not None and found.type == FieldType.ENUM_LIST


def _kind_fields(form: EventForm, kind: str) -> dict[str, Any]:
    spec = KIND_BY_NAME.get(kind)
    out: dict[str, Any] = {}
    if spec is None or kind == "correction":
        return out
    for field_spec in spec.fields:
        value = form.get(field_name(kind, field_spec.name), None)
        if value in (None, "", []):
            continue
        if field_spec.type == FieldType.BOOL:
            value = {"true": True, "false": False}.get(value, value)
        elif field_spec.type == FieldType.COUNTRY and isinstance(value, str):
            value = value.upper()
        elif field_spec.type == FieldType.DAYS and isinstance(value, str) and value.strip().isdigit():
            value = int(value)  # a number of days; anything else goes on to be refused by the schema, in words
        out[field_spec.name] = value
    return out


def _source(form: EventForm, today: date) -> tuple[list[dict[str, Any]], list[str]]:
    """The new source to add (if any) and the source ids the event cites."""
    chosen = form.get("source")
    if chosen and chosen != "new":
        return [], [chosen]
    if chosen != "new":
        return [], []
    written = {name: form.get("source_" + name) for name in SOURCE_FIELDS if form.get("source_" + name)}
    written.setdefault("kind", "other")
    if "id" not in written:
        written["id"] = content_id("src", {**written, "added": today.isoformat()}, 12)
    return [written], [written["id"]]


def casefile_document(form: EventForm, person_id: str, today: date) -> dict[str, Any]:
    """The one-event case file the form stands for (an event, or a correction with its replacement)."""
    sources, cited = _source(form, today)
    kind = form.get("kind")
    event: dict[str, Any] = {"kind": kind, "date": form.get("date"), **_kind_fields(form, kind)}
    if form.correction:
        correction: dict[str, Any] = {
            "person": person_id,
            "kind": "correction",
            "date": today.isoformat(),
            "supersedes": form.get("supersedes"),
            "reason": form.get("reason"),
        }
        if form.get("retract") == "true":
            correction["retract"] = True
        else:
            correction["replacement"] = event
        event = correction
    else:
        event["person"] = person_id
    if cited:
        event["sources"] = cited
    if form.get("note"):
        event["note"] = form.get("note")
    return {"habeas": 1, "sources": sources, "events": [event]}


def _field_for(pointer: str, message: str, kind: str, correction: bool) -> str:
    parts = pointer.strip("/").split("/")
    if parts[:1] == ["sources"]:
        return "source_" + parts[2] if len(parts) > 2 else "source"
    if parts[:1] != ["events"]:
        return ""
    rest = parts[2:]
    if rest[:1] == ["replacement"]:
        rest = rest[1:]
    elif correction and rest[:1] and rest[0] in ("supersedes", "reason", "retract", "date"):
        return rest[0] if rest[0] != "date" else ""
    if not rest and (required := _REQUIRED.search(message)):
        rest = [required.group("name")]
    if not rest:
        return ""
    name = rest[0]
    if name == "sources":
        return "source"
    return name if name in ENVELOPE else field_name(kind, name)


def quiet(problems: list[str]) -> list[str]:
    """The problems, without the value a problem quotes about a place that holds sensitive values.

    The case-file reader already leaves sensitive values out; this is the web's own guard, so that
    no page or API answer repeats a name or a note that the reader quoted from a container of them.
    """
    return [_QUOTES_SENSITIVE.sub(r"\g<head>the value (not shown: it may be sensitive)", p) for p in problems]


def place_problems(form: EventForm, problems: list[str]) -> None:
    """Put each case-file problem next to the field its JSON pointer names; the rest go above the form."""
    for problem in quiet(problems):
        match = _PROBLEM.match(problem)
        if match is None:
            form.add_problem("", problem)
            continue
        message = match.group("message")
        where = _field_for(match.group("pointer"), message, form.get("kind"), form.correction)
        form.add_problem(where, message)


def import_document(ctx: Context, document: Mapping[str, Any], name: str = "form.json") -> ImportSummary:
    """Store a case-file document through the case-file import, as if it were a file named ``name`` (in memory)."""
    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    return track.import_casefile_data(ctx, [(name, content)])


def import_upload(ctx: Context, content: bytes, filename: str) -> ImportSummary:
    """Store an uploaded case file, held in memory only; problems name the file as the user knows it."""
    shown = re.sub(r"[^\w.\- ]+", "_", Path(filename or "upload").name)[:100] or "upload"
    suffix = Path(shown).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InvalidInput([f"{shown}: a case file is YAML (.yaml, .yml) or JSON (.json)"])
    return track.import_casefile_data(ctx, [(shown, content)])

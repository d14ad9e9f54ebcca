"""PFIF 1.4 (People Finder Interchange Format): export people with their timelines as notes, and import PFIF.

Export: one ``person`` record per person and one ``note`` per event in effect on their
timeline (corrections applied). A note's ``source_date`` is when the event became known,
its text says what happened and when (as written), and its ``status`` says what the event
shows: ``believed_alive`` for an event that needed the person there in body,
``believed_dead`` for a death, ``information_sought`` for an inquiry. PFIF has no field
for habeas's structured facts, so the last line of each note (and of the person's
description) carries them as JSON after ``habeas-event:`` / ``habeas-person:``; habeas
reads them back, other systems show them as text. A person's ``date_of_birth`` is finer than
the year only in an export with the sensitive fields.

Import: PFIF from any repository. A note becomes an event only where a habeas event kind
says the same thing: a note written by the person (``is_note_author``) is a proof of life;
a note whose author had direct contact is a direct ``contact``. Beliefs (missing, alive,
dead) and requests for information have no event kind and are reported as left out,
with the record ids and field names, never their values; the file itself is recorded as
the source of everything imported, with its SHA-256, so nothing is lost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape

from habeas.domain.codec import event_to_written
from habeas.domain.model import Cohort, Event, Person, Source
from habeas.domain.timeline import build_timeline
from habeas.domain.vocabulary import Kind
from habeas.domain.whereabouts import TRANSITIONS, proves_alive
from habeas.ingest.casefile import CaseFile
from habeas.reports.words import country_name, describe, value_words

NS = "http://zesty.ca/pfif/1.4"
READABLE_NAMESPACES = ("http://zesty.ca/pfif/1.4", "http://zesty.ca/pfif/1.3", "http://zesty.ca/pfif/1.2")
DEFAULT_DOMAIN = "habeas.invalid"

# PFIF 1.4 fields in the order the specification lists them (writers keep this order).
PERSON_FIELDS = (
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email", "author_phone",
    "source_name", "source_date", "source_url", "full_name", "given_name", "family_name",
    "alternate_names", "description", "sex", "date_of_birth", "age", "home_street",
    "home_neighborhood", "home_city", "home_state", "home_postal_code", "home_country",
    "photo_url", "profile_urls",
)  # fmt: skip
NOTE_FIELDS = (
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date", "author_name",
    "author_email", "author_phone", "source_date", "author_made_contact", "status",
    "email_of_found_person", "phone_of_found_person", "last_known_location", "text", "photo_url",
)  # fmt: skip
PERSON_REQUIRED = ("person_record_id", "entry_date", "source_date", "full_name")
NOTE_REQUIRED = ("note_record_id", "person_record_id", "entry_date", "author_name", "source_date", "text")
STATUSES = ("information_sought", "is_note_author", "believed_alive", "believed_missing", "believed_dead")
SEXES = ("female", "male", "other")
RECORD_ID = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/\S+$")
UTC_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
EVENT_TRAILER, PERSON_TRAILER = "habeas-event: ", "habeas-person: "
_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class PfifError(ValueError):
    """A file that is not PFIF this importer can read."""


def utc(moment: datetime | date) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, as PFIF requires (a day is taken at midnight UTC)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- export


def _element(name: str, fields: tuple[str, ...], record: Mapping[str, str], indent: str, inner: str = "") -> str:
    lines = [f"{indent}<pfif:{name}>"]
    for key in fields:
        value = record.get(key)
        if value:
            lines.append(f"{indent}  <pfif:{key}>{escape(_XML_INVALID.sub('', value))}</pfif:{key}>")
    if inner:
        lines.append(inner)
    lines.append(f"{indent}</pfif:{name}>")
    return "\n".join(lines)


def _trailer(prefix: str, data: Mapping[str, Any]) -> str:
    return prefix + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _person_record(person: Person, cohorts: Mapping[str, Cohort], ctx: _Export) -> dict[str, str]:
    extra: dict[str, Any] = {"id": person.id}
    if person.citizenship:
        extra["citizenship"] = person.citizenship
    if len(person.citizenships) > 1:
        extra["citizenships"] = list(person.citizenships)
    if person.unaccompanied is not None:
        extra["unaccompanied"] = person.unaccompanied
    if person.cohorts:
        extra["cohorts"] = [{"id": c, "name": cohorts[c].name} if c in cohorts else {"id": c} for c in person.cohorts]
    countries = ", ".join(country_name(code) for code in person.citizenships)
    described = [f"Citizenship: {countries}."] if countries else []
    if person.unaccompanied:
        described.append("Recorded as an unaccompanied child (6 U.S.C. 279(g)(2)).")
    if ctx.include_sensitive and person.birth_date is not None:
        extra["birth_date"] = person.birth_date.text or str(person.birth_date)
    if ctx.include_sensitive and (person.identifiers or person.sensitive):
        extra.update(identifiers=dict(person.identifiers), sensitive=dict(person.sensitive))
        described += [f"{value_words(k).capitalize()}: {value_words(v)}." for k, v in sorted(person.sensitive.items())]
    return {
        "person_record_id": f"{ctx.domain}/person.{person.id}",
        "entry_date": ctx.now,
        "author_name": ctx.author_name,
        "source_name": ctx.author_name,
        "source_date": ctx.now,
        "full_name": person.name or f"(name not recorded; habeas id {person.id})",
        "alternate_names": "\n".join(person.aliases),
        "description": "\n".join([*described, _trailer(PERSON_TRAILER, extra)]),
        "sex": person.gender if person.gender in SEXES else "",
        "date_of_birth": _date_of_birth(person, ctx.include_sensitive),
    }


def _date_of_birth(person: Person, include_sensitive: bool) -> str:
    """PFIF's YYYY-MM-DD, YYYY-MM or YYYY: the narrowest that holds every day the birth date may be.

    Finer than the year only with the sensitive fields (a birth date says who a person is, as a
    name does); a birth date that may fall in several years gives the birth year, if any.
    """
    birth = person.birth_date
    year_only = str(person.birth_year) if person.birth_year else ""
    if birth is None or birth.earliest.year != birth.latest.year:
        return year_only
    if not include_sensitive:
        return year_only or str(birth.earliest.year)
    if birth.exact:
        return birth.earliest.isoformat()
    if birth.earliest.month == birth.latest.month:
        return birth.earliest.strftime("%Y-%m")
    return str(birth.earliest.year)


def _status(event: Event) -> str:
    if event.kind == Kind.DIED:
        return "believed_dead"
    if proves_alive(event):
        return "believed_alive"
    if event.kind == Kind.INQUIRY:
        return "information_sought"
    return ""


def _note_record(person: Person, event: Event, sources: Mapping[str, Source], ctx: _Export) -> dict[str, str]:
    what, where = describe(event, {})
    lines = [f"{event.date.text or event.date}: {what}." + (f" Where: {where}." if where else "")]
    for sid in event.sources:
        s = sources.get(sid)
        if s is not None:
            cited = ", ".join(x for x in (s.title, s.publisher, s.date.text if s.date else None, s.url) if x)
            lines.append(f"Source: {cited}.")
    written = {k: v for k, v in event_to_written(event).items() if k not in ("person", "sources", "note")}
    if ctx.include_sensitive and event.note:
        lines.append(f"Note: {event.note}")
        written["note"] = event.note
    lines.append(_trailer(EVENT_TRAILER, written))
    known = event.known_from(sources)
    return {
        "note_record_id": f"{ctx.domain}/note.{person.id}.{event.id}",
        "person_record_id": f"{ctx.domain}/person.{person.id}",
        "entry_date": ctx.now,
        "author_name": ctx.author_name,
        "source_date": utc(known) if known else ctx.now,
        "status": _status(event),
        "last_known_location": where if event.kind in TRANSITIONS else "",
        "text": "\n".join(lines),
    }


@dataclass(frozen=True)
class _Export:
    domain: str
    author_name: str
    now: str
    include_sensitive: bool


def export_pfif(
    casefile: CaseFile,
    *,
    generated_at: datetime,
    domain: str = DEFAULT_DOMAIN,
    author_name: str = "habeas",
    include_sensitive: bool = False,
) -> bytes:
    """PFIF 1.4 XML for every person in ``casefile``; ``domain`` names the repository in record ids."""
    if not RECORD_ID.match(f"{domain}/x"):
        raise PfifError(f"{domain!r} is not a domain name; PFIF record ids are domain/unique-id")
    ctx = _Export(domain, author_name, utc(generated_at), include_sensitive)
    sources = {s.id: s for s in casefile.sources}
    cohorts = {c.id: c for c in casefile.cohorts}
    people = []
    for person in casefile.people:
        timeline = build_timeline(person, casefile.events, sources)
        notes = "\n".join(
            _element("note", NOTE_FIELDS, _note_record(person, e, sources, ctx), "    ") for e in timeline.events
        )
        people.append(_element("person", PERSON_FIELDS, _person_record(person, cohorts, ctx), "  ", notes))
    body = "\n".join(people)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="{NS}">\n{body}\n</pfif:pfif>\n'.encode()


# ---------------------------------------------------------------- reading and checking


def _parse_xml(data: bytes) -> Any:
    try:
        from defusedxml import ElementTree as SafeTree
    except ImportError:  # the standard parser, with document type declarations refused outright
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise PfifError("the file declares a document type or entities, which PFIF never needs") from None
        import xml.etree.ElementTree as SafeTree
    try:
        return SafeTree.fromstring(data)
    except Exception as exc:  # ParseError, and defusedxml's refusals of entities and DTDs
        raise PfifError(f"not well-formed or unsafe XML: {exc}") from exc


def _records(root: Any) -> tuple[str, list[dict[str, str]], list[dict[str, str]]]:
    """(namespace, person records, note records); nested notes get their person's record id."""
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace not in READABLE_NAMESPACES or root.tag != f"{{{namespace}}}pfif":
        raise PfifError(f"the root element is {root.tag!r}, not a PFIF 1.2–1.4 <pfif:pfif> document")

    def fields(element: Any) -> dict[str, str]:
        out = {}
        for child in element:
            name = child.tag.split("}")[-1]
            if name != "note" and child.tag.startswith(f"{{{namespace}}}"):
                out[name] = (child.text or "").strip()
        return out

    people, notes = [], []
    for element in root:
        name = element.tag.split("}")[-1]
        if name == "person":
            person = fields(element)
            people.append(person)
            for note_element in element.findall(f"{{{namespace}}}note"):
                note = fields(note_element)
                note["person_record_id"] = note.get("person_record_id") or person.get("person_record_id", "")
                notes.append(note)
        elif name == "note":
            notes.append(fields(element))
    return namespace, people, notes


def pfif_problems(data: bytes, check_order: bool = True) -> list[str]:
    """Where a PFIF 1.4 document breaks the format's rules (required fields, ids, statuses, dates, order)."""
    root = _parse_xml(data)
    namespace, people, notes = _records(root)
    problems = [] if namespace == NS else [f"namespace {namespace} is not PFIF 1.4"]
    for kind, records, required, order in (
        ("person", people, PERSON_REQUIRED, PERSON_FIELDS),
        ("note", notes, NOTE_REQUIRED, NOTE_FIELDS),
    ):
        for i, record in enumerate(records):
            where = f"{kind} {record.get(f'{kind}_record_id') or i + 1}"
            problems += [f"{where}: missing {f}" for f in required if not record.get(f)]
            problems += [f"{where}: unknown field {f}" for f in record if f not in order]
            for key in ("person_record_id", "note_record_id", "linked_person_record_id"):
                if record.get(key) and not RECORD_ID.match(record[key]):
                    problems.append(f"{where}: {key} is not of the form domain/unique-id")
            for key in ("entry_date", "source_date", "expiry_date"):
                if record.get(key) and not UTC_DATE.match(record[key]):
                    problems.append(f"{where}: {key} is not a UTC date YYYY-MM-DDTHH:MM:SSZ")
            if kind == "note" and record.get("status") and record["status"] not in STATUSES:
                problems.append(f"{where}: status is not one of {', '.join(STATUSES)}")
            if kind == "person" and record.get("sex") and record["sex"] not in SEXES:
                problems.append(f"{where}: sex is not one of {', '.join(SEXES)}")
    if check_order:
        problems += _order_problems(root)
    return problems


def _order_problems(root: Any) -> list[str]:
    problems = []
    for element in root.iter():
        name = element.tag.split("}")[-1]
        order = {"person": PERSON_FIELDS, "note": NOTE_FIELDS}.get(name)
        if order is None:
            continue
        seen = [c.tag.split("}")[-1] for c in element if c.tag.split("}")[-1] in order]
        if seen != sorted(seen, key=order.index):
            problems.append(f"{name}: fields are not in PFIF 1.4 order")
    return problems

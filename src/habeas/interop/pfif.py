"""PFIF 1.4 (People Finder Interchange Format): export people with their timelines as notes, and import PFIF.

Export: one ``person`` record per person, one ``note`` per event in effect on their timeline
(corrections applied), and one note saying where the record puts the person on the export's
as-of day. Every note is written in sentences for people to read; PFIF has no field for
habeas's structured facts and machine data in public text is noise to every other system,
so none is written (``habeas export --format casefile`` carries everything between habeas
installations). A note's ``status`` is only what the record supports:

- ``believed_dead`` for a death, and on the whereabouts note of a person recorded as dead;
- ``believed_alive`` for an event that proves the person alive (it needed them there in body
  and is not resting only on unverified sources or on the detaining authority's word about a
  whole cohort: :func:`habeas.domain.whereabouts.vouching`);
- ``information_sought`` for an inquiry;
- ``believed_missing`` on the whereabouts note when the person is held by another state, of
  unknown whereabouts, or removed (not to a country of their citizenship) with nothing recorded
  after, and the proof-of-life clock is certainly past its threshold (``missing_after_days``:
  the ``no_proof_of_life`` rule's ``critical_days``);
- never ``is_note_author``: habeas writes the notes, never the person they are about.

Every date comes from the records: a note's ``entry_date`` is when habeas stored the event
(its import time in the database), else when it became known; ``source_date`` is when it
became known; the whereabouts note is dated on the as-of day. Two exports of the same records
as of the same day are byte-identical. A person's ``date_of_birth`` is finer than the year only
in an export with the sensitive fields.

Import: PFIF from any repository. A note becomes an event only where a habeas event kind
says the same thing: a note written by the person (``is_note_author``) is a proof of life;
a note whose author had direct contact is a direct ``contact``. Beliefs (missing, alive,
dead) and requests for information have no event kind and are reported as left out,
with the record ids and field names, never their values; the file itself is recorded as
the source of everything imported, with its SHA-256, so nothing is lost. Files written by
earlier versions of habeas, whose notes ended in a ``habeas-event:`` line of JSON, still
import to the same timeline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape

from habeas.domain.model import Cohort, Event, Person, Source
from habeas.domain.timeline import build_timeline
from habeas.domain.vocabulary import Custody, Kind
from habeas.domain.whereabouts import TRANSITIONS, Vouching, Whereabouts, derive_whereabouts, vouching
from habeas.ingest.casefile import CaseFile
from habeas.reports.words import country_name, describe, range_words, value_words

NS = "http://zesty.ca/pfif/1.4"
READABLE_NAMESPACES = ("http://zesty.ca/pfif/1.4", "http://zesty.ca/pfif/1.3", "http://zesty.ca/pfif/1.2")
DEFAULT_DOMAIN = "habeas.invalid"
DEFAULT_AUTHOR = "habeas"
# The no_proof_of_life rule's default critical_days: past it, silence out of US custody reads as missing.
DEFAULT_MISSING_AFTER_DAYS = 30.0

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
# What habeas exports before this version ended each note with; the importer still reads them.
EVENT_TRAILER, PERSON_TRAILER = "habeas-event: ", "habeas-person: "
_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Where silence past the threshold reads as missing (a removal only when not to a country of citizenship).
_MISSING_CUSTODY = frozenset({Custody.FOREIGN_CUSTODY, Custody.UNKNOWN, Custody.REMOVED})


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


@dataclass(frozen=True)
class _Export:
    domain: str
    author_name: str
    source_name: str
    as_of: date
    missing_after_days: float
    include_sensitive: bool


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


def _description(person: Person, cohorts: Mapping[str, Cohort], include_sensitive: bool) -> str:
    """What habeas knows about the person beyond the name, in sentences."""
    countries = ", ".join(country_name(code) for code in person.citizenships)
    described = [f"Citizenship: {countries}."] if countries else []
    if person.unaccompanied:
        described.append("Recorded as an unaccompanied child (6 U.S.C. 279(g)(2)).")
    named = [cohorts[c].name or c if c in cohorts else c for c in person.cohorts]
    if named:
        described.append(f"Listed with: {'; '.join(named)}.")
    if include_sensitive:
        birth = person.birth_date
        if birth is not None and not birth.exact:
            described.append(f"Date of birth as recorded: {birth.text or birth} ({range_words(birth)}).")
        described += [f"{value_words(k).capitalize()}: {v}." for k, v in sorted(person.identifiers.items())]
        described += [f"{value_words(k).capitalize()}: {value_words(v)}." for k, v in sorted(person.sensitive.items())]
    return "\n".join(described)


def _person_record(person: Person, cohorts: Mapping[str, Cohort], entered: str, ctx: _Export) -> dict[str, str]:
    return {
        "person_record_id": f"{ctx.domain}/person.{person.id}",
        "entry_date": entered,
        "author_name": ctx.author_name,
        "source_name": ctx.source_name,
        "source_date": entered,
        "full_name": person.name or f"(name not recorded; habeas id {person.id})",
        "alternate_names": "\n".join(person.aliases),
        "description": _description(person, cohorts, ctx.include_sensitive),
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


def event_status(event: Event, sources: Mapping[str, Source]) -> str:
    """The PFIF status an event's note supports: what the event itself shows, or nothing."""
    if event.kind == Kind.DIED:
        return "believed_dead"
    if vouching(event, sources) is Vouching.PROOF:
        return "believed_alive"
    if event.kind == Kind.INQUIRY:
        return "information_sought"
    return ""


def whereabouts_status(whereabouts: Whereabouts, person: Person, missing_after_days: float) -> str:
    """The PFIF status of the whereabouts note: dead, missing past the threshold, or nothing to say."""
    if whereabouts.custody is Custody.DECEASED:
        return "believed_dead"
    if whereabouts.custody not in _MISSING_CUSTODY or not whereabouts.clock_running:
        return ""
    if whereabouts.custody is Custody.REMOVED and whereabouts.country in person.citizenships:
        return ""  # removed home: the rule asks to confirm the arrival, which is not the same as missing
    days = whereabouts.days_without_proof_of_life
    return "believed_missing" if days is not None and days.min > missing_after_days else ""


def _entered(event: Event, sources: Mapping[str, Source]) -> str:
    """When habeas stored the event; else when it became known; else the last day it may have happened."""
    if event.recorded is not None:
        return utc(event.recorded)
    return utc(event.known_from(sources) or event.date.latest)


def _note_record(person: Person, event: Event, sources: Mapping[str, Source], ctx: _Export) -> dict[str, str]:
    what, where = describe(event, {})
    lines = [f"{event.date.text or event.date}: {what}." + (f" Where: {where}." if where else "")]
    for sid in event.sources:
        s = sources.get(sid)
        if s is not None:
            cited = ", ".join(x for x in (s.title, s.publisher, s.date.text if s.date else None, s.url) if x)
            lines.append(f"Source: {cited}." + (" (Unverified.)" if s.reliability == "unverified" else ""))
    if ctx.include_sensitive and event.note:
        lines.append(f"Note: {event.note}")
    known = event.known_from(sources)
    return {
        "note_record_id": f"{ctx.domain}/note.{person.id}.{event.id}",
        "person_record_id": f"{ctx.domain}/person.{person.id}",
        "entry_date": _entered(event, sources),
        "author_name": ctx.author_name,
        "source_date": utc(known) if known else _entered(event, sources),
        "status": event_status(event, sources),
        "last_known_location": where if event.kind in TRANSITIONS else "",
        "text": "\n".join(lines),
    }


_CUSTODY_WORDS = {
    Custody.US_CUSTODY: "held in US custody",
    Custody.FOREIGN_CUSTODY: "held in the custody of another state",
    Custody.REMOVED: "removed from the United States, with nothing recorded about them since",
    Custody.RELEASED: "released from custody",
    Custody.DECEASED: "recorded as dead",
    Custody.UNKNOWN: "of unknown whereabouts (no custody event on record)",
}


def _whereabouts_text(whereabouts: Whereabouts, status: str, ctx: _Export) -> str:
    place = ", ".join(p for p in (whereabouts.facility, country_name(whereabouts.country)) if p)
    since = f" since {range_words(whereabouts.since)}" if whereabouts.since else ""
    lines = [
        f"Whereabouts on {ctx.as_of.isoformat()}, as the record shows them: "
        f"{_CUSTODY_WORDS[whereabouts.custody]}" + (f" ({place})" if place else "") + f"{since}."
    ]
    if whereabouts.last_proof_of_life is None:
        lines.append("No proof of life is on record.")
    else:
        days = whereabouts.days_without_proof_of_life
        lines.append(
            f"Last proof of life: {range_words(whereabouts.last_proof_of_life)}"
            + (f", {days} days before." if days is not None else ".")
        )
    if status == "believed_missing":
        lines.append(
            f"Held out of US custody or of unknown whereabouts with no proof of life for more than "
            f"{ctx.missing_after_days:g} days: believed missing."
        )
    return "\n".join(lines)


def _whereabouts_note(person: Person, whereabouts: Whereabouts, ctx: _Export) -> dict[str, str]:
    status = whereabouts_status(whereabouts, person, ctx.missing_after_days)
    place = ", ".join(p for p in (whereabouts.facility, country_name(whereabouts.country)) if p)
    return {
        # "whereabouts." never begins an event's note id ("note."), so the two cannot collide.
        "note_record_id": f"{ctx.domain}/whereabouts.{person.id}.{ctx.as_of.isoformat()}",
        "person_record_id": f"{ctx.domain}/person.{person.id}",
        "entry_date": utc(ctx.as_of),
        "author_name": ctx.author_name,
        "source_date": utc(ctx.as_of),
        "status": status,
        "last_known_location": place,
        "text": _whereabouts_text(whereabouts, status, ctx),
    }


def export_pfif(
    casefile: CaseFile,
    *,
    as_of: date,
    domain: str = DEFAULT_DOMAIN,
    author_name: str = DEFAULT_AUTHOR,
    source_name: str | None = None,
    missing_after_days: float = DEFAULT_MISSING_AFTER_DAYS,
    include_sensitive: bool = False,
) -> bytes:
    """PFIF 1.4 XML for every person in ``casefile``, their whereabouts taken on ``as_of``.

    ``domain`` names the repository in record ids; ``author_name`` and ``source_name`` (by default
    the author's) are the names the notes and person records give (the ``[pfif]`` settings).
    """
    if not RECORD_ID.match(f"{domain}/x"):
        raise PfifError(f"{domain!r} is not a domain name; PFIF record ids are domain/unique-id")
    ctx = _Export(domain, author_name, source_name or author_name, as_of, missing_after_days, include_sensitive)
    sources = {s.id: s for s in casefile.sources}
    cohorts = {c.id: c for c in casefile.cohorts}
    people = []
    for person in casefile.people:
        timeline = build_timeline(person, casefile.events, sources)
        records = [_note_record(person, e, sources, ctx) for e in timeline.events]
        if timeline.events:
            records.append(_whereabouts_note(person, derive_whereabouts(timeline, as_of), ctx))
        # The person entered habeas with their first event; with none, on the as-of day.
        entered = min((r["entry_date"] for r in records), default=utc(as_of))
        notes = "\n".join(_element("note", NOTE_FIELDS, r, "    ") for r in records)
        people.append(_element("person", PERSON_FIELDS, _person_record(person, cohorts, entered, ctx), "  ", notes))
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
            for key, pattern, form in _FORMATS:
                if record.get(key) and not pattern.match(record[key]):
                    problems.append(f"{where}: {key} is not {form}")
    problems += _structure_problems(root, namespace)
    if check_order:
        problems += _order_problems(root)
    return problems


_FORMATS = (
    ("author_made_contact", re.compile(r"^(true|false)$"), "true or false"),
    ("date_of_birth", re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$"), "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("age", re.compile(r"^\d+(-\d+)?$"), "a whole number or a range N-M"),
)


def _structure_problems(root: Any, namespace: str) -> list[str]:
    """Elements PFIF does not define, repeated fields, duplicate ids, and notes filed under another person."""
    problems: list[str] = []
    allowed = {"pfif": ("person", "note"), "person": (*PERSON_FIELDS, "note"), "note": NOTE_FIELDS}
    seen_ids: dict[str, set[str]] = {"person": set(), "note": set()}
    for element in root.iter():
        kind = element.tag.split("}")[-1]
        if not element.tag.startswith(f"{{{namespace}}}") or kind not in allowed:
            continue
        names = [c.tag.split("}")[-1] if c.tag.startswith(f"{{{namespace}}}") else c.tag for c in element]
        problems += [f"{kind}: element {n} is not part of PFIF 1.4" for n in names if n not in allowed[kind]]
        repeated = sorted({n for n in names if names.count(n) > 1 and n not in ("person", "note")})
        problems += [f"{kind}: field {n} is given more than once" for n in repeated]
        if kind in seen_ids:
            ident = (element.findtext(f"{{{namespace}}}{kind}_record_id") or "").strip()
            if ident and ident in seen_ids[kind]:
                problems.append(f"{kind} {ident}: the record id is used more than once")
            seen_ids[kind].add(ident)
        if kind == "person":
            own = (element.findtext(f"{{{namespace}}}person_record_id") or "").strip()
            for note in element.findall(f"{{{namespace}}}note"):
                filed = (note.findtext(f"{{{namespace}}}person_record_id") or "").strip()
                if filed and filed != own:
                    problems.append(f"note {note.findtext(f'{{{namespace}}}note_record_id')}: filed under {own}")
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

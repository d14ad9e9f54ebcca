"""FollowTheMoney entities (people, events, facilities, agencies, sources, flags) for Aleph-family tools, as JSON lines.

Mapping: a person is a ``Person`` (every country of citizenship as both ``citizenship`` and
``nationality``; the day of birth only with the sensitive fields, the year otherwise); every
event (hearings, removals, corrections and the events corrections put in their place) is an
``Event`` whose ``involved`` are the people it happened to and whose ``proof`` are its
sources; its ``date`` is an FtM partial date (``2025-03-16``, ``2025-03``, ``2025``): the
narrowest that holds every day the recorded date may be, never a start and end that would
read as a duration. A facility or an agency an event names is an ``Organization`` (one per
name), linked from the event: the arresting agency as ``organizer``, facilities and the
authority a person was handed to as ``involved``. An event a correction superseded carries
the keyword ``superseded`` and an ``UnknownLink`` from the correction (role ``supersedes``).
A published source is an ``Article``, any other a ``Document``; ``Documentation`` links each
source to each person it documents; a flag is a ``Note`` on the person. Entity ids are
derived from habeas ids (and an organization's from its name), so the same records always
give the same entities.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id

from habeas.domain.dates import DateRange
from habeas.domain.model import Event, Person, Source
from habeas.domain.timeline import replacement_event
from habeas.domain.vocabulary import KIND_BY_NAME, Kind
from habeas.ingest.casefile import CaseFile
from habeas.reports.words import describe, value_words

PUBLISHED_KINDS = frozenset({"article", "broadcast", "government_statement"})
# Event fields that name a country, in the order they are looked for.
_COUNTRY_FIELDS = ("country", "destination")
# Event fields that name a facility or an agency: the Event property linking to it, and what it is.
ORGANIZATION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("agency", "organizer", "agency"),
    ("to", "involved", "agency"),
    ("facility", "involved", "detention facility"),
    ("from_facility", "involved", "detention facility"),
)
SUPERSEDED = "superseded"


def entity_id(kind: str, habeas_id: str) -> str:
    """A stable FtM id for a habeas record: the same record always gets the same id."""
    return f"habeas-{kind}-{make_entity_id(kind, habeas_id)}"


def _entity(schema: str, kind: str, habeas_id: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id(kind, habeas_id)
    return entity


def _add(entity: EntityProxy, prop: str, values: Any) -> None:
    """Add values; a property the schema lacks is an error here, not a silent drop."""
    entity.add(prop, values, quiet=False)


def partial_date(value: DateRange) -> str | None:
    """The narrowest FtM partial date holding every day ``value`` may be: a day, a month or a year.

    None for a date that may fall in several years: FtM has no partial date for it, and a start
    and end date would say the event lasted that long.
    """
    first, last = value.earliest, value.latest
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return first.strftime("%Y-%m")
    if first.year == last.year:
        return str(first.year)
    return None


def _recorded_date_words(value: DateRange) -> str | None:
    """The date as recorded, in words, when the partial date says less than the record does."""
    shown = partial_date(value)
    text = value.text or str(value)
    if shown == text:
        return None
    return f"Date as recorded: {text} (between {value.earliest.isoformat()} and {value.latest.isoformat()})."


def _add_dates(entity: EntityProxy, value: DateRange | None, single: str = "date") -> None:
    """A date as an FtM partial date (a day, month or year); a range over several years is left out."""
    if value is not None:
        _add(entity, single, partial_date(value))


def person_entity(person: Person, include_sensitive: bool) -> EntityProxy:
    entity = _entity("Person", "person", person.id)
    _add(entity, "name", person.name or person.id)
    _add(entity, "alias", list(person.aliases))
    _add(entity, "citizenship", list(person.citizenships))
    _add(entity, "nationality", list(person.citizenships))
    _add(entity, "gender", person.gender)
    _add(entity, "birthDate", _birth_date(person, include_sensitive))
    _add(entity, "keywords", list(person.cohorts))
    if include_sensitive:
        _add(entity, "idNumber", [str(v) for v in person.identifiers.values()])
        notes = [f"{value_words(k)}: {value_words(v)}" for k, v in sorted(person.sensitive.items())]
        _add(entity, "notes", notes)
    return entity


def _birth_date(person: Person, include_sensitive: bool) -> str | None:
    """The day of birth when it is known to the day (with the sensitive fields only); else the year of birth.

    A birth date says who a person is, as a name does: its day leaves with what only counsel sees,
    and the year (what ``birth_year`` already says) otherwise.
    """
    birth = person.birth_date
    if birth is not None and birth.exact and include_sensitive:
        return birth.earliest.isoformat()
    if person.birth_year:
        return str(person.birth_year)
    if birth is not None and birth.earliest.year == birth.latest.year:
        return str(birth.earliest.year)
    return None  # a range over several years is left out, not guessed


def source_entity(source: Source) -> EntityProxy:
    published = source.kind in PUBLISHED_KINDS
    entity = _entity("Article" if published else "Document", "source", source.id)
    _add(entity, "title", source.title or source.id)
    _add(entity, "name", source.title or source.id)
    if not published:
        # FtM requires a file name on a Document; the habeas id names the record when no file is attached.
        _add(entity, "fileName", source.url.rstrip("/").rsplit("/", 1)[-1] if source.url else source.id)
    _add(entity, "publisher", source.publisher)
    _add(entity, "sourceUrl", source.url)
    _add_dates(entity, source.date, "publishedAt")
    _add(entity, "keywords", [source.kind, *([source.reliability] if source.reliability else [])])
    if source.sha256:
        # Not contentHash: Aleph reads that as the SHA-1 of a file in its own archive.
        _add(entity, "notes", f"SHA-256 of the attached file: {source.sha256}")
    return entity


def organization_key(name: str) -> str:
    """The same facility or agency however it is spaced or capitalised: one entity per name."""
    return " ".join(name.split()).casefold()


def event_organizations(event: Event) -> Iterator[tuple[str, str, str]]:
    """(property, name, what it is) for each facility or agency the event names."""
    for field, prop, role in ORGANIZATION_FIELDS:
        name = event.get(field)
        if isinstance(name, str) and name.strip():
            yield prop, " ".join(name.split()), role


def event_entity(
    event: Event, involved: Sequence[str], include_sensitive: bool, remark: str = "", superseded: bool = False
) -> EntityProxy:
    entity = _entity("Event", "event", event.id)
    what, where = describe(event, {})
    _add(entity, "name", what)
    spec = KIND_BY_NAME.get(event.kind)
    _add(entity, "summary", spec.description if spec else event.kind)
    described = [x for x in (remark, _recorded_date_words(event.date)) if x]
    _add(entity, "description", " ".join(described) or None)
    _add(entity, "keywords", [event.kind, *([SUPERSEDED] if superseded else [])])
    _add(entity, "recordId", event.id)
    _add_dates(entity, event.date)
    _add(entity, "location", where or None)
    _add(entity, "country", [event.get(f) for f in _COUNTRY_FIELDS if event.get(f)])
    _add(entity, "involved", [entity_id("person", pid) for pid in involved])
    for prop, name, _role in event_organizations(event):
        _add(entity, prop, entity_id("organization", organization_key(name)))
    _add(entity, "proof", [entity_id("source", sid) for sid in event.sources])
    if include_sensitive and event.note:
        _add(entity, "notes", event.note)
    return entity


def organization_entities(events: Iterable[Event]) -> list[EntityProxy]:
    """One ``Organization`` for each facility or agency the events name, in order of first mention."""
    found: dict[str, EntityProxy] = {}
    for event in events:
        for _prop, name, role in event_organizations(event):
            key = organization_key(name)
            entity = found.get(key)
            if entity is None:
                entity = found[key] = _entity("Organization", "organization", key)
                _add(entity, "name", name)
            if name not in entity.get("name"):
                _add(entity, "alias", name)
            if role not in entity.get("classification"):
                _add(entity, "classification", role)
            if role == "detention facility" and event.get("facility") == name and event.get("facility_code"):
                _add(entity, "idNumber", str(event.get("facility_code")))
            if event.get("country") and role == "detention facility":
                _add(entity, "country", event.get("country"))
    return list(found.values())


def supersession_entity(correction: Event, superseded_id: str) -> EntityProxy:
    """The link from a correction to the event it superseded, for tools that read relations, not prose."""
    entity = _entity("UnknownLink", "supersedes", f"{correction.id}:{superseded_id}")
    _add(entity, "subject", entity_id("event", correction.id))
    _add(entity, "object", entity_id("event", superseded_id))
    _add(entity, "role", "supersedes")
    _add(entity, "recordId", correction.id)
    _add(entity, "summary", str(correction.get("reason")) if correction.get("reason") else None)
    _add_dates(entity, correction.date)
    return entity


def flag_entity(flag: Mapping[str, Any]) -> EntityProxy:
    key = f"{flag.get('person')}:{flag.get('rule')}:{flag.get('as_of')}:{','.join(flag.get('evidence', ()))}"
    entity = _entity("Note", "flag", key)
    _add(entity, "name", str(flag.get("title") or flag.get("rule")))
    _add(entity, "description", str(flag.get("explanation", "")) or None)
    _add(entity, "summary", f"Legal basis: {flag['legal_basis']}" if flag.get("legal_basis") else None)
    _add(entity, "keywords", [str(flag[k]) for k in ("rule", "severity", "certainty") if flag.get(k)])
    _add(entity, "entity", entity_id("person", str(flag["person"])))
    _add(entity, "proof", [entity_id("source", sid) for sid in flag.get("sources", ())])
    return entity


def documentation_entity(source_id: str, person_id: str) -> EntityProxy:
    entity = _entity("Documentation", "documentation", f"{source_id}:{person_id}")
    _add(entity, "document", entity_id("source", source_id))
    _add(entity, "entity", entity_id("person", person_id))
    _add(entity, "role", "source of events in the person's timeline")
    return entity


def _events_with_replacements(events: Iterable[Event]) -> Iterator[tuple[Event, str, bool]]:
    """Every event with a remark and whether a correction superseded it; each replacement as an event of its own."""
    events = list(events)
    by_id = {e.id: e for e in events}
    corrections = {e.get("supersedes"): e for e in events if e.kind == Kind.CORRECTION}
    for event in events:
        correction = corrections.get(event.id)
        reason = str(correction.get("reason") or "").rstrip(".") if correction else ""
        remark = f"Superseded by correction {correction.id}" + (f": {reason}." if reason else ".") if correction else ""
        yield event, remark, correction is not None
        if event.kind != Kind.CORRECTION:
            continue
        # The replacement inherits the person, cohort and sources of what it replaces, as in a timeline.
        replacement = replacement_event(event, by_id.get(event.get("supersedes"), event))
        if replacement is not None:
            yield replacement, f"Replaces {event.get('supersedes')} (correction {event.id}).", False


def ftm_entities(
    casefile: CaseFile, flags: Sequence[Mapping[str, Any]] = (), include_sensitive: bool = False
) -> list[EntityProxy]:
    """The records as FtM entities; sensitive attributes and notes only with ``include_sensitive``."""
    members: dict[str, list[str]] = {}
    for person in casefile.people:
        for cohort in person.cohorts:
            members.setdefault(cohort, []).append(person.id)
    known_sources = {s.id for s in casefile.sources}
    known_events = {e.id for e in casefile.events}
    entities = [person_entity(p, include_sensitive) for p in casefile.people]
    entities += [source_entity(s) for s in casefile.sources]
    documented: dict[tuple[str, str], None] = {}
    exported: list[Event] = []
    for event, remark, superseded in _events_with_replacements(casefile.events):
        involved = [event.person] if event.person else members.get(event.cohort or "", [])
        entities.append(event_entity(event, involved, include_sensitive, remark, superseded))
        exported.append(event)
        documented.update({(s, p): None for s in event.sources if s in known_sources for p in involved})
    entities += organization_entities(exported)
    entities += [
        supersession_entity(e, str(e.get("supersedes")))
        for e in casefile.events
        if e.kind == Kind.CORRECTION and e.get("supersedes") in known_events
    ]
    entities += [documentation_entity(s, p) for s, p in documented]
    entities += [flag_entity(f) for f in flags]
    return entities


def write_ftm(entities: Iterable[EntityProxy], out: IO[str]) -> int:
    """Write entities as FtM JSON lines (one ``{"id", "schema", "properties"}`` object a line)."""
    count = 0
    for entity in entities:
        out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count

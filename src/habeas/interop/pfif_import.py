"""Read PFIF 1.2–1.4 files into habeas records (see habeas.interop.pfif for what maps to what)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from habeas.domain.codec import event_from_written
from habeas.domain.dates import parse_date
from habeas.domain.model import Cohort, Event, Person, Source
from habeas.domain.schema import ID_PATTERN
from habeas.domain.vocabulary import Kind
from habeas.ingest.casefile import CaseFile
from habeas.interop.pfif import DEFAULT_DOMAIN, EVENT_TRAILER, PERSON_TRAILER, SEXES, PfifError, _parse_xml, _records

_ID = re.compile(ID_PATTERN)
# The person fields the importer reads; every other field is reported as left out.
PERSON_FIELDS_READ = frozenset(
    {"person_record_id", "full_name", "given_name", "family_name", "first_name", "last_name", "alternate_names",
     "sex", "date_of_birth", "source_name", "source_url", "source_date", "entry_date"}
)  # fmt: skip
NOTE_FIELDS_READ = frozenset(
    {"note_record_id", "person_record_id", "status", "author_made_contact", "source_date", "entry_date", "text",
     "last_known_location"}
)  # fmt: skip


@dataclass
class PfifImport:
    """Records read from PFIF files, and what was left out, named by record id and field (never by value)."""

    casefile: CaseFile = field(default_factory=CaseFile)
    left_out: list[str] = field(default_factory=list)


def local_id(record_id: str, home_domain: str, kind: str) -> str:
    """A habeas id for a PFIF record id: habeas's own ids come back as they were; others keep their domain."""
    own = f"{home_domain}/{kind}."
    if record_id.startswith(own) and _ID.match(record_id[len(own) :]):
        return record_id[len(own) :]
    candidate = re.sub(r"[^A-Za-z0-9._:-]", "-", record_id.replace("/", ":"))
    if _ID.match(candidate):
        return candidate
    return f"pfif-{hashlib.sha256(record_id.encode()).hexdigest()[:24]}"


def _trailer(text: str, prefix: str) -> dict[str, Any] | None:
    for line in reversed(text.splitlines()):
        if line.startswith(prefix):
            try:
                data = json.loads(line[len(prefix) :])
            except json.JSONDecodeError:
                return None
            return data if isinstance(data, dict) else None
    return None


def _day(value: str | None) -> str | None:
    """The UTC day of a PFIF date, as EDTF text."""
    if value and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _names(record: dict[str, str]) -> tuple[str | None, tuple[str, ...]]:
    # PFIF 1.4 writes a name in several scripts as several lines of full_name.
    full = [line.strip() for line in record.get("full_name", "").splitlines() if line.strip()]
    if not full:
        parts = [record.get(k, "") for k in ("given_name", "family_name", "first_name", "last_name")]
        full = [" ".join(p for p in parts if p)] if any(parts) else []
    alternates = [line.strip() for line in record.get("alternate_names", "").splitlines() if line.strip()]
    return (full[0] if full else None), tuple(dict.fromkeys(full[1:] + alternates))


class _Reader:
    def __init__(self, home_domain: str, result: PfifImport) -> None:
        self.home_domain = home_domain
        self.result = result
        self.sources: dict[str, Source] = {}
        self.cohorts: dict[str, Cohort] = {}
        self.events: dict[str, Event] = {}
        self.people: dict[str, str] = {}  # PFIF person record id -> habeas id

    def leave_out(self, where: str, names: list[str], why: str) -> None:
        if names:
            self.result.left_out.append(f"{where}: {', '.join(sorted(names))} {why}")

    def origin(self, record: dict[str, str]) -> str | None:
        """A `document` source for the repository a person record came from, when it names one."""
        name, url = record.get("source_name"), record.get("source_url")
        if not (name or url):
            return None
        ident = "pfif-src-" + hashlib.sha256(f"{name}\n{url}".encode()).hexdigest()[:16]
        day = _day(record.get("source_date"))
        self.sources.setdefault(
            ident,
            Source(ident, "document", title=name or url, url=url, date=parse_date(day) if day else None,
                   reliability="unverified"),
        )  # fmt: skip
        return ident

    def person(self, record: dict[str, str]) -> Person | None:
        record_id = record.get("person_record_id", "")
        if not record_id:
            self.result.left_out.append("a person record without person_record_id was left out")
            return None
        pid = local_id(record_id, self.home_domain, "person")
        self.people[record_id] = pid
        name, aliases = _names(record)
        extra = (
            _trailer(record.get("description", ""), PERSON_TRAILER)
            if record_id.startswith(f"{self.home_domain}/")
            else None
        )
        extra = extra or {}
        for cohort in extra.get("cohorts", []):
            self.cohorts.setdefault(cohort["id"], Cohort(cohort["id"], cohort.get("name")))
        birth = record.get("date_of_birth", "")[:4]
        unread = [k for k, v in record.items() if v and k not in PERSON_FIELDS_READ]
        if extra and "description" in unread:
            unread.remove("description")  # habeas's own description: its facts are in the trailer
        self.leave_out(f"person {record_id}", unread,
                       "not imported (no habeas field holds them)")  # fmt: skip
        return Person(
            id=pid,
            name=name,
            aliases=aliases,
            citizenship=extra.get("citizenship"),
            birth_year=int(birth) if birth.isdigit() else None,
            gender=record.get("sex") if record.get("sex") in SEXES else None,
            cohorts=tuple(c["id"] for c in extra.get("cohorts", [])),
            # A record from elsewhere keeps its PFIF id, to find it again in its repository.
            identifiers=extra.get("identifiers", {}) if extra else {"pfif_person_record_id": record_id},
            sensitive=extra.get("sensitive", {}),
        )

    def note(self, record: dict[str, str], sources: tuple[str, ...]) -> None:
        record_id = record.get("note_record_id") or "(note without note_record_id)"
        person = self.people.get(record.get("person_record_id", ""))
        if person is None:
            self.result.left_out.append(f"note {record_id}: its person is not in the file")
            return
        self.leave_out(f"note {record_id}", [k for k, v in record.items() if v and k not in NOTE_FIELDS_READ],
                       "not imported (no habeas field holds them)")  # fmt: skip
        own = _trailer(record.get("text", ""), EVENT_TRAILER) if record_id.startswith(f"{self.home_domain}/") else None
        try:
            event = self._own_event(own, person, sources) if own else self._mapped(record, record_id, person, sources)
        except (KeyError, ValueError, TypeError) as exc:
            self.result.left_out.append(f"note {record_id}: its habeas event could not be read ({type(exc).__name__})")
            return
        if event is not None:
            self.events.setdefault(event.id, event)

    def _own_event(self, written: dict[str, Any], person: str, sources: tuple[str, ...]) -> Event | None:
        owner = {} if written.get("cohort") else {"person": person}
        return event_from_written({**written, **owner, "sources": list(sources)})

    def _mapped(self, record: dict[str, str], record_id: str, person: str, sources: tuple[str, ...]) -> Event | None:
        status, contact = record.get("status", ""), record.get("author_made_contact") == "true"
        day = _day(record.get("source_date"))
        if day is None:
            self.result.left_out.append(f"note {record_id}: no usable source_date, so no event")
            return None
        attrs: dict[str, Any]
        if status == "is_note_author":
            kind, attrs = Kind.PROOF_OF_LIFE, {"evidence": "other", "by": "the person, in a note they wrote (PFIF)"}
        elif contact:
            kind, attrs = Kind.CONTACT, {"party": "other", "channel": "PFIF note", "direct": True}
        else:
            why = f"status {status}" if status else "no status and no direct contact"
            self.result.left_out.append(f"note {record_id}: {why}: no habeas event kind says this; kept in the source")
            return None
        text = "\n".join(x for x in (record.get("text"), record.get("last_known_location")) if x)
        written = {"id": local_id(record_id, self.home_domain, "note"), "person": person, "kind": kind, "date": day,
                   **attrs, "sources": list(sources), **({"note": text} if text else {})}  # fmt: skip
        return event_from_written(written)


def read_pfif(paths: list[Path], home_domain: str = DEFAULT_DOMAIN) -> PfifImport:
    """Records from PFIF files; each file becomes a `dataset` source with its SHA-256."""
    result = PfifImport()
    reader = _Reader(home_domain, result)
    people: dict[str, Person] = {}
    for path in paths:
        data = path.read_bytes()
        try:
            _namespace, person_records, note_records = _records(_parse_xml(data))
        except PfifError as exc:
            raise PfifError(f"{path}: {exc}") from exc
        digest = hashlib.sha256(data).hexdigest()
        file_source = f"pfif-{digest[:16]}"
        reader.sources.setdefault(
            file_source,
            Source(file_source, "dataset", title=f"PFIF file {path.name}", sha256=digest, reliability="unverified"),
        )
        origins: dict[str, tuple[str, ...]] = {}
        for record in person_records:
            person = reader.person(record)
            if person is not None:
                people.setdefault(person.id, person)
                origin = reader.origin(record)
                origins[record["person_record_id"]] = (file_source, *([origin] if origin else []))
        for record in note_records:
            reader.note(record, origins.get(record.get("person_record_id", ""), (file_source,)))
        result.casefile.files.append(str(path))
    result.casefile.sources.extend(reader.sources.values())
    result.casefile.cohorts.extend(reader.cohorts.values())
    result.casefile.people.extend(people.values())
    result.casefile.events.extend(reader.events.values())
    return result

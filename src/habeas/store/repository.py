"""The repository: domain records in and out of the tables, one session at a time.

Events go in with INSERT only. A person, source or cohort named again by a later
file gains what the file adds (more aliases, a missing field); a value that
contradicts the stored one is a conflict, reported without printing the values.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from sqlalchemy import JSON, Connection, Select, Table, func, insert, or_, select
from sqlalchemy.orm import Session

from habeas.domain.codec import event_from_written, event_to_written
from habeas.domain.dates import DateRange, parse_date
from habeas.domain.ids import canonical_json
from habeas.domain.model import Cohort, Event, Person, Source
from habeas.security.access import Scope
from habeas.security.crypto import FieldContext, Keyring
from habeas.security.search import blind_index, name_tokens, name_words
from habeas.store.tables import (
    CohortRow,
    EventRow,
    EventSourceRow,
    IdentifierIndexRow,
    ImportRow,
    MembershipRow,
    NameTokenRow,
    PersonRow,
    SourceRow,
)

if TYPE_CHECKING:
    from habeas.ingest.casefile import CaseFile  # the reader's output, stored here; read only by the importers


class ConflictError(Exception):
    """Records in the files contradict records already stored; nothing was stored."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportSummary:
    added: dict[str, int] = field(default_factory=lambda: {"sources": 0, "cohorts": 0, "people": 0, "events": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"sources": 0, "cohorts": 0, "people": 0})
    unchanged: int = 0
    import_id: int | None = None

    @property
    def nothing_new(self) -> bool:
        return not any(self.added.values()) and not any(self.updated.values())


def _content_text(event: Event, written: dict[str, Any] | None = None) -> str:
    """What says whether two events with one id are the same fact (``written``: the event's, when at hand).

    The free-text note is left out: an export made without sensitive fields (no notes)
    imports back as the same events. Two different notes on one event are still a conflict.
    """
    written = event_to_written(event) if written is None else written
    return canonical_json({k: v for k, v in written.items() if k != "note"})


def content_sha256(event: Event) -> str:
    """The unkeyed digest that databases made before content digests were keyed hold (read, never written)."""
    return hashlib.sha256(_content_text(event).encode()).hexdigest()


def content_digest(keyring: Keyring, event: Event, written: dict[str, Any] | None = None) -> str:
    """The keyed digest of an event's content, the one stored.

    Keyed, so that someone holding the database but not the key file cannot test a guess of what
    an event says (a correction's replacement note included) against its stored digest.
    """
    return keyring.identity_mac("event-content", _content_text(event, written).encode()).hex()


def _range(text: str | None, earliest: Any, latest: Any) -> DateRange | None:
    if earliest is None:
        return None
    return DateRange(earliest, latest, text or "")


def source_from_row(row: SourceRow) -> Source:
    return Source(
        id=row.id,
        kind=row.kind,
        title=row.title,
        publisher=row.publisher,
        date=_range(row.date_text, row.date_earliest, row.date_latest),
        url=row.url,
        sha256=row.sha256,
        reliability=row.reliability,
        rows=row.rows,
    )


def _split_notes(written: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The written event without its free-text notes, and the notes (encrypted apart)."""
    notes: dict[str, str] = {}
    plain = dict(written)
    if plain.get("note"):
        notes["note"] = plain.pop("note")
    replacement = plain.get("replacement")
    if isinstance(replacement, dict) and replacement.get("note"):
        plain["replacement"] = {k: v for k, v in replacement.items() if k != "note"}
        notes["replacement"] = replacement["note"]
    return plain, notes


def _join_notes(written: dict[str, Any], notes: dict[str, str]) -> dict[str, Any]:
    joined = dict(written)
    if "note" in notes:
        joined["note"] = notes["note"]
    if "replacement" in notes and isinstance(joined.get("replacement"), dict):
        joined["replacement"] = {**joined["replacement"], "note": notes["replacement"]}
    return joined


def event_from_stored(keyring: Keyring, event_id: str, written: dict[str, Any], notes_enc: str | None) -> Event:
    """An event from its stored written form and its sealed notes."""
    notes = json.loads(keyring.decrypt(notes_enc, FieldContext("events", "notes", event_id))) if notes_enc else {}
    return event_from_written(_join_notes(written, notes))


def sealed_files(keyring: Keyring, import_id: int, files: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """An import's file names and digests as one sealed value.

    Which files were imported is provenance, but their names ("hernandez-romero.yaml") and
    digests say who is in the database: they are sealed like names, bound to the import's row.
    """
    if not files:
        return []
    text = json.dumps(list(files), ensure_ascii=False, sort_keys=True)
    return [{"sealed": keyring.encrypt(text, FieldContext("imports", "files", str(import_id)))}]


class StoredIds:
    """Looks ids up in the database as the case-file reader asks for them.

    With ``within``, records outside that scope are answered exactly as records that do not
    exist: a file cannot refer to a person, cohort or event its importer may not reach.
    """

    _TABLES: ClassVar[dict[str, Any]] = {
        "people": PersonRow,
        "sources": SourceRow,
        "cohorts": CohortRow,
        "events": EventRow,
    }

    def __init__(self, session: Session, within: Scope | None = None):
        self.session = session
        self.within = None if within is None or within.all_records else within
        self._cache: dict[tuple[str, str], bool] = {}
        self._reach: dict[tuple[str, str], bool] = {}
        self._members: dict[str, set[str]] = {}  # a stored person's cohorts, read ahead by expect()
        self._owners: dict[str, tuple[str | None, str | None]] = {}  # a stored event's person and cohort, likewise

    def expect(self, section: str, idents: Iterable[str]) -> None:
        """Look these ids up now, a few queries for all of them, before they are asked about one by one.

        Within a scope, what decides whether the stored ones are in reach (a person's cohorts, an
        event's person and cohort) is read with them.
        """
        table = self._TABLES[section]
        wanted = [i for i in dict.fromkeys(idents) if (section, i) not in self._cache]
        stored = stored_among(self.session, table.id, wanted)
        self._cache.update(((section, i), i in stored) for i in wanted)
        if self.within is None:
            return
        for chunk in _chunks(sorted(stored)):
            if section == "people":
                self._members.update((i, set()) for i in chunk)
                query = select(MembershipRow.person_id, MembershipRow.cohort_id).where(
                    MembershipRow.person_id.in_(chunk)
                )
                for person_id, cohort_id in self.session.execute(query):
                    self._members[person_id].add(cohort_id)
            elif section == "events":
                owners = select(EventRow.id, EventRow.person_id, EventRow.cohort_id).where(EventRow.id.in_(chunk))
                self._owners.update((ident, (person, cohort)) for ident, person, cohort in self.session.execute(owners))

    def taken(self, section: str, ident: str) -> bool:
        """Whether any record, in reach or not, has this id."""
        key = (section, ident)
        if key not in self._cache:
            table = self._TABLES[section]
            self._cache[key] = (self.session.scalar(select(func.count()).where(table.id == ident)) or 0) > 0
        return self._cache[key]

    def has(self, section: str, ident: str) -> bool:
        """Whether a record with this id exists and is in reach."""
        if not self.taken(section, ident):
            return False
        if self.within is None or section == "sources":
            return True
        key = (section, ident)
        if key not in self._reach:
            self._reach[key] = self._in_reach(section, ident, self.within)
        return self._reach[key]

    def _in_reach(self, section: str, ident: str, within: Scope) -> bool:
        if section == "cohorts":
            return ident in within.cohorts
        if section == "people":
            return ident in within.people or bool(self._cohorts_of(ident) & within.cohorts)
        if ident not in self._owners:
            query = select(EventRow.person_id, EventRow.cohort_id).where(EventRow.id == ident)
            person, cohort = self.session.execute(query).one()
            self._owners[ident] = (person, cohort)
        person, cohort = self._owners[ident]
        return (cohort is not None and cohort in within.cohorts) or (person is not None and self.has("people", person))

    def _cohorts_of(self, person_id: str) -> set[str]:
        if person_id not in self._members:
            query = select(MembershipRow.cohort_id).where(MembershipRow.person_id == person_id)
            self._members[person_id] = set(self.session.scalars(query))
        return self._members[person_id]


def _merge(kind: str, ident: str, row: Any, values: dict[str, Any], problems: list[str]) -> bool:
    """Fill what the stored row lacks, union lists; report contradictions by field name only."""
    changed = False
    for name, new in values.items():
        old = getattr(row, name)
        if new in (None, [], {}) or old == new:
            continue
        if old in (None, [], {}):
            setattr(row, name, new)
            changed = True
        elif isinstance(old, list):
            added = [v for v in new if v not in old]
            if added:
                setattr(row, name, old + added)
                changed = True
        elif isinstance(old, dict):
            clash = [k for k in new if k in old and old[k] != new[k]]
            if clash:
                problems.append(f"{kind} {ident!r}: {', '.join(clash)} in `{name}` differ from the stored record")
            else:
                setattr(row, name, {**old, **new})
                changed = True
        else:
            problems.append(f"{kind} {ident!r}: `{name}` differs from the stored record")
    return changed


class Repository:
    """Reads and writes one session; every sensitive field passes through the keyring."""

    def __init__(self, session: Session, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    # -- encryption --------------------------------------------------------------

    def _seal(self, table: str, column: str, row_id: str, value: Any) -> str | None:
        if value in (None, "", [], {}):
            return None
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return self.keyring.encrypt(text, FieldContext(table, column, row_id))

    def _open(self, table: str, column: str, row_id: str, envelope: str | None, empty: Any = None) -> Any:
        if envelope is None:
            return empty
        return json.loads(self.keyring.decrypt(envelope, FieldContext(table, column, row_id)))

    def event_from_row(self, row: EventRow) -> Event:
        recorded = row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(tzinfo=UTC)
        return replace(event_from_stored(self.keyring, row.id, row.written, row.notes_enc), recorded=recorded)

    # -- writing -----------------------------------------------------------------

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """A larger SQLite page cache while an import writes and commits (the connection's own is restored after).

        An import of 10,000 people adds half a million index entries at places spread over the
        indexes (event ids, name tokens); with SQLite's default 2 MiB cache each of them reads
        its pages again. PostgreSQL's cache is the server's: nothing changes there.
        """
        connection = self.session.connection()
        if connection.dialect.name != "sqlite":
            yield
            return
        dbapi = connection.connection.dbapi_connection  # outlives the session's hold on it (commit ends that)
        assert dbapi is not None
        before = dbapi.execute("PRAGMA cache_size").fetchone()[0]
        dbapi.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            dbapi.execute(f"PRAGMA cache_size={int(before)}")

    def add_casefile(self, casefile: CaseFile, actor: str, files: Sequence[dict[str, str]]) -> ImportSummary:
        """Stage every record of ``casefile``; the caller commits, or rolls back on ConflictError.

        New people, their index rows and memberships, and new events go in as bulk inserts
        (executemany), built in memory; records already stored are merged one by one, as before.
        """
        summary = ImportSummary()
        problems: list[str] = []
        batch = ImportRow(recorded_at=datetime.now(UTC), actor=actor, files=[])
        self.session.add(batch)
        self.session.flush()
        batch.files = sealed_files(self.keyring, batch.id, files)
        self._load(SourceRow, [s.id for s in casefile.sources])
        self._load(CohortRow, [c.id for c in casefile.cohorts])
        for source in casefile.sources:
            self._put(SourceRow, "source", source.id, _source_values(source), batch.id, summary, "sources", problems)
        for cohort in casefile.cohorts:
            values = {"name": cohort.name, "description": cohort.description}
            self._put(CohortRow, "cohort", cohort.id, values, batch.id, summary, "cohorts", problems)
        self.session.flush()
        self._put_people(casefile.people, batch.id, summary, problems)
        self._add_events(casefile.events, batch.id, summary, problems)
        if problems:
            raise ConflictError(problems)
        if summary.nothing_new:
            self.session.delete(batch)
        else:
            summary.import_id = batch.id
        self.session.flush()
        return summary

    def _load(self, table: Any, ids: Sequence[str]) -> set[str]:
        """Read the stored rows among ``ids`` into the session in a few queries; their ids."""
        found = stored_among(self.session, table.id, ids)
        for chunk in _chunks(sorted(found)):
            self.session.scalars(select(table).where(table.id.in_(chunk))).all()
        return found

    def _put_people(self, people: Sequence[Person], import_id: int, summary: ImportSummary,
                    problems: list[str]) -> None:  # fmt: skip
        """New people in bulk (sealed fields, index rows, memberships); stored ones merged one at a time."""
        stored = self._load(PersonRow, [p.id for p in people])
        members = self._stored_memberships(sorted(stored))  # only a stored person can have stored memberships
        fresh: dict[str, Person] = {}
        later: list[Person] = []
        for person in people:
            if person.id in stored or person.id in fresh:
                later.append(person)  # merged into the stored (or just inserted) row, as a later file would be
            else:
                fresh[person.id] = person
        added = [(p.id, c) for p in fresh.values() for c in dict.fromkeys(p.cohorts) if (p.id, c) not in members]
        members.update(added)
        self._insert_people(list(fresh.values()), import_id)
        summary.added["people"] += len(fresh)
        for person in later:
            merged = self._put_person(person, import_id, summary, problems)
            joined = [(person.id, c) for c in dict.fromkeys(person.cohorts) if (person.id, c) not in members]
            members.update(joined)
            added += joined
            if joined and merged == "unchanged":
                # A new cohort membership changes who may read the person: it is a change, never "nothing new".
                summary.unchanged -= 1
                summary.updated["people"] += 1
        self.session.flush()
        self._insert(MembershipRow, [{"person_id": pid, "cohort_id": cohort} for pid, cohort in added])

    def _stored_memberships(self, person_ids: Sequence[str]) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for chunk in _chunks(list(dict.fromkeys(person_ids))):
            query = select(MembershipRow.person_id, MembershipRow.cohort_id).where(MembershipRow.person_id.in_(chunk))
            found.update((pid, cohort) for pid, cohort in self.session.execute(query))
        return found

    def _insert(self, table: Any, rows: list[dict[str, Any]], serialized: Collection[str] = ()) -> None:
        """One executemany INSERT in the session's transaction (``serialized``: JSON columns given as their text)."""
        if rows:
            insert_many(self.session.connection(), table.__table__, rows, serialized)

    def _insert_people(self, people: Sequence[Person], import_id: int) -> None:
        rows, identifiers, tokens = [], [], []
        words = _WordTokens(self.keyring)
        for person in people:
            values = _person_values(person)
            row: dict[str, Any] = {"id": person.id, "import_id": import_id}
            row.update(self._person_columns(person.id, values))
            rows.append(row)
            identifiers += [{"person_id": person.id, **index} for index in self._identifier_index(values)]
            tokens += [{"person_id": person.id, "token": token} for token in words.of(_names(values))]
        self._insert(PersonRow, rows)
        self._insert(IdentifierIndexRow, identifiers)
        self._insert(NameTokenRow, tokens)

    def _put(self, table: Any, kind: str, ident: str, values: dict[str, Any], import_id: int,
             summary: ImportSummary, section: str, problems: list[str]) -> None:  # fmt: skip
        row = self.session.get(table, ident)
        if row is None:
            self.session.add(table(id=ident, import_id=import_id, **values))
            summary.added[section] += 1
        elif _merge(kind, ident, row, values, problems):
            summary.updated[section] += 1
        else:
            summary.unchanged += 1

    def _put_person(self, person: Person, import_id: int, summary: ImportSummary, problems: list[str]) -> str:
        """Add or merge one person; says which ("added", "updated", "unchanged")."""
        values = _person_values(person)
        row = self.session.get(PersonRow, person.id)
        if row is None:
            row = PersonRow(id=person.id, import_id=import_id)
            self.session.add(row)
            self._write_person(row, values)
            summary.added["people"] += 1
            return "added"
        current = _PersonView(**self._person_values_of(row))
        merged = _merge_citizenships(person.id, current, values.pop("citizenships"), problems)
        values.pop("citizenship")
        if current.birth_date and values["birth_date"] and _same_days(current.birth_date, values["birth_date"]):
            values["birth_date"] = current.birth_date  # the same days written another way: kept as first written
        if _merge("person", person.id, current, values, problems) or merged:
            self._write_person(row, current.__dict__)
            summary.updated["people"] += 1
            return "updated"
        summary.unchanged += 1
        return "unchanged"

    def _person_values_of(self, row: PersonRow) -> dict[str, Any]:
        return {
            "name": self._open("people", "name", row.id, row.name_enc),
            "aliases": self._open("people", "aliases", row.id, row.aliases_enc, []),
            "identifiers": self._open("people", "identifiers", row.id, row.identifiers_enc, {}),
            "sensitive": self._open("people", "sensitive", row.id, row.sensitive_enc, {}),
            "birth_date": self._open("people", "birth_date", row.id, row.birth_date_enc),
            "citizenship": row.citizenship,
            "citizenships": list(row.citizenships or ([row.citizenship] if row.citizenship else [])),
            "birth_year": row.birth_year,
            "unaccompanied": row.unaccompanied,
            "gender": row.gender,
        }

    def _person_columns(self, person_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """A person's columns: each sensitive field sealed to its row and column, the rest in clear."""
        columns: dict[str, Any] = {
            f"{c}_enc": self._seal("people", c, person_id, values.get(c)) for c in _SEALED_PERSON_FIELDS
        }
        countries = list(values["citizenships"])
        columns["citizenship"] = countries[0] if countries else None
        columns["citizenships"] = countries if len(countries) > 1 else None
        columns.update({k: values[k] for k in ("birth_year", "unaccompanied", "gender")})
        return columns

    def _write_person(self, row: PersonRow, values: dict[str, Any]) -> None:
        for column, value in self._person_columns(row.id, values).items():
            setattr(row, column, value)
        self.session.flush()
        self._index_person(row.id, values)

    def _identifier_index(self, values: dict[str, Any]) -> list[dict[str, str]]:
        return [
            {"kind": kind, "digest": blind_index(self.keyring, kind, str(value))}
            for kind, value in (values.get("identifiers") or {}).items()
        ]

    def _index_person(self, person_id: str, values: dict[str, Any]) -> None:
        """Keyed lookup rows: identifiers by blind index, names by tokens; rebuilt on every change."""
        self.session.query(IdentifierIndexRow).filter(IdentifierIndexRow.person_id == person_id).delete()
        self.session.query(NameTokenRow).filter(NameTokenRow.person_id == person_id).delete()
        for index in self._identifier_index(values):
            self.session.add(IdentifierIndexRow(person_id=person_id, **index))
        names = _names(values)
        for token in name_tokens(self.keyring, *names) if names else ():
            self.session.add(NameTokenRow(person_id=person_id, token=token))

    def _add_events(self, events: Sequence[Event], import_id: int, summary: ImportSummary,
                    problems: list[str]) -> None:  # fmt: skip
        """New events (and their sources) in bulk; one with a stored id must be the same fact, or it is a conflict."""
        stored: dict[str, tuple[str, str | None]] = {}
        for chunk in _chunks(sorted(stored_among(self.session, EventRow.id, [e.id for e in events]))):
            query = select(EventRow.id, EventRow.content_sha256, EventRow.notes_enc).where(EventRow.id.in_(chunk))
            stored.update((ident, (digest, notes)) for ident, digest, notes in self.session.execute(query))
        rows: list[dict[str, Any]] = []
        sources: list[dict[str, str]] = []
        recorded = datetime.now(UTC)  # when this import recorded them
        for event in events:
            whole = event_to_written(event)
            content = _content_text(event, whole)
            digest = self.keyring.identity_mac("event-content", content.encode()).hex()
            if event.id in stored:
                self._compare_event(event, digest, *stored[event.id], summary, problems)
                continue
            written, notes = _split_notes(whole)
            # Stored as its canonical JSON text: without a replacement's note, the very text just digested.
            text = content if "replacement" not in notes else canonical_json(written)
            rows.append(
                {
                    "id": event.id,
                    "person_id": event.person,
                    "cohort_id": event.cohort,
                    "kind": event.kind,
                    "date_earliest": event.date.earliest,
                    "date_latest": event.date.latest,
                    "recorded_at": recorded,
                    "content_sha256": digest,
                    "written": text,
                    "notes_enc": self._seal("events", "notes", event.id, notes),
                    "import_id": import_id,
                }
            )
            sources += [{"event_id": event.id, "source_id": sid} for sid in dict.fromkeys(event.sources)]
            stored[event.id] = (digest, rows[-1]["notes_enc"])  # the same id again in these files: compared to it
        if problems:
            return  # nothing is stored: the caller rolls back
        self._insert(EventRow, rows, serialized={"written"})
        self._insert(EventSourceRow, sources)
        summary.added["events"] += len(rows)

    def _compare_event(self, event: Event, digest: str, stored: str, notes_enc: str | None,
                       summary: ImportSummary, problems: list[str]) -> None:  # fmt: skip
        stored_note = self._open("events", "notes", event.id, notes_enc, {}).get("note")
        same = stored in (digest, content_sha256(event))
        if not same or (event.note and stored_note and event.note != stored_note):
            problems.append(
                f"event {event.id!r} is already stored with different content; events are never "
                "edited: add a `correction` that supersedes it"
            )
        else:
            summary.unchanged += 1

    # -- reading -----------------------------------------------------------------

    def person(self, person_id: str) -> Person | None:
        row = self.session.get(PersonRow, person_id)
        return self._person(row) if row is not None else None

    def person_cohorts(self, person_id: str) -> tuple[str, ...] | None:
        """The cohorts of a stored person (None when there is none), read without decrypting anything.

        Access is decided on this before a record is opened, so a person out of reach costs what
        a missing one costs.
        """
        if self.session.scalar(select(PersonRow.id).where(PersonRow.id == person_id)) is None:
            return None
        query = select(MembershipRow.cohort_id).where(MembershipRow.person_id == person_id)
        return tuple(self.session.scalars(query.order_by(MembershipRow.cohort_id)))

    def member_ids(self, cohort_id: str) -> list[str]:
        """The ids of a cohort's stored members, read without decrypting anything."""
        query = select(MembershipRow.person_id).where(MembershipRow.cohort_id == cohort_id)
        return list(self.session.scalars(query.order_by(MembershipRow.person_id)))

    def seal_import_files(self) -> int:
        """Seal the file names and digests that databases made before they were sealed kept in clear."""
        sealed = 0
        for row in self.session.scalars(select(ImportRow)):
            if row.files and not (len(row.files) == 1 and "sealed" in row.files[0]):
                row.files = sealed_files(self.keyring, row.id, row.files)
                sealed += 1
        return sealed

    def import_files(self, import_id: int) -> list[dict[str, str]]:
        """The names and digests of one import's files, unsealed (for an admin's eyes)."""
        row = self.session.get(ImportRow, import_id)
        if row is None or not row.files:
            return []
        envelope = row.files[0].get("sealed")
        if envelope is None:
            return list(row.files)
        return list(json.loads(self.keyring.decrypt(envelope, FieldContext("imports", "files", str(import_id)))))

    def cohort(self, cohort_id: str) -> Cohort | None:
        row = self.session.get(CohortRow, cohort_id)
        return Cohort(row.id, row.name, row.description) if row is not None else None

    def _person(self, row: PersonRow) -> Person:
        cohorts = self.session.scalars(
            select(MembershipRow.cohort_id).where(MembershipRow.person_id == row.id).order_by(MembershipRow.cohort_id)
        ).all()
        values = self._person_values_of(row)
        return Person(
            id=row.id,
            name=values["name"],
            aliases=tuple(values["aliases"]),
            citizenship=row.citizenship,
            citizenships=tuple(values["citizenships"]),
            birth_year=row.birth_year,
            birth_date=parse_date(values["birth_date"]) if values["birth_date"] else None,
            unaccompanied=row.unaccompanied,
            gender=row.gender,
            cohorts=tuple(cohorts),
            identifiers=dict(values["identifiers"]),
            sensitive=dict(values["sensitive"]),
        )

    def people(self, cohort: str | None = None, within: Scope | None = None) -> list[Person]:
        """People (of a cohort), limited to the ``within`` scope in the query itself."""
        query: Select[PersonRow] = select(PersonRow).order_by(PersonRow.id)
        if cohort is not None:
            query = query.where(
                PersonRow.id.in_(select(MembershipRow.person_id).where(MembershipRow.cohort_id == cohort))
            )
        if within is not None and not within.all_records:
            in_cohorts = select(MembershipRow.person_id).where(MembershipRow.cohort_id.in_(within.cohorts))
            query = query.where(or_(PersonRow.id.in_(within.people), PersonRow.id.in_(in_cohorts)))
        return [self._person(row) for row in self.session.scalars(query)]

    def person_ids_by_identifier(self, kind: str, value: str) -> list[str]:
        digest = blind_index(self.keyring, kind, value)
        query = select(IdentifierIndexRow.person_id).where(
            IdentifierIndexRow.kind == kind, IdentifierIndexRow.digest == digest
        )
        return list(self.session.scalars(query))

    def name_tokens(self, person_ids: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Each person's stored name tokens (keyed; no plaintext), for search."""
        query = select(NameTokenRow.person_id, NameTokenRow.token)
        if person_ids is not None:
            query = query.where(NameTokenRow.person_id.in_(list(person_ids)))
        found: dict[str, set[str]] = {}
        for person_id, token in self.session.execute(query):
            found.setdefault(person_id, set()).add(token)
        return found

    def cohorts(self) -> list[Cohort]:
        return [
            Cohort(r.id, r.name, r.description) for r in self.session.scalars(select(CohortRow).order_by(CohortRow.id))
        ]

    def events_for(self, person: Person) -> list[Event]:
        """The person's own events and those of every cohort they belong to."""
        condition = EventRow.person_id == person.id
        if person.cohorts:
            condition = or_(condition, EventRow.cohort_id.in_(person.cohorts))
        rows = self.session.scalars(select(EventRow).where(condition).order_by(EventRow.seq))
        return [self.event_from_row(row) for row in rows]

    def events(self, person_ids: Iterable[str] | None = None, cohorts: Iterable[str] = ()) -> list[Event]:
        """All events, or those of the given people and cohorts."""
        query = select(EventRow).order_by(EventRow.seq)
        if person_ids is not None:
            query = query.where(or_(EventRow.person_id.in_(list(person_ids)), EventRow.cohort_id.in_(list(cohorts))))
        return [self.event_from_row(row) for row in self.session.scalars(query)]

    def sources(self, ids: Iterable[str] | None = None) -> dict[str, Source]:
        query = select(SourceRow).order_by(SourceRow.id)
        if ids is not None:
            query = query.where(SourceRow.id.in_(list(ids)))
        return {row.id: source_from_row(row) for row in self.session.scalars(query)}

    def counts(self) -> dict[str, int]:
        tables = {"people": PersonRow, "events": EventRow, "sources": SourceRow, "cohorts": CohortRow}
        return {name: self.session.scalar(select(func.count()).select_from(t)) or 0 for name, t in tables.items()}


def _source_values(source: Source) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "title": source.title,
        "publisher": source.publisher,
        "date_text": source.date.text if source.date else None,
        "date_earliest": source.date.earliest if source.date else None,
        "date_latest": source.date.latest if source.date else None,
        "url": source.url,
        "sha256": source.sha256,
        "reliability": source.reliability,
        "rows": source.rows,
    }


# A person's fields kept as envelopes (``<field>_enc``): what says who the person is, or what only counsel reads.
_SEALED_PERSON_FIELDS = ("name", "aliases", "birth_date", "identifiers", "sensitive")


def _person_values(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "aliases": list(person.aliases),
        "citizenship": person.citizenship,
        "citizenships": list(person.citizenships),
        "birth_year": person.birth_year,
        "birth_date": (person.birth_date.text or str(person.birth_date)) if person.birth_date else None,
        "unaccompanied": person.unaccompanied,
        "gender": person.gender,
        "identifiers": dict(person.identifiers),
        "sensitive": dict(person.sensitive),
    }


def _names(values: dict[str, Any]) -> list[str]:
    return [n for n in [values.get("name"), *(values.get("aliases") or [])] if n]


def insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
                serialized: Collection[str] = ()) -> None:  # fmt: skip
    """INSERT ``rows`` (dicts with the same keys), each value converted as SQLAlchemy would; ``serialized``
    names JSON columns whose values are already JSON text.

    SQLAlchemy's own executemany builds each row's parameters in several layers of Python, and on
    PostgreSQL the driver then sends one statement a row: together they cost an import of 100,000
    events more than the database's work. Here the statement is compiled once by the dialect (its
    placeholders and casts), the columns' converters (dates, JSON) run once over each column, and
    the driver gets plain tuples: SQLite's executemany, or on PostgreSQL one INSERT of
    :data:`ROWS_PER_INSERT` rows at a time, sent as one JSON text.
    """
    columns = list(rows[0])
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    names = list(compiled.positiontup or ()) if compiled.positional else _named_order(compiled.string)
    if dialect.name not in ("sqlite", "postgresql") or sorted(names) != sorted(columns):
        # Another database, or a column left to its default (which SQLAlchemy fills in): its own INSERT.
        if serialized:
            rows = [{**row, **{c: json.loads(row[c]) for c in serialized}} for row in rows]
        connection.execute(insert(table), list(rows))
        return
    values = []
    for name in names:
        column = [row[name] for row in rows]
        convert = None if name in serialized else _converter(table.c[name].type, dialect)
        values.append(column if convert is None else list(map(convert, column)))
    if dialect.name == "sqlite":
        connection.exec_driver_sql(compiled.string, list(zip(*values, strict=True)))
        return
    # PostgreSQL: the rows as one JSON parameter, taken apart by the server. The driver adapts each
    # parameter in Python (and rewrites every placeholder of a statement): a few parameters whatever
    # the number of rows keep that from costing more than the rows themselves.
    casts = ", ".join(f"(r.value->>{i})::{table.c[name].type.compile(dialect=dialect)}" for i, name in enumerate(names))
    statement = (
        f"INSERT INTO {table.name} ({', '.join(names)}) "
        f"SELECT {casts} FROM json_array_elements(%s::json) WITH ORDINALITY AS r(value, n) ORDER BY r.n"
    )
    params = list(zip(*values, strict=True))
    for start in range(0, len(params), ROWS_PER_INSERT):
        batch = json.dumps(params[start : start + ROWS_PER_INSERT], ensure_ascii=False, default=str)
        connection.exec_driver_sql(statement, (batch,))


# Rows in one PostgreSQL INSERT: a few round trips, and a parameter of a few megabytes at most.
ROWS_PER_INSERT = 10_000
# A named parameter as the PostgreSQL dialect writes it (`%(written)s`, before any `::JSON` cast).
_NAMED_PARAMETER = re.compile(r"%\((\w+)\)s")


def _converter(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """What a column's value becomes as a parameter: the dialect's own conversion, but JSON as its text.

    On PostgreSQL the rows travel inside one JSON text, where a JSON value is text the server parses
    again (`::JSON`); SQLAlchemy's conversion would wrap it for the driver instead.
    """
    if dialect.name == "postgresql" and isinstance(column_type, JSON):
        keep_null = column_type.none_as_null
        return lambda value: None if value is None and keep_null else json.dumps(value)
    return cast("Callable[[Any], Any] | None", column_type.dialect_impl(dialect).bind_processor(dialect))


def _named_order(statement: str) -> list[str]:
    """The names of a statement's parameters, in the order they are written."""
    return _NAMED_PARAMETER.findall(statement.partition(" VALUES ")[2])


def stored_among(session: Session, column: Any, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` the column holds, in one query for SQLite and PostgreSQL however many they are.

    The ids go as one parameter (a JSON array, read by ``json_each`` or ``json_array_elements_text``),
    not as a parameter each in hundreds of ``IN (...)`` queries: an import asks about every id it names.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    session.flush()  # as a query through the session would (autoflush): rows staged but not yet written count
    connection = session.connection()
    name, table = column.name, column.table.name
    if connection.dialect.name == "sqlite":
        query = f"SELECT {name} FROM {table} WHERE {name} IN (SELECT value FROM json_each(?))"
        return {row[0] for row in connection.exec_driver_sql(query, (json.dumps(wanted),))}
    if connection.dialect.name == "postgresql":  # JSON text as well: the driver adapts an array item by item
        query = f"SELECT {name} FROM {table} WHERE {name} IN (SELECT json_array_elements_text(%s::json))"
        return {row[0] for row in connection.exec_driver_sql(query, (json.dumps(wanted),))}
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


# The page cache an import writes with on SQLite (KiB): 64 MiB at most, taken only as pages are read.
BULK_CACHE_KIB = 65536

# Rows named in one IN (...) query: under SQLite's and PostgreSQL's limits on bound parameters.
_CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


class _WordTokens:
    """Name tokens of many people, each word's computed once (names share words: ``María``, ``José``).

    A name's tokens are the union of its words' (trigrams never cross a word), which is what
    :func:`name_tokens` gives for the whole name; a word that folding would change again (none
    known) is not cached, and its name's tokens are computed whole.
    """

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._words: dict[str, frozenset[str] | None] = {}

    def of(self, names: Sequence[str]) -> set[str]:
        tokens: set[str] = set()
        for name in names:
            for word in name_words(name):
                if word not in self._words:
                    self._words[word] = name_tokens(self.keyring, word) if name_words(word) == [word] else None
                cached = self._words[word]
                if cached is None:
                    tokens |= name_tokens(self.keyring, name)
                    break
                tokens |= cached
        return tokens


def _merge_citizenships(ident: str, current: _PersonView, new: list[str], problems: list[str]) -> bool:
    """Countries a later file lists are added after the stored ones; a file that lists none of them contradicts.

    So one code against another differs, as it always did, while `[VE, CO]` adds CO to a person
    stored as VE, and `MX` for a person stored as `[US, MX]` adds nothing.
    """
    old = current.citizenships
    if old and new and not set(old) & set(new):
        problems.append(f"person {ident!r}: `citizenship` differs from the stored record")
        return False
    added = [code for code in new if code not in old]
    if not added:
        return False
    current.citizenships = old + added
    current.citizenship = current.citizenships[0]
    return True


def _same_days(old: str, new: str) -> bool:
    """Whether two written dates denote the same days (2009-04 and 2009-04-01/2009-04-30)."""
    first, second = parse_date(old), parse_date(new)
    return (first.earliest, first.latest) == (second.earliest, second.latest)


@dataclass
class _PersonView:
    """A person's stored values in plaintext, for merging a later file into them."""

    name: str | None
    aliases: list[str]
    identifiers: dict[str, str]
    sensitive: dict[str, Any]
    birth_date: str | None  # as written (EDTF)
    citizenship: str | None
    citizenships: list[str]
    birth_year: int | None
    unaccompanied: bool | None
    gender: str | None

"""Track: import case files, list people, build timelines, derive whereabouts, export."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from habeas.domain.model import Event, Person
from habeas.domain.timeline import Timeline, build_timeline
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import Whereabouts, derive_whereabouts
from habeas.ingest.casefile import CaseFile, CaseFileError, casefile_document, parse_casefiles, parse_documents
from habeas.services import Context, NotFound, ServiceError
from habeas.store.db import DatabaseError, ensure_current, upgrade
from habeas.store.repository import ConflictError, ImportSummary, Repository, StoredIds


class InvalidInput(ServiceError):
    """Input files with problems; each problem names the file, line or pointer, and what is wrong."""

    def __init__(self, problems: Sequence[object]):
        self.problems = [str(p) for p in problems]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found; nothing was imported"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


@contextmanager
def repository(ctx: Context, write: bool = False) -> Iterator[Repository]:
    """A repository on one session; with ``write`` the session commits at the end or rolls back whole."""
    try:
        ensure_current(ctx.engine)
        with Session(ctx.engine) as session:
            yield Repository(session)
            if write:
                session.commit()
    except DatabaseError as exc:
        raise ServiceError(str(exc)) from exc
    except OperationalError as exc:
        raise ServiceError(f"the database could not be used: {exc.orig}") from exc


def init_database(ctx: Context) -> tuple[str | None, str]:
    """Create the database, or upgrade it to this version's schema."""
    try:
        return upgrade(ctx.engine)
    except (DatabaseError, SQLAlchemyError) as exc:
        raise ServiceError(f"cannot initialise the database: {exc}") from exc


def _file_record(path: Path) -> dict[str, str]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return {"name": path.name, "sha256": digest}


def import_casefiles(ctx: Context, paths: Sequence[Path]) -> ImportSummary:
    """Validate every file, then store all of them in one transaction, or nothing."""
    with repository(ctx, write=True) as repo:
        try:
            casefile = parse_casefiles(paths, StoredIds(repo.session))
        except CaseFileError as exc:
            raise InvalidInput(exc.problems) from exc
        return _store(repo, ctx, casefile, [_file_record(p) for p in paths])


def import_records(ctx: Context, casefile: CaseFile, name: str, sha256: str) -> ImportSummary:
    """Store records converted from another format (e.g. PFIF), validated exactly like a case file."""
    document = json.loads(json.dumps(casefile_document(casefile), ensure_ascii=False, default=str))
    with repository(ctx, write=True) as repo:
        try:
            checked = parse_documents([(name, document, {})], StoredIds(repo.session))
        except CaseFileError as exc:
            raise InvalidInput(exc.problems) from exc
        return _store(repo, ctx, checked, [{"name": name, "sha256": sha256}])


def _store(repo: Repository, ctx: Context, casefile: CaseFile, files: list[dict[str, str]]) -> ImportSummary:
    try:
        return repo.add_casefile(casefile, ctx.actor.name, files)
    except ConflictError as exc:
        repo.session.rollback()
        raise InvalidInput(exc.problems) from exc


def _person(repo: Repository, person_id: str) -> Person:
    person = repo.person(person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id!r}; `habeas people` lists the people in the database")
    return person


def timeline(ctx: Context, person_id: str, known_on: date | None = None) -> Timeline:
    with repository(ctx) as repo:
        person = _person(repo, person_id)
        events = repo.events_for(person)
        sources = repo.sources({s for e in events for s in e.sources} | _replacement_sources(events))
    return build_timeline(person, events, sources, known_on)


def _replacement_sources(events: Sequence[object]) -> set[str]:
    found: set[str] = set()
    for event in events:
        replacement = getattr(event, "attrs", {}).get("replacement")
        if replacement is not None:
            found.update(replacement.sources)
    return found


def timelines(
    ctx: Context,
    person_ids: Sequence[str] | None = None,
    cohort: str | None = None,
    known_on: date | None = None,
) -> list[Timeline]:
    """Timelines for the named people, a cohort's members, or everyone."""
    with repository(ctx) as repo:
        if cohort is not None and repo.cohort(cohort) is None:
            raise NotFound(f"no cohort with id {cohort!r}")
        if person_ids:
            people = [_person(repo, pid) for pid in dict.fromkeys(person_ids)]
            if cohort is not None:
                people = [p for p in people if cohort in p.cohorts]
        else:
            people = repo.people(cohort)
        events = repo.events()
        sources = repo.sources()
    return [build_timeline(person, events, sources, known_on) for person in people]


def whereabouts(ctx: Context, person_id: str, as_of: date, known_on: date | None = None) -> Whereabouts:
    return derive_whereabouts(timeline(ctx, person_id, known_on), as_of)


def people_with_whereabouts(
    ctx: Context,
    as_of: date,
    cohort: str | None = None,
    custody: Custody | None = None,
    known_on: date | None = None,
) -> list[tuple[Person, Whereabouts]]:
    rows = [(t.person, derive_whereabouts(t, as_of)) for t in timelines(ctx, cohort=cohort, known_on=known_on)]
    if custody is not None:
        rows = [(p, w) for p, w in rows if w.custody == custody]
    return rows


def export_casefile(ctx: Context, cohort: str | None = None) -> CaseFile:
    """Every record (or a cohort's members and what they reference) as one case file."""
    with repository(ctx) as repo:
        if cohort is not None and repo.cohort(cohort) is None:
            raise NotFound(f"no cohort with id {cohort!r}")
        people = repo.people(cohort)
        ids = {p.id for p in people}
        cohort_ids = {c for p in people for c in p.cohorts}
        events = [e for e in repo.events() if e.person in ids or e.cohort in cohort_ids]
        source_ids = {s for e in events for s in e.sources} | _replacement_sources(events)
        sources = list(repo.sources(source_ids if cohort is not None else None).values())
        cohorts = [c for c in repo.cohorts() if cohort is None or c.id in cohort_ids]
    return CaseFile(sources=sources, cohorts=cohorts, people=people, events=events)


def database_counts(ctx: Context) -> dict[str, int]:
    with repository(ctx) as repo:
        return repo.counts()


def without_sensitive(casefile: CaseFile) -> CaseFile:
    """The same records less what only counsel should see: sensitive attributes, identifiers, notes."""

    def plain(event: Event) -> Event:
        replacement = event.attrs.get("replacement")
        attrs = dict(event.attrs)
        if isinstance(replacement, Event):
            attrs["replacement"] = plain(replacement)
        return replace(event, note=None, attrs=attrs)

    return replace(
        casefile,
        people=[replace(p, sensitive={}, identifiers={}) for p in casefile.people],
        events=[plain(e) for e in casefile.events],
    )

"""Track: set up the database, list people, build timelines, derive whereabouts, export.

Importing case files lives in habeas.services.imports; its entry points are named here too,
where the command line and the web have always found them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from habeas.domain.model import Event, Person
from habeas.domain.schema import ID_PATTERN
from habeas.domain.timeline import Timeline, build_timeline
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import Whereabouts, derive_whereabouts
from habeas.security.access import NOTHING, Action, Resource, Scope, User, decide
from habeas.security.audit import Outcome
from habeas.security.files import SecretFileError
from habeas.security.keyfiles import CreatedKeys, init_keys, key_file_path, keys_configured
from habeas.services import Context, NotFound, ServiceError, access
from habeas.services.database import InvalidInput, repository
from habeas.services.imports import import_casefile_data, import_casefiles, import_records
from habeas.store.db import DatabaseError, upgrade
from habeas.store.repository import Repository
from habeas.store.tables import PersonRow

if TYPE_CHECKING:
    # Imported where a case file is built (an export, a timeline without its sensitive fields):
    # a whereabouts or a check of one person reads no case file.
    from habeas.ingest.casefile import CaseFile

__all__ = ["InvalidInput", "import_casefile_data", "import_casefiles", "import_records", "repository"]


@dataclass(frozen=True)
class InitResult:
    before: str | None
    after: str
    created_keys: CreatedKeys | None
    first_admin: str | None


def init_database(ctx: Context) -> InitResult:
    """Create the database (with its keys and first admin), or upgrade it to this version's schema."""
    try:
        before, after = upgrade(ctx.engine)
    except (DatabaseError, SQLAlchemyError) as exc:
        raise ServiceError(f"cannot initialise the database: {exc}") from exc
    created = _ensure_keys(ctx)
    with Session(ctx.engine) as session, session.begin():
        admin = ctx.actor.name if access.ensure_first_admin(session, ctx.actor.name, ctx.clock.now()) else None
        # Databases made before import file names were sealed kept them in clear: sealed on upgrade.
        Repository(session, ctx.keyring).seal_import_files()
    if admin:
        access.audit(ctx, "init", records=[("user", admin)])
    return InitResult(before, after, created, admin)


def _ensure_keys(ctx: Context) -> CreatedKeys | None:
    """A new database gets its keys; an existing one whose key is missing is an error, never a new key."""
    key_path = key_file_path(ctx.settings)
    if keys_configured(ctx.settings):
        return None
    with Session(ctx.engine) as session:
        has_people = session.scalar(select(func.count()).select_from(PersonRow)) or 0
    if has_people:
        raise ServiceError(
            f"this database holds encrypted records but its key is not at {key_path} and HABEAS_KEY is not set; "
            "restore the key file from your copy (a new key cannot read them)"
        )
    try:
        return init_keys(ctx.settings)
    except SecretFileError as exc:
        raise ServiceError(str(exc)) from exc


def _person(repo: Repository, person_id: str) -> Person:
    person = repo.person(person_id)
    if person is None:
        raise NotFound(access.not_found_message("person", person_id))
    return person


def _reachable_person(ctx: Context, repo: Repository, person_id: str) -> Person:
    """A stored person the acting user may read; out of reach is answered exactly as missing.

    Access is decided on the person's cohorts before anything is decrypted, so the two cost the same.
    """
    cohorts = repo.person_cohorts(person_id)
    if cohorts is None:
        # An id no record can have (a control character, 500 characters) is audited as no id at all.
        named = person_id if re.fullmatch(ID_PATTERN, person_id) else None
        access.audit(ctx, Action.READ_PERSON.value, Outcome.DENIED, [("person", named)])
        raise NotFound(access.not_found_message("person", person_id))
    access.require(ctx, Action.READ_PERSON, Resource.person(person_id, cohorts), hide=True)
    return _person(repo, person_id)


def timeline(ctx: Context, person_id: str, known_on: date | None = None) -> Timeline:
    """One person's timeline; reading it is audited, and a person out of reach is "not found"."""
    user = access.acting_user(ctx)
    with repository(ctx) as repo:
        if ":" in person_id and repo.person_cohorts(person_id) is None:
            return _dataset_timeline(ctx, person_id, known_on)
        person = _reachable_person(ctx, repo, person_id)
        events = repo.events_for(person)
        sources = repo.sources(cited_sources(events))
    access.audit(ctx, "read_person", records=[("person", person.id)])
    return _visible(user, build_timeline(person, events, sources, known_on))


def _dataset_timeline(ctx: Context, person_id: str, known_on: date | None) -> Timeline:
    """A person known only from a public dataset release (id ``RELEASE:ID``), from its columnar rows."""
    from habeas.services import datasets

    events, sources = datasets.person_events(ctx, person_id)
    return build_timeline(Person(id=person_id), events, {s.id: s for s in sources}, known_on)


def _visible(user: User, result: Timeline) -> Timeline:
    """Without the right to read sensitive fields, a timeline comes without them (and without notes)."""
    if decide(user, Action.READ_SENSITIVE, Resource.person(result.person.id, result.person.cohorts)):
        return result
    from habeas.ingest.casefile import CaseFile

    stripped = without_sensitive(CaseFile(people=[result.person], events=[e.event for e in result.entries]))
    return build_timeline(stripped.people[0], stripped.events, result.sources, result.known_on)


def cited_sources(events: Sequence[Event]) -> set[str]:
    """The sources the events cite, with those of corrections' replacement events (inside the correction)."""
    replacements = (r for e in events if isinstance(r := e.attrs.get("replacement"), Event))
    return {s for e in (*events, *replacements) for s in e.sources}


def timelines(
    ctx: Context,
    person_ids: Sequence[str] | None = None,
    cohort: str | None = None,
    known_on: date | None = None,
) -> list[Timeline]:
    """Timelines for the named people, a cohort's members, or everyone the acting user may read."""
    user = access.acting_user(ctx)
    within = access.reachable(ctx)
    with repository(ctx) as repo:
        if cohort is not None and repo.cohort(cohort) is None:
            raise NotFound(f"no cohort with id {cohort!r}")
        if person_ids:
            people = [_reachable_person(ctx, repo, pid) for pid in dict.fromkeys(person_ids)]
            if cohort is not None:
                people = [p for p in people if cohort in p.cohorts]
        else:
            if within == NOTHING:
                access.audit(ctx, "read_person", Outcome.DENIED, [("cohort", cohort)])
                raise access.Forbidden(
                    f"{ctx.actor.name} has access to no records; an admin can grant a group with "
                    f"`habeas users grant {ctx.actor.name} --group GROUP`"
                )
            people = repo.people(cohort, within)
        everyone = not person_ids and cohort is None and within.all_records
        ids = [p.id for p in people]
        events = repo.events() if everyone else repo.events(ids, {c for p in people for c in p.cohorts})
        sources = repo.sources()
    access.audit(ctx, "read_person", records=[("person", p.id) for p in people])
    concerning = events_by_person(events)
    return [_visible(user, build_timeline(person, concerning(person), sources, known_on)) for person in people]


def events_by_person(events: Sequence[Event]) -> Callable[[Person], list[Event]]:
    """Each person's own and cohort events, in the order read, found without scanning every event per person."""
    own: dict[str, list[int]] = defaultdict(list)
    shared: dict[str, list[int]] = defaultdict(list)
    for index, event in enumerate(events):
        if event.person is not None:
            own[event.person].append(index)
        if event.cohort is not None:
            shared[event.cohort].append(index)

    def concerning(person: Person) -> list[Event]:
        found = own.get(person.id, [])
        if person.cohorts:
            found = sorted({*found, *(i for cohort in person.cohorts for i in shared.get(cohort, ()))})
        return [events[i] for i in found]

    return concerning


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


def export_casefile(ctx: Context, cohort: str | None = None, include_sensitive: bool = False) -> CaseFile:
    """Every record (or a cohort's members and what they reference) as one case file.

    Without ``include_sensitive`` the records come without what only counsel should see
    (sensitive attributes, identifiers, notes); with it, the user must be allowed to read
    those for every person exported.
    """
    if cohort:
        access.require(ctx, Action.EXPORT, Resource.cohort(cohort))
    within = access.reachable(ctx, Action.EXPORT)
    if include_sensitive:
        sensitive_within = access.reachable(ctx, Action.READ_SENSITIVE)
        within = within if sensitive_within.all_records else _narrowest(within, sensitive_within)
    if within == NOTHING:
        access.audit(ctx, "export", Outcome.DENIED)
        raise access.Forbidden(f"{ctx.actor.name} may not export records")
    with repository(ctx) as repo:
        if cohort is not None and repo.cohort(cohort) is None:
            raise NotFound(f"no cohort with id {cohort!r}")
        people = repo.people(cohort, within)
        ids = {p.id for p in people}
        cohort_ids = {c for p in people for c in p.cohorts}
        events = [e for e in repo.events() if e.person in ids or e.cohort in cohort_ids]
        source_ids = cited_sources(events)
        sources = list(repo.sources(source_ids if cohort is not None else None).values())
        cohorts = [c for c in repo.cohorts() if cohort is None or c.id in cohort_ids]
    access.audit(ctx, "export", records=[("person", p.id) for p in people] or [(None, None)])
    from habeas.ingest.casefile import CaseFile

    exported = CaseFile(sources=sources, cohorts=cohorts, people=people, events=events)
    return exported if include_sensitive else without_sensitive(exported)


def _narrowest(first: Scope, second: Scope) -> Scope:
    """The records within both scopes (a scope covering everything gives way to the other)."""
    if first.all_records:
        return second
    return Scope(people=first.people & second.people, cohorts=first.cohorts & second.cohorts)


def database_counts(ctx: Context) -> dict[str, int]:
    access.require(ctx, Action.READ_STATISTICS)
    with repository(ctx) as repo:
        return repo.counts()


def without_sensitive(casefile: CaseFile) -> CaseFile:
    """The same records less what only counsel should see: sensitive attributes, identifiers, notes, birth dates.

    A full birth date identifies a person across lists; the year (``birth_year``) stays.
    """

    def plain(event: Event) -> Event:
        replacement = event.attrs.get("replacement")
        attrs = dict(event.attrs)
        if isinstance(replacement, Event):
            attrs["replacement"] = plain(replacement)
        return replace(event, note=None, attrs=attrs)

    return replace(
        casefile,
        people=[replace(p, sensitive={}, identifiers={}, birth_date=None) for p in casefile.people],
        events=[plain(e) for e in casefile.events],
    )

"""Finding candidates: gather the records a linker may reach, run the model, store the pairs pending review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from habeas.domain.dates import DateRange
from habeas.domain.model import Person
from habeas.linkage.types import CustodySpell, Engine, LinkRecord, RecordRef
from habeas.security.access import Scope
from habeas.services import Context, ServiceError, access
from habeas.services.database import repository, take_write_lock
from habeas.services.links.reach import PEOPLE, require_linker
from habeas.services.links.views import sex
from habeas.store.links import LinkStore, Replaced
from habeas.store.repository import Repository

if TYPE_CHECKING:
    from habeas.analytics.releases import Release

Progress = Callable[[str], None]  # what the model is doing, in words


@dataclass(frozen=True)
class LinkRun:
    records: int
    pairs_compared: int
    sources: tuple[str, ...]
    engine: str
    threshold: float
    stored: Replaced
    notes: tuple[str, ...] = ()


def chosen_lists(ctx: Context, wanted: Sequence[str] | None) -> list[Release]:
    """The named lists (ids or unique prefixes), or every imported list; an unknown name is an error."""
    from habeas.analytics.releases import find_release, releases

    every = [r for r in releases(ctx.settings.datasets_dir) if r.format == "mapped_list"]
    if wanted is None:
        return every
    chosen: list[Release] = []
    for name in wanted:
        found = find_release(ctx.settings.datasets_dir, name)
        if found is None or found.format != "mapped_list":
            known = ", ".join(r.id for r in every) or "none imported yet"
            raise ServiceError(f"--lists: no list {name!r} (lists: {known}; `habeas datasets list` shows them)")
        if found.id in (c.id for c in chosen):
            raise ServiceError(f"--lists: the list {found.id} is named twice")
        chosen.append(found)
    return chosen


# -- gathering records ----------------------------------------------------------------------


def person_record(person: Person, source: str, custody: tuple[CustodySpell, ...] = ()) -> LinkRecord:
    birth = person.birth_date
    return LinkRecord(
        ref=RecordRef(source, person.id),
        named=person.name is not None,  # a list without names (an anonymized one) is linked on its attributes
        full_name=person.name,
        birth_date=birth.earliest if birth is not None and birth.exact else None,
        birth_year=person.birth_year or (birth.earliest.year if birth and _one_year(birth) else None),
        citizenship=person.citizenship,
        sex=sex(person.gender),
        custody=custody,
    )


def _one_year(birth: DateRange) -> bool:
    return birth.earliest.year == birth.latest.year


def _custody(repo: Repository, people: Sequence[Person]) -> dict[str, tuple[CustodySpell, ...]]:
    """Facilities named by each person's events, with the day when it is known."""
    spells: dict[str, list[CustodySpell]] = defaultdict(list)
    for event in repo.events([p.id for p in people]):
        facility = event.attrs.get("facility") or event.attrs.get("facility_code")
        if event.person and isinstance(facility, str) and facility:
            day = event.date.earliest if event.date.exact else None
            spells[event.person].append(CustodySpell(facility, day))
    return {pid: tuple(found) for pid, found in spells.items()}


def _people_records(repo: Repository, reach: Scope, lists: set[str], with_people: bool) -> list[LinkRecord]:
    """Reachable people of the lists (each a record of its list), and with ``with_people`` the tracked others."""
    chosen: list[tuple[Person, str]] = []
    for person in repo.people(within=reach):
        listed = person.identifiers.get("release")
        if listed in lists:
            chosen.append((person, str(listed)))
        elif with_people and not listed:
            chosen.append((person, PEOPLE))
    custody = _custody(repo, [p for p, _ in chosen])
    return [person_record(person, source, custody.get(person.id, ())) for person, source in chosen]


def _release_records(found: Release) -> list[LinkRecord]:
    """One record per anonymized person of a release: no name, the attributes, and the placements."""
    columns = set(found.scan().collect_schema().names())
    if "person" not in columns:
        raise ServiceError(f"--release {found.id}: a {found.format} release has no person column to link")
    wanted = [c for c in ("birth_year", "citizenship_iso", "gender", "facility", "book_in", "book_out") if c in columns]
    frame = found.scan().select(["person", *wanted]).collect()
    by_person: dict[str, dict[str, Any]] = {}
    for row in frame.iter_rows(named=True):
        entry = by_person.setdefault(str(row["person"]), {"row": row, "custody": []})
        if row.get("facility"):
            entry["custody"].append(
                CustodySpell(str(row["facility"]), _day(row.get("book_in")), _day(row.get("book_out")))
            )
    return [
        LinkRecord(
            ref=RecordRef(found.id, person),
            named=False,
            birth_year=entry["row"].get("birth_year"),
            citizenship=entry["row"].get("citizenship_iso"),
            sex=sex(entry["row"].get("gender")),
            custody=tuple(entry["custody"]),
        )
        for person, entry in by_person.items()
    ]


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


# -- finding candidates ---------------------------------------------------------------------


def run_linkage(
    ctx: Context,
    lists: Sequence[str] | None = None,
    *,
    with_people: bool = False,
    release: str | None = None,
    engine: Engine = "duckdb",
    threshold: float | None = None,
    within_sources: bool = False,
    progress: Progress | None = None,
) -> LinkRun:
    """Find candidates among the records the user may reach and store them, replacing pending ones."""
    reach = require_linker(ctx, "link_run")
    if threshold is not None and not 0 < threshold < 1:
        raise ServiceError(f"--threshold must be a probability between 0 and 1, not {threshold}")
    chosen = chosen_lists(ctx, lists)
    records: list[LinkRecord] = []
    with repository(ctx) as repo:
        records += _people_records(repo, reach, {r.id for r in chosen}, with_people)
    if release is not None:
        from habeas.services.datasets import get_release

        found = get_release(ctx, release, ("ice_detentions", "ice_removals"))
        if found.format == "mapped_list":
            raise ServiceError(f"--release {found.id} is a list of people: name it in --lists")
        records += _release_records(found)
    comparable = [r for r in records if _comparable(r)]
    skipped = len(records) - len(comparable)
    records = comparable
    sources = tuple(sorted({r.ref.source for r in records}))
    if len(records) < 2:
        raise ServiceError(
            f"{len(records)} record(s) in reach among {', '.join(sources) or 'the sources chosen'}: nothing to link "
            "(import lists with `habeas datasets import mapped-list`, or add --with-people or --release)"
        )
    result = _find(records, engine, threshold, within_sources, progress)
    with Session(ctx.engine) as session, session.begin():
        take_write_lock(session)
        stored = LinkStore(session, ctx.keyring).replace_pending(
            sources, result.candidates, engine=result.engine, actor=ctx.actor.name, now=ctx.clock.now()
        )
        audited: list[tuple[str | None, str | None]] = [("dataset", s) for s in sources if s != PEOPLE]
        access.audit(ctx, "link_run", records=audited or [(None, None)], connection=session.connection())
    notes = result.notes + (
        (f"{skipped:,} record(s) left out: none of the fields linkage compares",) if skipped else ()
    )
    return LinkRun(len(records), result.pairs_compared, sources, result.engine, result.threshold, stored, notes)


def _comparable(record: LinkRecord) -> bool:
    """Whether a record has anything to compare: a name, birth, citizenship, sex, or a facility."""
    fields = (record.full_name if record.named else None, record.birth_date, record.birth_year, record.citizenship)
    return any(fields) or bool(record.sex) or any(s.facility for s in record.custody)


def _find(
    records: Sequence[LinkRecord], engine: Engine, threshold: float | None, within: bool, progress: Progress | None
) -> Any:
    from habeas.linkage.engine import LinkageError, find_candidates

    options: dict[str, Any] = {"engine": engine, "within_sources": within, "progress": progress}
    if threshold is not None:
        options["threshold"] = threshold
    try:
        return find_candidates(list(records), **options)
    except LinkageError as exc:
        raise ServiceError(f"linkage failed, nothing was stored: {exc}") from exc

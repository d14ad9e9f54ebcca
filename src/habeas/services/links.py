"""Record linkage as use cases: find candidates, decide them (append-only, sourced), combine, and estimate.

Who may: linkage is editors' and admins' work. The access model has no action of its own for
it; it writes what many records say, as an import does, so every linkage command needs the
import right (viewers never have it), and each pair needs both of its named records in the
user's reach for sensitive reading. A link between a named list and an anonymized release
re-identifies a person in government data: candidates and decisions are sealed in the
database, audited by opaque ids (never a release row's id beside a person's), and never
published or exported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from sqlalchemy.orm import Session

from habeas.domain.dates import DateRange
from habeas.domain.model import Person
from habeas.linkage.types import CustodySpell, Engine, LinkRecord, RecordRef
from habeas.security.access import Action, Resource, Scope, decide
from habeas.security.audit import Outcome
from habeas.services import Context, NotFound, ServiceError, access
from habeas.services.database import repository, take_write_lock
from habeas.store.links import VERDICTS, LinkStore, Replaced, StoredCandidate, StoredDecision, Verdict
from habeas.store.repository import Repository
from habeas.store.tables import SourceRow

if TYPE_CHECKING:
    from habeas.analytics.releases import Release
    from habeas.stats.estimate import Estimate

PEOPLE = "people"  # the source of tracked people that come from no list
Progress = Callable[[str], None]  # what the model is doing, in words
SEXES = {"female": "F", "f": "F", "male": "M", "m": "M"}
CUSTODY_FIELDS = ("facility",)


@dataclass(frozen=True)
class LinkRun:
    records: int
    pairs_compared: int
    sources: tuple[str, ...]
    engine: str
    threshold: float
    stored: Replaced
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordView:
    """One record as a reviewer sees it: its source (named), and what it says that the user may see."""

    ref: RecordRef
    source_title: str
    named: bool
    reachable: bool = True
    name: str | None = None
    birth: str | None = None
    citizenship: str | None = None
    sex: str | None = None

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"source": self.ref.source, "source_title": self.source_title}
        if not self.reachable:
            return found | {"reachable": False}
        found |= {"record": self.ref.record_id, "named": self.named}
        found |= {k: v for k, v in (("name", self.name), ("birth", self.birth),
                                    ("citizenship", self.citizenship), ("sex", self.sex)) if v is not None}  # fmt: skip
        return found


@dataclass(frozen=True)
class CandidateView:
    candidate: StoredCandidate
    left: RecordView
    right: RecordView

    @property
    def id(self) -> str:
        return self.candidate.id

    def as_json(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "id": c.id,
            "status": c.status,
            "probability": round(c.probability, 6),
            "match_weight": round(c.match_weight, 4),
            "engine": c.engine,
            "records": [self.left.as_json(), self.right.as_json()],
            "comparisons": [
                {"field": x.field, "level": x.level, "detail": x.detail, "bayes_factor": round(x.bayes_factor, 4)}
                for x in c.comparisons
            ],
            "decisions": [decision_json(d) for d in c.decisions],
        }


@dataclass(frozen=True)
class Combined:
    """A person's combined view: every record of the cluster of accepted links, each with its source."""

    person: str
    records: tuple[RecordView, ...]
    links: tuple[CandidateView, ...]


@dataclass(frozen=True)
class EstimateView:
    lists: tuple[str, ...]
    titles: Mapping[str, str]
    histories: Mapping[frozenset[str], int]
    estimate: Estimate
    records: int  # records on the lists
    links: int  # accepted links used


def decision_json(d: StoredDecision) -> dict[str, Any]:
    found: dict[str, Any] = {"id": d.id, "verdict": d.verdict, "source": d.source, "actor": d.actor,
                             "recorded_at": d.recorded_at.isoformat(timespec="seconds")}  # fmt: skip
    if d.corrects is not None:
        found["corrects"] = d.corrects
    if d.note:
        found["note"] = d.note
    return found


# -- who may ------------------------------------------------------------------------------


def require_linker(ctx: Context, action: str) -> Scope:
    """Refuse (audited) anyone without the import right; the records in their reach for sensitive reading."""
    if not decide(access.acting_user(ctx), Action.IMPORT):
        access.audit(ctx, action, Outcome.DENIED)
        raise access.Forbidden(
            f"{ctx.actor.name} may not link records or read links (nor estimate from them): "
            "that is for editors and admins"
        )
    return access.reachable(ctx, Action.READ_SENSITIVE)


def decision_sources(ctx: Context) -> list[tuple[str, str]]:
    """The sources a decision may cite (id, title), for a form's choices."""
    require_linker(ctx, "link_review")
    with repository(ctx) as repo:
        return [(s.id, s.title or s.id) for s in repo.sources().values()]


def _in_reach(repo: Repository, reach: Scope, ref: RecordRef, releases: set[str]) -> bool:
    if ref.source in releases:
        return True  # an anonymized release's row: the statistics right, which every linker has
    cohorts = repo.person_cohorts(ref.record_id)
    return cohorts is not None and reach.covers(Resource.person(ref.record_id, cohorts))


# -- gathering records ----------------------------------------------------------------------


def _lists(ctx: Context, wanted: Sequence[str] | None) -> list[Release]:
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


def _sex(gender: str | None) -> str | None:
    return SEXES.get(gender.strip().lower()) if gender else None


def person_record(person: Person, source: str, custody: tuple[CustodySpell, ...] = ()) -> LinkRecord:
    birth = person.birth_date
    return LinkRecord(
        ref=RecordRef(source, person.id),
        named=person.name is not None,  # a list without names (an anonymized one) is linked on its attributes
        full_name=person.name,
        birth_date=birth.earliest if birth is not None and birth.exact else None,
        birth_year=person.birth_year or (birth.earliest.year if birth and _one_year(birth) else None),
        citizenship=person.citizenship,
        sex=_sex(person.gender),
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
            sex=_sex(entry["row"].get("gender")),
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
    chosen = _lists(ctx, lists)
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


# -- reviewing ------------------------------------------------------------------------------


class _Viewer:
    """Builds what a reviewer sees of records: names only for people in reach, never a release's values."""

    def __init__(self, ctx: Context, repo: Repository, reach: Scope):
        from habeas.analytics.releases import releases

        self.repo, self.reach = repo, reach
        found = releases(ctx.settings.datasets_dir)
        self.releases = {r.id for r in found if r.format != "mapped_list"}
        self.titles = {r.id: r.source.title or r.id for r in found}
        self.titles[PEOPLE] = "tracked people"

    def reachable(self, candidate: StoredCandidate) -> bool:
        return all(_in_reach(self.repo, self.reach, ref, self.releases) for ref in candidate.refs)

    def record(self, ref: RecordRef) -> RecordView:
        title = self.titles.get(ref.source, ref.source)
        if ref.source in self.releases:
            return RecordView(ref, title, named=False)
        if not _in_reach(self.repo, self.reach, ref, self.releases):
            return RecordView(ref, title, named=True, reachable=False)
        person = self.repo.person(ref.record_id)
        if person is None:
            return RecordView(ref, title, named=True, reachable=False)
        birth = str(person.birth_date) if person.birth_date else (str(person.birth_year) if person.birth_year else None)
        return RecordView(ref, title, True, True, person.name, birth, person.citizenship, _sex(person.gender))

    def candidate(self, candidate: StoredCandidate) -> CandidateView:
        return CandidateView(candidate, self.record(candidate.left), self.record(candidate.right))


def review(ctx: Context, min_probability: float | None = None, status: str = "pending") -> list[CandidateView]:
    """Candidates (pending by default) the user may reach, highest probability first; reading is audited."""
    reach = require_linker(ctx, "link_review")
    if status not in ("pending", "same", "different", "all"):
        raise ServiceError(f"--status must be pending, same, different or all, not {status!r}")
    if min_probability is not None and not 0 <= min_probability <= 1:
        raise ServiceError(f"--min must be a probability from 0 to 1, not {min_probability}")
    with repository(ctx) as repo:
        store = LinkStore(repo.session, ctx.keyring)
        wanted: Any = None if status == "all" else status
        viewer = _Viewer(ctx, repo, reach)
        shown = [viewer.candidate(c) for c in store.candidates(wanted, min_probability) if viewer.reachable(c)]
    access.audit(ctx, "link_review", records=[("link_candidate", v.id) for v in shown] or [(None, None)])
    return shown


def candidate(ctx: Context, ident: str) -> CandidateView:
    """One candidate with its decisions; out of reach is answered as missing."""
    reach = require_linker(ctx, "link_review")
    with repository(ctx) as repo:
        found = _reachable_candidate(ctx, repo, reach, ident)
        view = _Viewer(ctx, repo, reach).candidate(found)
    access.audit(ctx, "link_review", records=[("link_candidate", ident)])
    return view


MIN_PREFIX = 6  # characters of a candidate's id a reviewer may type instead of all 64


def _reachable_candidate(ctx: Context, repo: Repository, reach: Scope, ident: str) -> StoredCandidate:
    store = LinkStore(repo.session, ctx.keyring)
    if MIN_PREFIX <= len(ident) < 64:
        matching = store.ids_starting(ident.lower())
        if len(matching) > 1:
            raise ServiceError(f"more than one link candidate starts with {ident!r}: give more of its id")
        ident = matching[0] if matching else ident
    found = store.candidate(ident) if ident else None
    if found is None or not _Viewer(ctx, repo, reach).reachable(found):
        access.audit(ctx, "link_review", Outcome.DENIED, [("link_candidate", ident[:64] or None)])
        raise NotFound(f"no link candidate {ident!r} that you can reach; `habeas link review` lists them")
    return found


# -- deciding -------------------------------------------------------------------------------


def accept(ctx: Context, ident: str, source: str, note: str | None = None) -> StoredDecision:
    """Record that a candidate's two records are the same person, on the authority of ``source``."""
    return _decide(ctx, ident, "same", source, note, "link_accept")


def reject(ctx: Context, ident: str, source: str, note: str | None = None) -> StoredDecision:
    """Record that a candidate's two records are not the same person, on the authority of ``source``."""
    return _decide(ctx, ident, "different", source, note, "link_reject")


def correct(ctx: Context, decision: int, source: str, note: str | None = None) -> StoredDecision:
    """Record a correction: a new decision saying the opposite of ``decision``, which stays as it was."""
    reach = require_linker(ctx, "link_correct")
    with repository(ctx) as repo:
        earlier = LinkStore(repo.session, ctx.keyring).decision(decision)
        if earlier is None:
            access.audit(ctx, "link_correct", Outcome.DENIED, [("link_decision", str(decision))])
            raise NotFound(f"no link decision {decision}; `habeas link show PERSON` lists a person's decisions")
        found = _reachable_candidate(ctx, repo, reach, earlier.candidate)
    newest = found.decisions[-1]
    if newest.id != decision:
        raise ServiceError(
            f"decision {decision} was already corrected: decision {newest.id} is in force; correct that one instead"
        )
    opposite: Verdict = "different" if earlier.verdict == "same" else "same"
    return _write(ctx, found, opposite, source, note, "link_correct", corrects=decision)


def _decide(ctx: Context, ident: str, verdict: Verdict, source: str, note: str | None, action: str) -> StoredDecision:
    reach = require_linker(ctx, action)
    with repository(ctx) as repo:
        found = _reachable_candidate(ctx, repo, reach, ident)
    if found.decisions:
        newest = found.decisions[-1]
        raise ServiceError(
            f"link candidate {ident} is already decided (decision {newest.id}: {newest.verdict}); a decision is "
            f"never edited: `habeas link correct {newest.id} --source SRC` records a correction that reverses it"
        )
    return _write(ctx, found, verdict, source, note, action)


def _write(
    ctx: Context,
    found: StoredCandidate,
    verdict: Verdict,
    source: str,
    note: str | None,
    action: str,
    corrects: int | None = None,
) -> StoredDecision:
    assert verdict in VERDICTS
    people = [ref.record_id for ref in found.refs if _is_person(ctx, ref)]
    with repository(ctx) as repo:  # decided before the write lock: a denial's audit entry is a write of its own
        for pid in people:  # a decision changes what habeas says of each named person in it
            access.require(ctx, Action.WRITE_PERSON, Resource.person(pid, repo.person_cohorts(pid) or ()), hide=True)
        if not source or repo.session.get(SourceRow, source) is None:
            raise ServiceError(
                f"--source: no source {source!r}; name a source already in habeas (a list's id, or one a case file "
                "added) that says whether these records are the same person"
            )
    with Session(ctx.engine) as session, session.begin():
        take_write_lock(session)
        store = LinkStore(session, ctx.keyring)
        newest = store.decisions([found.id]).get(found.id, ())
        if (newest[-1].id if newest else None) != (corrects if corrects is not None else None):
            raise ServiceError(f"link candidate {found.id} was decided meanwhile; look again with `habeas link review`")
        ident = store.add_decision(
            found.id, verdict, source=source, actor=ctx.actor.name, now=ctx.clock.now(), corrects=corrects, note=note
        )
        records = [("link_candidate", found.id), ("link_decision", str(ident)), *(("person", p) for p in people)]
        access.audit(ctx, action, records=records, connection=session.connection())
        decision = store.decision(ident)
    assert decision is not None
    return decision


def _is_person(ctx: Context, ref: RecordRef) -> bool:
    from habeas.analytics.releases import find_release

    if ref.source == PEOPLE:
        return True
    found = find_release(ctx.settings.datasets_dir, ref.source)
    return found is not None and found.id == ref.source and found.format == "mapped_list"


# -- combining ------------------------------------------------------------------------------


def clusters(pairs: Iterable[tuple[RecordRef, RecordRef]]) -> dict[RecordRef, frozenset[RecordRef]]:
    """Each linked record's cluster: the records joined to it through accepted links (transitively)."""
    parent: dict[RecordRef, RecordRef] = {}

    def root(ref: RecordRef) -> RecordRef:
        parent.setdefault(ref, ref)
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[RecordRef, set[RecordRef]] = defaultdict(set)
    for ref in list(parent):
        members[root(ref)].add(ref)
    return {ref: frozenset(group) for group in members.values() for ref in group}


def show(ctx: Context, person: str) -> Combined:
    """A person's combined view: every record linked to them (transitively), each with its source named."""
    reach = require_linker(ctx, "link_show")
    with repository(ctx) as repo:
        cohorts = repo.person_cohorts(person)
        if cohorts is None:
            access.audit(ctx, "link_show", Outcome.DENIED, [("person", None)])
            raise NotFound(access.not_found_message("person", person))
        access.require(ctx, Action.READ_SENSITIVE, Resource.person(person, cohorts), hide=True)
        store = LinkStore(repo.session, ctx.keyring)
        accepted = store.accepted_pairs()
        joined = clusters(accepted)
        own = next((ref for ref in joined if ref.record_id == person and not _is_release(ctx, ref)), None)
        members = sorted(joined[own]) if own is not None else []
        viewer = _Viewer(ctx, repo, reach)
        records = tuple(viewer.record(ref) for ref in members) or (viewer.record(_own_ref(repo, person)),)
        within = set(members)
        decided = [c for c in store.candidates() if c.decisions and (set(c.refs) & within)]
        links = tuple(viewer.candidate(c) for c in decided if viewer.reachable(c))
    access.audit(ctx, "link_show", records=[("person", person), *(("link_candidate", c.id) for c in links)])
    return Combined(person, records, links)


def _own_ref(repo: Repository, person: str) -> RecordRef:
    found = repo.person(person)
    source = found.identifiers.get("release") if found is not None else None
    return RecordRef(source or PEOPLE, person)


def _is_release(ctx: Context, ref: RecordRef) -> bool:
    return ref.source != PEOPLE and not _is_person(ctx, ref)


# -- estimating -----------------------------------------------------------------------------

Criterion = Literal["aic", "bic"]


def capture_histories(
    on_lists: Mapping[str, Iterable[str]], accepted: Iterable[tuple[RecordRef, RecordRef]]
) -> tuple[dict[frozenset[str], int], int]:
    """How many people share each set of lists: each cluster of accepted-linked records is one person.

    ``on_lists`` gives each list's record ids. A person is on a list when one of the cluster's
    records comes from it; a record linked to nothing is a person of its own.
    """
    joined = clusters(accepted)
    people: dict[frozenset[RecordRef] | RecordRef, set[str]] = defaultdict(set)
    records = 0
    for name, ids in on_lists.items():
        for record in ids:
            ref = RecordRef(name, record)
            records += 1
            people[joined.get(ref, ref)].add(name)
    counts: dict[frozenset[str], int] = defaultdict(int)
    for found in people.values():
        counts[frozenset(found)] += 1
    return dict(counts), records


def estimate(ctx: Context, lists: Sequence[str], criterion: str = "bic") -> EstimateView:
    """How many people the lists missed, by multiple systems estimation over the accepted links."""
    from habeas.stats.estimate import EstimateError, estimate_total

    require_linker(ctx, "estimate")
    access.require(ctx, Action.READ_STATISTICS)
    if criterion not in ("aic", "bic"):
        raise ServiceError(f"--criterion must be aic or bic, not {criterion!r}")
    if len(lists) < 3:
        raise ServiceError(
            f"--lists: estimating the people missed needs at least three lists, not {len(lists)} "
            "(with two, the estimate rests on the lists being independent, which cannot be checked)"
        )
    chosen = _lists(ctx, lists)
    ids = [r.id for r in chosen]
    reach = access.reachable(ctx, Action.READ_SENSITIVE)
    with repository(ctx) as repo:
        on_lists: dict[str, list[str]] = {rid: [] for rid in ids}
        for person in repo.people(within=reach):
            release = person.identifiers.get("release")
            if release in on_lists:
                on_lists[release].append(person.id)
        accepted = LinkStore(repo.session, ctx.keyring).accepted_pairs()
    for rid, members in on_lists.items():
        if not members:
            raise ServiceError(f"--lists: the list {rid} has no one in your reach; nothing to estimate from")
    histories, records = capture_histories(on_lists, accepted)
    try:
        found = estimate_total(ids, histories, criterion=cast(Criterion, criterion))
    except EstimateError as exc:
        raise ServiceError(f"no estimate: {exc}") from exc
    access.audit(ctx, "estimate", records=[("dataset", rid) for rid in ids])
    titles = {r.id: r.source.title or r.id for r in chosen}
    used = sum(1 for pair in accepted if {pair[0].source, pair[1].source} & set(ids))
    return EstimateView(tuple(ids), titles, histories, found, records, used)

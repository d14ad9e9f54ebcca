"""Reviewing candidates and deciding them: accept, reject, and correct (append-only, sourced, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from habeas.security.access import Action, Resource, Scope
from habeas.security.audit import Outcome
from habeas.services import Context, NotFound, ServiceError, access
from habeas.services.database import repository, take_write_lock
from habeas.services.links.reach import is_person, require_linker
from habeas.services.links.views import CandidateView, RecordViewer
from habeas.store.links import VERDICTS, LinkStore, StoredCandidate, StoredDecision, Verdict
from habeas.store.repository import Repository
from habeas.store.tables import SourceRow

MIN_PREFIX = 6  # characters of a candidate's id a reviewer may type instead of all 64
STATUSES = ("pending", "same", "different", "all")


def decision_sources(ctx: Context) -> list[tuple[str, str]]:
    """The sources a decision may cite (id, title), for a form's choices."""
    require_linker(ctx, "link_review")
    with repository(ctx) as repo:
        return [(s.id, s.title or s.id) for s in repo.sources().values()]


# -- reviewing ------------------------------------------------------------------------------


def review(ctx: Context, min_probability: float | None = None, status: str = "pending") -> list[CandidateView]:
    """Candidates (pending by default) the user may reach, highest probability first; reading is audited."""
    reach = require_linker(ctx, "link_review")
    if status not in STATUSES:
        raise ServiceError(f"--status must be pending, same, different or all, not {status!r}")
    if min_probability is not None and not 0 <= min_probability <= 1:
        raise ServiceError(f"--min must be a probability from 0 to 1, not {min_probability}")
    with repository(ctx) as repo:
        store = LinkStore(repo.session, ctx.keyring)
        wanted: Any = None if status == "all" else status
        viewer = RecordViewer(ctx, repo, reach)
        shown = [viewer.candidate(c) for c in store.candidates(wanted, min_probability) if viewer.reachable(c)]
    access.audit(ctx, "link_review", records=[("link_candidate", v.id) for v in shown] or [(None, None)])
    return shown


def candidate(ctx: Context, ident: str) -> CandidateView:
    """One candidate with its decisions; out of reach is answered as missing."""
    reach = require_linker(ctx, "link_review")
    with repository(ctx) as repo:
        found = reachable_candidate(ctx, repo, reach, ident)
        view = RecordViewer(ctx, repo, reach).candidate(found)
    access.audit(ctx, "link_review", records=[("link_candidate", ident)])
    return view


def reachable_candidate(ctx: Context, repo: Repository, reach: Scope, ident: str) -> StoredCandidate:
    """The candidate ``ident`` names (all of its id, or a unique prefix) if both its records are in reach."""
    store = LinkStore(repo.session, ctx.keyring)
    if MIN_PREFIX <= len(ident) < 64:
        matching = store.ids_starting(ident.lower())
        if len(matching) > 1:
            raise ServiceError(f"more than one link candidate starts with {ident!r}: give more of its id")
        ident = matching[0] if matching else ident
    found = store.candidate(ident) if ident else None
    if found is None or not RecordViewer(ctx, repo, reach).reachable(found):
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


def correct(
    ctx: Context, decision: int, source: str, note: str | None = None, *, candidate: str | None = None
) -> StoredDecision:
    """Record a correction: a new decision saying the opposite of ``decision``, which stays as it was.

    With ``candidate`` (a candidate's whole id, as a form on its page sends it), a decision on any
    other candidate is answered as missing.
    """
    reach = require_linker(ctx, "link_correct")
    with repository(ctx) as repo:
        earlier = LinkStore(repo.session, ctx.keyring).decision(decision)
        if earlier is None or (candidate is not None and earlier.candidate != candidate):
            access.audit(ctx, "link_correct", Outcome.DENIED, [("link_decision", str(decision))])
            raise NotFound(f"no link decision {decision}; `habeas link show PERSON` lists a person's decisions")
        found = reachable_candidate(ctx, repo, reach, earlier.candidate)
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
        found = reachable_candidate(ctx, repo, reach, ident)
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
    people = [ref.record_id for ref in found.refs if is_person(ctx, ref)]
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

"""Cohorts as the acting user may see them: their members in reach, counts, and the members' timelines.

A cohort exists for a user only through the members they may read: one with no member
in reach is "not found", with the same words as one that does not exist, and its name
and size are never counted or shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from habeas.domain.model import Cohort, Event
from habeas.domain.timeline import Timeline, build_timeline, event_order
from habeas.security.access import Scope
from habeas.security.audit import Outcome
from habeas.services import Context, NotFound, access, track
from habeas.services.directory import Directory, PersonCard, Summary, in_reach, shown
from habeas.store.repository import Repository


@dataclass(frozen=True)
class CohortCount:
    """One line of the cohorts list: members in reach, by custody state today, and how many are flagged."""

    cohort: Cohort
    members: int
    custody: dict[str, int]
    flagged: int


@dataclass(frozen=True)
class CohortView:
    cohort: Cohort
    members: list[Summary]  # in reach, by name
    timelines: list[Timeline]  # the same members' timelines, for the charts
    events: list[Event]  # events recorded for the whole cohort, corrections applied


def _refuse(cohort_id: str) -> NotFound:
    # The same answer whether the cohort does not exist or has nobody in reach: no hint of what habeas holds.
    return NotFound(f"no cohort with id {cohort_id!r}")


def cohort_counts(ctx: Context, directory: Directory, today: date) -> list[CohortCount]:
    """The cohorts with at least one member in the acting user's reach, counted over those members only."""
    reach = in_reach(ctx)
    by_cohort: dict[str, list[Summary]] = defaultdict(list)
    for summary in directory.all_summaries(reach, today):
        for cohort_id in summary.card.cohorts:
            by_cohort[cohort_id].append(summary)
    if not by_cohort:
        return []
    with track.repository(ctx) as repo:
        known = {c.id: c for c in repo.cohorts() if c.id in by_cohort}
    found = []
    for cohort_id, members in by_cohort.items():
        found.append(
            CohortCount(
                cohort=known.get(cohort_id, Cohort(cohort_id)),
                members=len(members),
                custody=dict(Counter(s.whereabouts.custody.value for s in members)),
                flagged=sum(1 for s in members if s.flags),
            )
        )
    return sorted(found, key=lambda c: ((c.cohort.name or c.cohort.id).casefold(), c.cohort.id))


def cohort_view(ctx: Context, directory: Directory, cohort_id: str, today: date) -> CohortView:
    """One cohort's members in reach (audited as shown), their timelines and the cohort-wide events."""
    reach = in_reach(ctx)
    cards = [c for c in directory.cards(reach) if cohort_id in c.cohorts]
    if not cards:
        access.audit(ctx, "read_person", Outcome.DENIED, [("cohort", cohort_id)])
        raise _refuse(cohort_id)
    with track.repository(ctx) as repo:
        cohort = repo.cohort(cohort_id) or Cohort(cohort_id)
        timelines = _timelines(repo, cohort_id, cards, reach)
    members = directory.summaries(reach, [c.id for c in cards], today)
    shown(ctx, (s.card.id for s in members))
    events = {e.id: e for t in timelines for e in t.events if e.cohort == cohort_id}
    return CohortView(cohort, members, timelines, sorted(events.values(), key=event_order))


def _timelines(repo: Repository, cohort_id: str, cards: list[PersonCard], reach: Scope) -> list[Timeline]:
    """The members' timelines from one read of their events and their cohorts' (not one query per member)."""
    wanted = {c.id for c in cards}
    people = [p for p in repo.people(cohort_id, reach) if p.id in wanted]
    events = repo.events([p.id for p in people], {c for p in people for c in p.cohorts})
    sources = repo.sources(track.cited_sources(events))
    concerning = track.events_by_person(events)
    return [build_timeline(p, concerning(p), sources) for p in people]

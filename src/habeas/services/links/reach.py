"""Who may link (editors and admins), and which records of a pair are in a linker's reach."""

from __future__ import annotations

from habeas.linkage.types import RecordRef
from habeas.security.access import Action, Resource, Scope, decide
from habeas.security.audit import Outcome
from habeas.services import Context, access
from habeas.store.repository import Repository

PEOPLE = "people"  # the source of tracked people that come from no list


def require_linker(ctx: Context, action: str) -> Scope:
    """Refuse (audited) anyone without the import right; the records in their reach for sensitive reading."""
    if not decide(access.acting_user(ctx), Action.IMPORT):
        access.audit(ctx, action, Outcome.DENIED)
        raise access.Forbidden(
            f"{ctx.actor.name} may not link records or read links (nor estimate from them): "
            "that is for editors and admins"
        )
    return access.reachable(ctx, Action.READ_SENSITIVE)


def in_reach(repo: Repository, reach: Scope, ref: RecordRef, releases: set[str]) -> bool:
    if ref.source in releases:
        return True  # an anonymized release's row: the statistics right, which every linker has
    cohorts = repo.person_cohorts(ref.record_id)
    return cohorts is not None and reach.covers(Resource.person(ref.record_id, cohorts))


def is_person(ctx: Context, ref: RecordRef) -> bool:
    """Whether a record is a person of the database: a tracked person or a row of an imported list."""
    from habeas.analytics.releases import find_release

    if ref.source == PEOPLE:
        return True
    found = find_release(ctx.settings.datasets_dir, ref.source)
    return found is not None and found.id == ref.source and found.format == "mapped_list"


def is_release(ctx: Context, ref: RecordRef) -> bool:
    return ref.source != PEOPLE and not is_person(ctx, ref)

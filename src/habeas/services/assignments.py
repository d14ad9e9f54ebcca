"""Casework assignments: a person assigned to the user who works on them.

An editor assigns a person they can reach to a user who can reach them too (an assignee who could
not open the person's page would be given work they cannot see). The assignee's morning report leads
with the people assigned to them. Assigning and unassigning are audited; the audit log is the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from habeas.security.access import Action, Resource, decide
from habeas.security.audit import Outcome
from habeas.services import Context, NotFound, ServiceError, access
from habeas.services.database import repository
from habeas.store.accounts import load_user
from habeas.store.assignments import SqlAssignments

ASSIGN = "assign_person"
UNASSIGN = "unassign_person"


@dataclass(frozen=True)
class AssignmentChange:
    person: str
    user: str | None  # the new assignee; None when unassigned
    previous: str | None  # the assignee replaced or removed, if any
    at: datetime


def _reachable_for_writing(ctx: Context, person: str) -> None:
    """The person exists and the acting user may change their record; out of reach reads as missing."""
    with repository(ctx) as repo:
        cohorts = repo.person_cohorts(person)
    if cohorts is None:
        access.audit(ctx, ASSIGN, Outcome.DENIED, [("person", person)])
        raise NotFound(access.not_found_message("person", person))
    access.require(ctx, Action.READ_PERSON, Resource.person(person, cohorts), hide=True)
    access.require(ctx, Action.WRITE_PERSON, Resource.person(person, cohorts))


def assign(ctx: Context, person: str, user: str) -> AssignmentChange:
    """Assign ``person`` to ``user``, replacing any earlier assignee; refused when ``user`` cannot reach them."""
    _reachable_for_writing(ctx, person)
    with repository(ctx) as repo:
        cohorts = repo.person_cohorts(person) or ()
    with Session(ctx.engine) as session:
        assignee = load_user(session, user)
    if assignee is None or not assignee.active:
        raise ServiceError(f"no active user {user!r}; `habeas users list` lists them")
    if not decide(assignee, Action.READ_PERSON, Resource.person(person, cohorts)):
        raise ServiceError(
            f"{user} cannot reach {person}: grant them a group that reaches the person first "
            "(`habeas users grant USER --group GROUP`), then assign"
        )
    now = ctx.clock.now()
    before = SqlAssignments(ctx.engine).assign(person, user, ctx.actor.name, now)
    access.audit(ctx, ASSIGN, Outcome.ALLOWED, [("person", person), ("user", user)])
    return AssignmentChange(person, user, before.user if before else None, now)


def unassign(ctx: Context, person: str) -> AssignmentChange:
    """End the person's assignment (nothing to end is not an error: it is said)."""
    _reachable_for_writing(ctx, person)
    now = ctx.clock.now()
    ended = SqlAssignments(ctx.engine).unassign(person)
    access.audit(ctx, UNASSIGN, Outcome.ALLOWED, [("person", person)])
    return AssignmentChange(person, None, ended.user if ended else None, now)


def assigned_to_me(ctx: Context) -> list[str]:
    """The ids of the people assigned to the acting user that they can still reach, in id order."""
    reach = access.reachable(ctx)
    mine = [a.person for a in SqlAssignments(ctx.engine).of_user(ctx.actor.name)]
    if reach.all_records or not mine:
        return mine
    with repository(ctx) as repo:
        cohorts = {person: repo.person_cohorts(person) or () for person in mine}
    user = access.acting_user(ctx)
    return [p for p in mine if decide(user, Action.READ_PERSON, Resource.person(p, cohorts[p]))]


def assignee(ctx: Context, person: str) -> str | None:
    """Who the person is assigned to (the caller has already decided the person is in reach)."""
    found = SqlAssignments(ctx.engine).of_person(person)
    return found.user if found else None

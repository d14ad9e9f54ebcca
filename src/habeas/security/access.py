"""Who may do what: roles, access groups and one decision function. Pure data, no I/O.

Deny by default. A role says which actions a user may take at all; access groups say
which people and cohorts a non-admin may take them on. A person is reachable through
a group that names the person, names one of the person's cohorts, or covers every
record. Admins reach every record: someone has to be able to grant access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class Action(StrEnum):
    READ_PERSON = "read_person"  # timeline, whereabouts, flags of one person or a cohort
    READ_SENSITIVE = "read_sensitive"  # names' sensitive attributes (asylum basis, `sensitive:`), notes
    WRITE_EVENT = "write_event"  # add an event or a correction
    WRITE_PERSON = "write_person"  # create or change a person's record
    IMPORT = "import"  # load case files or datasets
    EXPORT = "export"  # case files that carry names and identifiers out of habeas
    READ_STATISTICS = "read_statistics"  # cohort figures, over the records the user can reach
    PUBLISH = "publish"  # aggregate tables for the public
    MANAGE_USERS = "manage_users"  # users, roles, access groups
    READ_AUDIT = "read_audit"  # who saw what
    MANAGE_KEYS = "manage_keys"  # key rotation
    BACKUP = "backup"  # backup and restore


class ResourceKind(StrEnum):
    PERSON = "person"
    COHORT = "cohort"
    SYSTEM = "system"  # the database as a whole


@dataclass(frozen=True)
class Resource:
    """What an action is taken on. For a person, ``cohorts`` are the cohorts the person belongs to."""

    kind: ResourceKind
    id: str | None = None
    cohorts: frozenset[str] = frozenset()

    @classmethod
    def person(cls, person_id: str, cohorts: Iterable[str] = ()) -> Resource:
        return cls(ResourceKind.PERSON, person_id, frozenset(cohorts))

    @classmethod
    def cohort(cls, cohort_id: str) -> Resource:
        return cls(ResourceKind.COHORT, cohort_id)


SYSTEM = Resource(ResourceKind.SYSTEM)


@dataclass(frozen=True)
class AccessGroup:
    """A named set of people and cohorts; ``all_records`` covers the whole database."""

    name: str
    people: frozenset[str] = frozenset()
    cohorts: frozenset[str] = frozenset()
    all_records: bool = False

    def covers(self, resource: Resource) -> bool:
        if self.all_records:
            return True
        if resource.kind is ResourceKind.PERSON:
            return resource.id in self.people or bool(resource.cohorts & self.cohorts)
        if resource.kind is ResourceKind.COHORT:
            return resource.id in self.cohorts
        return False


@dataclass(frozen=True)
class User:
    """A habeas user as the access model sees one: the store loads the groups with the user."""

    name: str
    role: Role | str
    groups: tuple[AccessGroup, ...] = ()
    active: bool = True


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


# The one table of what each role may do. Record actions also need the record in reach.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ_PERSON, Action.READ_STATISTICS}),
    Role.EDITOR: frozenset(
        {
            Action.READ_PERSON,
            Action.READ_SENSITIVE,
            Action.WRITE_EVENT,
            Action.WRITE_PERSON,
            Action.IMPORT,
            Action.EXPORT,
            Action.READ_STATISTICS,
        }
    ),
    Role.ADMIN: frozenset(Action),
}

# Actions taken on one person or cohort; the rest are taken on the system as a whole.
RECORD_ACTIONS = frozenset(
    {Action.READ_PERSON, Action.READ_SENSITIVE, Action.WRITE_EVENT, Action.WRITE_PERSON, Action.EXPORT}
)


def _role_check(user: User | None, action: Action | str) -> tuple[Role, Action] | Decision:
    """The user's role and the action when the role permits it, else the denial."""
    if user is None:
        return Decision(False, "no user: every action needs a known user")
    if not user.active:
        return Decision(False, f"user {user.name} is deactivated")
    try:
        role, act = Role(user.role), Action(action)
    except ValueError:
        return Decision(False, f"unknown role {user.role!r} or action {action!r}")
    if act not in ROLE_ACTIONS[role]:
        return Decision(False, f"role {role} may not {act}")
    return role, act


def decide(user: User | None, action: Action | str, resource: Resource = SYSTEM) -> Decision:
    """Whether ``user`` may take ``action`` on ``resource``, and why. Anything unforeseen is denied."""
    checked = _role_check(user, action)
    if isinstance(checked, Decision):
        return checked
    assert user is not None
    role, act = checked
    if act not in RECORD_ACTIONS:
        if resource.kind is not ResourceKind.SYSTEM:
            return Decision(False, f"{act} applies to the whole database, not to one {resource.kind}")
        return Decision(True, f"role {role} may {act}")
    if resource.kind is ResourceKind.SYSTEM or resource.id is None:
        return Decision(False, f"{act} needs a person or a cohort")
    if role is Role.ADMIN:
        return Decision(True, f"admins may {act} any record")
    for group in user.groups:
        if group.covers(resource):
            return Decision(True, f"role {role} may {act}; group {group.name} covers {resource.kind} {resource.id}")
    return Decision(False, f"no access group of {user.name} covers {resource.kind} {resource.id}")


@dataclass(frozen=True)
class Scope:
    """The records a user can reach, for the store to turn into a query filter."""

    all_records: bool = False
    people: frozenset[str] = field(default_factory=frozenset)
    cohorts: frozenset[str] = field(default_factory=frozenset)

    def covers(self, resource: Resource) -> bool:
        return AccessGroup("scope", self.people, self.cohorts, self.all_records).covers(resource)


NOTHING = Scope()


def scope(user: User | None, action: Action | str = Action.READ_PERSON) -> Scope:
    """Every record ``user`` may take ``action`` on: the filter for lists, searches and counts.

    A list or a count over records the user cannot reach would leak them, so services
    filter by this scope in the query rather than deciding row by row afterwards.
    """
    checked = _role_check(user, action)
    if isinstance(checked, Decision) or checked[1] not in RECORD_ACTIONS:
        return NOTHING
    assert user is not None
    if checked[0] is Role.ADMIN or any(g.all_records for g in user.groups):
        return Scope(all_records=True)
    people = frozenset[str]().union(*(g.people for g in user.groups))
    cohorts = frozenset[str]().union(*(g.cohorts for g in user.groups))
    return Scope(people=people, cohorts=cohorts)

"""The access model denies by default: roles bound actions, access groups bound records."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.security.access import (
    RECORD_ACTIONS,
    SYSTEM,
    AccessGroup,
    Action,
    Resource,
    Role,
    User,
    decide,
    scope,
)

EVERYTHING = AccessGroup("staff", all_records=True)
CLIENTS = AccessGroup("clients", people=frozenset({"p-client"}), cohorts=frozenset({"cohort-a"}))

ADMIN = User("ada", Role.ADMIN)
EDITOR = User("eli", Role.EDITOR, groups=(EVERYTHING,))
VIEWER = User("vic", Role.VIEWER, groups=(EVERYTHING,))
PERSON = Resource.person("p-someone", cohorts=["cohort-z"])
COHORT = Resource.cohort("cohort-z")

# The roles × operations matrix: every action for every role, on the resource it applies to.
ALLOWED = {
    Role.ADMIN: set(Action),
    Role.EDITOR: {
        Action.READ_PERSON,
        Action.READ_SENSITIVE,
        Action.WRITE_EVENT,
        Action.WRITE_PERSON,
        Action.IMPORT,
        Action.EXPORT,
        Action.READ_STATISTICS,
    },
    Role.VIEWER: {Action.READ_PERSON, Action.READ_STATISTICS},
}


@pytest.mark.parametrize("user", [ADMIN, EDITOR, VIEWER], ids=lambda u: u.role)
@pytest.mark.parametrize("action", list(Action))
def test_roles_times_operations(user, action):
    resource = PERSON if action in RECORD_ACTIONS else SYSTEM
    decision = decide(user, action, resource)
    assert decision.allowed == (action in ALLOWED[Role(user.role)]), decision.reason


@pytest.mark.parametrize("action", sorted(RECORD_ACTIONS))
@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_a_user_without_an_access_group_reaches_no_record(role, action):
    decision = decide(User("new", role), action, PERSON)
    assert not decision.allowed
    assert "no access group" in decision.reason or "may not" in decision.reason


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        (Resource.person("p-client"), True),
        (Resource.person("p-other", cohorts=["cohort-a"]), True),
        (Resource.person("p-other", cohorts=["cohort-b"]), False),
        (Resource.person("p-other"), False),
        (Resource.cohort("cohort-a"), True),
        (Resource.cohort("cohort-b"), False),
    ],
    ids=[
        "named person",
        "person in a granted cohort",
        "person in another cohort",
        "person in no cohort",
        "granted cohort",
        "other cohort",
    ],
)
def test_access_groups_restrict_people_and_cohorts(resource, allowed):
    editor = User("eli", Role.EDITOR, groups=(CLIENTS,))
    assert decide(editor, Action.WRITE_EVENT, resource).allowed is allowed


def test_admins_reach_every_record_without_a_group():
    assert decide(ADMIN, Action.READ_SENSITIVE, PERSON).allowed


@pytest.mark.parametrize(
    ("user", "action", "resource", "reason"),
    [
        (None, Action.READ_PERSON, PERSON, "no user"),
        (User("gone", Role.ADMIN, active=False), Action.READ_PERSON, PERSON, "deactivated"),
        (User("odd", "superuser"), Action.READ_PERSON, PERSON, "unknown role"),
        (ADMIN, "delete_everything", SYSTEM, "unknown"),
        (ADMIN, Action.READ_PERSON, SYSTEM, "needs a person"),
        (ADMIN, Action.MANAGE_USERS, PERSON, "whole database"),
        (VIEWER, Action.READ_SENSITIVE, PERSON, "may not"),
    ],
)
def test_anything_unforeseen_is_denied_with_a_reason(user, action, resource, reason):
    decision = decide(user, action, resource)
    assert not decision.allowed and not decision
    assert reason in decision.reason


def test_a_viewer_reads_a_timeline_but_not_the_sensitive_attributes():
    assert decide(VIEWER, Action.READ_PERSON, PERSON).allowed
    assert not decide(VIEWER, Action.READ_SENSITIVE, PERSON).allowed


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (ADMIN, (True, set(), set())),
        (EDITOR, (True, set(), set())),
        (User("eli", Role.EDITOR, groups=(CLIENTS,)), (False, {"p-client"}, {"cohort-a"})),
        (User("new", Role.VIEWER), (False, set(), set())),
        (None, (False, set(), set())),
    ],
    ids=["admin", "editor with all records", "editor with a group", "viewer with none", "nobody"],
)
def test_scope_lists_what_a_user_can_reach(user, expected):
    s = scope(user, Action.READ_PERSON)
    assert (s.all_records, set(s.people), set(s.cohorts)) == expected


def test_scope_is_empty_for_an_action_the_role_lacks():
    assert not scope(VIEWER, Action.WRITE_EVENT).all_records


ids = st.sampled_from(["p1", "p2", "p3", "c1", "c2"])
groups = st.builds(
    AccessGroup,
    name=st.just("g"),
    people=st.frozensets(ids),
    cohorts=st.frozensets(ids),
    all_records=st.booleans(),
)
users = st.builds(
    User,
    name=st.just("u"),
    role=st.sampled_from(list(Role)),
    groups=st.lists(groups, max_size=3).map(tuple),
    active=st.booleans(),
)
resources = st.one_of(
    st.builds(Resource.person, ids, st.frozensets(ids)),
    st.builds(Resource.cohort, ids),
)


@given(user=users, action=st.sampled_from(sorted(RECORD_ACTIONS)), resource=resources)
def test_scope_and_decide_agree_on_every_record(user, action, resource):
    assert scope(user, action).covers(resource) == decide(user, action, resource).allowed

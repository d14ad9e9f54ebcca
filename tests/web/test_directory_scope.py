"""A public directory call given a narrow scope never returns, counts or names a person out of that scope.

The directory's memory holds everybody (it is filled once for all users); these tests ask
it as users who reach one person, one cohort or nobody, and look for the planted canary
and the other out-of-reach people in every answer. A person out of reach must be answered
exactly as an id that no record has.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from web_helpers import CANARY_COHORT, CANARY_ID, CANARY_NAME, CANARY_WORDS, TODAY, make_database

from habeas.security.access import NOTHING, Action, Scope
from habeas.services import Actor, Context, NotFound, access
from habeas.services.directory import Directory
from habeas.services.people import PeopleQuery, alerts, morning_report, people_list

GONE_ID = "nobody-x7q"  # as long as CANARY_ID, and no record has it
EVERYONE = Scope(all_records=True)
SINCE = date(2025, 1, 1)  # early enough that the canary (booked 1 April, removed 20 May) has news since

# The users of web_helpers, with the people each may read (and so the only ones any answer may hold).
REACH = {
    "outsider": {"ahr"},  # one person
    "viewer": {"demo-a", "demo-b"},  # one cohort
}
SCOPES = {
    "one person": (Scope(people=frozenset({"ahr"})), {"ahr"}),
    "one cohort": (Scope(cohorts=frozenset({"demo-flight-2025-04"})), {"demo-a", "demo-b"}),
    "only a person who does not exist": (Scope(people=frozenset({GONE_ID})), set()),
    "nobody": (NOTHING, set()),
}


World = tuple[Directory, dict[str, Context]]  # the directory, and a context acting as each user


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    settings = make_database(tmp_path_factory.mktemp("scope"))
    directory = Directory(Context(settings, Actor("admin")))  # filled as an admin, as the web app fills it
    return directory, {name: Context(settings, Actor(name)) for name in (*REACH, "admin")}


def test_the_canary_is_in_the_directory_for_a_scope_that_covers_it(world: World) -> None:
    directory, _ = world
    assert directory.card(EVERYONE, CANARY_ID) is not None  # so the absences below mean something
    assert CANARY_ID in {c.id for c in directory.cards(EVERYONE)}


@pytest.mark.parametrize("scope", list(SCOPES))
def test_cards_search_and_card_hold_only_people_in_scope(world: World, scope: str) -> None:
    directory, _ = world
    reach, allowed = SCOPES[scope]
    assert {c.id for c in directory.cards(reach)} == allowed
    for word in (*CANARY_WORDS, CANARY_NAME, "a", "Persona", "ahr"):
        assert {m.card.id for m in directory.search(reach, word)} <= allowed
    assert directory.card(reach, CANARY_ID) is None and directory.card(reach, GONE_ID) is None
    for person_id in ("ahr", "demo-a", "demo-b"):
        assert (directory.card(reach, person_id) is not None) == (person_id in allowed)


@pytest.mark.parametrize("scope", list(SCOPES))
def test_summaries_and_flags_hold_only_people_in_scope(world: World, scope: str) -> None:
    directory, _ = world
    reach, allowed = SCOPES[scope]
    asked = [CANARY_ID, GONE_ID, "ahr", "demo-a", "demo-b"]
    assert [s.card.id for s in directory.summaries(reach, asked, TODAY)] == [p for p in asked if p in allowed]
    assert {s.card.id for s in directory.all_summaries(reach, TODAY)} == allowed
    assert set(directory.flags_known_on(reach, SINCE)) <= allowed


def test_summaries_are_decided_on_the_directorys_card_not_the_callers(world: World) -> None:
    directory, _ = world
    # Only ids are taken: a caller cannot claim the canary is in a cohort they reach.
    narrow = Scope(cohorts=frozenset({"demo-flight-2025-04"}))
    assert directory.summaries(narrow, [CANARY_ID], TODAY) == []
    assert directory.summaries(Scope(cohorts=frozenset({CANARY_COHORT})), [CANARY_ID], TODAY) != []


def _same_answer(ask: Callable[[str], object], present: str = CANARY_ID, absent: str = GONE_ID) -> None:
    answers = []
    for ident in (present, absent):
        with pytest.raises(NotFound) as caught:
            ask(ident)
        answers.append(str(caught.value).replace(ident, "{ID}"))
    assert answers[0] == answers[1] == access.not_found_message("person", "{ID}")


@pytest.mark.parametrize("name", list(REACH))
def test_a_person_out_of_reach_is_answered_as_one_who_does_not_exist(world: World, name: str) -> None:
    directory, contexts = world
    ctx = contexts[name]
    user = access.acting_user(ctx)
    _same_answer(lambda pid: directory.reachable(ctx, user, Action.WRITE_EVENT, pid))
    _same_answer(lambda pid: directory.view(ctx, user, pid, TODAY))
    _same_answer(lambda pid: directory.view(ctx, user, pid, TODAY, known_on=SINCE))


@pytest.mark.parametrize("name", list(REACH))
@pytest.mark.parametrize(
    "query",
    [PeopleQuery(), PeopleQuery(text="Qwertzy"), PeopleQuery(text=CANARY_ID), PeopleQuery(cohort=CANARY_COHORT),
     PeopleQuery(custody="removed"), PeopleQuery(country="SV"), PeopleQuery(sort="days"), PeopleQuery(sort="id")],
)  # fmt: skip
def test_the_people_list_lists_and_counts_only_people_in_reach(world: World, name: str, query: PeopleQuery) -> None:
    directory, contexts = world
    found = people_list(contexts[name], directory, query, TODAY, page=1, per_page=50)
    assert {s.card.id for s in found.rows} <= REACH[name]
    assert found.total == len(found.rows) <= len(REACH[name])
    assert CANARY_COHORT not in found.cohorts
    everyone = people_list(contexts["admin"], directory, query, TODAY, page=1, per_page=50)
    if query == PeopleQuery():
        assert found.total == len(REACH[name]) < everyone.total  # the admin's list is longer: the filter did it


@pytest.mark.parametrize("name", list(REACH))
def test_the_morning_report_names_and_counts_only_people_in_reach(world: World, name: str) -> None:
    directory, contexts = world
    report = morning_report(contexts[name], SINCE, TODAY, directory)
    assert report.total == len(REACH[name]) == sum(n for _, n in report.counts)
    assert {p.person for p in report.alerts.people} <= REACH[name]
    assert set(report.cards) <= REACH[name] and all(c is not None for c in report.cards.values())
    assert {s.card.id for s in report.silent} <= REACH[name]
    assert alerts(contexts[name], SINCE, TODAY, directory).as_json() == report.alerts.as_json()
    everyone = morning_report(contexts["admin"], SINCE, TODAY, directory)
    assert CANARY_ID in {p.person for p in everyone.alerts.people}  # the canary has news the others are not told

"""The name index forgives accents, word order, case and one typo per word, and never reaches past the scope."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.security.access import Scope
from habeas.services.name_index import NameIndex, PersonCard, within_one_edit

PEOPLE = [
    PersonCard("p1", "José Andrés Núñez Peña", ("Pepe Núñez",), ("c-north",), "VE"),
    PersonCard("p2", "Ana María Rodríguez", (), ("c-south",), "HN"),
    PersonCard("p3", "Juan O'Brien", ("Johnny",), (), "GT"),
    PersonCard("p4", "Joseph Andrews", (), ("c-north",), "US"),
]
EVERYONE = Scope(all_records=True)
INDEX = NameIndex(PEOPLE)


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("José Núñez", "p1"),  # as written
        ("jose nunez", "p1"),  # accents and case do not matter
        ("nunez jose", "p1"),  # nor word order
        ("Jsoe Nunez", "p1"),  # two neighbouring letters swapped
        ("Jose Nunes", "p1"),  # one letter wrong
        ("Jose Nuñezz", "p1"),  # one letter too many
        ("Jose Nune", "p1"),  # a prefix, as typed so far
        ("pepe", "p1"),  # an alias
        ("Rodrigues Ana", "p2"),
        ("obrien", "p3"),  # apostrophes joined
        ("o'brien juan", "p3"),
        ("Joseph", "p4"),
        ("p2", "p2"),  # an id
    ],
)
def test_a_forgiving_query_finds_the_person_first(query: str, expected_first: str) -> None:
    assert INDEX.search(query, EVERYONE)[0].card.id == expected_first


@pytest.mark.parametrize("query", ["Jose Nxnxz", "Zzz", "Nunez Rodriguez", "", "   "])
def test_two_typos_in_a_word_or_unrelated_words_find_nobody(query: str) -> None:
    assert [m.card.id for m in INDEX.search(query, EVERYONE)] == []


def test_an_exact_word_ranks_above_a_typo() -> None:
    matches = INDEX.search("Andres", EVERYONE)
    assert [m.card.id for m in matches] == ["p1", "p4"]  # Andrés exactly; Andrews one letter away
    assert matches[0].cost < matches[1].cost


@pytest.mark.parametrize(
    ("scope", "found"),
    [
        (Scope(people=frozenset({"p4"})), ["p4"]),
        (Scope(cohorts=frozenset({"c-north"})), ["p1", "p4"]),
        (Scope(cohorts=frozenset({"c-south"})), []),
        (Scope(), []),
    ],
)
def test_search_returns_only_people_in_reach(scope: Scope, found: list[str]) -> None:
    assert sorted(m.card.id for m in INDEX.search("jose andres", scope)) == found


def _osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, written out the slow way, as a reference."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


words = st.text(alphabet="abcdeñ", max_size=7)


@given(words, words)
def test_within_one_edit_agrees_with_the_edit_distance(a: str, b: str) -> None:
    assert within_one_edit(a, b) == (_osa_distance(a, b) <= 1)


@given(st.text(alphabet="abcdefgh", min_size=3, max_size=9), st.data())
def test_a_word_with_one_typo_still_finds_its_person(word: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(word) - 1))
    typo = data.draw(st.sampled_from(["delete", "replace", "insert"]))
    letter = data.draw(st.sampled_from("xyz"))
    typed = {
        "delete": word[:position] + word[position + 1 :],
        "replace": word[:position] + letter + word[position + 1 :],
        "insert": word[:position] + letter + word[position:],
    }[typo]
    if len(typed) < 3:
        return  # one- and two-letter words are matched exactly or as prefixes only
    index = NameIndex([PersonCard("x", f"Zz {word}", (), (), None)])
    assert [m.card.id for m in index.search(typed, EVERYONE)] == ["x"]

"""Identifier lookup and name search work on keyed tokens: forgiving for users, opaque without the key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.security.crypto import Keyring
from habeas.security.search import (
    NAME_MATCH_THRESHOLD,
    blind_index,
    fold,
    name_match_score,
    name_matches,
    name_tokens,
    name_words,
    normalise_identifier,
    trigrams,
)

KEYRING = Keyring.generate()


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("a_number", "A-012-345-678", "012345678"),
        ("a_number", "A 012 345 678", "a012345678"),
        ("a_number", "12345678", "A012345678"),  # eight-digit A-numbers gain their leading zero
        ("a_number", "a-012.345.678", "A012345678"),
        ("ice_subject_id", "AB-12 34", "ab1234"),
    ],
)
def test_identifiers_written_differently_share_an_index_value(kind, a, b):
    assert normalise_identifier(kind, a) == normalise_identifier(kind, b)
    assert blind_index(KEYRING, kind, a) == blind_index(KEYRING, kind, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("a_number", "012345678"), ("a_number", "012345679")),
        (("a_number", "012345678"), ("dataset_id", "012345678")),
    ],
    ids=["another number", "the same digits as another kind"],
)
def test_different_identifiers_have_different_index_values(a, b):
    assert blind_index(KEYRING, *a) != blind_index(KEYRING, *b)


def test_the_index_depends_on_the_key_and_does_not_contain_the_identifier():
    value = blind_index(KEYRING, "a_number", "A-098-765-432")
    assert value != blind_index(Keyring.generate(), "a_number", "A-098-765-432")
    assert "098765432" not in value and "98765432" not in value


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Andrés Núñez", ["andres", "nunez"]),
        ("  ZOË   d'Arc-Østergård ", ["zoe", "darc", "østergard"]),
        ("O’Brien", ["obrien"]),
        ("Straße", ["strasse"]),
        ("", []),
    ],
)
def test_name_words_fold_accents_case_and_punctuation(name, words):
    assert name_words(name) == words


def test_fold_removes_accents_and_case():
    assert fold("José ÁLVAREZ") == "jose alvarez"


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("Jose Alvarez", "José Álvarez"),  # accents
        ("ALVAREZ jose", "José Álvarez"),  # word order and case
        ("Alvarez", "José Álvarez Ruiz"),  # part of a longer name
        ("Jose Alvares", "José Álvarez"),  # a substituted letter
        ("Jose Alvarz", "José Álvarez"),  # a missing letter
        ("Jose Alvaarez", "José Álvarez"),  # an extra letter
        ("Jose Alvraez", "José Álvarez"),  # swapped letters
        ("Marisol Quintero", "Marisol Quinteros Beltrán"),
    ],
)
def test_a_search_forgives_accents_word_order_and_one_typo(query, stored):
    assert name_matches(name_tokens(KEYRING, query), name_tokens(KEYRING, stored))


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("Jose Alvarez", "Marisol Quintero"),
        ("Ana Paz", "Ana María Pérez"),
        ("Carlos Perez", "Juan Pérez Ramírez"),
        ("Jose Alvarez", ""),
        ("", "José Álvarez"),
    ],
)
def test_a_search_does_not_match_other_names(query, stored):
    assert not name_matches(name_tokens(KEYRING, query), name_tokens(KEYRING, stored))


def test_an_exact_name_ranks_above_a_near_miss():
    stored = name_tokens(KEYRING, "José Álvarez")
    exact = name_match_score(name_tokens(KEYRING, "jose alvarez"), stored)
    typo = name_match_score(name_tokens(KEYRING, "jose alvares"), stored)
    assert exact == 1.0 > typo >= NAME_MATCH_THRESHOLD


def test_aliases_are_searchable_with_the_name():
    stored = name_tokens(KEYRING, "José Álvarez", "Pepe Ruiz")
    assert name_matches(name_tokens(KEYRING, "pepe ruiz"), stored)


def test_tokens_under_another_key_match_nothing():
    stored = name_tokens(KEYRING, "José Álvarez")
    assert name_match_score(name_tokens(Keyring.generate(), "José Álvarez"), stored) == 0.0


def test_tokens_do_not_contain_the_name_or_its_pieces():
    tokens = name_tokens(KEYRING, "Zelmira Quintanilla")
    joined = " ".join(tokens)
    for piece in ("zelmira", "quint", "zel", "ani", "lla"):
        assert piece not in joined


# Words of four or more letters without a repeated letter, and no trigram shared between the
# words, as in most names. The guarantee is weaker for names like "Abcd Xbcd" or "Aaaa", whose
# words have few distinct trigrams: one typo can then cost nearly half of them.
words = st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyzáéíóúñ"), min_size=4, max_size=12, unique=True).map("".join)


def no_shared_trigram(names: list[str]) -> bool:
    seen: set[str] = set()
    for name in names:
        if seen & trigrams(name):
            return False
        seen |= trigrams(name)
    return True


@settings(max_examples=200)
@given(names=st.lists(words, min_size=2, max_size=4).filter(no_shared_trigram), data=st.data())
def test_any_single_typo_in_a_long_enough_name_still_matches(names, data):
    stored = " ".join(names)
    i = data.draw(st.integers(0, len(names) - 1))
    word = names[i]
    pos = data.draw(st.integers(0, len(word) - 1))
    edit = data.draw(st.sampled_from(["substitute", "delete", "insert"]))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    typo = {
        "substitute": word[:pos] + letter + word[pos + 1 :],
        "delete": word[:pos] + word[pos + 1 :],
        "insert": word[:pos] + letter + word[pos:],
    }[edit]
    query = " ".join(reversed([*names[:i], typo, *names[i + 1 :]]))
    assert name_matches(name_tokens(KEYRING, query), name_tokens(KEYRING, stored))

"""Names as linkage compares them: accents, particles, both surnames, any order, typos (a table of cases)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.linkage.names import describe_pair, fold, normalize_name, skeleton, words


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("José Pérez", "jose perez"),  # accents
        ("NÚÑEZ", "nunez"),  # Ñ and case
        ("ñañez", "nanez"),
        ("Pérez-Gómez", "perez gomez"),  # hyphenated surnames are two words
        ("  O'Brien   Díaz ", "o brien diaz"),  # apostrophes and spaces
        ("GONZÁLEZ, MARÍA JOSÉ", "gonzalez maria jose"),
        ("Müller", "muller"),
        ("Влади́мир Пу́шкин", "vladimir pushkin"),  # Cyrillic transliterated by unidecode
        ("Ζωή", "zoe"),  # Greek
    ],
)
def test_fold_gives_plain_lower_case_words(written: str, folded: str) -> None:
    assert fold(written) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("José Luis Pérez González", "PEREZ GONZALEZ, JOSE LUIS"),  # roster order, no accents
        ("José Luis Pérez González", "Pérez González José Luis"),  # swapped without a comma
        ("Iván Núñez de la Cruz", "IVAN NUNEZ CRUZ"),  # particles dropped by one list
        ("María del Valle Ortega y Gasset", "maria valle ortega gasset"),
        ("Ana Pérez-Gómez", "Ana Pérez Gómez"),  # hyphen or space
    ],
)
def test_the_same_name_written_differently_has_one_key(a: str, b: str) -> None:
    assert normalize_name(a).key == normalize_name(b).key


def test_different_people_keep_different_keys() -> None:
    assert normalize_name("José Pérez González").key != normalize_name("José Pérez Gómez").key


def test_parts_are_kept_when_the_source_gives_them() -> None:
    name = normalize_name(given_names="José Luis", surnames="de la Cruz Pérez")
    assert name.given == ("jose", "luis")
    assert name.surnames == ("cruz", "perez")
    assert name.key == normalize_name("Jose Luis Cruz Perez").key


def test_a_comma_reads_surnames_first() -> None:
    name = normalize_name("PÉREZ GONZÁLEZ, José Luis")
    assert name.surnames == ("perez", "gonzalez")
    assert name.given == ("jose", "luis")


def test_without_a_comma_order_is_unknown_and_only_words_are_kept() -> None:
    name = normalize_name("José Luis Pérez González")
    assert name.given == () and name.surnames == ()
    assert name.word_set == {"jose", "luis", "perez", "gonzalez"}


@pytest.mark.parametrize("empty", [None, "", "   ", "de la", "-- , --"])
def test_a_name_with_no_words_is_empty(empty: str | None) -> None:
    assert not normalize_name(empty)
    assert words(empty) == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gregorio", "gragorio"),  # a vowel changed
        ("alejandro", "aljandro"),  # a vowel dropped
        ("martinez", "mratinez"),  # a vowel swapped with a consonant
        ("carrasquel", "carasquel"),  # a doubled letter
        ("johana", "joana"),  # a silent h
        ("rodriguez", "rdoriguez"),
    ],
)
def test_a_skeleton_survives_vowel_typos(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_a_skeleton_keeps_names_apart_that_differ_in_consonants() -> None:
    assert skeleton("jose") != skeleton("jesus")  # both common: they must not collapse
    assert skeleton("perez") != skeleton("paredes")


def test_describe_pair_says_how_names_compare_without_repeating_them() -> None:
    left = normalize_name("José Luis Pérez González")
    right = normalize_name(given_names="Jose Luiz", surnames="Perez")
    detail = describe_pair(left, right)
    assert "2 of 4 name words agree" in detail
    assert "1 more differs by one letter" in detail
    for word in ("jose", "luis", "luiz", "perez", "gonzalez"):
        assert word not in detail.lower()


def test_describe_pair_names_order_swaps_and_surnames() -> None:
    assert describe_pair(normalize_name("Ana Díaz"), normalize_name("DIAZ ANA")) == "same name words, in another order"
    parts = describe_pair(normalize_name("DIAZ MORA, ANA"), normalize_name("DIAZ, ANA"))
    assert "first surname agrees" in parts


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=60))
def test_normalizing_any_text_gives_lower_case_ascii_words(text: str) -> None:
    name = normalize_name(text)
    for word in name.words:
        assert word.isascii() and word.isalpha() and word == word.lower()
    assert normalize_name(name.key).key == name.key  # normalizing twice changes nothing

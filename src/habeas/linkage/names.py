"""Names as linkage compares them: folded to plain letters, particles set aside, order forgotten.

Sources write the same person's name differently: "José Luis Pérez-Gómez", "PEREZ GOMEZ, JOSE
LUIS", "Jose Luis Perez", "Iván Núñez de la Cruz". These functions reduce a name to words that
compare: accents and other letters folded to ASCII with unidecode (which also transliterates
Cyrillic, Greek or Arabic script to Latin letters, roughly), case and punctuation dropped,
hyphenated surnames split into their words, and the particles of Spanish and Portuguese
surnames (de, del, de la, y ...) kept apart so that "de la Cruz" and "Cruz" compare as the
same surname. Word order is not trusted: the comparisons use the set of words.

Pure functions of text; no I/O, nothing logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from unidecode import unidecode

# Particles of Spanish, Portuguese and a few other surnames: they are often dropped or
# written differently ("Cruz", "de la Cruz", "De La Cruz", "Delacruz" is not handled), so they
# carry no evidence of identity. "y" joins two surnames ("Ortega y Gasset").
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "di", "van", "von", "der"})

_SEPARATORS = re.compile(r"[-‐‑‒–—_/.,;:'’`´\"()\[\]]+")
_NOT_LETTER = re.compile(r"[^a-z\s]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents, Ñ, hyphens and punctuation gone.

    >>> fold("  NÚÑEZ-Pérez, María  José ")
    'nunez perez maria jose'
    """
    ascii_text = unidecode(text).lower()
    ascii_text = _SEPARATORS.sub(" ", ascii_text)
    ascii_text = _NOT_LETTER.sub("", ascii_text)
    return _SPACES.sub(" ", ascii_text).strip()


@lru_cache(maxsize=1 << 18)  # lists repeat given names and surnames: a million records hold far fewer texts
def words(text: str | None) -> tuple[str, ...]:
    """The name's words, folded, without particles, in the order written."""
    if not text:
        return ()
    return tuple(word for word in fold(text).split(" ") if word and word not in PARTICLES)


@dataclass(frozen=True)
class NormalizedName:
    """A name reduced to words: given names and surnames when the source separates them."""

    words: tuple[str, ...]  # every word, in the order written (surnames last unless swapped)
    given: tuple[str, ...] = ()  # only when the source gave the parts (or wrote "SURNAMES, Given")
    surnames: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The words sorted and joined: the same for any order of the same words."""
        return " ".join(sorted(self.words))

    @property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @property
    def skeletons(self) -> frozenset[str]:
        return frozenset(skeleton(w) for w in self.words)

    def __bool__(self) -> bool:
        return bool(self.words)


@lru_cache(maxsize=1 << 18)  # a frozen value: the records of one person, and namesakes, share it
def normalize_name(
    full_name: str | None = None, given_names: str | None = None, surnames: str | None = None
) -> NormalizedName:
    """One name from what a source gives: separate parts when it has them, else the full name.

    A full name with a comma is read as "SURNAMES, Given names", the way agencies and court
    rosters write it. Without a comma the order is unknown, and only the words are kept.
    """
    given, family = words(given_names), words(surnames)
    if given or family:
        return NormalizedName(given + family, given, family)
    if full_name and "," in full_name:
        before, _, after = full_name.partition(",")
        family, given = words(before), words(after)
        if family and given:
            return NormalizedName(given + family, given, family)
    return NormalizedName(words(full_name))


_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str:
    """A folded word's first letter and its later consonants, repeats collapsed: what survives most typos.

    A vowel changed, dropped or swapped, or a letter doubled ("Gragorio", "Aljandro", "Mratinez",
    "Carrasquel"), leaves the skeleton as it was; "h" is silent in Spanish and dropped too.

    >>> skeleton("rodriguez"), skeleton("rdoriguez"), skeleton("garcai")
    ('rdrgz', 'rdrgz', 'grc')
    """
    if not word:
        return ""
    out = [word[0]]
    for previous, letter in pairwise(word):
        # Only a letter doubled in the word collapses: "jesus" keeps both s ("jss"), unlike "jose" ("js").
        if letter not in _VOWELS and letter != "h" and letter != previous:
            out.append(letter)
    return "".join(out)


@lru_cache(maxsize=65536)
def _one_edit_apart(a: str, b: str) -> bool:
    """True when a and b differ by one letter changed, added, removed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def describe_pair(left: NormalizedName, right: NormalizedName) -> str:
    """How two names compare, in words that never repeat the names themselves."""
    if not left or not right:
        return "no name on one side"
    if left.key == right.key:
        if left.words == right.words:
            return "same name words"
        return "same name words, in another order"
    shared = left.word_set & right.word_set
    only_left = sorted(left.word_set - shared)
    only_right = sorted(right.word_set - shared)
    near = sum(1 for a in only_left if any(_one_edit_apart(a, b) for b in only_right))
    parts = [f"{len(shared)} of {max(len(left.word_set), len(right.word_set))} name words agree"]
    if near:
        parts.append(f"{near} more {'differs' if near == 1 else 'differ'} by one letter")
    if left.surnames and right.surnames:
        parts.append(_surname_detail(left, right))
    elif shared and (not only_left or not only_right) and not near:
        parts.append("one name holds all the other's words (a name or surname dropped)")
    return "; ".join(parts)


def _surname_detail(left: NormalizedName, right: NormalizedName) -> str:
    a, b = left.surnames, right.surnames
    if a == b:
        return "both surnames agree" if len(a) > 1 else "the surname agrees"
    if a[:1] == b[:1]:
        return "first surname agrees, the second differs or is missing"
    if set(a) & set(b):
        return "surnames share a word"
    return "surnames differ"

"""Lookups over encrypted values: a keyed index for identifiers and keyed tokens for name search.

Nothing here is reversible without the key: the store keeps HMACs, never the words.
What the tokens do reveal to someone holding the database but not the key is
equality: two people whose names share a word (or a trigram) share a token, and two
records with the same A-number share an index value. docs/security.md says so.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Iterable

from habeas.security.crypto import Keyring

WORD_PREFIX = "w"
TRIGRAM_PREFIX = "t"
TOKEN_BYTES = 8  # a collision only adds a false candidate; 64 bits keep them rare
NAME_MATCH_THRESHOLD = 0.6

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_ALNUM = re.compile(r"[\W_]+")
_A_NUMBER = re.compile(r"a?(\d{7,9})")


def fold(text: str) -> str:
    """Accents removed (NFKD, combining marks dropped) and case folded: ``José`` → ``jose``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise_identifier(kind: str, value: str) -> str:
    """The form an identifier is indexed under, so ``A-123 456 789`` and ``a123456789`` meet.

    Every identifier loses spaces, dashes, dots and slashes and is case folded. An
    A-number also loses its leading ``A`` and is padded to nine digits, the way the
    immigration courts write it.
    """
    text = re.sub(r"[\s\-./]+", "", fold(value))
    if kind.casefold() in ("a_number", "anumber", "alien_number") and (match := _A_NUMBER.fullmatch(text)):
        return match.group(1).zfill(9)
    return text


def blind_index(keyring: Keyring, kind: str, value: str) -> str:
    """A keyed HMAC of the normalised identifier, for exact-match lookup without the plaintext.

    The kind is part of the MAC, so the same digits as an A-number and as a dataset id do
    not share an index value.
    """
    message = kind.casefold().encode() + b"\x00" + normalise_identifier(kind, value).encode()
    return base64.urlsafe_b64encode(keyring.mac("identifier-index", message)).decode().rstrip("=")


def name_words(name: str) -> list[str]:
    """The words of a name, folded: apostrophes joined (``O'Brien`` → ``obrien``), other marks split."""
    return [w for w in _NOT_ALNUM.split(_APOSTROPHES.sub("", fold(name))) if w]


def trigrams(word: str) -> set[str]:
    """Character trigrams of a word padded with one space each side (``ana`` → `` an``, ``ana``, ``na ``)."""
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def name_tokens(keyring: Keyring, *names: str) -> frozenset[str]:
    """Keyed tokens for a person's name and aliases: one per word and one per word trigram.

    Trigrams never cross a word boundary, so word order does not matter; folding makes
    accents and case not matter; a typo changes at most three trigrams of one word.
    """
    tokens: set[str] = set()
    for name in names:
        for word in name_words(name):
            tokens.add(_token(keyring, WORD_PREFIX, word))
            tokens.update(_token(keyring, TRIGRAM_PREFIX, tri) for tri in trigrams(word))
    return frozenset(tokens)


def _token(keyring: Keyring, prefix: str, text: str) -> str:
    purpose = "name-word" if prefix == WORD_PREFIX else "name-trigram"
    return prefix + keyring.mac(purpose, text.encode())[:TOKEN_BYTES].hex()


def name_match_score(query_tokens: Iterable[str], stored_tokens: Iterable[str]) -> float:
    """How well a stored name covers a query, from 0 to 1, on tokens alone.

    Mostly the share of the query's trigrams found in the stored name (extra words in the
    stored name, such as a second surname, cost nothing); whole words found add a little,
    so an exact word ranks above a near miss.
    """
    query, stored = set(query_tokens), set(stored_tokens)
    query_trigrams = {t for t in query if t.startswith(TRIGRAM_PREFIX)}
    query_words = query - query_trigrams
    if not query_trigrams:
        return 0.0
    trigram_share = len(query_trigrams & stored) / len(query_trigrams)
    word_share = len(query_words & stored) / len(query_words) if query_words else 0.0
    return 0.85 * trigram_share + 0.15 * word_share


def name_matches(
    query_tokens: Iterable[str], stored_tokens: Iterable[str], threshold: float = NAME_MATCH_THRESHOLD
) -> bool:
    return name_match_score(query_tokens, stored_tokens) >= threshold

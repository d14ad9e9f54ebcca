"""The keyring's keyed digests are HMAC-SHA256 as the standard library computes it, under each purpose's subkey."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from habeas.security.crypto import Keyring, MasterKey, _HmacSha256

KEYRING = Keyring([MasterKey(bytes(range(32)))], identity=b"\x07" * 32)
MESSAGES = [b"", b"a", b"bench-p0000001", "Édgar Zelaya".encode(), bytes(range(256)) * 9]


@pytest.mark.parametrize("data", MESSAGES, ids=["empty", "one byte", "an id", "accents", "long"])
def test_index_digests_are_hmac_sha256_under_the_purpose_subkey(data: bytes) -> None:
    for purpose in ("identifier-index", "name-word", "name-trigram"):
        subkey = KEYRING.primary.subkey(f"mac/{purpose}")
        assert KEYRING.mac(purpose, data) == hmac.new(subkey, data, hashlib.sha256).digest()


@pytest.mark.parametrize("data", MESSAGES, ids=["empty", "one byte", "an id", "accents", "long"])
def test_identity_digests_are_hmac_sha256_under_the_identity_subkey(data: bytes) -> None:
    for purpose in ("event-id", "event-content"):
        subkey = hmac.new(b"\x07" * 32, b"habeas/identity/" + purpose.encode(), hashlib.sha256).digest()
        assert KEYRING.identity_mac(purpose, data) == hmac.new(subkey, data, hashlib.sha256).digest()


@pytest.mark.parametrize("size", [0, 1, 32, 63, 64, 65, 200])
def test_keys_of_any_length_give_the_standard_digest(size: int) -> None:
    """Keys longer than SHA-256's block are hashed first, shorter ones padded, as RFC 2104 says."""
    key = bytes((7 * i) % 256 for i in range(size))
    keyed = _HmacSha256(key)
    for data in MESSAGES:
        assert keyed.digest(data) == hmac.new(key, data, hashlib.sha256).digest()
    assert keyed.digest(b"x") == keyed.digest(b"x")  # the padded states are copied, never used up


def test_purposes_and_keys_do_not_share_digests() -> None:
    other = Keyring([MasterKey(bytes(range(1, 33)))])
    assert KEYRING.mac("name-word", b"ana") != KEYRING.mac("name-trigram", b"ana")
    assert KEYRING.mac("name-word", b"ana") != other.mac("name-word", b"ana")

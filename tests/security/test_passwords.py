"""Passwords are stored as argon2id hashes at or above OWASP's minimum, and verified in constant effort."""

from __future__ import annotations

import pytest

from habeas.security.passwords import (
    DEFAULT_PARAMETERS,
    OWASP_MINIMUM,
    Argon2Parameters,
    PasswordPolicyError,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


def test_the_hash_is_argon2id_with_the_default_parameters(stored):
    p = DEFAULT_PARAMETERS
    assert stored.startswith(f"$argon2id$v=19$m={p.memory_kib},t={p.iterations},p={p.parallelism}$")
    assert PASSWORD not in stored


def test_the_defaults_are_at_or_above_owasps_minimum():
    assert (OWASP_MINIMUM.memory_kib, OWASP_MINIMUM.iterations, OWASP_MINIMUM.parallelism) == (19456, 2, 1)
    assert DEFAULT_PARAMETERS.memory_kib >= OWASP_MINIMUM.memory_kib
    assert DEFAULT_PARAMETERS.iterations >= OWASP_MINIMUM.iterations
    assert DEFAULT_PARAMETERS.parallelism == 1


@pytest.mark.parametrize(
    "params",
    [Argon2Parameters(19455, 2, 1), Argon2Parameters(19456, 1, 1), Argon2Parameters(65536, 3, 0)],
    ids=["too little memory", "one iteration", "no lanes"],
)
def test_parameters_below_the_minimum_are_refused(params):
    with pytest.raises(PasswordPolicyError, match="below OWASP"):
        hash_password(PASSWORD, params)


def test_the_right_password_verifies_and_others_do_not(stored):
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + " ")
    assert not verify_password(stored, PASSWORD.upper())


def test_the_same_password_hashes_differently_each_time(stored):
    assert hash_password(PASSWORD) != stored


@pytest.mark.parametrize("stored_hash", [None, "", "not a hash", "$argon2id$v=19$m=1,t=1,p=1$xx$yy"])
def test_an_unknown_user_or_a_damaged_hash_never_verifies(stored_hash):
    assert not verify_password(stored_hash, PASSWORD)


def test_an_oversized_password_is_refused_without_hashing(stored):
    assert not verify_password(stored, "x" * 10_000)


def test_a_hash_made_with_the_minimum_needs_rehash_with_the_defaults():
    old = hash_password(PASSWORD, OWASP_MINIMUM)
    assert verify_password(old, PASSWORD)
    assert needs_rehash(old)
    assert not needs_rehash(old, OWASP_MINIMUM)


def test_a_current_hash_needs_no_rehash(stored):
    assert not needs_rehash(stored)


@pytest.mark.parametrize(
    "stored_hash", ["$2b$12$abcdefghijklmnopqrstuv", "$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA"]
)
def test_a_hash_of_another_algorithm_needs_rehash(stored_hash):
    assert needs_rehash(stored_hash)


@pytest.mark.parametrize(
    ("password", "problem"),
    [("short", "at least 12"), ("a" * 20, "distinct"), ("x" * 2000, "at most")],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert any(problem in p for p in password_problems(password))
    with pytest.raises(PasswordPolicyError, match=problem):
        hash_password(password)


def test_a_long_passphrase_is_accepted():
    assert password_problems(PASSWORD) == []


def test_a_server_short_of_memory_says_the_password_could_not_be_checked(monkeypatch) -> None:
    """argon2 that cannot get its memory is neither a right nor a wrong password: no lockout is earned."""
    from argon2.exceptions import VerificationError

    from habeas.security import passwords

    stored = passwords.hash_password("correct horse battery staple 7")

    class Starved:
        def verify(self, *_args: object) -> bool:
            raise VerificationError("Memory allocation error")

    monkeypatch.setattr(passwords, "_hasher", lambda _params: Starved())
    with pytest.raises(passwords.PasswordCheckUnavailable):
        passwords.verify_password(stored, "correct horse battery staple 7")

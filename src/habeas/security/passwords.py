"""Password hashing with argon2id, at or above OWASP's minimum parameters."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a bound stops a megabyte "password" tying up a worker


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost: memory in KiB, passes over it, and lanes."""

    memory_kib: int
    iterations: int
    parallelism: int = 1


# OWASP Password Storage Cheat Sheet: argon2id with at least 19 MiB, 2 iterations, 1 lane.
OWASP_MINIMUM = Argon2Parameters(memory_kib=19 * 1024, iterations=2, parallelism=1)
# What habeas uses: well above the minimum; about 0.2 s a hash on a small shared server.
DEFAULT_PARAMETERS = Argon2Parameters(memory_kib=64 * 1024, iterations=3, parallelism=1)


class PasswordPolicyError(ValueError):
    """A password or a parameter set that habeas refuses; the message says why."""


def check_parameters(params: Argon2Parameters) -> None:
    if (
        params.memory_kib < OWASP_MINIMUM.memory_kib
        or params.iterations < OWASP_MINIMUM.iterations
        or params.parallelism < 1
    ):
        raise PasswordPolicyError(
            f"argon2id parameters {params} are below OWASP's minimum "
            f"({OWASP_MINIMUM.memory_kib} KiB, {OWASP_MINIMUM.iterations} iterations)"
        )


@cache
def _hasher(params: Argon2Parameters) -> PasswordHasher:
    check_parameters(params)
    return PasswordHasher(
        time_cost=params.iterations,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def password_problems(password: str) -> list[str]:
    """Why a new password is refused (empty when it is acceptable).

    Length is what matters (NIST SP 800-63B); no composition rules.
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"use at most {MAX_PASSWORD_LENGTH} characters")
    if password and len(set(password)) == 1:
        problems.append("use more than one distinct character")
    return problems


def hash_password(password: str, params: Argon2Parameters = DEFAULT_PARAMETERS) -> str:
    """The PHC string (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``) to store for ``password``."""
    if problems := password_problems(password):
        raise PasswordPolicyError("; ".join(problems))
    return _hasher(params).hash(password)


class PasswordCheckUnavailable(Exception):
    """The password could not be checked (argon2 could not run, e.g. short of memory): neither right nor wrong."""


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``stored_hash=None`` (an unknown user) takes as long and is False.

    Spending the same time on unknown users keeps a login form from telling which user
    names exist.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        if stored_hash is None:
            _hasher(DEFAULT_PARAMETERS).verify(_dummy_hash(), password)
            return False
        return bool(_hasher(DEFAULT_PARAMETERS).verify(stored_hash, password))
    except (VerifyMismatchError, InvalidHashError):
        return False
    except VerificationError as exc:
        if "memory" not in str(exc).lower() and "thread" not in str(exc).lower():
            return False  # a damaged hash ("Decoding failed") never verifies
        # Out of resources is not a wrong password: answering "wrong" would count towards a lockout.
        raise PasswordCheckUnavailable("the password could not be checked; try again in a minute") from exc


@cache
def _dummy_hash() -> str:
    return _hasher(DEFAULT_PARAMETERS).hash("not a password of any user")


def needs_rehash(stored_hash: str, params: Argon2Parameters = DEFAULT_PARAMETERS) -> bool:
    """Whether a hash should be replaced at the next login: another algorithm or other parameters."""
    if not stored_hash.startswith("$argon2id$"):
        return True
    try:
        return bool(_hasher(params).check_needs_rehash(stored_hash))
    except InvalidHashError:
        return True

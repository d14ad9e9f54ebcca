"""Users, sessions and API tokens as the faces use them: the types, the port the store implements, in-memory versions.

The store implements these protocols over its tables; the in-memory versions serve
tests and a server started before the store holds users. Session ids and token
secrets are kept only as SHA-256 digests, so whoever reads the store cannot act as a user.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Protocol

from habeas.security.access import AccessGroup, Role, User
from habeas.security.passwords import hash_password

# How long a web session may sit idle, and live at most, unless the web's settings say otherwise.
SESSION_IDLE_MINUTES = 30
SESSION_MAX_HOURS = 12


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SecondFactorFailures:
    """Wrong second-factor codes in a row for one account, across sign-ins, and when the last one came."""

    count: int = 0
    last: datetime | None = None


@dataclass(frozen=True)
class Account:
    """A user as the web app needs one: the access model's user, and how they prove who they are."""

    user: User
    password_hash: str | None
    totp_secret: str | None = None

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def needs_second_factor(self) -> bool:
        return str(self.user.role) == Role.ADMIN.value


class UserStore(Protocol):
    def account(self, name: str) -> Account | None:
        """The user named ``name`` with their groups loaded; None when there is none."""

    def accounts(self) -> Sequence[Account]:
        """Every user, for the users page."""

    def set_totp_secret(self, name: str, secret: str) -> None:
        """Keep the user's TOTP secret (encrypted at rest by the store)."""

    def signed_in(self, name: str, at: datetime) -> datetime | None:
        """Record a successful sign-in; return the one before it (the morning report starts there)."""

    def second_factor_failures(self, name: str) -> SecondFactorFailures:
        """The wrong codes entered for ``name`` since their last right one (a right password resets nothing)."""

    def second_factor_failed(self, name: str, at: datetime) -> SecondFactorFailures:
        """Count one more wrong code for ``name``; return the count with it, as every server process sees it."""

    def second_factor_passed(self, name: str) -> None:
        """A right code: the count starts again."""


@dataclass
class Session:
    id: str  # the cookie value; the store keeps only its digest
    user: str
    csrf: str
    created: datetime
    seen: datetime
    verified: bool  # the second factor is done, or the user needs none
    previous_visit: date | None = None
    pending_totp_secret: str | None = None


class SessionStore(Protocol):
    def create(self, user: str, *, verified: bool, previous_visit: date | None) -> Session:
        """A new session with a fresh random id and CSRF token."""

    def get(self, session_id: str) -> Session | None: ...

    def save(self, session: Session) -> None:
        """Keep ``seen`` and ``pending_totp_secret`` of an existing session."""

    def delete(self, session_id: str) -> None: ...

    def delete_user(self, user: str) -> None:
        """End every session of ``user`` (deactivated, password changed)."""


@dataclass(frozen=True)
class TokenInfo:
    id: str
    user: str
    label: str
    created: datetime


class TokenStore(Protocol):
    def issue(self, user: str, label: str) -> tuple[TokenInfo, str]:
        """A new API token for ``user``: its record, and its secret (shown once, kept only as a digest)."""

    def user_for(self, secret: str) -> str | None:
        """The user a token secret belongs to; None for an unknown or revoked token."""

    def tokens(self, user: str) -> Sequence[TokenInfo]: ...

    def revoke(self, user: str, token_id: str) -> bool: ...


@dataclass(frozen=True)
class Accounts:
    users: UserStore
    sessions: SessionStore
    tokens: TokenStore


# -- in memory ------------------------------------------------------------------------


class MemoryUserStore:
    def __init__(self) -> None:
        self._accounts: dict[str, Account] = {}
        self._last: dict[str, datetime] = {}
        self._code_failures: dict[str, SecondFactorFailures] = {}
        self._lock = threading.Lock()

    def add(
        self,
        name: str,
        role: Role | str,
        password: str,
        groups: Iterable[AccessGroup] = (),
        totp_secret: str | None = None,
        active: bool = True,
    ) -> Account:
        account = Account(User(name, Role(role), tuple(groups), active), hash_password(password), totp_secret)
        self._accounts[name] = account
        return account

    def account(self, name: str) -> Account | None:
        return self._accounts.get(name)

    def accounts(self) -> list[Account]:
        return sorted(self._accounts.values(), key=lambda a: a.name)

    def set_totp_secret(self, name: str, secret: str) -> None:
        self._accounts[name] = replace(self._accounts[name], totp_secret=secret)

    def signed_in(self, name: str, at: datetime) -> datetime | None:
        previous = self._last.get(name)
        self._last[name] = at
        return previous

    def second_factor_failures(self, name: str) -> SecondFactorFailures:
        return self._code_failures.get(name, SecondFactorFailures())

    def second_factor_failed(self, name: str, at: datetime) -> SecondFactorFailures:
        with self._lock:
            failures = SecondFactorFailures(self.second_factor_failures(name).count + 1, at)
            self._code_failures[name] = failures
        return failures

    def second_factor_passed(self, name: str) -> None:
        with self._lock:
            self._code_failures.pop(name, None)


class MemorySessionStore:
    def __init__(self) -> None:
        self._by_digest: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, user: str, *, verified: bool, previous_visit: date | None) -> Session:
        now = utc_now()
        session = Session(
            secrets.token_urlsafe(32), user, secrets.token_urlsafe(32), now, now, verified, previous_visit
        )
        with self._lock:
            self._by_digest[digest(session.id)] = session
        return session

    def get(self, session_id: str) -> Session | None:
        found = self._by_digest.get(digest(session_id))
        return replace(found) if found is not None else None

    def save(self, session: Session) -> None:
        with self._lock:
            if digest(session.id) in self._by_digest:
                self._by_digest[digest(session.id)] = replace(session)

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._by_digest.pop(digest(session_id), None)

    def delete_user(self, user: str) -> None:
        with self._lock:
            for key in [k for k, s in self._by_digest.items() if s.user == user]:
                del self._by_digest[key]

    def __len__(self) -> int:
        return len(self._by_digest)


TOKEN_PREFIX = "habeas_"


@dataclass
class MemoryTokenStore:
    _by_digest: dict[str, TokenInfo] = field(default_factory=dict)

    def issue(self, user: str, label: str) -> tuple[TokenInfo, str]:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        info = TokenInfo(secrets.token_hex(6), user, label, utc_now())
        self._by_digest[digest(secret)] = info
        return info, secret

    def user_for(self, secret: str) -> str | None:
        info = self._by_digest.get(digest(secret))
        return info.user if info is not None else None

    def tokens(self, user: str) -> list[TokenInfo]:
        return sorted((t for t in self._by_digest.values() if t.user == user), key=lambda t: t.created)

    def revoke(self, user: str, token_id: str) -> bool:
        for key, info in list(self._by_digest.items()):
            if info.user == user and info.id == token_id:
                del self._by_digest[key]
                return True
        return False


def memory_accounts(users: MemoryUserStore | None = None) -> Accounts:
    return Accounts(users or MemoryUserStore(), MemorySessionStore(), MemoryTokenStore())

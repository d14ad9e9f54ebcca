"""The web app's users, sessions and API tokens, kept in the database.

Passwords are the argon2id hashes that `habeas users add|passwd` wrote; TOTP secrets are
encrypted like every other secret field; session ids and API tokens are kept as SHA-256
digests only; the previous sign-in is read from the audit log, where every sign-in is recorded.
Sessions in the database outlive a restart of `habeas serve` and are shared by its workers.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, CursorResult, Engine, delete, func, or_, select, update
from sqlalchemy.orm import Session as DbSession

from habeas.security.access import AccessGroup, Role, User
from habeas.security.accounts import (
    TOKEN_PREFIX,
    Account,
    SecondFactorFailures,
    Session,
    TokenInfo,
    digest,
    utc_now,
)
from habeas.security.crypto import FieldContext, Keyring
from habeas.store.audit import SqlAuditSink, record_many
from habeas.store.tables import (
    AccessGroupRow,
    ApiTokenRow,
    AuditEntryRow,
    GroupCohortRow,
    GroupPersonRow,
    UserGroupRow,
    UserRow,
    WebSessionRow,
)

SIGN_IN = "web_sign_in"
# Each second-factor code checked, right (allowed) or wrong (denied): the audit log is where the count
# of wrong codes lives, so every server process and a restart see the same count, with no table of its own.
SECOND_FACTOR = "web_second_factor"


class Wiring(Protocol):
    """What the stores are given (a service context has all three): the database, the keys, the audit log."""

    @property
    def engine(self) -> Engine: ...
    @property
    def keyring(self) -> Keyring: ...
    @property
    def audit_sink(self) -> SqlAuditSink: ...


def load_user(session: DbSession, name: str) -> User | None:
    """The user ``name`` as stored, with their groups and what each group reaches; None when there is none."""
    row = session.get(UserRow, name)
    if row is None:
        return None
    groups = []
    memberships = (
        select(AccessGroupRow.name, AccessGroupRow.all_records)
        .join(UserGroupRow, UserGroupRow.group_name == AccessGroupRow.name)
        .where(UserGroupRow.user_name == name)
    )
    for group_name, all_records in session.execute(memberships).all():
        people = session.scalars(select(GroupPersonRow.person_id).where(GroupPersonRow.group_name == group_name))
        cohorts = session.scalars(select(GroupCohortRow.cohort_id).where(GroupCohortRow.group_name == group_name))
        groups.append(AccessGroup(group_name, frozenset(people), frozenset(cohorts), all_records))
    return User(name=row.name, role=Role(row.role), groups=tuple(groups), active=row.active)


def _audit_time(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


class SqlUserStore:
    reads_database = True  # an account it returns is the user as stored now, with role and groups

    def __init__(self, ctx: Wiring):
        self.ctx = ctx

    def _totp(self, row: UserRow) -> str | None:
        if row.totp_secret_enc is None:
            return None
        return self.ctx.keyring.decrypt(row.totp_secret_enc, FieldContext("users", "totp_secret", row.name))

    def account(self, name: str) -> Account | None:
        with DbSession(self.ctx.engine) as session:
            user = load_user(session, name)
            row = session.get(UserRow, name)
            if user is None or row is None:
                return None
            return Account(user, row.password_hash, self._totp(row))

    def accounts(self) -> list[Account]:
        with DbSession(self.ctx.engine) as session:
            names = list(session.scalars(select(UserRow.name).order_by(UserRow.name)))
        return [a for a in (self.account(n) for n in names) if a is not None]

    def set_totp_secret(self, name: str, secret: str) -> None:
        envelope = self.ctx.keyring.encrypt(secret, FieldContext("users", "totp_secret", name))
        with DbSession(self.ctx.engine) as session, session.begin():
            row = session.get(UserRow, name)
            if row is not None:
                row.totp_secret_enc = envelope
        record_many(self.ctx.audit_sink, name, "enrol_totp", "allowed", [("user", name)])

    def signed_in(self, name: str, at: datetime) -> datetime | None:
        query = (
            select(AuditEntryRow.at)
            .where(AuditEntryRow.actor == name, AuditEntryRow.action == SIGN_IN, AuditEntryRow.outcome == "allowed")
            .order_by(AuditEntryRow.seq.desc())
            .limit(1)
        )
        with DbSession(self.ctx.engine) as session:
            previous = session.scalar(query)
        record_many(self.ctx.audit_sink, name, SIGN_IN, "allowed", [("user", name)])
        return _audit_time(previous) if previous else None

    def second_factor_failures(self, name: str) -> SecondFactorFailures:
        """The wrong codes recorded for ``name`` after their last right one, and when the last came."""
        mine = (AuditEntryRow.actor == name, AuditEntryRow.action == SECOND_FACTOR)
        last_right = select(func.max(AuditEntryRow.seq)).where(*mine, AuditEntryRow.outcome == "allowed")
        query = select(func.count(), func.max(AuditEntryRow.at)).where(
            *mine, AuditEntryRow.outcome == "denied", AuditEntryRow.seq > func.coalesce(last_right.scalar_subquery(), 0)
        )
        with DbSession(self.ctx.engine) as session:
            count, last = session.execute(query).one()
        return SecondFactorFailures(count or 0, _audit_time(last) if last else None)

    def second_factor_failed(self, name: str, at: datetime) -> SecondFactorFailures:
        """Record a wrong code; ``at`` is left to the audit log, which times its own entries."""
        record_many(self.ctx.audit_sink, name, SECOND_FACTOR, "denied", [("user", name)])
        return self.second_factor_failures(name)

    def second_factor_passed(self, name: str) -> None:
        record_many(self.ctx.audit_sink, name, SECOND_FACTOR, "allowed", [("user", name)])


class SqlTokenStore:
    def __init__(self, ctx: Wiring):
        self.ctx = ctx

    def issue(self, user: str, label: str) -> tuple[TokenInfo, str]:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        key = digest(secret)
        created = datetime.now(UTC)
        with DbSession(self.ctx.engine) as session, session.begin():
            session.add(ApiTokenRow(digest=key, user_name=user, label=label, created_at=created))
        record_many(self.ctx.audit_sink, user, "issue_token", "allowed", [("token", key[:12])])
        return TokenInfo(key[:12], user, label, created), secret

    def user_for(self, secret: str) -> str | None:
        with DbSession(self.ctx.engine) as session:
            row = session.get(ApiTokenRow, digest(secret))
            return row.user_name if row is not None else None

    def tokens(self, user: str) -> list[TokenInfo]:
        with DbSession(self.ctx.engine) as session:
            rows = session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_name == user))
            found = [TokenInfo(r.digest[:12], r.user_name, r.label or "", r.created_at) for r in rows]
        return sorted(found, key=lambda t: t.created)

    def revoke(self, user: str, token_id: str) -> bool:
        with DbSession(self.ctx.engine) as session, session.begin():
            result = cast(
                CursorResult[Any],  # a DELETE gives a cursor result, which has the count of rows it removed
                session.execute(
                    delete(ApiTokenRow).where(ApiTokenRow.user_name == user, ApiTokenRow.digest.startswith(token_id))
                ),
            )
        if result.rowcount:
            record_many(self.ctx.audit_sink, user, "revoke_token", "allowed", [("token", token_id)])
        return bool(result.rowcount)


def _utc(moment: datetime) -> datetime:
    """SQLite gives back the UTC time it was given without its zone; PostgreSQL in the server's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _seal_key(session_id: str) -> bytes:
    # The row is found by sha256(id); the key is a different hash of the id, so the row does not hold it.
    return hashlib.sha256(b"habeas web session seal\x00" + session_id.encode()).digest()


def _seal(session_id: str, value: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_seal_key(session_id)).encrypt(nonce, value.encode(), digest(session_id).encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def _unseal(session_id: str, sealed: str | None) -> str | None:
    if not sealed:
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed)
        return AESGCM(_seal_key(session_id)).decrypt(raw[:12], raw[12:], digest(session_id).encode()).decode()
    except (InvalidTag, ValueError):
        return None


class SqlSessionStore:
    """Sessions in the `web_sessions` table, one row per session, found by the digest of its id.

    The web app ends a session that is idle too long or too old when it is next used (as it does
    with sessions in memory); this store also refuses such a session itself, and clears out the
    abandoned ones whenever someone signs in. Give it the limits the app runs with.
    """

    def __init__(self, ctx: Wiring, idle: timedelta, lifetime: timedelta):
        self.ctx = ctx
        self.idle, self.lifetime = idle, lifetime

    def _expired(self, now: datetime) -> ColumnElement[bool]:
        return or_(WebSessionRow.seen_at < now - self.idle, WebSessionRow.created_at < now - self.lifetime)

    def create(self, user: str, *, verified: bool, previous_visit: date | None) -> Session:
        now = utc_now()
        session = Session(
            secrets.token_urlsafe(32), user, secrets.token_urlsafe(32), now, now, verified, previous_visit
        )
        row = WebSessionRow(
            digest=digest(session.id),
            user_name=user,
            csrf=session.csrf,
            created_at=now,
            seen_at=now,
            verified=verified,
            previous_visit=previous_visit,
        )
        with DbSession(self.ctx.engine) as db, db.begin():
            db.execute(delete(WebSessionRow).where(self._expired(now)))
            db.add(row)
        return session

    def get(self, session_id: str) -> Session | None:
        with DbSession(self.ctx.engine) as db:
            row = db.get(WebSessionRow, digest(session_id))
            if row is None:
                return None
            session = Session(
                session_id,
                row.user_name,
                row.csrf,
                _utc(row.created_at),
                _utc(row.seen_at),
                row.verified,
                row.previous_visit,
                _unseal(session_id, row.pending_totp_sealed),
            )
        now = utc_now()
        if now - session.seen > self.idle or now - session.created > self.lifetime:
            self.delete(session_id)
            return None
        return session

    def save(self, session: Session) -> None:
        sealed = _seal(session.id, session.pending_totp_secret) if session.pending_totp_secret else None
        with DbSession(self.ctx.engine) as db, db.begin():
            db.execute(
                update(WebSessionRow)
                .where(WebSessionRow.digest == digest(session.id))
                .values(seen_at=session.seen, pending_totp_sealed=sealed)
            )

    def delete(self, session_id: str) -> None:
        with DbSession(self.ctx.engine) as db, db.begin():
            db.execute(delete(WebSessionRow).where(WebSessionRow.digest == digest(session_id)))

    def delete_user(self, user: str) -> None:
        with DbSession(self.ctx.engine) as db, db.begin():
            db.execute(delete(WebSessionRow).where(WebSessionRow.user_name == user))

    def __len__(self) -> int:
        with DbSession(self.ctx.engine) as db:
            return db.scalar(select(func.count()).select_from(WebSessionRow)) or 0

"""The web app's users and API tokens, kept in the database (sessions stay in the server's memory).

Passwords are the argon2id hashes that `habeas users add|passwd` wrote; TOTP secrets are
encrypted like every other secret field; API tokens are kept as SHA-256 digests only;
the previous sign-in is read from the audit log, where every sign-in is recorded.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from habeas.security.crypto import FieldContext
from habeas.services import Context
from habeas.services.access import load_user
from habeas.store.audit import record_many
from habeas.store.tables import ApiTokenRow, AuditEntryRow, UserRow
from habeas.web.accounts import (
    TOKEN_PREFIX,
    Account,
    Accounts,
    MemorySessionStore,
    TokenInfo,
    digest,
)

SIGN_IN = "web_sign_in"


class SqlUserStore:
    def __init__(self, ctx: Context):
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
        return datetime.fromisoformat(previous.replace("Z", "+00:00")) if previous else None


class SqlTokenStore:
    def __init__(self, ctx: Context):
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
            result = session.execute(
                delete(ApiTokenRow).where(ApiTokenRow.user_name == user, ApiTokenRow.digest.startswith(token_id))
            )
        if result.rowcount:
            record_many(self.ctx.audit_sink, user, "revoke_token", "allowed", [("token", token_id)])
        return bool(result.rowcount)


def stored_accounts(ctx: Context) -> Accounts:
    """Users and tokens from the database; sessions in memory (a restart signs everyone out)."""
    return Accounts(SqlUserStore(ctx), MemorySessionStore(), SqlTokenStore(ctx))

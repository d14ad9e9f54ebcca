"""The web app's users and tokens from the database: passwords, TOTP secrets, sign-ins, API tokens."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from habeas.security.access import Role
from habeas.security.passwords import verify_password
from habeas.services import Actor, NotFound, ServiceError, users
from habeas.services.audit_log import audit_log
from habeas.services.users import reset_second_factor, stored_accounts
from habeas.store.accounts import SqlTokenStore, SqlUserStore
from habeas.store.tables import UserRow


def test_users_come_with_their_password_hash_role_and_encrypted_totp_secret(ctx) -> None:  # type: ignore[no-untyped-def]
    users.add_user(ctx, "paralegal", Role.EDITOR, password="correct horse battery staple 7")
    store = SqlUserStore(ctx)
    account = store.account("paralegal")
    assert account is not None and str(account.user.role) == "editor"
    assert verify_password(account.password_hash, "correct horse battery staple 7")
    assert store.account("nobody") is None
    store.set_totp_secret("paralegal", "JBSWY3DPEHPK3PXP")
    assert store.account("paralegal").totp_secret == "JBSWY3DPEHPK3PXP"  # type: ignore[union-attr]
    with ctx.engine.connect() as connection:
        stored = connection.execute(UserRow.__table__.select().where(UserRow.name == "paralegal")).one()
    assert "JBSWY3DPEHPK3PXP" not in stored.totp_secret_enc
    assert {a.name for a in store.accounts()} == {"tester", "paralegal"}


def test_a_sign_in_returns_the_previous_one_and_is_audited(ctx) -> None:  # type: ignore[no-untyped-def]
    store = SqlUserStore(ctx)
    assert store.signed_in("tester", datetime.now(UTC)) is None
    previous = store.signed_in("tester", datetime.now(UTC))
    assert previous is not None
    actions = [e.action for e in ctx.audit_sink.entries() if e.actor == "tester"]
    assert actions.count("web_sign_in") == 2


def test_api_tokens_are_kept_as_digests_and_can_be_revoked(ctx) -> None:  # type: ignore[no-untyped-def]
    tokens = SqlTokenStore(ctx)
    info, secret = tokens.issue("tester", "newsroom script")
    assert tokens.user_for(secret) == "tester"
    assert tokens.user_for(secret + "x") is None
    assert [t.label for t in tokens.tokens("tester")] == ["newsroom script"]
    with ctx.engine.connect() as connection:
        assert secret not in str(connection.exec_driver_sql("SELECT * FROM api_tokens").all())
    other = replace(ctx, actor=Actor("tester"))
    assert SqlTokenStore(other).revoke("tester", info.id)
    assert tokens.user_for(secret) is None


def test_wrong_second_factor_codes_are_counted_in_the_database_until_a_right_one(ctx) -> None:  # type: ignore[no-untyped-def]
    """Another store on the same database (another server process, or the server after a restart) sees the count."""
    first, later = SqlUserStore(ctx), SqlUserStore(ctx)
    assert first.second_factor_failures("tester").count == 0
    for _ in range(3):
        first.second_factor_failed("tester", datetime.now(UTC))
    later.signed_in("tester", datetime.now(UTC))  # a right password changes nothing
    seen = later.second_factor_failed("tester", datetime.now(UTC))
    assert seen.count == 4 and seen.last is not None and seen.last.tzinfo is not None
    assert first.second_factor_failures("other-user").count == 0
    later.second_factor_passed("tester")
    assert first.second_factor_failures("tester").count == 0
    assert first.second_factor_failed("tester", datetime.now(UTC)).count == 1


def test_an_admin_resets_a_lost_second_factor_and_the_users_sessions_end(ctx) -> None:  # type: ignore[no-untyped-def]
    users.add_user(ctx, "desk", Role.EDITOR, password="correct horse battery staple 7")
    accounts = stored_accounts(ctx)
    accounts.users.set_totp_secret("desk", "JBSWY3DPEHPK3PXP")
    session = accounts.sessions.create("desk", verified=True, previous_visit=None)
    reset_second_factor(ctx, "desk")
    assert accounts.users.account("desk").totp_secret is None  # type: ignore[union-attr]
    assert accounts.sessions.get(session.id) is None
    reset = [e for e in audit_log(ctx) if e.action == "reset_second_factor"]
    assert [(e.actor, e.record_id, e.outcome) for e in reset] == [(ctx.actor.name, "desk", "allowed")]
    with pytest.raises(NotFound):
        reset_second_factor(ctx, "nobody")
    users.add_user(ctx, "volunteer", Role.VIEWER, password="correct horse battery staple 8")
    with pytest.raises(ServiceError):
        reset_second_factor(replace(ctx, actor=Actor("volunteer")), "desk")

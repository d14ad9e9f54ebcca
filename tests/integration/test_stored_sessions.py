"""Web sessions kept in the database, on SQLite and PostgreSQL: they outlive a restart, are shared by
server processes, end at sign-out and at expiry everywhere, and the table never holds a session id."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta

import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from habeas.security.access import Role
from habeas.services import Context, users
from habeas.services.users import stored_accounts
from habeas.store.accounts import SqlSessionStore
from habeas.store.db import _alembic_config, current_revision, head_revision
from habeas.store.tables import WebSessionRow
from habeas.web.app import create_app
from habeas.web.config import WebSettings

PASSWORD = "a long passphrase for the desk 42"
IDLE, LIFETIME = timedelta(minutes=30), timedelta(hours=12)


def _store(ctx: Context) -> SqlSessionStore:
    return SqlSessionStore(ctx, IDLE, LIFETIME)


def _age(ctx: Context, **moved: timedelta) -> None:
    """Move every session's times back, as if that much time had passed."""
    with ctx.engine.begin() as connection:
        for column, by in moved.items():
            for key, value in connection.execute(sa.select(WebSessionRow.digest, getattr(WebSessionRow, column))):
                value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
                connection.execute(
                    sa.update(WebSessionRow).where(WebSessionRow.digest == key).values({column: value - by})
                )


def _rows(ctx: Context) -> str:
    with ctx.engine.connect() as connection:
        return str(connection.exec_driver_sql("SELECT * FROM web_sessions").all())


def test_a_session_is_found_again_by_a_new_store_over_the_same_database(ctx) -> None:  # type: ignore[no-untyped-def]
    made = _store(ctx).create("tester", verified=False, previous_visit=date(2025, 5, 30))
    again = _store(ctx).get(made.id)  # as a restarted server, or another worker, would
    assert again is not None
    assert (again.user, again.csrf, again.verified, again.previous_visit) == (
        "tester",
        made.csrf,
        False,
        made.previous_visit,
    )
    assert again.created == made.created and again.seen == made.seen and again.created.tzinfo is not None
    assert _store(ctx).get(made.id + "x") is None


def test_seen_and_a_pending_second_factor_are_kept_and_only_sealed(ctx) -> None:  # type: ignore[no-untyped-def]
    store = _store(ctx)
    made = store.create("tester", verified=False, previous_visit=None)
    made.seen = made.seen + timedelta(minutes=5)
    made.pending_totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
    store.save(made)
    again = _store(ctx).get(made.id)
    assert again is not None and again.pending_totp_secret == made.pending_totp_secret and again.seen == made.seen
    rows = _rows(ctx)
    assert made.id not in rows and "JBSWY3DPEHPK3PXPJBSWY3DP" not in rows


def test_the_table_holds_digests_of_session_ids_never_the_ids(ctx) -> None:  # type: ignore[no-untyped-def]
    ids = [_store(ctx).create("tester", verified=True, previous_visit=None).id for _ in range(3)]
    rows = _rows(ctx)
    assert len(_store(ctx)) == 3
    assert not any(session_id in rows for session_id in ids)


def test_ending_a_session_ends_it_for_every_store(ctx) -> None:  # type: ignore[no-untyped-def]
    one, other = _store(ctx), _store(ctx)
    first = one.create("tester", verified=True, previous_visit=None)
    second = one.create("tester", verified=True, previous_visit=None)
    other.delete(first.id)
    assert one.get(first.id) is None and one.get(second.id) is not None
    other.delete_user("tester")
    assert one.get(second.id) is None and len(one) == 0


def test_an_idle_session_and_an_old_one_expire_and_are_cleared_out(ctx) -> None:  # type: ignore[no-untyped-def]
    store = _store(ctx)
    idle = store.create("tester", verified=True, previous_visit=None)
    _age(ctx, seen_at=IDLE + timedelta(minutes=1))
    assert store.get(idle.id) is None and len(store) == 0  # refused and deleted
    old = store.create("tester", verified=True, previous_visit=None)
    _age(ctx, created_at=LIFETIME + timedelta(minutes=1))  # used a moment ago, but signed in too long ago
    assert store.get(old.id) is None
    abandoned = store.create("tester", verified=True, previous_visit=None)
    _age(ctx, seen_at=IDLE + timedelta(minutes=1))
    fresh = store.create("tester", verified=True, previous_visit=None)  # a sign-in clears out the abandoned
    assert len(store) == 1 and store.get(fresh.id) is not None and store.get(abandoned.id) is None


def test_the_sessions_migration_goes_down_and_up_again(ctx) -> None:  # type: ignore[no-untyped-def]
    _store(ctx).create("tester", verified=True, previous_visit=None)
    config = _alembic_config(ctx.engine)
    command.downgrade(config, "0001")
    assert "web_sessions" not in sa.inspect(ctx.engine).get_table_names()
    command.upgrade(config, "head")
    assert current_revision(ctx.engine) == head_revision() and len(_store(ctx)) == 0


# -- through the web app: two app instances over one database ---------------------------------


def _app(ctx: Context) -> TestClient:
    web = WebSettings(secure_cookies=False, warm_summaries=False)  # type: ignore[call-arg]
    return TestClient(create_app(ctx.settings, stored_accounts(ctx, web), web))


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def _sign_in(client: TestClient) -> str:
    data = {"username": "desk", "password": PASSWORD, "csrf": _csrf(client.get("/sign-in").text), "next": "/"}
    assert client.post("/sign-in", data=data, follow_redirects=False).status_code == 303
    return client.cookies["habeas-session"]


def _signed_in(client: TestClient, session_id: str) -> bool:
    client.cookies.set("habeas-session", session_id)
    return client.get("/rules", follow_redirects=False).status_code == 200


def test_a_restart_keeps_people_signed_in_and_sign_out_anywhere_ends_it(ctx) -> None:  # type: ignore[no-untyped-def]
    users.add_user(ctx, "desk", Role.EDITOR, password=PASSWORD)
    with _app(ctx) as before:
        session_id = _sign_in(before)
        assert _signed_in(before, session_id)
    with _app(ctx) as restarted, _app(ctx) as worker:
        assert _signed_in(restarted, session_id)
        csrf = _csrf(restarted.get("/rules").text)  # the form of one instance is good for the other
        worker.cookies.set("habeas-session", session_id)
        assert worker.post("/sign-out", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        assert not _signed_in(restarted, session_id)
    assert session_id not in _rows(ctx)


def test_signing_in_again_makes_a_new_session_id(ctx) -> None:  # type: ignore[no-untyped-def]
    users.add_user(ctx, "desk", Role.EDITOR, password=PASSWORD)
    with _app(ctx) as client:
        first = _sign_in(client)
        second = _sign_in(client)
    assert first != second
    with _app(ctx) as other:
        assert not _signed_in(other, first) and _signed_in(other, second)
    assert len(stored_accounts(ctx).sessions) == 1  # type: ignore[arg-type]

"""Signing in to the web app with users kept in the database (`habeas users add|passwd`)."""

from __future__ import annotations

from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from web_helpers import TODAY, csrf_of, make_database

from habeas.security.access import Role
from habeas.services import Actor, Context, access, users
from habeas.services.users import stored_accounts
from habeas.web.app import create_app
from habeas.web.config import WebSettings

PASSWORD = "a long passphrase for the desk 42"


def _site(tmp_path: Path) -> TestClient:
    settings = make_database(tmp_path)
    admin = Context(settings, Actor("admin"))
    users.add_user(admin, "desk", Role.EDITOR, password=PASSWORD)
    access.define_group(admin, "desk-cases", cohorts=["cecot-2025-03"])
    access.grant(admin, "desk", "desk-cases")
    options = WebSettings(secure_cookies=False, today=lambda: TODAY, warm_summaries=False)  # type: ignore[call-arg]
    return TestClient(create_app(settings, stored_accounts(admin), options))


def _sign_in(client: TestClient, password: str) -> int:
    csrf = csrf_of(client.get("/sign-in").text)
    data = {"username": "desk", "password": password, "csrf": csrf, "next": "/"}
    return client.post("/sign-in", data=data, follow_redirects=False).status_code


def test_a_stored_user_signs_in_with_their_password_and_sees_what_their_group_reaches(tmp_path: Path) -> None:
    client = _site(tmp_path)
    assert _sign_in(client, PASSWORD) == 303
    assert client.get("/people/ahr").status_code == 200
    assert client.get("/people/demo-a").status_code == 404


def test_a_wrong_password_signs_nobody_in(tmp_path: Path) -> None:
    client = _site(tmp_path)
    assert _sign_in(client, PASSWORD + "x") != 303
    assert client.get("/people/ahr", follow_redirects=False).status_code in (302, 303, 401)


def test_an_admin_enrols_a_second_factor_across_two_server_processes(tmp_path: Path) -> None:
    """The secret shown by one process is the one another checks: the pending secret lives in the session row."""
    settings = make_database(tmp_path)
    admin = Context(settings, Actor("admin"))
    users.set_password(admin, "admin", PASSWORD)
    options = WebSettings(secure_cookies=False, today=lambda: TODAY, warm_summaries=False)  # type: ignore[call-arg]
    shows, checks = (TestClient(create_app(settings, stored_accounts(admin, options), options)) for _ in range(2))
    data = {"username": "admin", "password": PASSWORD, "csrf": csrf_of(shows.get("/sign-in").text), "next": "/"}
    page = shows.post("/sign-in", data=data)
    secret = page.text.split('data-testid="totp-secret">')[1].split("<")[0]
    checks.cookies.set("habeas-session", shows.cookies["habeas-session"])
    form = {"csrf": csrf_of(page.text), "code": pyotp.TOTP(secret).now(), "next": "/"}
    assert checks.post("/sign-in/code", data=form, follow_redirects=False).status_code == 303
    assert stored_accounts(admin).users.account("admin").totp_secret == secret  # type: ignore[union-attr]
    assert checks.get("/rules", follow_redirects=False).status_code == 200


def test_wrong_second_factor_codes_count_across_server_processes_and_a_restart(tmp_path: Path) -> None:
    """Wrong codes spread over two server processes add up; a third process (a restart) finds the lock."""
    from datetime import timedelta

    from test_second_factor import Clock, enter_code, wrong_code

    settings = make_database(tmp_path)
    admin = Context(settings, Actor("admin"))
    users.set_password(admin, "admin", PASSWORD)
    secret = pyotp.random_base32()
    stored_accounts(admin).users.set_totp_secret("admin", secret)
    clock = Clock()

    def process() -> TestClient:
        options = WebSettings(secure_cookies=False, today=lambda: TODAY, warm_summaries=False, clock=clock)  # type: ignore[call-arg]
        return TestClient(create_app(settings, stored_accounts(admin, options), options))

    def password_step(client: TestClient) -> tuple[int, str]:
        data = {"username": "admin", "password": PASSWORD, "csrf": csrf_of(client.get("/sign-in").text), "next": "/"}
        answer = client.post("/sign-in", data=data)
        return answer.status_code, answer.text

    one, other = process(), process()
    answers = []
    for client in (one, other, one, other, one):
        _status, form = password_step(client)
        answers.append(enter_code(client, form, wrong_code(secret)).status_code)
    assert answers == [401, 401, 401, 401, 429]
    # The audit log times the wrong codes: the lock is measured from the last one it holds.
    last = stored_accounts(admin).users.second_factor_failures("admin").last
    assert last is not None
    clock.now = last + timedelta(minutes=14)
    for client in (other, process()):
        status, refused = password_step(client)
        assert status == 429 and "locked for 1 minute." in refused
    clock.now = last + timedelta(minutes=16)
    restarted = process()
    status, form = password_step(restarted)
    assert status == 200
    assert enter_code(restarted, form, pyotp.TOTP(secret).now()).status_code == 303

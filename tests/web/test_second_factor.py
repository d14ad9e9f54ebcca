"""Wrong TOTP codes are counted per account across sign-ins; a right password resets nothing; the lock grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from web_helpers import ADMIN_TOTP, PASSWORD, Site, build_site, csrf_of

from habeas.web.config import WebSettings
from habeas.web.second_factor import lock_delay

START = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


class Clock:
    """The time the lockouts are measured in, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def wrong_code(secret: str = ADMIN_TOTP) -> str:
    """A code that none of the steps the server accepts (now, one before, one after) could produce."""
    totp = pyotp.TOTP(secret)
    moment = datetime.now(UTC)
    near = {totp.at(moment + timedelta(seconds=s)) for s in range(-90, 91, 15)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def password_step(client: TestClient) -> tuple[int, str]:
    """Sign in with the right password; the status, and the code form (or the refusal) it led to."""
    csrf = csrf_of(client.get("/sign-in").text)
    data = {"username": "admin", "password": PASSWORD, "csrf": csrf, "next": "/"}
    answer = client.post("/sign-in", data=data, follow_redirects=False)
    if answer.status_code != 303:
        return answer.status_code, answer.text
    return answer.status_code, client.get(answer.headers["location"]).text


def enter_code(client: TestClient, form: str, code: str) -> TestClient:
    return client.post("/sign-in/code", data={"csrf": csrf_of(form), "code": code, "next": "/"}, follow_redirects=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def admin_site(tmp_path: Path, clock: Clock) -> Site:
    return build_site(tmp_path, clock=clock)


def _audited(site: Site, action: str) -> int:
    from habeas.services import Actor, Context

    sink = Context(site.settings, Actor("admin")).audit_sink
    return sum(1 for e in sink.entries() if e.action == action and e.actor == "admin")


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(admin_site: Site) -> None:
    """Four wrong codes per password sign-in, again and again: the fifth wrong code overall locks."""
    answers = []
    with admin_site.client() as client:
        for _ in range(3):
            status, form = password_step(client)
            assert status == 303
            for _ in range(4):
                answer = enter_code(client, form, wrong_code())
                answers.append(answer.status_code)
                if answer.status_code != 401:
                    break
                form = answer.text
            if answers[-1] == 429:
                break
    assert answers == [401, 401, 401, 401, 429]
    assert _audited(admin_site, "lock_second_factor") == 1


def test_a_locked_second_factor_is_said_plainly_and_no_code_is_checked_until_the_lock_ends(
    admin_site: Site, clock: Clock
) -> None:
    with admin_site.client() as client:
        status, form = password_step(client)
        for _ in range(4):
            form = enter_code(client, form, wrong_code()).text
        locked = enter_code(client, form, wrong_code())
        assert locked.status_code == 429
        assert "locked for 15 minutes" in locked.text and "someone else knows your password" in locked.text
        # The half-done session is over: the code form is gone with it.
        assert client.get("/sign-in/code", follow_redirects=False).status_code == 303
        clock.now += timedelta(minutes=14)
        status, refused = password_step(client)
        assert status == 429 and "locked for 1 minute." in refused
        clock.now += timedelta(minutes=2)
        status, form = password_step(client)
        assert status == 303
        assert enter_code(client, form, pyotp.TOTP(ADMIN_TOTP).now()).status_code == 303


def test_each_wrong_code_after_a_lock_locks_for_longer_and_a_right_code_starts_the_count_again(
    admin_site: Site, clock: Clock
) -> None:
    with admin_site.client() as client:
        _status, form = password_step(client)
        for _ in range(5):
            answer = enter_code(client, form, wrong_code())
            form = answer.text
        assert answer.status_code == 429
        clock.now += timedelta(minutes=16)
        _status, form = password_step(client)
        again = enter_code(client, form, wrong_code())
        assert again.status_code == 429 and "locked for 30 minutes" in again.text
        clock.now += timedelta(minutes=31)
        _status, form = password_step(client)
        assert enter_code(client, form, pyotp.TOTP(ADMIN_TOTP).now()).status_code == 303
    with admin_site.client() as client:
        _status, form = password_step(client)
        for _ in range(4):
            answer = enter_code(client, form, wrong_code())
            assert answer.status_code == 401
            form = answer.text


def test_a_locked_second_factor_refuses_even_the_right_code_from_a_code_form_opened_before(
    admin_site: Site,
) -> None:
    with admin_site.client() as waiting, admin_site.client() as guessing:
        _status, open_form = password_step(waiting)
        _status, form = password_step(guessing)
        for _ in range(5):
            form = enter_code(guessing, form, wrong_code()).text
        answer = enter_code(waiting, open_form, pyotp.TOTP(ADMIN_TOTP).now())
        assert answer.status_code == 429 and "locked for 15 minutes" in answer.text
        assert waiting.get("/users", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("count", "minutes"),
    [(0, 0), (4, 0), (5, 15), (6, 30), (7, 60), (11, 960), (12, 1440), (13, 1440), (10_000, 1440)],
)
def test_the_lock_doubles_with_each_wrong_code_past_the_limit_up_to_a_day(count: int, minutes: int) -> None:
    assert lock_delay(WebSettings(), count) == timedelta(minutes=minutes)

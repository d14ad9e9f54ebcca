"""Sign-in: sessions renewed and ended, cookie flags, CSRF, lockout, rate limit, TOTP for admins."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from web_helpers import ADMIN_TOTP, PASSWORD, Site, build_site, csrf_of, sign_in

from habeas.security.accounts import MemoryUserStore
from habeas.services import Actor, Context


def _session_cookie(response) -> str:  # type: ignore[no-untyped-def]
    headers = [h for h in response.headers.get_list("set-cookie") if "session=" in h]
    assert headers, "no session cookie was set"
    return headers[0]


def test_the_session_cookie_is_httponly_strict_and_secure_over_https(tmp_path: Path) -> None:
    site = build_site(tmp_path, secure_cookies=True)
    with site.client(https=True) as client:
        cookie = _session_cookie(sign_in(client, "editor"))
    assert cookie.startswith("__Host-habeas-session=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    assert not any(f.startswith("domain=") for f in flags)


def test_secure_cookies_can_be_turned_off_only_by_setting(fresh_site: Site) -> None:
    with fresh_site.client() as client:
        cookie = _session_cookie(sign_in(client, "editor"))
    assert cookie.startswith("habeas-session=") and "secure" not in cookie.lower()


def test_signing_in_again_gives_a_new_session_and_ends_the_old_one(fresh_site: Site) -> None:
    with fresh_site.client() as client:
        sign_in(client, "editor")
        first = client.cookies["habeas-session"]
        sign_in(client, "viewer")
        second = client.cookies["habeas-session"]
    assert first != second
    with fresh_site.client() as stale:
        stale.cookies.set("habeas-session", first)
        assert stale.get("/people", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(fresh_site: Site) -> None:
    with fresh_site.client() as client:
        sign_in(client, "editor")
        old = client.cookies["habeas-session"]
        out = client.post("/sign-out", data={"csrf": csrf_of(client.get("/rules").text)}, follow_redirects=False)
        assert out.status_code == 303
    with fresh_site.client() as replay:
        replay.cookies.set("habeas-session", old)
        assert replay.get("/people", follow_redirects=False).headers["location"].startswith("/sign-in")
    assert len(fresh_site.accounts.sessions) == 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("csrf", "headers"),
    [
        (None, {}),
        ("forged-token", {}),
        ("VALID", {"origin": "https://evil.example"}),
    ],
    ids=["missing", "wrong", "foreign origin"],
)
def test_a_state_changing_request_without_a_valid_csrf_token_is_refused(
    fresh_site: Site, csrf: str | None, headers: dict[str, str]
) -> None:
    with fresh_site.client() as client:
        sign_in(client, "editor")
        token = csrf_of(client.get("/rules").text) if csrf == "VALID" else csrf
        data = {"mode": "event", "kind": "proof_of_life", "date": "2025-05-30"} | ({"csrf": token} if token else {})
        response = client.post("/people/ahr/events", data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 403
        assert "2025-05-30" not in client.get("/people/ahr").text


def test_the_sign_in_form_itself_needs_its_token(fresh_site: Site) -> None:
    with fresh_site.client() as client:
        response = client.post("/sign-in", data={"username": "editor", "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 403


def test_repeated_failures_lock_the_name_out_even_with_the_right_password_after(tmp_path: Path) -> None:
    site = build_site(tmp_path, lockout_failures=3)
    with site.client() as client:
        for _ in range(2):
            assert sign_in(client, "editor", "not the password at all").status_code == 401
        assert sign_in(client, "editor", "not the password at all").status_code == 429
        locked = sign_in(client, "editor")
        assert locked.status_code == 429 and "Too many failed attempts" in locked.text
        assert sign_in(client, "viewer").status_code == 303  # other names are not locked


def test_an_unknown_name_is_locked_out_the_same_way(tmp_path: Path) -> None:
    site = build_site(tmp_path, lockout_failures=2)
    with site.client() as client:
        assert sign_in(client, "nobody-here", "whatever password").status_code == 401
        assert sign_in(client, "nobody-here", "whatever password").status_code == 429


def test_too_many_attempts_from_one_address_are_refused(tmp_path: Path) -> None:
    site = build_site(tmp_path, attempts_per_address=3)
    with site.client() as client:
        statuses = [sign_in(client, name, "wrong password!").status_code for name in ("a1", "a2", "a3", "a4")]
    assert statuses == [401, 401, 401, 429]


def test_an_admin_needs_the_second_factor_before_anything(fresh_site: Site) -> None:
    with fresh_site.client() as client:
        csrf = csrf_of(client.get("/sign-in").text)
        first = client.post("/sign-in", data={"username": "admin", "password": PASSWORD, "csrf": csrf})
        assert "/sign-in/code" in str(first.url)
        assert client.get("/people", follow_redirects=False).status_code == 303
        assert client.get("/users", follow_redirects=False).status_code == 303
        page = client.get("/sign-in/code")
        wrong = client.post("/sign-in/code", data={"csrf": csrf_of(page.text), "code": "000000"})
        assert wrong.status_code == 401
        code = pyotp.TOTP(ADMIN_TOTP).now()
        ok = client.post("/sign-in/code", data={"csrf": csrf_of(page.text), "code": code}, follow_redirects=False)
        assert ok.status_code == 303
        assert client.get("/users").status_code == 200
    with fresh_site.client() as again:
        assert sign_in(again, "admin", code=code).status_code == 401  # a spent code is refused


def test_an_admin_without_a_second_factor_enrols_one_at_first_sign_in(fresh_site: Site) -> None:
    users: MemoryUserStore = fresh_site.accounts.users  # type: ignore[assignment]
    users.add("newadmin", "admin", PASSWORD)
    with fresh_site.client() as client:
        csrf = csrf_of(client.get("/sign-in").text)
        page = client.post("/sign-in", data={"username": "newadmin", "password": PASSWORD, "csrf": csrf})
        secret = page.text.split('data-testid="totp-secret">')[1].split("<")[0]
        code = pyotp.TOTP(secret).now()
        done = client.post("/sign-in/code", data={"csrf": csrf_of(page.text), "code": code}, follow_redirects=False)
        assert done.status_code == 303
    assert users.account("newadmin").totp_secret == secret  # type: ignore[union-attr]


def test_an_idle_session_expires(tmp_path: Path) -> None:
    site = build_site(tmp_path, session_idle_minutes=-1)
    with site.client() as client:
        sign_in(client, "editor")
        assert client.get("/people", follow_redirects=False).status_code == 303


def test_sign_ins_and_failures_are_audited_without_passwords(fresh_site: Site) -> None:
    with fresh_site.client() as client:
        sign_in(client, "editor", "a wrong password")
        sign_in(client, "editor")
    entries = list(Context(fresh_site.settings, Actor("admin")).audit_sink.entries())
    signs = [(e.actor, e.action, e.outcome) for e in entries if e.action == "sign_in"]
    assert signs == [("editor", "sign_in", "denied"), ("editor", "sign_in", "allowed")]
    assert all("wrong password" not in str(e) for e in entries)


def test_enrolment_shows_the_setup_link_as_a_qr_code_drawn_on_the_page(fresh_site: Site) -> None:
    import html

    import segno

    users: MemoryUserStore = fresh_site.accounts.users  # type: ignore[assignment]
    users.add("qradmin", "admin", PASSWORD)
    with fresh_site.client() as client:
        csrf = csrf_of(client.get("/sign-in").text)
        page = client.post("/sign-in", data={"username": "qradmin", "password": PASSWORD, "csrf": csrf}).text
    uri = html.unescape(page.split("<summary>")[1].split("<code>")[1].split("</code>")[0])
    assert uri.startswith("otpauth://totp/") and "secret=" in uri
    figure = page.split('data-testid="totp-qr">')[1].split("</div>")[0]
    assert figure.startswith('<svg role="img" aria-labelledby="qr-label"') and 'id="qr-label"' in page
    modules = segno.make(uri, error="m").svg_inline(scale=4, border=4).split(' d="')[1].split('"')[0]
    assert modules in figure  # the dark modules of the page's own setup link
    assert "<img" not in figure and "http" not in figure  # nothing fetched: the secret goes to no other server

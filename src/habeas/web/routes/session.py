"""Signing in and out: password, TOTP second factor for admins, sessions, the language switch."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

import pyotp
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from habeas.security.accounts import Account, Session
from habeas.security.audit import Outcome
from habeas.security.passwords import MAX_PASSWORD_LENGTH, PasswordCheckUnavailable, verify_password
from habeas.web.config import LANGUAGES
from habeas.web.policy import Policy, Viewer, audit_as
from habeas.web.rendering import render, safe_next

router = APIRouter(include_in_schema=False)

Public = Annotated[Viewer, Depends(Policy.public())]
Pending = Annotated[Viewer, Depends(Policy.second_factor())]
TOTP_ISSUER = "habeas"


def _form_text(viewer: Viewer, name: str, limit: int = 200) -> str:
    value = viewer.extra["form"].get(name)
    return value[:limit] if isinstance(value, str) else ""


def _set_session_cookie(viewer: Viewer, response: Response, session: Session) -> None:
    web = viewer.state.web
    response.set_cookie(
        web.session_cookie, session.id, httponly=True, secure=web.secure_cookies, samesite="strict", path="/"
    )
    response.delete_cookie(web.presession_cookie, path="/", secure=web.secure_cookies, httponly=True)


def _start_session(viewer: Viewer, account: Account, verified: bool, next_path: str) -> Response:
    """End any session the browser had and start a new one: a new id at every sign-in step."""
    sessions = viewer.state.accounts.sessions
    if viewer.session is not None:
        sessions.delete(viewer.session.id)
    previous = None
    if verified:
        last = viewer.state.accounts.users.signed_in(account.name, datetime.now(UTC))
        previous = last.date() if last else None
        audit_as(viewer.state.base, account.name, "sign_in", Outcome.ALLOWED, "user", account.name)
    session = sessions.create(account.name, verified=verified, previous_visit=previous)
    target = next_path if verified else "/sign-in/code?next=" + quote(next_path, safe="/")
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(viewer, response, session)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(viewer: Public, next: str = "/") -> Response:
    if viewer.signed_in:
        return RedirectResponse(safe_next(next), status_code=303)
    if viewer.session is not None:
        return RedirectResponse("/sign-in/code?next=" + quote(safe_next(next), safe="/"), status_code=303)
    return render(viewer, "sign_in.html", next=safe_next(next), error=None)


def _refuse(viewer: Viewer, next_path: str, error: str, status: int, minutes: int = 0) -> Response:
    return render(viewer, "sign_in.html", status=status, next=next_path, error=error, minutes=minutes)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(viewer: Public) -> Response:
    state = viewer.state
    name = _form_text(viewer, "username").strip()
    password = _form_text(viewer, "password", MAX_PASSWORD_LENGTH + 1)
    next_path = safe_next(_form_text(viewer, "next", 2000))
    address = viewer.request.client.host if viewer.request.client else "unknown"
    if not state.throttle.address_allowed(address):
        audit_as(state.base, "anonymous", "sign_in", Outcome.DENIED, "address", None)
        return _refuse(viewer, next_path, "rate", 429)
    if minutes := state.throttle.locked_minutes(name):
        return _refuse(viewer, next_path, "locked", 429, minutes)
    account = state.accounts.users.account(name) if name else None
    usable = account is not None and account.user.active
    try:
        matches = verify_password(account.password_hash if usable and account else None, password)
    except PasswordCheckUnavailable:
        return _refuse(viewer, next_path, "unavailable", 503)
    if not matches or account is None:
        locked = state.throttle.failed(name)
        audit_as(state.base, name if usable else "unknown-user", "sign_in", Outcome.DENIED, "user", None)
        if locked:
            return _refuse(viewer, next_path, "locked", 429, state.throttle.locked_minutes(name))
        return _refuse(viewer, next_path, "wrong", 401)
    state.throttle.succeeded(name)  # the password's own count; the second factor's count is not touched
    if account.needs_second_factor and (minutes := state.second_factor.minutes_left(account.name)):
        return _refuse(viewer, next_path, "code_locked", 429, minutes)
    return _start_session(viewer, account, not account.needs_second_factor, next_path)


def _pending_secret(viewer: Viewer) -> tuple[str, bool]:
    """The TOTP secret to check the code against, and whether the user is enrolling now."""
    assert viewer.account is not None and viewer.session is not None
    if viewer.account.totp_secret:
        return viewer.account.totp_secret, False
    if not viewer.session.pending_totp_secret:
        viewer.session.pending_totp_secret = pyotp.random_base32()
        viewer.state.accounts.sessions.save(viewer.session)
    return viewer.session.pending_totp_secret, True


@router.get("/sign-in/code", response_class=HTMLResponse)
def code_form(viewer: Pending, next: str = "/") -> Response:
    if viewer.signed_in:
        return RedirectResponse(safe_next(next), status_code=303)
    assert viewer.account is not None
    secret, enrolling = _pending_secret(viewer)
    uri = pyotp.TOTP(secret).provisioning_uri(name=viewer.account.name, issuer_name=TOTP_ISSUER)
    return render(
        viewer, "sign_in_code.html", next=safe_next(next), enrolling=enrolling, secret=secret, uri=uri,
        qr=_qr(uri) if enrolling else None, error=None,
    )  # fmt: skip


def _qr(uri: str) -> Markup:
    """The setup link as a QR code, drawn here as inline SVG: no image is fetched and the secret leaves nowhere."""
    import segno

    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#1d232b", light="#ffffff")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-label" focusable="false" ', 1))


def _code_ok(viewer: Viewer, secret: str, code: str) -> bool:
    """A current code (one step of clock drift allowed) not used before by this user."""
    assert viewer.account is not None
    totp = pyotp.TOTP(secret)
    now = datetime.now(UTC)
    used = viewer.state.used_codes  # kept in the database: spent once, in whichever server process
    for drift in (0, -1, 1):
        step = int(now.timestamp()) // totp.interval + drift
        if hmac.compare_digest(totp.generate_otp(step), code) and used.spend(viewer.account.name, step):
            return True
    return False


@router.post("/sign-in/code", response_class=HTMLResponse)
def code(viewer: Pending) -> Response:
    state = viewer.state
    assert viewer.account is not None and viewer.session is not None
    next_path = safe_next(_form_text(viewer, "next", 2000))
    if viewer.signed_in:
        return RedirectResponse(next_path, status_code=303)
    name = viewer.account.name
    secret, enrolling = _pending_secret(viewer)
    entered = "".join(_form_text(viewer, "code", 20).split())
    if minutes := state.second_factor.minutes_left(name):
        # Locked: the code is not even looked at, so guessing during the lock learns nothing.
        audit_as(state.base, name, "sign_in_code", Outcome.DENIED, "user", name)
        return _second_factor_locked(viewer, next_path, minutes)
    if not _code_ok(viewer, secret, entered):
        minutes = state.second_factor.failed(name)
        audit_as(state.base, name, "sign_in_code", Outcome.DENIED, "user", name)
        if minutes:
            audit_as(state.base, name, "lock_second_factor", Outcome.DENIED, "user", name)
            return _second_factor_locked(viewer, next_path, minutes)
        uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=TOTP_ISSUER)
        return render(viewer, "sign_in_code.html", status=401, next=next_path, enrolling=enrolling,
                      secret=secret, uri=uri, qr=_qr(uri) if enrolling else None, error="wrong")  # fmt: skip
    state.second_factor.passed(name)
    if enrolling:
        state.accounts.users.set_totp_secret(name, secret)
        audit_as(state.base, name, "enrol_second_factor", Outcome.ALLOWED, "user", name)
    return _start_session(viewer, viewer.account, True, next_path)


def _second_factor_locked(viewer: Viewer, next_path: str, minutes: int) -> Response:
    """End the half-done session and say plainly that the second factor is locked, and for how long."""
    state = viewer.state
    assert viewer.session is not None
    state.accounts.sessions.delete(viewer.session.id)
    response = _refuse(viewer, next_path, "code_locked", 429, minutes)
    response.delete_cookie(state.web.session_cookie, path="/", secure=state.web.secure_cookies, httponly=True)
    return response


@router.post("/sign-out")
def sign_out(viewer: Public) -> Response:
    web = viewer.state.web
    if viewer.session is not None:
        viewer.state.accounts.sessions.delete(viewer.session.id)
        audit_as(viewer.state.base, viewer.session.user, "sign_out", Outcome.ALLOWED, "user", viewer.session.user)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(web.session_cookie, path="/", secure=web.secure_cookies, httponly=True)
    return response


@router.post("/language")
def language(viewer: Public) -> Response:
    chosen = _form_text(viewer, "lang")
    web = viewer.state.web
    response = RedirectResponse(safe_next(_form_text(viewer, "next", 2000)), status_code=303)
    if chosen in LANGUAGES:
        response.set_cookie(
            web.language_cookie,
            chosen,
            max_age=365 * 86400,
            httponly=True,
            secure=web.secure_cookies,
            samesite="strict",
            path="/",
        )
    return response

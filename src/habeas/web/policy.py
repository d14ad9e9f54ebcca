"""Who may call a route: every route declares a Policy, which signs the caller in and asks the access model.

A Policy is the route's only door. It finds the session (cookie) or API token,
checks the CSRF token of every state-changing request made with a cookie, and asks
:func:`habeas.security.access.decide` whether the user's role allows the route's
action. Decisions about one person are made by the services with the person in hand.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException
from starlette.routing import BaseRoute

from habeas.security.access import ROLE_ACTIONS, SYSTEM, Action, Resource, Role, User, decide
from habeas.security.accounts import Account, Session, utc_now
from habeas.security.audit import Outcome
from habeas.services import Context, access
from habeas.services.directory import acting
from habeas.web.i18n import Language, choose_language
from habeas.web.uploads import MAX_MAPPING_BYTES, SealedStaging, UploadTooLarge, form_in_memory, form_sealed

if TYPE_CHECKING:
    from habeas.web.state import AppState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_AUDITABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class Gate(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SECOND_FACTOR = "second_factor"  # a password-checked session still waiting for its TOTP code
    SIGNED_IN = "signed_in"  # any signed-in user
    ACTION = "action"  # a signed-in user whose role may take the action


class SignInRequired(Exception):
    """No session or token, or an expired one."""


class Forbidden(Exception):
    """Signed in, but the role may not do this, or the request failed a CSRF or origin check."""

    def __init__(self, reason: str, status: int = 403):
        self.reason, self.status = reason, status
        super().__init__(reason)


@dataclass
class Viewer:
    """The caller of one request: who they are, in which language, and the CSRF token for their forms."""

    request: Request
    state: AppState
    language: Language
    account: Account | None = None
    session: Session | None = None
    via_token: bool = False
    presession: str | None = None  # a CSRF token for forms shown before sign-in
    set_presession: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> User | None:
        return self.account.user if self.account is not None else None

    @property
    def signed_in(self) -> bool:
        return self.account is not None and (self.via_token or (self.session is not None and self.session.verified))

    @property
    def csrf(self) -> str:
        if self.session is not None:
            return self.session.csrf
        return self.presession or ""

    @cached_property
    def ctx(self) -> Context:
        """The service context acting as this user, made once per request.

        When the user was just read from the database (stored accounts), the services use that
        reading instead of loading the same user again.
        """
        assert self.user is not None, "a route without a signed-in user has no service context"
        ctx = acting(self.state.base, self.user.name)
        if getattr(self.state.accounts.users, "reads_database", False):
            ctx.__dict__["acting_user"] = self.user  # the cached_property's storage
        return ctx

    def audit(self, action: str, outcome: Outcome, record_type: str | None, record_id: str | None = None) -> None:
        """Add to the audit log as this user (or "anonymous"); an id that is not a well-formed id is left out."""
        audit_as(self.state.base, self.user.name if self.user else "anonymous", action, outcome, record_type, record_id)

    def may(self, action: Action | str, resource: Resource = SYSTEM) -> bool:
        return bool(decide(self.user, action, resource))

    def may_at_all(self, action: Action) -> bool:
        """Whether the role allows ``action`` on some record (to show a link or a form)."""
        user = self.user
        if user is None or not user.active:
            return False
        try:
            return action in ROLE_ACTIONS[Role(user.role)]
        except ValueError:
            return False


def audit_as(
    base: Context, actor: str, action: str, outcome: Outcome, record_type: str | None, record_id: str | None = None
) -> None:
    """Add to the audit log of the services as ``actor``; an id that is not a well-formed id is left out, not copied."""
    safe = record_id if record_id is not None and _AUDITABLE_ID.fullmatch(record_id) else None
    access.audit(acting(base, actor), action, outcome, [(record_type, safe)])


@dataclass(frozen=True)
class Policy:
    """The access policy a route declares: ``Depends(Policy.action(Action.READ_PERSON))``."""

    gate: Gate
    action: Action | None = None
    api: bool = False  # JSON API: API tokens only, no cookies (so no CSRF to check)
    # A dataset upload: the body may reach WebSettings.max_dataset_upload_bytes, and is read only once
    # the caller is known to be allowed (nobody else gets to make the server spool a large file).
    large_upload: bool = False

    @classmethod
    def public(cls) -> Policy:
        return cls(Gate.PUBLIC)

    @classmethod
    def second_factor(cls) -> Policy:
        return cls(Gate.SECOND_FACTOR)

    @classmethod
    def signed_in(cls, api: bool = False) -> Policy:
        return cls(Gate.SIGNED_IN, api=api)

    @classmethod
    def allows(cls, action: Action, api: bool = False, large_upload: bool = False) -> Policy:
        return cls(Gate.ACTION, action, api, large_upload)

    async def __call__(self, request: Request) -> Viewer:
        state: AppState = request.app.state.habeas
        viewer = Viewer(request, state, language_of(request, state))
        if request.method not in SAFE_METHODS:
            limit = state.web.max_dataset_upload_bytes if self.large_upload else state.web.max_upload_bytes
            _check_size(viewer, limit)
        if self.api:
            _token_caller(viewer)
        else:
            session_caller(viewer)
            if self.large_upload:
                self._admit(viewer)
            if request.method not in SAFE_METHODS:
                await _check_csrf(viewer, self.large_upload)
        self._admit(viewer)
        return viewer

    def _admit(self, viewer: Viewer) -> None:
        if self.gate is Gate.PUBLIC:
            return
        if self.gate is Gate.SECOND_FACTOR:
            if viewer.session is None or viewer.account is None:
                raise SignInRequired()
            return
        if not viewer.signed_in:
            raise SignInRequired()
        if self.gate is Gate.ACTION:
            assert self.action is not None
            if not viewer.may_at_all(self.action):
                raise Forbidden(f"role {viewer.user.role if viewer.user else '-'} may not {self.action}")


def language_of(request: Request, state: AppState) -> Language:
    cookie = request.cookies.get(state.web.language_cookie)
    return Language(choose_language(cookie, request.headers.get("accept-language"), state.web.default_language))


def _token_caller(viewer: Viewer) -> None:
    header = viewer.request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return
    name = viewer.state.accounts.tokens.user_for(secret.strip())
    account = viewer.state.accounts.users.account(name) if name else None
    if account is not None and account.user.active:
        viewer.account, viewer.via_token = account, True


def session_caller(viewer: Viewer) -> None:
    state, request = viewer.state, viewer.request
    session_id = request.cookies.get(state.web.session_cookie)
    session = state.accounts.sessions.get(session_id) if session_id else None
    if session is not None:
        now = utc_now()
        idle = now - session.seen > timedelta(minutes=state.web.session_idle_minutes)
        old = now - session.created > timedelta(hours=state.web.session_max_hours)
        account = state.accounts.users.account(session.user)
        if idle or old or account is None or not account.user.active:
            state.accounts.sessions.delete(session.id)
        else:
            if now - session.seen > timedelta(minutes=1):
                session.seen = now
                state.accounts.sessions.save(session)
            viewer.session, viewer.account = session, account
            return
    viewer.presession = request.cookies.get(state.web.presession_cookie)
    if not viewer.presession or len(viewer.presession) < 32:
        viewer.presession, viewer.set_presession = secrets.token_urlsafe(32), True


def _check_size(viewer: Viewer, limit: int) -> None:
    length = viewer.request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > limit + 65536:
        raise Forbidden(
            f"the request is too large (at most {limit / (1024 * 1024):g} MiB), or does not say how large it is", 413
        )


async def _check_csrf(viewer: Viewer, large_upload: bool) -> None:
    request = viewer.request
    origin = request.headers.get("origin")
    # "null" comes from privacy settings that hide the origin; the CSRF token below still has to match.
    if origin not in (None, "null") and urlsplit(origin).netloc != request.headers.get("host", ""):
        # Behind a TLS proxy the scheme seen here may differ from the browser's, so compare hosts only.
        raise Forbidden("the request came from another site")
    form = await _read_form(viewer, large_upload)
    viewer.extra["form"] = form
    sent = form.get("csrf")
    if viewer.set_presession or not isinstance(sent, str) or not hmac.compare_digest(sent, viewer.csrf):
        discard_staging(viewer)
        raise Forbidden("the form's security token is missing or out of date; reload the page and try again")


async def _read_form(viewer: Viewer, large_upload: bool) -> FormData:
    """The form; its files never written in clear: a case file in memory, a dataset sealed (habeas.web.uploads)."""
    request, web = viewer.request, viewer.state.web
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.form()
    try:
        if not large_upload:
            return await form_in_memory(request.headers, request.stream(), web.max_upload_bytes)
        staging = SealedStaging(viewer.state.settings.data_dir / "uploads", viewer.state.base.keyring)
        viewer.extra["staging"] = staging
        limits = {"file": web.max_dataset_upload_bytes, "mapping": MAX_MAPPING_BYTES}
        return await form_sealed(request.headers, request.stream(), staging, limits)
    except UploadTooLarge as exc:
        message = viewer.language.gettext("The file is larger than the limit of %(size)s MiB; nothing was imported.")
        size = viewer.language.number(round(exc.limit / (1024 * 1024), 2))
        raise Forbidden(message % {"size": size}, 413) from None
    except MultiPartException as exc:
        raise Forbidden(f"the form could not be read: {exc.message}", 400) from None


def discard_staging(viewer: Viewer) -> None:
    """Remove a dataset upload's sealed files when no import will take them (a refused form)."""
    staging = viewer.extra.pop("staging", None)
    if staging is not None:
        staging.discard()


def flat_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of an app, looking inside included routers (newer FastAPI keeps them nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from flat_routes(inner.routes)
        else:
            yield route


def policy_of(route: APIRoute) -> Policy | None:
    """The policy a route declares through its dependencies (for the route inventory)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if isinstance(dependency.call, Policy):
            return dependency.call
        pending.extend(dependency.dependencies)
    return None

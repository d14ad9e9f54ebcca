"""The web app factory: `create_app(settings)` assembles routes, templates, security headers and error pages."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from habeas.security.accounts import Accounts, memory_accounts
from habeas.services import Actor, Context, NotFound, ServiceError
from habeas.services.directory import Directory
from habeas.services.track import InvalidInput
from habeas.settings import Settings
from habeas.web.config import WebSettings
from habeas.web.forms import quiet
from habeas.web.i18n import N_
from habeas.web.jobs import ImportJobs, sweep_staged
from habeas.web.policy import Forbidden, SignInRequired, Viewer, flat_routes, language_of, policy_of, session_caller
from habeas.web.protection import ContainFailures, ForwardedFor, SecurityHeaders, SignInThrottle, SpentCodes
from habeas.web.rendering import STATIC, make_environment, render
from habeas.web.routes import api, calendar, cohorts, edit, imports, pages, session
from habeas.web.second_factor import SecondFactorLock
from habeas.web.state import AppState

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
WEB_ACTOR = Actor("habeas-web", "admin")  # reads the whole directory once; pages filter it by the user's reach


def create_app(settings: Settings, accounts: Accounts | None = None, web: WebSettings | None = None) -> FastAPI:
    """The habeas web app over the database in ``settings``; users, sessions and tokens from ``accounts``."""
    web = web or WebSettings()
    accounts = accounts or memory_accounts()
    base = Context(settings, WEB_ACTOR)
    app = FastAPI(
        lifespan=_lifespan,
        title="habeas",
        summary="A due-process tracker for people in immigration detention and removal",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; habeas works offline
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.habeas = AppState(
        settings=settings,
        web=web,
        accounts=accounts,
        base=base,
        directory=Directory(base),
        templates=make_environment(),
        throttle=SignInThrottle(web, base),
        second_factor=SecondFactorLock(web, accounts.users),
        used_codes=SpentCodes(base),
        imports=ImportJobs(base),
    )
    for router in (session.router, pages.router, cohorts.router, edit.router, imports.router, api.router):
        app.include_router(router)
    app.include_router(calendar.router)
    from habeas.web.routes import links  # the link review queue (editors and admins)

    app.include_router(links.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handle_errors(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
    app.add_middleware(ContainFailures, api_prefix=API_PREFIX + "/")
    app.add_middleware(SecurityHeaders, hsts=web.secure_cookies)  # outside: the 500 above gets the headers too
    if web.trusted_proxies:
        app.add_middleware(ForwardedFor, proxies=web.trusted_proxies)
    check_policies(app)
    return app


def check_policies(app: FastAPI) -> None:
    """Refuse to start when a route declares no access policy: it would be open to anyone."""
    routes = list(flat_routes(app.routes))
    undeclared = [r.path for r in routes if isinstance(r, APIRoute) and policy_of(r) is None]
    if not any(isinstance(r, APIRoute) for r in routes):
        raise RuntimeError("no routes found to check for access policies")
    if undeclared:
        raise RuntimeError(f"routes without an access policy: {', '.join(undeclared)}")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Ready at once: summaries are computed when a page needs them, the name index is read in the background."""
    state: AppState = app.state.habeas
    anyio.to_thread.current_default_thread_limiter().total_tokens = state.web.worker_threads
    sweep_staged(state.settings.data_dir / "uploads")  # what a server that died mid-import left behind
    # In the background: the first start after a large import may remove a million entries, and the
    # server must answer meanwhile (pruning changes nothing a page shows).
    threading.Thread(target=_prune, args=(state.directory,), name="habeas-prune-changes", daemon=True).start()
    # The name index (everybody's name decrypted) is read now, in the background, rather than by the first
    # search or list: at 100,000 people it takes seconds, which that request would wait through.
    if state.web.index_at_start:
        threading.Thread(target=_read_index, args=(state.directory,), name="habeas-name-index", daemon=True).start()
    yield


def _prune(directory: Directory) -> None:
    try:
        directory.prune_changes()
    except ServiceError:
        pass  # a database not initialised yet: nothing to prune
    except Exception as exc:  # a busy database: the next start prunes; the server goes on either way
        log.warning("the change log was not pruned: %s", type(exc).__name__)


def _read_index(directory: Directory) -> None:
    try:
        directory.read_index()
    except ServiceError:
        pass  # a database not initialised yet, or no key: the first search says so
    except Exception as exc:  # the first search reads it again, and reports what went wrong
        log.warning("the name index was not read at start: %s", type(exc).__name__)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        schema.setdefault("components", {})["securitySchemes"] = {
            "token": {"type": "http", "scheme": "bearer", "description": "a per-user API token (see /account)"}
        }
        schema["security"] = [{"token": []}]
        app.openapi_schema = schema
    return app.openapi_schema


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX + "/") or request.url.path == API_PREFIX


def _error_page(request: Request, status: int, title: str, detail: str | None = None) -> Response:
    state: AppState = request.app.state.habeas
    viewer = Viewer(request, state, language_of(request, state))
    session_caller(viewer)
    return render(viewer, "error.html", status=status, title=title, detail=detail)


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "an API token is needed"}, 401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse("/sign-in?next=" + quote(target, safe="/"), status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"error": exc.reason}, exc.status)
        return _error_page(request, exc.status, N_("Not allowed"), exc.reason)

    @app.exception_handler(InvalidInput)
    def invalid(request: Request, exc: InvalidInput) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": "the case file has problems; nothing was stored", "problems": quiet(exc.problems)}, 422
            )
        return _error_page(request, 400, N_("Problems found"), "\n".join(quiet(exc.problems)))

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        if _is_api(request):
            return JSONResponse({"error": str(exc)}, 404)
        return _error_page(request, 404, N_("Not found"), str(exc))

    @app.exception_handler(ServiceError)
    def service_error(request: Request, exc: ServiceError) -> Response:
        if _is_api(request):
            return JSONResponse({"error": str(exc)}, 400)
        return _error_page(request, 400, N_("Something needs fixing"), str(exc))

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({"error": "the request is not valid", "problems": problems}, 422)
        return _error_page(request, 400, N_("Something needs fixing"), "; ".join(problems))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        # exc.headers carries what the status needs, such as `Allow` on a 405
        if _is_api(request):
            return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)
        title = N_("Not found") if exc.status_code == 404 else N_("Something went wrong")
        page = _error_page(request, exc.status_code, title, None)
        page.headers.update(exc.headers or {})
        return page

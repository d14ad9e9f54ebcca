"""Serving the web app on this machine: the accounts it signs people in with, uvicorn's settings, its workers.

The command line's `habeas serve` reaches this through the program's composition root
(:mod:`habeas.main`), so the command line and the web app never import each other.

With ``--workers N`` uvicorn starts N processes sharing one listening socket. Each builds its
own app (:class:`WorkerConfig`): the settings (data directory, database URL, which may hold a
PostgreSQL password) reach it pickled through the private pipe multiprocessing opens to it,
never on a command line or in the environment, which other users of the machine may read; the
keys it reads itself from the key files (or ``$HABEAS_KEY``), as the first process did. What the
processes must agree on (sessions, sign-in counts, spent codes, import jobs, what changed) is
kept in the database, so any of them may answer any request.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from typing import Any

import uvicorn

from habeas.security.accounts import Accounts
from habeas.services import Actor, Context, ServiceError, access, users
from habeas.services.serving import refuse_unshared
from habeas.settings import Settings
from habeas.web.app import create_app
from habeas.web.config import WebSettings
from habeas.web.protection import trusted_networks

WORKER_ANSWERS_WITHIN = 60  # seconds a worker process may take to answer its supervisor (uvicorn's default: 5)


def accounts_for_serve(ctx: Context) -> tuple[Accounts, list[str]]:
    """The users and tokens the server uses (from the database), and what to tell the operator.

    Users sign in with the passwords that `habeas users add|passwd` set. When the user
    starting the server has no password yet (the first admin of a new database), a
    one-time password is set for them now and printed once; they enrol a TOTP
    authenticator at the first sign-in.
    """
    user = access.acting_user(ctx)
    accounts = users.stored_accounts(ctx)
    account = accounts.users.account(user.name)
    notes: list[str] = []
    if account is not None and account.password_hash is None:
        password = secrets.token_urlsafe(15)
        users.set_password(ctx, user.name, password)
        notes.append(f"Sign in as [bold]{user.name}[/] with the one-time password [bold]{password}[/]")
        notes.append(f"(shown once; change it with `habeas users passwd {user.name}`)")
        notes.append("At the first sign-in you enrol an authenticator app: every sign-in after asks for its code.")
    else:
        notes.append(f"Sign in with your habeas user name and password (for example [bold]{user.name}[/]).")
    return accounts, notes


def serve(
    ctx: Context,
    *,
    host: str,
    port: int,
    insecure_cookies: bool,
    trusted_proxies: tuple[str, ...],
    say: Callable[[str], None],
    workers: int = 1,
) -> None:
    """Start the web app over ``ctx``'s database in ``workers`` processes and serve it until interrupted.

    Raises ValueError for a trusted proxy that is not an address or a network, and a ServiceError
    for an unknown user or a database several processes cannot share, before anything is served.
    """
    trusted_networks(trusted_proxies)
    if workers > 1:
        refuse_unshared(ctx.settings.database_url, workers)
    _check_free(host, port)
    accounts, notes = accounts_for_serve(ctx)  # fails early, with a clear message, on an unknown user
    web = WebSettings(secure_cookies=not insecure_cookies, trusted_proxies=trusted_proxies)
    scheme = "http" if insecure_cookies else "https (behind your TLS proxy)"
    processes = f"  processes: {workers}" if workers > 1 else ""
    if workers == 1:
        web_app = create_app(ctx.settings, accounts, web)
    say(f"habeas is serving on [bold]http://{host}:{port}[/]  cookies: {scheme}{processes}")
    for note in notes:
        say(note)
    if workers == 1:
        uvicorn.Server(server_config(web_app, host, port)).run()
        return
    from uvicorn.supervisors import Multiprocess

    config = WorkerConfig(ctx.settings, ctx.actor, web, host=host, port=port, workers=workers)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


class WorkerConfig(uvicorn.Config):
    """uvicorn's settings for ``--workers``: each worker process builds its own app from habeas's settings.

    uvicorn pickles this object to every worker through a private pipe; :meth:`load` runs in the
    worker, which connects to the database and reads the keys itself.
    """

    def __init__(self, settings: Settings, actor: Actor, web: WebSettings, **options: Any):
        # The app is built in each worker (load); until then uvicorn is given this module's name.
        super().__init__(__name__, **_uvicorn_options(**options))
        self.habeas = (settings, actor, web)

    def load(self) -> None:
        settings, actor, web = self.habeas
        self.app = worker_app(settings, actor, web)
        super().load()


def worker_app(settings: Settings, actor: Actor, web: WebSettings) -> Any:
    """The app one worker process serves: the same users, sessions and database as every other worker."""
    ctx = Context(settings, actor)
    return create_app(settings, users.stored_accounts(ctx), web)


def _check_free(host: str, port: int) -> None:
    """Refuse, before saying "serving", a port another program holds (uvicorn would only log a bind error)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise ServiceError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another habeas serve running? "
            "choose another port with --port"
        ) from exc


def server_config(web_app: Any, host: str, port: int) -> uvicorn.Config:
    """How uvicorn serves the app: no access log, no server header, and no forwarded headers of its own."""
    return uvicorn.Config(web_app, **_uvicorn_options(host=host, port=port))


def _uvicorn_options(**options: Any) -> dict[str, Any]:
    """uvicorn's settings for habeas, one process or several.

    Left to itself uvicorn believes X-Forwarded-For from 127.0.0.1 (any process on the machine, or a
    proxy passing on what the client wrote); the app reads the header itself, from the proxies given
    with --trusted-proxy only (habeas.web.protection.ForwardedFor).
    """
    # No access log: request lines carry search words and person ids. uvicorn stops and restarts a worker
    # that has not answered its supervisor within 5 s; on a loaded machine importing the app takes longer,
    # and the workers were restarted over and over without ever serving.
    return {
        "access_log": False, "server_header": False, "log_level": "warning", "proxy_headers": False,
        "forwarded_allow_ips": [], "timeout_worker_healthcheck": WORKER_ANSWERS_WITHIN, **options,
    }  # fmt: skip

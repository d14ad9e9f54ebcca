"""`habeas serve`: the web app on this machine (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import ipaddress
import secrets
from typing import TYPE_CHECKING, Annotated, Any

import typer

from habeas.cli.app import ConfigOption, DbOption, UserOption, app, console, context, fail, user_errors
from habeas.services import Context

if TYPE_CHECKING:
    import uvicorn

HostOption = Annotated[
    str,
    typer.Option("--host", help="Address to listen on. Keep 127.0.0.1 and put a TLS proxy in front to serve others."),
]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.")]
InsecureOption = Annotated[
    bool,
    typer.Option(
        "--insecure-cookies",
        help="Send cookies over plain http. Only for trying habeas at http://127.0.0.1; refused on other addresses.",
    ),
]

TrustedProxyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--trusted-proxy",
        metavar="ADDR",
        help="A proxy (address or network) whose X-Forwarded-For header names the client; repeat for more. "
        "None by default: the header is ignored, and sign-in limits count the address that connected.",
    ),
]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def accounts_for_serve(ctx: Context):  # type: ignore[no-untyped-def]
    """The users and tokens the server uses (from the database), and what to tell the operator.

    Users sign in with the passwords that `habeas users add|passwd` set. When the user
    starting the server has no password yet (the first admin of a new database), a
    one-time password is set for them now and printed once; they enrol a TOTP
    authenticator at the first sign-in.
    """
    from habeas.services import access
    from habeas.store.accounts import stored_accounts

    user = access.acting_user(ctx)
    accounts = stored_accounts(ctx)
    account = accounts.users.account(user.name)
    notes: list[str] = []
    if account is not None and account.password_hash is None:
        password = secrets.token_urlsafe(15)
        access.set_password(ctx, user.name, password)
        notes.append(f"Sign in as [bold]{user.name}[/] with the one-time password [bold]{password}[/]")
        notes.append(f"(shown once; change it with `habeas users passwd {user.name}`)")
    else:
        notes.append(f"Sign in with your habeas user name and password (for example [bold]{user.name}[/]).")
    return accounts, notes


@app.command("serve")
def serve(
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    insecure_cookies: InsecureOption = False,
    trusted_proxy: TrustedProxyOption = None,
) -> None:
    """Start the web app: search, person pages, timelines, cohorts, imports, the morning report and the JSON API."""
    import uvicorn

    from habeas.web.app import create_app
    from habeas.web.config import WebSettings
    from habeas.web.protection import trusted_networks

    if insecure_cookies and not _is_loopback(host):
        fail("--insecure-cookies is only allowed on a loopback address such as 127.0.0.1")
    proxies = tuple(trusted_proxy or ())
    try:
        trusted_networks(proxies)
    except ValueError as exc:
        fail(f"--trusted-proxy: {exc}")
    ctx = context(db, config, user)
    with user_errors():
        accounts, notes = accounts_for_serve(ctx)  # fails early, with a clear message, on an unknown user
    web = WebSettings(secure_cookies=not insecure_cookies, trusted_proxies=proxies)
    web_app = create_app(ctx.settings, accounts, web)
    scheme = "http" if insecure_cookies else "https (behind your TLS proxy)"
    console.print(f"habeas is serving on [bold]http://{host}:{port}[/]  cookies: {scheme}", highlight=False)
    for note in notes:
        console.print(note, highlight=False)
    uvicorn.Server(server_config(web_app, host, port)).run()


def server_config(web_app: Any, host: str, port: int) -> uvicorn.Config:
    """How uvicorn serves the app: no access log, no server header, and no forwarded headers of its own.

    Left to itself uvicorn believes X-Forwarded-For from 127.0.0.1 (any process on the machine, or a
    proxy passing on what the client wrote); the app reads the header itself, from the proxies given
    with --trusted-proxy only (habeas.web.protection.ForwardedFor).
    """
    import uvicorn

    # No access log: request lines carry search words and person ids.
    return uvicorn.Config(
        web_app, host=host, port=port, access_log=False, server_header=False, log_level="warning",
        proxy_headers=False, forwarded_allow_ips=[],
    )  # fmt: skip

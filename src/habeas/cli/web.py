"""`habeas serve`: the web app on this machine (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Annotated

import typer

from habeas.cli.app import ConfigOption, DbOption, UserOption, app, console, context, fail, user_errors
from habeas.services import Context

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
) -> None:
    """Start the web app: search, person pages, timelines, cohorts, imports, the morning report and the JSON API."""
    import uvicorn

    from habeas.web.app import create_app
    from habeas.web.config import WebSettings

    if insecure_cookies and not _is_loopback(host):
        fail("--insecure-cookies is only allowed on a loopback address such as 127.0.0.1")
    ctx = context(db, config, user)
    with user_errors():
        accounts, notes = accounts_for_serve(ctx)  # fails early, with a clear message, on an unknown user
    web_app = create_app(ctx.settings, accounts, WebSettings(secure_cookies=not insecure_cookies))
    scheme = "http" if insecure_cookies else "https (behind your TLS proxy)"
    console.print(f"habeas is serving on [bold]http://{host}:{port}[/]  cookies: {scheme}", highlight=False)
    for note in notes:
        console.print(note, highlight=False)
    # No access log: request lines carry search words and person ids.
    uvicorn.run(web_app, host=host, port=port, access_log=False, server_header=False, log_level="warning")

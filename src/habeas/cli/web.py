"""`habeas serve`: the web app on this machine (127.0.0.1 unless told otherwise).

The command line does not import the web app: the program's composition root (:mod:`habeas.main`)
plugs a server in with :func:`plug_web_server`, and this command calls it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Protocol

import typer

from habeas.cli.app import ConfigOption, DbOption, UserOption, app, console, context, fail, user_errors

if TYPE_CHECKING:
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

TrustedProxyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--trusted-proxy",
        metavar="ADDR",
        help="A proxy (address or network) whose X-Forwarded-For header names the client; repeat for more. "
        "None by default: the header is ignored, and sign-in limits count the address that connected.",
    ),
]

WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        max=64,
        help="Server processes answering requests (each with its own threads). They share sessions, sign-in limits, "
        "import jobs and what changed through the database, so a SQLite file or PostgreSQL is needed.",
    ),
]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebServer(Protocol):
    """What `habeas serve` calls to serve the web app (habeas.web.serve.serve is one)."""

    def __call__(
        self,
        ctx: Context,
        *,
        host: str,
        port: int,
        insecure_cookies: bool,
        trusted_proxies: tuple[str, ...],
        say: Callable[[str], None],
        workers: int = 1,
    ) -> None: ...


_web_server: Callable[[], WebServer] | None = None


def plug_web_server(factory: Callable[[], WebServer]) -> None:
    """Give `habeas serve` its server; ``factory`` is called only when the command runs (the web app loads then)."""
    global _web_server
    _web_server = factory


@app.command("serve")
def serve(
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    insecure_cookies: InsecureOption = False,
    trusted_proxy: TrustedProxyOption = None,
    workers: WorkersOption = 1,
) -> None:
    """Start the web app: search, person pages, timelines, cohorts, imports, the morning report and the JSON API.

    Ready at once: nothing is computed ahead. With --workers N, N processes serve one database.

    [bold]Example[/]: habeas serve --port 8080 --workers 2  (then open http://127.0.0.1:8080 and sign in)
    """
    if insecure_cookies and not _is_loopback(host):
        fail("--insecure-cookies is only allowed on a loopback address such as 127.0.0.1")
    if _web_server is None:
        fail("this program has no web app; run `habeas serve` with the installed `habeas` command")
    server = _web_server()
    ctx = context(db, config, user)
    with user_errors():
        try:
            server(
                ctx,
                host=host,
                port=port,
                insecure_cookies=insecure_cookies,
                trusted_proxies=tuple(trusted_proxy or ()),
                say=lambda text: console.print(text, highlight=False),
                workers=workers,
            )
        except ValueError as exc:
            fail(f"--trusted-proxy: {exc}")

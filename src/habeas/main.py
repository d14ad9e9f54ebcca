"""The `habeas` program: the command line with the web app plugged in.

The one module that knows both faces. The command line (habeas.cli) and the web app
(habeas.web) never import each other; this composition root gives `habeas serve` its server,
and loads the web app only when that command runs, so every other command starts without it.
"""

from __future__ import annotations

from habeas.cli import app
from habeas.cli.web import WebServer, plug_web_server


def _web_server() -> WebServer:
    from habeas.web.serve import serve

    return serve


plug_web_server(_web_server)


def main() -> None:
    app()


__all__ = ["app", "main"]


if __name__ == "__main__":  # python -m habeas.main, as the `habeas` script runs it
    main()

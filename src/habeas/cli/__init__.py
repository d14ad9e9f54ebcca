"""The `habeas` command line: thin wrappers over habeas.services."""

from __future__ import annotations

import importlib

from habeas.cli.app import app, reflow_help

# Each module registers its commands on `app`. A module that is not there yet is skipped,
# so the command line works while a family of commands is being built.
for _module in ("track", "check", "datasets", "security", "reports", "web", "deadlines", "link", "casework"):
    try:
        importlib.import_module(f"habeas.cli.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"habeas.cli.{_module}":
            raise

reflow_help(app)

__all__ = ["app"]  # the program itself (with `habeas serve` plugged in) is habeas.main

"""The `habeas` command line: thin wrappers over habeas.services.

Each module of habeas.cli registers its commands on `app` when it is imported, and the program
imports one only when one of its commands runs or its help is asked for (habeas.cli.commands
lists which module defines what). ``load_commands()`` imports all of them.
"""

from __future__ import annotations

from habeas.cli.app import app, load_commands

__all__ = ["app", "load_commands"]  # the program itself (with `habeas serve` plugged in) is habeas.main

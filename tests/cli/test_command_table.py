"""The table `habeas --help` is shown from (habeas.cli.commands) says what the commands themselves say."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import click
from typer.main import get_command
from typer.testing import CliRunner

from habeas.cli import app, load_commands
from habeas.cli.commands import COMMANDS, MODULES


def full_tree() -> click.Group:
    load_commands()
    return get_command(app)  # type: ignore[return-value]  # the root is a group


def defining_modules(command: click.Command) -> set[str]:
    """The modules of habeas.cli whose functions are ``command`` or the commands under it."""
    subcommands = getattr(command, "commands", None)
    if subcommands is not None:
        return {module for sub in subcommands.values() for module in defining_modules(sub)}
    assert command.callback is not None
    return {command.callback.__module__.removeprefix("habeas.cli.")}


def first_paragraph(command: click.Command) -> str:
    # What Typer's rich help lists beside a command's name: the first paragraph of its help.
    return inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0].strip()


def test_the_table_names_every_command_and_only_those() -> None:
    root = full_tree()
    assert set(COMMANDS) == set(root.commands)


def test_each_command_is_listed_with_the_modules_that_define_it() -> None:
    root = full_tree()
    for name, listed in COMMANDS.items():
        assert defining_modules(root.commands[name]) <= set(listed.modules), name
        assert set(listed.modules) <= set(MODULES), name


def test_each_summary_is_the_first_paragraph_of_the_commands_help() -> None:
    root = full_tree()
    for name, listed in COMMANDS.items():
        assert listed.summary == first_paragraph(root.commands[name]), name


def test_help_from_the_table_is_the_help_of_the_loaded_commands() -> None:
    """`habeas --help` in a new process (nothing loaded) prints what it prints with every command loaded."""
    code = "import sys; sys.argv = ['habeas', '--help']; from habeas.main import main; main()"
    env = {"COLUMNS": "100", "TERM": "dumb"}
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    load_commands()
    loaded = CliRunner().invoke(app, ["--help"], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout == loaded.output


def command_modules_loaded_by(*args: str) -> list[str]:
    """The modules of habeas.cli that register commands, as loaded by `habeas ARGS` in a new process."""
    code = (
        "import json, sys\n"
        f"sys.argv = ['habeas', *{list(args)!r}]\n"
        "from habeas.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(m for m in {list(MODULES)!r} if 'habeas.cli.' + m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_help_and_a_mistyped_command_load_no_command_module() -> None:
    assert command_modules_loaded_by("--help") == ["web"]  # habeas.main plugs the server into `habeas serve`
    assert command_modules_loaded_by("wherabouts", "ahr") == ["web"]


def test_a_command_loads_only_the_modules_that_define_it() -> None:
    assert command_modules_loaded_by("stats", "population", "--help") == ["datasets", "link", "web"]
    assert command_modules_loaded_by("init", "--help") == ["track", "web"]

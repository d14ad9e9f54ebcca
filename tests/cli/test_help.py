"""Every command's --help shows an example of its use."""

from __future__ import annotations

import click
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from habeas.cli import app


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the words typed after `habeas`."""

    def walk(command: click.Command, path: list[str]) -> list[list[str]]:
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            return [path]
        return [p for name, sub in sorted(subcommands.items()) for p in walk(sub, [*path, name])]

    return walk(get_command(app), [])


def help_of(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_help_shows_an_example(path: list[str]) -> None:
    assert "Example" in help_of(path), f"`habeas {' '.join(path)} --help` shows no example: add `[bold]Example[/]: …`"


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_a_flag_shows_no_value_type(path: list[str]) -> None:
    """`--flags` takes no value: help that printed `--flags <bool>` read as if it wanted one."""
    assert "<bool>" not in help_of(path)


def test_prose_is_rewrapped_for_the_terminal_and_examples_are_kept_as_written() -> None:
    shown = help_of(["followups"])
    # The docstring breaks this sentence after "every --every days"; at 120 columns it reads on one line.
    assert "is followed up every --every days until an answer" in shown
    add = CliRunner().invoke(app, ["add", "--help"], env={"COLUMNS": "200"}).output
    assert "habeas add ve-0042 inquiry --date 2025-06-02 --source caseworker-log --field by=congress \\" in add

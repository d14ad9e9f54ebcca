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

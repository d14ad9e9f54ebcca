"""Values on the command line are read as Typer reads them, without Pydantic (habeas.cli.coercion)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.main import get_command

from habeas.cli import app, load_commands
from habeas.cli.coercion import PlainRuntimeParam

TEXTS = ["", "0", "7", "-3", "+4", "007", "1.5", "0.5", "-0.25", "1e3", " 5", "5 ", "1_000", "abc", "2025-05-01",
         "table", "TABLE", "json", "csv", "midnight", "24h", "-", ".", "examples", "no/such/file.csv"]  # fmt: skip
NUMBERS: list[Any] = [0, 5, -1, 100, 0.5, 2.0, -0.5, True, False, None]


def parameters() -> Iterator[tuple[str, Any, Any]]:
    """(command path, command, parameter) for every parameter of every command, --help included."""
    load_commands()

    def walk(command: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
        ctx = typer.Context(command)
        for param in command.get_params(ctx):
            yield path, command, param
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, f"{path} {name}")

    yield from walk(get_command(app), "habeas")


def candidates(annotation: Any) -> list[Any]:
    leaf = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    values: list[Any] = [*TEXTS, *NUMBERS, Path("examples"), b"bytes"]
    if isinstance(leaf, type) and issubclass(leaf, Enum):
        values += list(leaf)
    if get_origin(annotation) is list:
        return [(), ("a", "b"), ["json"], tuple(TEXTS), tuple(values[-3:]), "json", None]
    return values


def outcome(coerce: Any, value: Any) -> tuple[str, Any]:
    try:
        result = coerce(value)
    except Exception as exc:  # the error itself is what is compared
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return f"error {type(exc).__name__}", message
    return type(result).__name__, result


PLAIN = [(path, command, param) for path, command, param in parameters() if hasattr(param, "type_descriptor")]


@pytest.mark.parametrize(("path", "command", "param"), PLAIN, ids=[f"{p} {q.name}" for p, _, q in PLAIN])
def test_each_value_is_read_as_typer_reads_it(path: str, command: Any, param: Any) -> None:
    descriptor = param.type_descriptor
    ctx = typer.Context(command)
    typers = build_runtime_param(descriptor)
    ours = PlainRuntimeParam(descriptor.parameter_info, descriptor.annotation)
    for value in candidates(descriptor.annotation):
        expected = outcome(lambda v: typers.coerce(v, param=param, ctx=ctx), value)
        assert outcome(lambda v: ours.coerce(v, param=param, ctx=ctx), value) == expected, (path, param.name, value)


def test_the_commands_read_their_plain_parameters_without_pydantic() -> None:
    read_by_typer = [
        f"{path} {param.name}"
        for path, _command, param in PLAIN
        if not isinstance(param.get_runtime_param(), PlainRuntimeParam)
    ]
    assert read_by_typer == []


def test_running_a_command_imports_no_pydantic(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "sys.argv = ['habeas', 'stats', 'population', '--by', 'facility_code', '--from', '2020-01-01', '-f', 'csv']\n"
        "from habeas.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps('pydantic' in sys.modules))\n"
    )
    env = {"HABEAS_HOME": str(tmp_path), "HABEAS_CONFIG": str(tmp_path / "none.toml"), "HABEAS_USER": "test"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    # It parsed the command line and ran: the figure asks the database who may read statistics.
    assert "run `habeas init` first" in done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) is False

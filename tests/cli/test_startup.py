"""Starting the command line loads only what the command uses: no columnar, FollowTheMoney, web or PDF library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from habeas.cli.app import installed_version

# Each costs a noticeable share of a second to import; none is needed to show help or parse a command line.
HEAVY = (
    "polars",
    "pyarrow",
    "followthemoney",
    "fastapi",
    "starlette",
    "uvicorn",
    "alembic",
    "typst",
    "duckdb",
    "splink",
    "pyspark",
    "statsmodels",
)

# Runs the program as the `habeas` script does, then names the heavy packages it had imported.
PROGRAM = """
import json, sys
from habeas.main import main
sys.argv = ["habeas", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = set(json.loads({heavy!r}))
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}} & heavy)))
"""


def imported_by(*args: str) -> list[str]:
    code = PROGRAM.format(heavy=json.dumps(HEAVY))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("whereabouts", "--help"),
        ("check", "--help"),
        ("datasets", "import", "--help"),
        ("stats", "share", "--help"),
        ("report", "--help"),
        ("--version",),
    ],
    ids=" ".join,
)
def test_starting_the_command_line_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    assert imported_by(*args) == []


def test_a_mistyped_command_imports_no_heavy_library() -> None:
    assert imported_by("wherabouts", "ahr") == []


def test_version_prints_the_installed_version() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from habeas.main import main; main()", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"habeas {installed_version()}\n"
    assert installed_version()[0].isdigit()


def test_help_loads_neither_the_database_layer_nor_the_date_grammar() -> None:
    code = PROGRAM.replace("{heavy!r}", '\'["sqlalchemy", "edtf", "pyparsing"]\'').replace("{{", "{").replace("}}", "}")
    done = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []

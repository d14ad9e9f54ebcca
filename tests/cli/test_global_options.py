"""--db, --user and --config may come before the command as well as after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hernandez-romero.yaml"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("HABEAS_USER", raising=False)
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    assert runner.invoke(app, ["import", str(EXAMPLE), "--db", url]).exit_code == 0
    return url


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--db", "{db}", "people", "--format", "json"], id="--db before the command"),
        pytest.param(["--db={db}", "people", "--format", "json"], id="--db=URL before the command"),
        pytest.param(["people", "--format", "json", "--db", "{db}"], id="after, as always"),
        pytest.param(["--db", "{db}", "users", "list", "--format", "json"], id="before a group and its command"),
    ],
)
def test_the_database_option_may_come_first(db: str, args: list[str]) -> None:
    result = runner.invoke(app, [a.replace("{db}", db) for a in args])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def test_a_user_given_first_is_the_user_who_acts(db: str) -> None:
    result = runner.invoke(app, ["--user", "nobody", "--db", db, "people"])
    assert result.exit_code == 1 and "no habeas user 'nobody'" in result.output


def test_a_global_option_without_a_command_is_told_plainly() -> None:
    result = runner.invoke(app, ["--user"])
    assert result.exit_code == 2 and "--user" in result.output


def test_arguments_after_a_double_dash_are_left_alone(db: str) -> None:
    # `--` ends the options: a global option moved after the command goes before it, not after.
    result = runner.invoke(app, ["--db", db, "timeline", "--", "ahr"])
    assert result.exit_code == 0, result.output
    assert "ahr" in result.output

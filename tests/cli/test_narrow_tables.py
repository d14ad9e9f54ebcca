"""At 80 columns, tables keep ids whole (the value a user types back) and wrap the other columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hernandez-romero.yaml"


def habeas(home: Path, *args: str, columns: int = 80) -> str:
    env = {**os.environ, "HABEAS_HOME": str(home), "HABEAS_CONFIG": str(home / "none.toml"), "COLUMNS": str(columns)}
    env.pop("HABEAS_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "habeas.main", *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("narrow")
    habeas(home, "init")
    habeas(home, "import", str(EXAMPLE))
    habeas(home, "synth", "ice-detentions", "--rows", "200", "--seed", "3", "--out", str(home / "d.csv"))
    habeas(home, "datasets", "import", "ice-detentions", str(home / "d.csv"))
    return home


def test_release_ids_are_whole_at_80_columns(home: Path) -> None:
    (release,) = [r["release"] for r in json.loads(habeas(home, "datasets", "list", "--format", "json"))["rows"]]
    shown = habeas(home, "datasets", "list")
    assert release in shown
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_rule_ids_are_whole_at_80_columns(home: Path) -> None:
    ids = [r["id"] for r in json.loads(habeas(home, "rules", "--format", "json"))]
    shown = habeas(home, "rules")
    assert all(rule in shown for rule in ids), [r for r in ids if r not in shown]
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_person_ids_and_custody_are_whole_at_80_columns(home: Path) -> None:
    shown = habeas(home, "people")
    assert "│ ahr " in shown and "released" in shown
    assert max(len(line) for line in shown.splitlines()) <= 80

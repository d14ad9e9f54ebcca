"""`habeas import` on hostile and malformed files: exit 1, the file and the problem named, nothing stored.

The same inputs the reader refuses (tests/ingest/test_casefile_limits.py), seen from the
terminal: no traceback, no sensitive value echoed, and the database as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli import app

runner = CliRunner()
CANARY = "CANARY-c1a2"


def _bomb() -> str:
    lines = ["habeas: 1", 'a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join([*lines, "sources: *a8"]) + "\n"


def _json(**sections: object) -> str:
    return json.dumps({"habeas": 1, **sections})


EVENT = {"person": "p-1", "kind": "booked_in", "date": "2025-01-02"}
FILES = {
    "bomb.yaml": (_bomb(), "YAML aliases"),
    "deep.json": ('{"habeas": 1, "x": ' + "[" * 10_000 + "]" * 10_000 + "}", "nests deeper"),
    "deep.yaml": ("habeas: 1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n", "nests deeper"),
    "year0.json": (_json(people=[{"id": "p-1"}], events=[{**EVENT, "date": "0000"}]), "years 1 to 9999"),
    "edge.json": (_json(people=[{"id": "p-1"}], events=[{**EVENT, "date": "9999-12~"}]), "years 1 to 9999"),
    "rows.json": (_json(sources=[{"id": "s-1", "kind": "dataset", "rows": 10**23}]), "rows"),
    "nul.json": (_json(people=[{"id": "p-1", "name": f"{CANARY}\u0000"}]), "control character"),
    "name.json": (_json(people=[{"id": "p-1", "name": [CANARY]}]), "not shown"),
    "anumber.json": (_json(people=[{"id": "p-1", "identifiers": {"a_number": [CANARY]}}]), "not shown"),
    "note.json": (_json(people=[{"id": "p-1"}], events=[{**EVENT, "note": {"text": CANARY}}]), "not shown"),
}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    good = tmp_path / "good.yaml"
    good.write_text("habeas: 1\npeople:\n- {id: p-kept}\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(good), "--db", url]).exit_code == 0
    return url


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_malformed_file_is_refused_by_name_with_nothing_stored(db: str, tmp_path: Path, name: str) -> None:
    text, expected = FILES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = runner.invoke(app, ["people", "--db", db, "--format", "json"]).output
    result = runner.invoke(app, ["import", str(path), "--db", db])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "no traceback"
    output = " ".join(result.output.split())  # Rich wraps long lines
    assert name in output and expected in output and "nothing was imported" in output
    assert CANARY not in result.output
    assert runner.invoke(app, ["people", "--db", db, "--format", "json"]).output == before

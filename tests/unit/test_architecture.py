"""The core stays pure: domain/, rules/ and stats/ import no storage, web or command-line code."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "habeas"
CORE = ("domain", "rules", "stats")
FORBIDDEN = ("sqlalchemy", "alembic", "typer", "fastapi", "starlette", "rich", "habeas.store", "habeas.web",
             "habeas.cli", "habeas.services", "habeas.ingest", "habeas.analytics", "polars", "pandas")  # fmt: skip


def imports_of(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.append("habeas." + ".".join(path.relative_to(SRC).parts[: -node.level]) + f".{node.module or ''}")
    return names


CORE_FILES = sorted(p for package in CORE for p in (SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_core_modules_import_nothing_from_the_shell(path: Path) -> None:
    bad = [name for name in imports_of(path) if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]
    assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_the_check_finds_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "probe.py"
    sample.write_text("from habeas.store.db import make_engine\nimport sqlalchemy\n")
    assert imports_of(sample) == ["habeas.store.db", "sqlalchemy"]


# -- the layers as import-linter contracts (pyproject.toml, [tool.importlinter]) ---------------------------

ROOT = SRC.parents[1]


def _lint_imports(python_path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    runner = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    command = [sys.executable, "-c", runner, "--cache-dir", str(cache), str(ROOT / "pyproject.toml")]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_every_layer_contract_is_kept(tmp_path: Path) -> None:
    result = _lint_imports(SRC.parent, tmp_path / "cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


# Each forbidden arrow, written the ways that once slipped past a check of `import habeas.x` lines alone.
FORBIDDEN_ARROWS = [
    ("domain/dates.py", "from habeas import store\n", "The core"),
    ("rules/engine.py", "from .. import services\n", "The core"),
    ("stats/intervals.py", "import sqlalchemy\n", "The core"),
    ("ingest/casefile.py", "from habeas.store import db\n", "Readers (ingest)"),
    ("cli/views.py", "from habeas.store import repository\n", "The faces"),
    ("web/i18n.py", "from ..store import tables\n", "The faces"),
    ("store/db.py", "from habeas import services\n", "Storage never"),
    ("web/labels.py", "import habeas.cli.views\n", "independent faces"),
    ("domain/model.py", "import habeas.rules.flag\n", "No import cycles"),
]


@pytest.mark.slow
@pytest.mark.parametrize("module,line,contract", FORBIDDEN_ARROWS, ids=[f"{m}: {c}" for m, _, c in FORBIDDEN_ARROWS])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy / "habeas", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "habeas" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    result = _lint_imports(copy, tmp_path / "cache")
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout[-3000:]


@pytest.mark.slow
def test_the_types_check_over_all_of_src(tmp_path: Path) -> None:
    """mypy over every module (strict on the core, see [tool.mypy]), and no ignore that is no longer needed."""
    command = [sys.executable, "-m", "mypy", "--warn-unused-ignores", "--cache-dir", str(tmp_path), str(SRC)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:]


def test_every_type_ignore_says_why() -> None:
    unexplained = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line and "#" not in line.split("type: ignore", 1)[1]
    ]
    assert not unexplained, unexplained

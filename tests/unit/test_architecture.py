"""The core stays pure: domain/, rules/ and stats/ import no storage, web or command-line code."""

from __future__ import annotations

import ast
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

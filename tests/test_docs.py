"""The docs keep up with the code: every command is documented, every example file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command

from habeas.cli import app
from habeas.ingest.casefile import parse_casefiles

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))])


def command_names() -> list[str]:
    root = get_command(app)
    names = []
    for name, command in sorted(root.commands.items()):  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        names.extend(f"{name} {sub}" for sub in sorted(subcommands)) if subcommands else names.append(name)
    return names


@pytest.mark.parametrize("command", command_names())
def test_every_command_is_documented(command: str) -> None:
    assert f"habeas {command}" in DOCS, f"`habeas {command}` is in the CLI but in neither README.md nor docs/"


def test_the_readme_opens_with_the_two_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert "\ndemo:" in makefile and "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_examples_are_valid_case_files() -> None:
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    assert len(examples) >= 2
    parsed = parse_casefiles(examples)
    assert {p.id for p in parsed.people} >= {"ahr"}


def test_the_case_file_extensions_page_lists_what_the_vocabulary_adds() -> None:
    from habeas.domain.docs import regenerate

    page = ROOT / "docs" / "casefile.md"
    text = page.read_text(encoding="utf-8")
    assert text == regenerate(text), (
        "docs/casefile.md is stale: run `.venv/bin/python -m habeas.domain.docs docs/casefile.md`"
    )
    for kind in ("bond_decision", "representation", "locator_check"):
        assert f"### `{kind}` (a new kind)" in text

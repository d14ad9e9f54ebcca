"""docs/cli.md is what `--help` says: regenerated from the command tree, every option and environment variable in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from habeas.cli.docs import REGENERATE, load_app, render, walk

ROOT = Path(__file__).parents[2]
CLI_MD = ROOT / "docs" / "cli.md"
SOURCE = ROOT / "src" / "habeas"
# Where code reads a variable: os.environ / getenv / a Typer envvar, or a constant naming a HABEAS_ variable.
READS = re.compile(
    r"""(?:environ(?:\.get)?\(\s*|environ\[\s*|getenv\(\s*|envvar=\s*)["']([A-Z][A-Z0-9_]*)["']"""
    r"""|["'](HABEAS_[A-Z0-9_]+)["']"""
)


@pytest.fixture(scope="module")
def generated() -> str:
    return render(load_app())


@pytest.fixture(scope="module")
def committed() -> str:
    return CLI_MD.read_text(encoding="utf-8")


def test_docs_cli_md_is_what_the_generator_writes(generated: str, committed: str) -> None:
    assert committed == generated, f"docs/cli.md is stale: regenerate it with `.venv/bin/{REGENERATE}`"


def test_the_generator_writes_the_same_page_whatever_the_terminal(
    generated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert render(load_app()) == generated


def _sections(text: str) -> dict[str, str]:
    """Each command's section of the page, by its heading ("habeas export")."""
    parts = re.split(r"^#{2,4} (habeas.*)$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_command_and_each_of_its_options_is_documented(generated: str) -> None:
    sections = _sections(generated)
    missing = []
    for doc in walk(load_app()):
        name = " ".join(doc.path)
        section = sections.get(name)
        if section is None:
            missing.append(f"{name}: no section")
            continue
        if f"Usage: {name}" not in section:
            missing.append(f"{name}: no usage line")
        for param in doc.command.get_params(doc.ctx):
            if param.hidden or param.name == "help":
                continue
            names = [*param.opts, *param.secondary_opts]
            if param.param_type_name == "argument":  # shown by its metavar (FORMAT), not its name (fmt)
                names = [param.get_help_record(doc.ctx)[0].split()[0]]
            missing += [f"{name}: {opt}" for opt in names if opt not in section]
            if param.help and param.help.split()[0] not in section:
                missing.append(f"{name}: the help of {names[0]}")
    assert missing == [], "not in docs/cli.md: " + ", ".join(missing)
    from habeas.main import app as program

    assert load_app() is program, "the page is built from the app `habeas` runs (habeas.main)"
    assert "habeas serve" in sections


def _variables_read() -> dict[str, str]:
    """Every environment variable the source reads, with one place it is read."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in READS.finditer(line):
                found.setdefault(match.group(1) or match.group(2), f"{path.relative_to(ROOT)}:{number}")
    return found


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    variables = _variables_read()
    assert {"HABEAS_HOME", "HABEAS_DATABASE_URL", "HABEAS_CONFIG", "HABEAS_KEY"} <= variables.keys()
    docs = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))
    undocumented = {name: where for name, where in variables.items() if f"`{name}`" not in docs}
    assert undocumented == {}, (
        f"environment variables read but not documented in docs/: {undocumented}; describe them in "
        f"habeas.cli.docs.ENVIRONMENT (or an option's envvar) and run `.venv/bin/{REGENERATE}`"
    )

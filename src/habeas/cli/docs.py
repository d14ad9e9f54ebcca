"""docs/cli.md, written from the command tree: every command's usage, help and options, as `--help` shows them.

Run ``python -m habeas.cli.docs docs/cli.md`` after changing a command; tests/cli/test_cli_docs.py
fails while the committed page differs from what this writes. The page is the same on every
machine: it is built from the commands' own parameters, not from a terminal's rendering, so
neither the terminal's width nor its colours change it.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.text import Text
from typer.main import get_command

REGENERATE = "python -m habeas.cli.docs docs/cli.md"

# Variables habeas reads that no option names as its envvar (those are listed from the options).
ENVIRONMENT: dict[str, str] = {
    "HABEAS_HOME": "The data directory: the SQLite database, its key files and imported datasets "
    "(default: `$XDG_DATA_HOME/habeas`, else `~/.local/share/habeas`).",
    "HABEAS_KEY": "The field-encryption keys as base64, separated by commas, the first one primary; "
    "when set, habeas uses them instead of the key file (see `habeas keys`).",
    "HABEAS_KEY_FILE": "The field-encryption key file (default: `habeas.key` in the data directory).",
    "HABEAS_AUDIT_KEY_FILE": "The audit-log key file (default: `habeas-audit.key` in the data directory).",
    "HABEAS_SPARK_MEMORY": "Memory for the Spark driver when record linkage runs on Spark (default: `4g`).",
    "JAVA_HOME": "The Java runtime (17 or later) for record linkage on Spark, when `java` is not on the `PATH`.",
    "USER": "Your login name: the habeas user you act as when neither `--user` nor `HABEAS_USER` is given.",
    "XDG_DATA_HOME": "Where the data directory is when `HABEAS_HOME` is not set.",
    "XDG_CONFIG_HOME": "Where the settings file is when `HABEAS_CONFIG` is not set "
    "(`$XDG_CONFIG_HOME/habeas/habeas.toml`, else `~/.config/habeas/habeas.toml`).",
}

INTRODUCTION = """\
# Command-line reference

Every `habeas` command, its usage, what it does and its options, as `habeas COMMAND --help`
prints them. Every command also takes `--help`. Options that read an environment variable
say so (`env var:`); the [environment variables](#environment-variables) are listed at the
end.

This page is generated from the commands themselves: after changing a command, run
`{regenerate}` (a test fails while this page is stale).
"""


@dataclass(frozen=True)
class Documented:
    """One command of the tree with the context it is shown in."""

    path: tuple[str, ...]
    command: Any  # a Typer (Click) command or group
    ctx: typer.Context


def load_app() -> Any:
    """The application the `habeas` program runs (habeas.main serves the same ``app``).

    habeas.main only plugs the web server into `habeas serve`, which is already a command of
    this app with its options and help; importing habeas.main here would make the command line
    depend on the web app, which the layers forbid.
    """
    from habeas.cli import app

    return app


def walk(app: Any) -> Iterator[Documented]:
    """Every visible command and group, depth first, subcommands in alphabetical order."""
    root = get_command(app)

    def visit(command: Any, path: tuple[str, ...], parent: typer.Context | None) -> Iterator[Documented]:
        ctx = typer.Context(command, info_name=path[-1], parent=parent)
        yield Documented(path, command, ctx)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not sub.hidden:
                yield from visit(sub, (*path, name), ctx)

    yield from visit(root, ("habeas",), None)


def plain(text: str | None) -> str:
    """Help text without the Rich markup `--help` renders (``[bold]Example[/]`` reads "Example")."""
    if not text:
        return ""
    return Text.from_markup(inspect.cleandoc(text)).plain


def help_markdown(text: str) -> list[str]:
    """Paragraphs as they are; each run of indented lines (the examples, blank lines between) as a console block."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _indented(lines[i]):
            if lines[i] or (out and out[-1]):  # no runs of blank lines: the page is compared byte for byte
                out.append(lines[i])
            i += 1
            continue
        block = []
        while i < len(lines) and (_indented(lines[i]) or (not lines[i].strip() and _indented_after(lines, i))):
            block.append(lines[i])
            i += 1
        indent = min(len(b) - len(b.lstrip()) for b in block if b.strip())
        out += [*([""] if out and out[-1] else []), "```console", *(b[indent:] for b in block), "```", ""]
    return out


def _indented(line: str) -> bool:
    return line.startswith((" ", "\t")) and bool(line.strip())


def _indented_after(lines: list[str], i: int) -> bool:
    """Whether the blank line at ``i`` sits inside a run of indented lines."""
    rest = [line for line in lines[i:] if line.strip()]
    return bool(rest) and _indented(rest[0])


def cell(text: str) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def option_rows(doc: Documented) -> list[str]:
    rows = []
    for param in doc.command.get_params(doc.ctx):
        if param.hidden or param.name == "help":
            continue
        record = param.get_help_record(doc.ctx)
        if record is None:
            continue
        names, described = record
        own = param.help or ""
        # What --help appends ("[default: …]", "[env var: …]") is not markup: keep it out of plain().
        extras = described[len(own) :].strip() if described.startswith(own) else ""
        envvars = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or ())
        extras += "".join(f"  [env var: {name}]" for name in envvars if name not in extras)
        rows.append(f"| `{cell(names)}` | {cell(' '.join(x for x in (plain(own), extras.strip()) if x))} |")
    return rows


def command_section(doc: Documented) -> list[str]:
    level = "#" * min(len(doc.path) + 1, 4)
    lines = [f"{level} {' '.join(doc.path)}", ""]
    usage = " ".join([doc.ctx.command_path, *doc.command.collect_usage_pieces(doc.ctx)])
    lines += ["```text", f"Usage: {usage}", "```", ""]
    lines += help_markdown(plain(doc.command.help))
    if lines[-1]:
        lines.append("")
    rows = option_rows(doc)
    if rows:
        lines += ["| Argument or option | What it does |", "|---|---|", *rows, ""]
    subcommands = sorted(n for n, c in getattr(doc.command, "commands", {}).items() if not c.hidden)
    if subcommands:
        lines += ["Commands: " + ", ".join(f"`{' '.join((*doc.path, n))}`" for n in subcommands) + ".", ""]
    return lines


def environment_section(docs: list[Documented]) -> list[str]:
    """Each variable with what it sets: the options that read it, or what habeas does with it."""
    used: dict[str, list[str]] = {}
    for doc in docs:
        for param in doc.command.get_params(doc.ctx):
            envvars = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or ())
            for name in envvars:
                option = f"`{param.opts[0]}`" if param.opts else f"`{param.name}`"
                used.setdefault(name, [])
                if option not in used[name]:
                    used[name].append(option)
    lines = ["## Environment variables", "", "| Variable | What it sets |", "|---|---|"]
    for name in sorted({*used, *ENVIRONMENT}):
        what = ENVIRONMENT.get(name, "")
        if name in used:
            what = f"The default of {', '.join(used[name])}. {what}".strip()
        lines.append(f"| `{name}` | {cell(what)} |")
    return [*lines, ""]


def render(app: Any) -> str:
    """The whole page."""
    docs = list(walk(app))
    lines = [INTRODUCTION.format(regenerate=REGENERATE)]
    for doc in docs:
        lines += command_section(doc)
    lines += environment_section(docs)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write(f"usage: {REGENERATE}\n")
        return 2
    Path(args[0]).write_text(render(load_app()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

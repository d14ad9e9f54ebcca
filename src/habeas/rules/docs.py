"""The documentation of each rule, as Markdown generated from the registry (docs/rules/).

Regenerate after changing a rule: ``python -m habeas.rules.docs docs/rules``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from habeas.rules.registry import RULES
from habeas.rules.rule import Rule
from habeas.rules.timing import number

GENERATED = (
    "<!-- Generated from the rule registry by `python -m habeas.rules.docs docs/rules`; "
    "edit the rule, not this page. -->"
)
NOT_ADVICE = "Flags are prompts for review by counsel, not legal advice."


def _settings_example(rule: Rule) -> list[str]:
    lines = ["```toml", f"[rules.{rule.id}]"]
    lines += [f"{t.name} = {number(t.default)}" for t in rule.thresholds]
    lines += ["# enabled = false    # turns the rule off", "```"]
    return lines


def rule_page(rule: Rule) -> str:
    """The Markdown page of one rule."""
    lines = [GENERATED, "", f"# `{rule.id}` — {rule.title}", ""]
    lines += [f"**Severity:** {' or '.join(s.value for s in rule.severities)}", "", rule.description, ""]
    lines += ["## Thresholds", ""]
    if rule.thresholds:
        lines += ["| name | default | unit | what it sets |", "|---|---|---|---|"]
        lines += [f"| `{t.name}` | {number(t.default)} | {t.unit} | {t.description} |" for t in rule.thresholds]
    else:
        lines.append("None of its own.")
    if rule.uses:
        lines += ["", "It also reads: " + ", ".join(f"`{u}`" for u in rule.uses) + "."]
    lines += ["", "## Settings", "", "In the settings file (`--config`, default `~/.config/habeas/habeas.toml`):", ""]
    lines += _settings_example(rule)
    lines += ["", "## Legal basis", ""]
    lines += [f"- **{c.cite}** — {c.why}." for c in rule.legal_basis]
    lines += ["", "## Flag", ""]
    lines += [
        f'`habeas check --format json` gives flags with `"rule": "{rule.id}"`, the events and sources behind',
        "each flag, and `certainty: possible` when the flag rests on the order of uncertain dates.",
        "",
        NOT_ADVICE,
        "",
    ]
    return "\n".join(lines)


def index_page(rules: Sequence[Rule] = RULES) -> str:
    """docs/rules/README.md: every rule with its severity and a link to its page, and how to set them."""
    lines = [GENERATED, "", "# Due-process rules", ""]
    lines += [
        "`habeas check` runs these rules over each person's timeline; `habeas rules` lists them with the",
        "thresholds in force. Rule ids are stable.",
        "",
        "| rule | severity | what it flags |",
        "|---|---|---|",
    ]
    lines += [f"| [`{r.id}`]({r.id}.md) | {' or '.join(s.value for s in r.severities)} | {r.title} |" for r in rules]
    lines += [
        "",
        "## Certainty",
        "",
        "A flag is `possible` when it rests on the order of dates that are uncertain: a removal in",
        '"2025-03" and a hearing on 2025-03-20, or two events on the same day. Counts of days from',
        'uncertain dates stay ranges ("120–127 days"). Otherwise a flag is `certain`.',
        "",
        "## What the rules see",
        "",
        "A person's timeline with corrections applied (a retracted event never raises a flag), only the",
        "events known on `--known-on`, and only events that may have happened by `--as-of`.",
        "",
        "## Settings",
        "",
        "Thresholds and switches live in a TOML file: `--config FILE`, else `$HABEAS_CONFIG`, else",
        "`$XDG_CONFIG_HOME/habeas/habeas.toml` (`~/.config/habeas/habeas.toml`). When the default file does",
        "not exist the defaults apply; a file named with `--config` must exist. An unknown rule or threshold,",
        "or a value that is negative or not a number, is an error naming the file, the rule and the key.",
        "",
        "```toml",
    ]
    for rule in rules:
        if rule.thresholds:
            lines.append(f"[rules.{rule.id}]")
            lines += [f"{t.name} = {number(t.default)}" for t in rule.thresholds]
            lines.append("")
    lines += ["[rules.conflicting_accounts]", "enabled = false", "```", ""]
    lines += [
        "## Adding a rule",
        "",
        "A new rule is three files:",
        "",
        "1. **Its module**: a `Rule(...)` in the `RULES` of a family module under `src/habeas/rules/families/`",
        "   (or a new module there defining `RULES`). The registry finds every family module; the rule's",
        "   `position` places it in the catalogue. Its id, title and description are written only there.",
        "2. **Its tests**: its cases beside its family's under `tests/unit/rules/`, and its id at its place",
        "   in `STABLE_IDS` (`tests/unit/rules/test_registry.py`).",
        "3. **Its page**: `.venv/bin/python -m habeas.rules.docs docs/rules` writes `docs/rules/ID.md` and",
        "   this index; `tests/unit/rules/test_rule_docs.py` fails until the pages are current.",
        "",
        "And one catalogue step: `make i18n` takes the title into the web app's catalogs (see",
        '[web.md](../web.md), "Translations"); translate its entry in',
        "`src/habeas/web/locales/es/LC_MESSAGES/messages.po`. `tests/web/test_catalogue_generated.py` fails",
        "until every rule title and kind label has its Spanish.",
        "",
        "## The morning report",
        "",
        "`habeas alerts --since DATE` compares the check as of today, with what is known today, against the",
        "check as of DATE with what was known then, and lists the flags that are new, more severe, or now",
        "certain, grouped by person, the gravest first.",
        "",
        NOT_ADVICE,
        "",
    ]
    return "\n".join(lines)


def pages(rules: Sequence[Rule] = RULES) -> dict[str, str]:
    """File name → Markdown for every page under docs/rules/."""
    return {"README.md": index_page(rules), **{f"{rule.id}.md": rule_page(rule) for rule in rules}}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m habeas.rules.docs DIRECTORY\n")
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {len(pages())} pages to {folder}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

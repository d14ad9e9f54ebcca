"""Every rule has a page under docs/rules/, and every page is exactly what the registry generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.rules.docs import index_page, pages, rule_page
from habeas.rules.registry import RULES
from habeas.rules.rule import Rule

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules"
REGENERATE = "regenerate with `.venv/bin/python -m habeas.rules.docs docs/rules`"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_a_current_page(rule: Rule) -> None:
    page = DOCS / f"{rule.id}.md"
    assert page.exists(), f"docs/rules/{rule.id}.md is missing; {REGENERATE}"
    assert page.read_text(encoding="utf-8") == rule_page(rule), f"docs/rules/{rule.id}.md is stale; {REGENERATE}"


def test_the_index_lists_every_rule_and_is_current() -> None:
    index = DOCS / "README.md"
    assert index.exists() and index.read_text(encoding="utf-8") == index_page(), f"stale index; {REGENERATE}"


def test_there_are_no_pages_for_rules_that_do_not_exist() -> None:
    assert {p.name for p in DOCS.glob("*.md")} == set(pages())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_page_shows_thresholds_settings_and_every_citation(rule: Rule) -> None:
    text = rule_page(rule)
    assert f"[rules.{rule.id}]" in text
    for threshold in rule.thresholds:
        assert f"`{threshold.name}`" in text
    for citation in rule.legal_basis:
        assert citation.cite in text


def test_the_documented_settings_example_is_valid_settings() -> None:
    from habeas.rules.settings import parse_rule_settings_text

    text = index_page()
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    settings = parse_rule_settings_text(example, "docs/rules/README.md")
    assert not settings.enabled("conflicting_accounts")
    assert settings.thresholds() == type(settings)().thresholds()  # the example shows the defaults

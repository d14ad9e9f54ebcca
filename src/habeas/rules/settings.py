"""Rule settings: which rules are on and their thresholds, parsed and checked from a TOML document.

The service reads the file; this module gets its text or parsed contents, so it does no I/O.

    [rules.no_proof_of_life]
    warning_days = 7
    critical_days = 30

    [rules.inquiry_unanswered]
    enabled = false
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from habeas.rules.registry import RULES
from habeas.rules.rule import Rule
from habeas.rules.timing import number


class RuleSettingsError(ValueError):
    """A settings file that names an unknown rule or threshold, or gives a value that is not allowed."""


@dataclass(frozen=True)
class RuleSettings:
    disabled: frozenset[str] = frozenset()
    overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def thresholds(self, rules: Sequence[Rule] = RULES) -> dict[str, dict[str, float]]:
        """Every rule's thresholds: the defaults, with the settings' values over them."""
        return {
            rule.id: {t.name: self.overrides.get(rule.id, {}).get(t.name, t.default) for t in rule.thresholds}
            for rule in rules
        }


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rule_section(origin: str, rule: Rule, section: Any) -> tuple[bool, dict[str, float]]:
    where = f"{origin}: [rules.{rule.id}]"
    if not isinstance(section, Mapping):
        raise RuleSettingsError(f"{where} must be a table of thresholds, e.g. [rules.{rule.id}]")
    enabled, values = True, {}
    by_name = {t.name: t for t in rule.thresholds}
    names = list(by_name)
    for key, value in section.items():
        if key == "enabled":
            if not isinstance(value, bool):
                raise RuleSettingsError(f"{where} enabled: {value!r} is not true or false")
            enabled = value
        elif key not in names:
            known = ", ".join(names) if names else "none (only `enabled`)"
            raise RuleSettingsError(
                f"{where} {key}: no such threshold{_suggest(key, names)}; this rule's thresholds: {known}"
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleSettingsError(f"{where} {key}: {value!r} is not a number; give a number of {by_name[key].unit}")
        elif value < 0 or value != value:
            raise RuleSettingsError(f"{where} {key}: {value!r} is negative; give 0 or more")
        else:
            values[key] = value
    return enabled, values


def _check_ascending(origin: str, rule: Rule, values: Mapping[str, float]) -> None:
    if not rule.ascending:
        return
    defaults = {t.name: t.default for t in rule.thresholds}
    effective = [(name, values.get(name, defaults[name])) for name in rule.ascending]
    for (low_name, low), (high_name, high) in pairwise(effective):
        if low > high:
            raise RuleSettingsError(
                f"{origin}: [rules.{rule.id}] {low_name} ({number(low)}) is more than {high_name} ({number(high)}); "
                f"{low_name} must not exceed {high_name}"
            )


def parse_rule_settings(document: Mapping[str, Any], origin: str, rules: Sequence[Rule] = RULES) -> RuleSettings:
    """Rule settings from a parsed settings document; other top-level tables are left to their owners."""
    section = document.get("rules", {})
    if not isinstance(section, Mapping):
        raise RuleSettingsError(f"{origin}: `rules` must be a table of [rules.RULE_ID] sections")
    by_id = {rule.id: rule for rule in rules}
    disabled, overrides = set(), {}
    for rule_id, values in section.items():
        rule = by_id.get(rule_id)
        if rule is None:
            raise RuleSettingsError(
                f"{origin}: [rules.{rule_id}]: there is no rule {rule_id!r}{_suggest(rule_id, list(by_id))}; "
                "`habeas rules` lists them"
            )
        enabled, thresholds = _rule_section(origin, rule, values)
        _check_ascending(origin, rule, thresholds)
        if not enabled:
            disabled.add(rule_id)
        overrides[rule_id] = thresholds
    return RuleSettings(frozenset(disabled), overrides)


def parse_rule_settings_text(text: str, origin: str, rules: Sequence[Rule] = RULES) -> RuleSettings:
    """Rule settings from the text of a TOML file named ``origin``."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSettingsError(f"{origin}: not valid TOML: {exc}") from exc
    return parse_rule_settings(document, origin, rules)

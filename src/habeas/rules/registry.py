"""The catalogue of rules, in the order `habeas rules` lists them; rule ids are stable."""

from __future__ import annotations

from habeas.rules import access, accounts, allegations, custody, removal
from habeas.rules.rule import Rule

_BY_ID = {rule.id: rule for family in (removal, custody, access, accounts, allegations) for rule in family.RULES}

ORDER = (
    "removed_with_pending_proceedings",
    "removed_despite_protection",
    "third_country_removal",
    "decided_after_removal",
    "foreign_custody",
    "no_proof_of_life",
    "access_denied",
    "inquiry_unanswered",
    "allegation_without_record",
    "prolonged_detention",
    "conflicting_accounts",
    "enforced_disappearance_indicators",
)

RULES: tuple[Rule, ...] = tuple(_BY_ID[rule_id] for rule_id in ORDER)
RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

assert set(_BY_ID) == set(ORDER), "every rule a family defines is in the catalogue order, and only those"

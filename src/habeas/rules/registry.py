"""The catalogue of rules, found in the family modules (habeas.rules.families), in catalogue order.

A new rule is its family module's business alone: the registry finds every module of
the families package and every rule in its RULES, and orders them by each rule's
``position``. Rule ids are stable.
"""

from __future__ import annotations

import importlib
import pkgutil

from habeas.rules import families
from habeas.rules.rule import Rule


def discover() -> tuple[Rule, ...]:
    """Every rule of every family module, in catalogue order; two rules with one id are an error."""
    found: dict[str, Rule] = {}
    for module_info in sorted(pkgutil.iter_modules(families.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{families.__name__}.{module_info.name}")
        for rule in getattr(module, "RULES", ()):
            if rule.id in found:
                raise ValueError(f"rule id {rule.id!r} is defined twice (again in {module.__name__})")
            found[rule.id] = rule
    return tuple(sorted(found.values(), key=lambda rule: (rule.position, rule.id)))


RULES: tuple[Rule, ...] = discover()
RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

"""Scenarios an immigration attorney would recognise, each a case file with the attorney's expectation in words.

Every file under ``cases/`` (one folder per rule or theme) holds:

- ``attorney``: what a removal-defense attorney expects habeas to raise, and why, in words;
- ``as_of`` (and optionally ``known_on``): the day the rules are run for;
- ``rules``: the rule ids whose flags are compared (flags of other rules are not this scenario's concern);
- ``expect``: the flags those rules must raise, each ``{rule, severity, certainty}`` (``person`` when the
  case file has more than one); an empty list means none of them may raise anything;
- ``casefile``: the case file itself (format version 1 with habeas's extensions, fictional people only).

A failure prints the attorney's words beside what habeas raised.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from habeas.domain.timeline import build_timeline
from habeas.ingest.casefile import load_document, parse_documents
from habeas.rules.engine import check_timeline
from habeas.rules.registry import RULE_BY_ID
from habeas.rules.settings import RuleSettings

CASES = Path(__file__).parent / "cases"
FILES = sorted(CASES.rglob("*.yaml"))
KEYS = {"attorney", "as_of", "known_on", "rules", "expect", "casefile"}


def _load(path: Path) -> dict[str, Any]:
    scenario, _lines = load_document(path.name, path.read_bytes())  # YAML as case files read it: dates stay text
    assert isinstance(scenario, dict) and set(scenario) <= KEYS, f"{path.name}: keys must be among {sorted(KEYS)}"
    assert scenario.get("attorney"), f"{path.name}: say in words what an attorney expects"
    unknown = [r for r in scenario["rules"] if r not in RULE_BY_ID]
    assert not unknown, f"{path.name}: unknown rules {unknown}"
    return scenario


def raised(scenario: dict[str, Any], name: str) -> list[dict[str, str]]:
    """The flags the scenario's rules raise, as {rule, severity, certainty, person}, sorted."""
    casefile = parse_documents([(name, scenario["casefile"], {})])
    sources = {s.id: s for s in casefile.sources}
    as_of = date.fromisoformat(str(scenario["as_of"]))
    known_on = date.fromisoformat(str(scenario["known_on"])) if scenario.get("known_on") else None
    rules = [RULE_BY_ID[r] for r in scenario["rules"]]
    found = []
    for person in casefile.people:
        timeline = build_timeline(person, casefile.events, sources, known_on)
        for flag in check_timeline(timeline, as_of, RuleSettings(), rules=rules):
            found.append(
                {
                    "rule": flag.rule,
                    "severity": flag.severity.value,
                    "certainty": flag.certainty.value,
                    "person": person.id,
                }
            )
    return sorted(found, key=lambda f: (f["person"], f["rule"], f["severity"]))


def _expected(scenario: dict[str, Any], people: set[str]) -> list[dict[str, str]]:
    only = next(iter(people)) if len(people) == 1 else None
    wanted = [{**f, "person": f.get("person", only)} for f in scenario["expect"] or []]
    return sorted(wanted, key=lambda f: (f["person"], f["rule"], f["severity"]))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CASES)) for p in FILES])
def test_the_rules_raise_what_an_attorney_expects(path: Path) -> None:
    scenario = _load(path)
    people = {p["id"] for p in scenario["casefile"].get("people", [])}
    got = raised(scenario, path.name)
    expected = _expected(scenario, people)
    assert got == expected, f"\nattorney: {scenario['attorney'].strip()}\nexpected: {expected}\nraised:   {got}"


def test_there_are_scenarios_for_every_rule() -> None:
    covered = {rule for path in FILES for rule in _load(path)["rules"]}
    missing = sorted(set(RULE_BY_ID) - covered)
    assert not missing, f"rules with no scenario under tests/scenarios/cases: {missing}"

"""The rule catalogue: stable ids, and every rule described, cited and runnable."""

from __future__ import annotations

import re

import pytest

from habeas.rules.registry import RULES
from habeas.rules.rule import Rule

STABLE_IDS = [
    "died_in_custody",
    "us_citizen_detained",
    "removed_with_pending_proceedings",
    "removed_despite_protection",
    "in_absentia_while_detained",
    "third_country_removal",
    "hearing_without_counsel",
    "decided_after_removal",
    "foreign_custody",
    "child_detained",
    "no_proof_of_life",
    "access_denied",
    "inquiry_unanswered",
    "allegation_without_record",
    "allegation_on_appearance",
    "prolonged_detention",
    "frequent_transfers",
    "redetained_after_release",
    "conflicting_accounts",
    "hearing_outcome_unknown",
    "enforced_disappearance_indicators",
]


def test_the_catalogue_has_the_stable_ids_in_order() -> None:
    assert [rule.id for rule in RULES] == STABLE_IDS


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_described_and_cited(rule: Rule) -> None:
    assert re.fullmatch(r"[a-z][a-z_]+", rule.id)
    assert rule.title and rule.description.startswith("Raised ")
    assert rule.severities and rule.legal_basis
    for citation in rule.legal_basis:
        assert citation.cite.strip() and citation.why.strip()
    for threshold in rule.thresholds:
        assert threshold.default >= 0 and threshold.unit and threshold.description
    for used in rule.uses:
        owner, name = used.split(".")
        assert any(r.id == owner and r.threshold(name) for r in RULES), used


def test_immigration_counsel_is_not_cited_to_the_sixth_amendment() -> None:
    # The Sixth Amendment right to counsel does not apply in removal proceedings.
    assert not any("amend. VI" in c.cite or "Sixth Amendment" in c.cite for r in RULES for c in r.legal_basis)


def test_a_rule_in_a_new_family_module_is_found_in_its_place(tmp_path, monkeypatch) -> None:
    """A new rule needs no list to be edited: its module in habeas.rules.families is enough."""
    from habeas.rules import families
    from habeas.rules.registry import discover

    (tmp_path / "zz_probe_family.py").write_text(
        "from habeas.rules.flag import Severity\n"
        "from habeas.rules.rule import Citation, Rule\n"
        "RULES = (Rule(id='probe_rule', title='Probe', severities=(Severity.INFO,), description='Raised never.',\n"
        "              legal_basis=(Citation('none', 'a probe'),), check=lambda facts: [], position=15),)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(families, "__path__", [*families.__path__, str(tmp_path)])
    ids = [rule.id for rule in discover()]
    # position 15 falls between removed_with_pending_proceedings (10) and removed_despite_protection (20)
    assert ids[ids.index("probe_rule") - 1 : ids.index("probe_rule") + 2] == [
        "removed_with_pending_proceedings",
        "probe_rule",
        "removed_despite_protection",
    ]


def test_two_rules_with_one_id_are_refused(tmp_path, monkeypatch) -> None:
    from habeas.rules import families
    from habeas.rules.registry import discover

    (tmp_path / "zz_twin_family.py").write_text(
        "from habeas.rules.families.removal import RULES as _R\nRULES = _R[:1]\n", encoding="utf-8"
    )
    monkeypatch.setattr(families, "__path__", [*families.__path__, str(tmp_path)])
    with pytest.raises(ValueError, match="defined twice"):
        discover()

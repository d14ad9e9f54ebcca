"""Run the rules over a timeline and turn their findings into flags with sources and legal basis."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from habeas.domain.timeline import Timeline
from habeas.rules.flag import Flag, Severity
from habeas.rules.registry import RULES
from habeas.rules.rule import Facts, Rule
from habeas.rules.settings import RuleSettings


def check_timeline(
    timeline: Timeline,
    as_of: date,
    settings: RuleSettings | None = None,
    rules: Sequence[Rule] = RULES,
) -> list[Flag]:
    """Every flag the enabled rules raise for one person on ``as_of``, most severe first."""
    settings = settings or RuleSettings()
    # Every rule's thresholds, not only those run: a rule may read another's (see Rule.uses).
    known = {rule.id: rule for rule in (*RULES, *rules)}
    facts = Facts(timeline, as_of, settings.thresholds(list(known.values())))
    flags = []
    for rule in rules:
        if not settings.enabled(rule.id):
            continue
        for finding in rule.check(facts):
            flags.append(
                Flag(
                    rule=rule.id,
                    severity=finding.severity,
                    certainty=finding.certainty,
                    person=timeline.person.id,
                    as_of=as_of,
                    title=rule.title,
                    explanation=finding.explanation,
                    evidence=finding.evidence,
                    sources=tuple(timeline.sources_of(finding.evidence)),
                    legal_basis=rule.legal_basis_text,
                    words=finding.words,
                )
            )
    return most_severe_first(flags, rules)


def most_severe_first(flags: Iterable[Flag], rules: Sequence[Rule] = RULES) -> list[Flag]:
    """Critical before warning before info, certain before possible, then in catalogue order."""
    position = {rule.id: i for i, rule in enumerate(rules)}
    return sorted(flags, key=lambda f: (-f.severity.rank, -f.certainty.rank, position.get(f.rule, len(position))))


def at_least(flags: Iterable[Flag], severity: Severity | None) -> list[Flag]:
    if severity is None:
        return list(flags)
    return [f for f in flags if f.severity.rank >= severity.rank]

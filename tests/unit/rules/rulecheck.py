"""Helpers for the rule tests: run one rule over synthetic events and read back what it raised."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from habeas.domain.model import Event, Person, Source
from habeas.rules.engine import check_timeline
from habeas.rules.flag import Flag
from habeas.rules.registry import RULE_BY_ID
from habeas.rules.settings import RuleSettings, parse_rule_settings
from habeas.testing import SYNTHETIC_PERSON, event, source, timeline_of

D = date.fromisoformat
SOURCES = {s: source(s) for s in ("src-a", "src-b", "src-c")}


def ev(kind: str, when: str, ident: str | None = None, **fields: Any) -> Event:
    """A synthetic event; cites src-a unless told otherwise, with a readable id when given."""
    fields.setdefault("sources", ["src-a"])
    if ident:
        fields["id"] = ident
    return event(kind, when, **fields)


def run(
    rule: str,
    events: Sequence[Event],
    as_of: str,
    citizenship: str | None = "VE",
    settings: Mapping[str, Any] | None = None,
    sources: Mapping[str, Source] | None = None,
) -> list[Flag]:
    """The flags one rule raises for a synthetic person on ``as_of``."""
    person = Person(id=SYNTHETIC_PERSON, citizenship=citizenship)
    timeline = timeline_of(events, person=person, sources=sources or SOURCES)
    parsed = parse_rule_settings({"rules": settings}, "test.toml") if settings else RuleSettings()
    return check_timeline(timeline, D(as_of), parsed, rules=[RULE_BY_ID[rule]])


def outcome(flags: Sequence[Flag]) -> tuple[str, str] | None:
    """(severity, certainty) of the single flag raised, or None when nothing was."""
    assert len(flags) <= 1, f"expected at most one flag, got {[f.as_json() for f in flags]}"
    return (flags[0].severity.value, flags[0].certainty.value) if flags else None

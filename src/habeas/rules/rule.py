"""What a rule is: its id, title, severities, thresholds, legal basis and its pure check function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from habeas.domain.model import Event, Person
from habeas.domain.timeline import Timeline
from habeas.rules.flag import Certainty, Finding, Severity


@dataclass(frozen=True)
class Threshold:
    name: str
    default: float
    unit: str
    description: str


@dataclass(frozen=True)
class Citation:
    """One authority, cited so a lawyer can look it up, and why it matters here."""

    cite: str
    why: str


@dataclass(frozen=True)
class Facts:
    """What a rule sees: one timeline (as known on its known-on date), a day, and the thresholds."""

    timeline: Timeline
    as_of: date
    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @property
    def person(self) -> Person:
        return self.timeline.person

    @cached_property
    def events(self) -> tuple[Event, ...]:
        """Events in effect that may have happened by ``as_of``, in timeline order."""
        return tuple(e for e in self.timeline.events if e.date.earliest <= self.as_of)

    def of_kind(self, *kinds: str) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    def threshold(self, rule: str, name: str) -> float:
        return self.thresholds[rule][name]

    def by_as_of(self, *events: Event) -> Certainty:
        """Certain when every event surely happened by ``as_of``; possible when one may be later."""
        return Certainty.of(*(Certainty.CERTAIN if e.date.latest <= self.as_of else Certainty.POSSIBLE for e in events))


Check = Callable[[Facts], list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severities: tuple[Severity, ...]
    description: str
    legal_basis: tuple[Citation, ...]
    check: Check
    thresholds: tuple[Threshold, ...] = ()
    # Thresholds of other rules this rule reads, as "rule_id.name".
    uses: tuple[str, ...] = ()
    # Threshold names whose values may not decrease in this order (warning before critical).
    ascending: tuple[str, ...] = ()
    # Where the rule stands in the catalogue (`habeas rules`, and flags of equal severity): lower first.
    position: int = 1000

    @property
    def severity(self) -> Severity:
        """The most severe flag the rule raises."""
        return max(self.severities, key=lambda s: s.rank)

    @property
    def legal_basis_text(self) -> str:
        return "; ".join(c.cite for c in self.legal_basis)

    def threshold(self, name: str) -> Threshold | None:
        return next((t for t in self.thresholds if t.name == name), None)

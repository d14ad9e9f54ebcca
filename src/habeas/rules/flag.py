"""What a rule raises: a flag with its severity, certainty, evidence, sources and legal basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Certainty(StrEnum):
    """``possible`` when a flag rests on the order of dates that are uncertain."""

    POSSIBLE = "possible"
    CERTAIN = "certain"

    @property
    def rank(self) -> int:
        return 1 if self is Certainty.CERTAIN else 0

    @staticmethod
    def of(*parts: Certainty) -> Certainty:
        """Certain only when every part it rests on is certain."""
        return Certainty.POSSIBLE if Certainty.POSSIBLE in parts else Certainty.CERTAIN


@dataclass(frozen=True)
class Finding:
    """What a rule function returns; the engine adds the rule's title, sources and legal basis."""

    severity: Severity
    certainty: Certainty
    explanation: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: Severity
    certainty: Certainty
    person: str
    as_of: date
    title: str
    explanation: str
    evidence: tuple[str, ...]
    sources: tuple[str, ...]
    legal_basis: str

    @property
    def grade(self) -> tuple[int, int]:
        """How alarming the flag is: severity first, then certain above possible."""
        return (self.severity.rank, self.certainty.rank)

    def as_json(self) -> dict[str, Any]:
        """The shape printed by ``habeas check --format json`` (CASEFILE.md)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "certainty": self.certainty.value,
            "person": self.person,
            "as_of": self.as_of.isoformat(),
            "title": self.title,
            "explanation": self.explanation,
            "evidence": list(self.evidence),
            "sources": list(self.sources),
            "legal_basis": self.legal_basis,
        }

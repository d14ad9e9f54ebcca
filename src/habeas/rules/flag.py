"""What a rule raises: a flag with its severity, certainty, evidence, sources and legal basis."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Union

from habeas.domain.dates import DateRange, DayCount


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
class Country:
    """A country code inside an explanation: English keeps the code ("SV"), another language names it."""

    code: str

    def __str__(self) -> str:
        return self.code


# What may fill a placeholder of an explanation: a name as recorded (a facility), a day, days, a country,
# a count, another phrase, or phrases joined ("a; b; and c").
Part = Union[str, int, date, DateRange, DayCount, Country, "Words", tuple["Words", ...]]


def join(parts: tuple[Any, ...] | list[Any]) -> str:
    """Phrases in a list, the way explanations write them: 'a', 'a; and b', 'a; b; and c'."""
    texts = [str(p) for p in parts]
    if len(texts) <= 1:
        return "".join(texts)
    return "; ".join(texts[:-1]) + "; and " + texts[-1]


@dataclass(frozen=True)
class Words:
    """A phrase of an explanation as its message (English text with %(name)s placeholders) and what fills it.

    ``str()`` gives the English the JSON and the exhibit print; a face that speaks another language
    translates ``text`` through its catalogue and fills the placeholders in its own words (days and
    countries in its locale). The core stays free of any translation: it only keeps the parts apart.
    """

    text: str
    params: tuple[tuple[str, Part], ...] = ()
    # True for words the core has no message for yet (``english``): every face says them in English.
    english_only: bool = False

    def __str__(self) -> str:
        values = {name: join(value) if isinstance(value, tuple) else str(value) for name, value in self.params}
        return self.text % values if values else self.text.replace("%%", "%")

    def __add__(self, other: Words) -> Words:
        """Two phrases one after the other (a sentence and the notes that follow it)."""
        return Words("%(a)s%(b)s", (("a", self), ("b", other)))

    @property
    def translatable(self) -> bool:
        """Whether a face can say all of it in its own language: no part of it is ``english(...)``."""
        if self.english_only:
            return False
        for _, value in self.params:
            parts = value if isinstance(value, tuple) else (value,)
            if any(isinstance(p, Words) and not p.translatable for p in parts):
                return False
        return True


def english(text: str) -> Words:
    """Words the core has no message for yet (a value without a phrase of its own), kept in English.

    A flag whose explanation holds any is shown in the rule's English, marked as such, on every face.
    """
    return Words("%(english)s", (("english", text),), english_only=True)


def sentences(*parts: Words) -> Words:
    """Sentences one after another, a space between: the shape of an explanation with notes."""
    return Words(" ".join(f"%(s{i})s" for i in range(len(parts))), tuple((f"s{i}", p) for i, p in enumerate(parts)))


def phrase(text: str) -> str:
    """A message kept in a table, to be said later with ``say``: marks it for ``pybabel extract``."""
    return text


def say(text: str, **params: Part) -> Words:
    """A phrase of an explanation: ``say("No proof of life for %(days)s days", days=count)``.

    The text is a message id: ``pybabel extract`` finds it by this function's name (web/labels.py).
    """
    return Words(text, tuple(params.items()))


@dataclass(frozen=True)
class Finding:
    """What a rule function returns; the engine adds the rule's title, sources and legal basis."""

    severity: Severity
    certainty: Certainty
    explanation: str
    evidence: tuple[str, ...]
    words: Words | None = None  # the explanation as a message, where the rule gives one (its str() is explanation)

    def __post_init__(self) -> None:
        # Words with English the catalogues cannot translate would show a sentence half in English as if it were
        # the reader's language; without them a face shows the rule's English, and says so.
        if self.words is not None and not self.words.translatable:
            object.__setattr__(self, "words", None)


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
    # The explanation as a message and its parts, for a face to say in another language; not in the JSON.
    words: Words | None = field(default=None, compare=False)

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

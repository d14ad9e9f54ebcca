"""What linkage reads and what it gives back: plain values, no library types.

A record is what one source says about one person: a named list's row, a tracked person, or an
anonymized release's row (named=False: no names, only attributes). A candidate is a pair of records
the model thinks may be the same person, with the probability and, for each comparison, how the
two records compared and how much that moved the probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Engine = Literal["duckdb", "spark"]


@dataclass(frozen=True, order=True)
class RecordRef:
    """A record, by the source it comes from and its id within that source."""

    source: str  # a list's or release's id, or "people" for tracked people
    record_id: str


@dataclass(frozen=True)
class CustodySpell:
    """A span in a facility, as a record states it (dates may be unknown)."""

    facility: str | None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class LinkRecord:
    ref: RecordRef
    named: bool = True  # False for an anonymized release row: never a name to compare
    full_name: str | None = None  # as written by the source, any order
    given_names: str | None = None  # when the source separates them
    surnames: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None  # when only the year is known (or derived from the date)
    citizenship: str | None = None  # ISO 3166 alpha-2
    sex: str | None = None  # "F", "M" or None
    custody: tuple[CustodySpell, ...] = ()


ComparisonLevel = Literal["exact", "close", "partial", "differs", "missing"]


@dataclass(frozen=True)
class Comparison:
    """How one field compared between the two records of a candidate."""

    field: str  # "name", "birth", "citizenship", "sex", "custody"
    level: ComparisonLevel
    detail: str  # in words, e.g. "both surnames agree, given name differs by one letter"
    bayes_factor: float  # >1 moved towards a match, <1 away from it


@dataclass(frozen=True)
class Candidate:
    left: RecordRef
    right: RecordRef
    probability: float
    match_weight: float
    comparisons: tuple[Comparison, ...] = field(default=())


@dataclass(frozen=True)
class LinkResult:
    candidates: tuple[Candidate, ...]
    threshold: float
    engine: Engine
    records: int
    pairs_compared: int
    notes: tuple[str, ...] = ()  # what the model could not estimate, said in words

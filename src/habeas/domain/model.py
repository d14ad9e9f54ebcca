"""The records habeas keeps: sources, cohorts, people and events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from habeas.domain.dates import DateRange


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    title: str | None = None
    publisher: str | None = None
    date: DateRange | None = None
    url: str | None = None
    sha256: str | None = None
    reliability: str | None = None
    rows: int | None = None  # for a dataset: the number of data rows


@dataclass(frozen=True)
class Cohort:
    id: str
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Person:
    """A person; ``citizenship`` is the first of ``citizenships`` (every country listed, in order).

    Either may be given: ``Person(id, citizenship="VE")`` has ``citizenships == ("VE",)``, and
    ``Person(id, citizenships=("US", "MX"))`` has ``citizenship == "US"``.
    """

    id: str
    name: str | None = None
    aliases: tuple[str, ...] = ()
    citizenship: str | None = None
    birth_year: int | None = None
    gender: str | None = None
    cohorts: tuple[str, ...] = ()
    identifiers: Mapping[str, str] = field(default_factory=dict)
    sensitive: Mapping[str, Any] = field(default_factory=dict)
    citizenships: tuple[str, ...] = ()
    birth_date: DateRange | None = None  # identifies the person: sealed at rest like the name
    unaccompanied: bool | None = None  # an unaccompanied alien child (6 U.S.C. 279(g)(2)); None: not recorded

    def __post_init__(self) -> None:
        listed = tuple(self.citizenships)
        if not listed and self.citizenship is not None:
            listed = (self.citizenship,)
        if listed and self.citizenship is None:
            object.__setattr__(self, "citizenship", listed[0])
        elif listed and self.citizenship != listed[0]:
            raise ValueError(f"person {self.id!r}: citizenship must be the first of citizenships")
        object.__setattr__(self, "citizenships", listed)


@dataclass(frozen=True)
class Event:
    """One sourced fact about a person (or about every member of a cohort).

    ``attrs`` holds the kind's own fields, parsed: dates as :class:`DateRange`,
    enum lists as tuples, a correction's replacement as an :class:`Event`.
    """

    id: str
    kind: str
    date: DateRange
    person: str | None = None
    cohort: str | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    reported: DateRange | None = None
    recorded: dt.datetime | None = None
    note: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    def known_from(self, sources: Mapping[str, Source]) -> dt.date | None:
        """The day this event became known: reported, else its sources' earliest date, else recorded."""
        if self.reported is not None:
            return self.reported.latest
        dates = [s.date.latest for sid in self.sources if (s := sources.get(sid)) is not None and s.date]
        if dates:
            return min(dates)
        if self.recorded is not None:
            return self.recorded.date()
        return None

    def is_known_on(self, day: dt.date | None, sources: Mapping[str, Source]) -> bool:
        if day is None:
            return True
        known = self.known_from(sources)
        return known is None or known <= day

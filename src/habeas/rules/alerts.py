"""The morning report: which flags are new, or more severe, than they were on an earlier day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from habeas.rules.flag import Flag


@dataclass(frozen=True)
class Alert:
    flag: Flag
    change: str  # new | more_severe | now_certain
    previous: Flag | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "previous": {"severity": self.previous.severity.value, "certainty": self.previous.certainty.value}
            if self.previous
            else None,
            "flag": self.flag.as_json(),
        }


@dataclass(frozen=True)
class PersonAlerts:
    person: str
    alerts: tuple[Alert, ...]


@dataclass(frozen=True)
class Alerts:
    since: date
    today: date
    people: tuple[PersonAlerts, ...]

    def as_json(self) -> dict[str, Any]:
        """The shape printed by ``habeas alerts --format json``."""
        return {
            "since": self.since.isoformat(),
            "today": self.today.isoformat(),
            "people": [{"person": p.person, "alerts": [a.as_json() for a in p.alerts]} for p in self.people],
        }


def _match(flag: Flag, earlier: Sequence[Flag]) -> Flag | None:
    """The earlier flag this one continues: same person and rule, sharing evidence; the gravest of them."""
    same = [
        f for f in earlier if f.person == flag.person and f.rule == flag.rule and set(f.evidence) & set(flag.evidence)
    ]
    return max(same, key=lambda f: f.grade) if same else None


def changes(before: Iterable[Flag], now: Iterable[Flag]) -> list[Alert]:
    """Flags in ``now`` that were not raised ``before``, or are graver than they were."""
    earlier = list(before)
    alerts = []
    for flag in now:
        previous = _match(flag, earlier)
        if previous is None:
            alerts.append(Alert(flag, "new"))
        elif flag.severity.rank > previous.severity.rank:
            alerts.append(Alert(flag, "more_severe", previous))
        elif flag.grade > previous.grade:
            alerts.append(Alert(flag, "now_certain", previous))
    return alerts


def by_person(since: date, today: date, alerts: Iterable[Alert]) -> Alerts:
    """Alerts grouped by person; the person with the gravest alert first, and gravest first within."""
    grouped: dict[str, list[Alert]] = {}
    for alert in alerts:
        grouped.setdefault(alert.flag.person, []).append(alert)
    people = [
        PersonAlerts(person, tuple(sorted(items, key=lambda a: _gravity(a.flag)))) for person, items in grouped.items()
    ]
    people.sort(key=lambda p: (_gravity(p.alerts[0].flag), p.person))
    return Alerts(since, today, tuple(people))


def _gravity(flag: Flag) -> tuple[int, int]:
    return (-flag.severity.rank, -flag.certainty.rank)

"""Where a person is on a day, since when, and who last saw them alive: one transition table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from habeas.domain.dates import DateRange, DayCount, days_between
from habeas.domain.model import Event
from habeas.domain.proceedings import PendingMatter, pending_matters
from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import KIND_BY_NAME, Custody, Kind

KEEP = "keep"  # the country stays what it was before the event


@dataclass(frozen=True)
class Transition:
    """What a custody event does to the person's whereabouts."""

    custody: Custody
    country_field: str
    default_country: str | None  # a code, None (unknown) or KEEP
    facility_fields: tuple[str, ...] = ()


# The one place that says how custody moves. Kinds not listed leave custody unchanged.
TRANSITIONS: dict[str, Transition] = {
    Kind.APPREHENDED: Transition(Custody.US_CUSTODY, "country", "US"),
    Kind.BOOKED_IN: Transition(Custody.US_CUSTODY, "country", "US", ("facility", "facility_code")),
    Kind.TRANSFERRED: Transition(Custody.US_CUSTODY, "country", "US", ("facility", "facility_code")),
    Kind.RETURNED: Transition(Custody.US_CUSTODY, "country", "US"),
    Kind.RELEASED: Transition(Custody.RELEASED, "country", KEEP),
    Kind.REMOVED: Transition(Custody.REMOVED, "destination", None),
    Kind.HANDED_OVER: Transition(Custody.FOREIGN_CUSTODY, "country", KEEP, ("facility", "to")),
    Kind.DIED: Transition(Custody.DECEASED, "country", KEEP),
}


@dataclass(frozen=True)
class CustodyState:
    custody: Custody = Custody.UNKNOWN
    country: str | None = None
    facility: str | None = None
    since: DateRange | None = None
    event: str | None = None  # the event that put the person in this state

    def step(self, event: Event) -> CustodyState:
        rule = TRANSITIONS.get(event.kind)
        if rule is None:
            return self
        country = event.get(rule.country_field)
        if country is None:
            country = self.country if rule.default_country == KEEP else rule.default_country
        facility = next((event.get(f) for f in rule.facility_fields if event.get(f)), None)
        if rule.custody == Custody.US_CUSTODY and not rule.facility_fields:
            facility = None
        if (rule.custody, country, facility) == (self.custody, self.country, self.facility):
            return self  # a repeated report of the same state does not restart "since"
        return CustodyState(rule.custody, country, facility, event.date, event.id)


def proves_alive(event: Event) -> bool:
    spec = KIND_BY_NAME.get(event.kind)
    if spec is None:
        return False
    if spec.proves_alive:
        return True
    return spec.alive_if is not None and event.get(spec.alive_if) is True


def custody_on(events: tuple[Event, ...], as_of: date) -> CustodyState:
    """Fold the transition table over the events that may have happened by ``as_of``."""
    state = CustodyState()
    for event in events:
        if event.date.earliest > as_of:
            break
        state = state.step(event)
    return state


def last_proof_of_life(events: tuple[Event, ...], as_of: date) -> Event | None:
    """The proof-of-life event with the latest possible date on or before ``as_of``."""
    best: Event | None = None
    for event in events:
        if event.date.earliest > as_of or not proves_alive(event):
            continue
        if best is None or event.date.clip_to(as_of).latest >= best.date.clip_to(as_of).latest:
            best = event
    return best


@dataclass(frozen=True)
class Whereabouts:
    person: str
    as_of: date
    custody: Custody
    country: str | None
    facility: str | None
    since: DateRange | None
    last_proof_of_life: DateRange | None
    days_without_proof_of_life: DayCount | None
    pending: tuple[PendingMatter, ...]
    evidence: tuple[str, ...]
    known_on: date | None = None

    def as_json(self) -> dict[str, Any]:
        """The shape printed by ``habeas whereabouts --format json`` (CASEFILE.md)."""
        return {
            "person": self.person,
            "as_of": self.as_of.isoformat(),
            "custody": self.custody.value,
            "country": self.country,
            "facility": self.facility,
            "since": self.since.as_json() if self.since else None,
            "last_proof_of_life": self.last_proof_of_life.as_json() if self.last_proof_of_life else None,
            "days_without_proof_of_life": (
                self.days_without_proof_of_life.as_json() if self.days_without_proof_of_life else None
            ),
            "pending": [p.as_json() for p in self.pending],
            "evidence": list(self.evidence),
        }


def derive_whereabouts(timeline: Timeline, as_of: date) -> Whereabouts:
    """Where the person in ``timeline`` was on ``as_of``, as known on the timeline's known-on date."""
    state = custody_on(timeline.events, as_of)
    alive = last_proof_of_life(timeline.events, as_of)
    alive_range = alive.date.clip_to(as_of) if alive else None
    evidence = [e for e in (state.event, alive.id if alive else None) if e]
    return Whereabouts(
        person=timeline.person.id,
        as_of=as_of,
        custody=state.custody,
        country=state.country,
        facility=state.facility,
        since=state.since.clip_to(as_of) if state.since else None,
        last_proof_of_life=alive_range,
        days_without_proof_of_life=days_between(alive_range, as_of) if alive_range else None,
        pending=tuple(pending_matters(timeline.events, as_of)),
        evidence=tuple(dict.fromkeys(evidence)),
        known_on=timeline.known_on,
    )

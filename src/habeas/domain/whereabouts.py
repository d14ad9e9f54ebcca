"""Where a person is on a day, since when, and who last saw them alive: one transition table.

Who last saw the person alive is weighed by who vouches for it (:func:`vouching`): an event
that happened to a whole cohort and rests only on the detaining authority's word (its
``attested_by`` is ``detaining_authority``, or every source is a government statement and no
one else is named) is not proof that each member is alive; a proof of life whose every source
is unverified may have stopped the clock, or may not. A locator check is never proof of life.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from habeas.domain.dates import DateRange, DayCount, days_between
from habeas.domain.model import Event, Source
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


class Vouching(StrEnum):
    """How far an event that needed the person there in body shows that this person was alive."""

    PROOF = "proof"  # it does: the clock runs from it
    UNVERIFIED = "unverified"  # every source is unverified: it may have stopped the clock, or not
    GROUP_CLAIM = "group_claim"  # the detaining authority's word about a whole cohort: proof for no one member


_NO_SOURCES: Mapping[str, Source] = {}


def _cited(event: Event, sources: Mapping[str, Source]) -> list[Source]:
    return [sources[sid] for sid in event.sources if sid in sources]


def vouching(event: Event, sources: Mapping[str, Source] = _NO_SOURCES) -> Vouching | None:
    """How far ``event`` proves the person alive (None when it does not at all)."""
    if not proves_alive(event):
        return None
    cited = _cited(event, sources)
    if event.cohort is not None:
        attester = event.get("attested_by")
        official = bool(cited) and all(s.kind == "government_statement" for s in cited)
        if attester == "detaining_authority" or (attester is None and official):
            return Vouching.GROUP_CLAIM
    if cited and all(s.reliability == "unverified" for s in cited):
        return Vouching.UNVERIFIED
    return Vouching.PROOF


def _later(a: Event, b: Event | None, as_of: date) -> bool:
    """Whether ``a`` may be later than ``b`` (on or before ``as_of``): the latest possible day decides."""
    return b is None or a.date.clip_to(as_of).latest >= b.date.clip_to(as_of).latest


# The clock stops when the person is out of anyone's custody or has died: silence is then no alarm.
CLOCK_STOPPED = frozenset({Custody.RELEASED, Custody.DECEASED})


@dataclass(frozen=True)
class LifeClock:
    """The proof-of-life clock on ``as_of``: the proof it runs from, what may have stopped it, whether it runs."""

    as_of: date
    proof: Event | None  # the latest event that proves this person alive
    unverified: Event | None  # a later one resting only on unverified sources: it may have stopped the clock
    group_claims: tuple[Event, ...]  # later cohort-wide statements by the detaining authority: proof for no member
    running: bool  # False once the record shows the person released or dead

    @property
    def last(self) -> Event | None:
        """The latest sign of life on record, verified or not."""
        return self.unverified or self.proof

    @property
    def since(self) -> DateRange | None:
        """When the person was last shown alive: from the proof to the unverified sign, when there is one."""
        shown = [e.date.clip_to(self.as_of) for e in (self.proof, self.unverified) if e is not None]
        if len(shown) < 2:
            return shown[0] if shown else None
        return DateRange(min(d.earliest for d in shown), max(d.latest for d in shown))

    @property
    def days(self) -> DayCount | None:
        since = self.since
        return days_between(since, self.as_of) if since else None

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(e.id for e in (self.proof, self.unverified) if e is not None)


def life_clock(events: tuple[Event, ...], as_of: date, sources: Mapping[str, Source] = _NO_SOURCES) -> LifeClock:
    """The proof-of-life clock on ``as_of``, each sign of life weighed by who vouches for it."""
    proof: Event | None = None
    unverified: Event | None = None
    claims: list[Event] = []
    for event in events:
        if event.date.earliest > as_of:
            continue
        weight = vouching(event, sources)
        if weight is Vouching.PROOF and _later(event, proof, as_of):
            proof = event
        elif weight is Vouching.UNVERIFIED and _later(event, unverified, as_of):
            unverified = event
        elif weight is Vouching.GROUP_CLAIM:
            claims.append(event)
    if unverified is not None and proof is not None and _later(proof, unverified, as_of):
        unverified = None  # a proof at least as late settles it
    latest = unverified or proof
    later_claims = tuple(c for c in claims if latest is None or _later(c, latest, as_of))
    running = custody_on(events, as_of).custody not in CLOCK_STOPPED
    return LifeClock(as_of, proof, unverified, later_claims, running)


def last_proof_of_life(
    events: tuple[Event, ...], as_of: date, sources: Mapping[str, Source] = _NO_SOURCES
) -> Event | None:
    """The latest sign of life on or before ``as_of``, verified or not.

    Never the detaining authority's word about a whole cohort: that proves no one member alive.
    """
    return life_clock(events, as_of, sources).last


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
    clock_running: bool = True  # False once released or dead: the days are a fact, no longer an alarm

    @property
    def proof_of_life_clock(self) -> str:
        return "running" if self.clock_running else "stopped"

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
            # habeas's extension, after the contract's keys: "running", or "stopped" after release or death
            "proof_of_life_clock": self.proof_of_life_clock,
        }


def derive_whereabouts(timeline: Timeline, as_of: date) -> Whereabouts:
    """Where the person in ``timeline`` was on ``as_of``, as known on the timeline's known-on date."""
    state = custody_on(timeline.events, as_of)
    clock = life_clock(timeline.events, as_of, timeline.sources)
    evidence = [e for e in (state.event, *clock.evidence) if e]
    return Whereabouts(
        person=timeline.person.id,
        as_of=as_of,
        custody=state.custody,
        country=state.country,
        facility=state.facility,
        since=state.since.clip_to(as_of) if state.since else None,
        last_proof_of_life=clock.since,
        days_without_proof_of_life=clock.days,
        pending=tuple(pending_matters(timeline.events, as_of)),
        evidence=tuple(dict.fromkeys(evidence)),
        known_on=timeline.known_on,
        clock_running=clock.running,
    )

"""A person's timeline: their events and their cohorts' events, corrections applied, in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from habeas.domain.model import Event, Person, Source
from habeas.domain.vocabulary import KIND_BY_NAME, Kind


def event_order(event: Event) -> tuple[object, ...]:
    """Chronological order; same-day events in the order the vocabulary ranks them, then by id."""
    spec = KIND_BY_NAME.get(event.kind)
    return (event.date.earliest, event.date.latest, spec.rank if spec else 50, event.id)


@dataclass(frozen=True)
class TimelineEntry:
    """An event as shown in a timeline: in effect, or superseded/retracted by a correction."""

    event: Event
    status: str = "in_effect"  # in_effect | superseded | retracted | correction
    changed_by: str | None = None  # the correction that superseded or retracted it
    replaces: str | None = None  # for a replacement: the event it replaces


@dataclass(frozen=True)
class Timeline:
    person: Person
    events: tuple[Event, ...]  # in effect, in order: what derivations read
    entries: tuple[TimelineEntry, ...]  # everything known, in order: what people read
    sources: Mapping[str, Source]
    known_on: date | None = None

    def by_id(self, event_id: str) -> Event | None:
        for event in self.events:
            if event.id == event_id:
                return event
        return None

    def sources_of(self, event_ids: Iterable[str]) -> list[str]:
        """The ids of the sources behind the given events, in first-seen order."""
        found: dict[str, None] = {}
        wanted = set(event_ids)
        for entry in self.entries:
            if entry.event.id in wanted:
                found.update(dict.fromkeys(entry.event.sources))
        return list(found)


def replacement_event(correction: Event, superseded: Event) -> Event | None:
    """The event a correction puts in place of the one it supersedes (None for a retraction)."""
    replacement = correction.get("replacement")
    if not isinstance(replacement, Event):
        return None
    return replace(
        replacement,
        person=superseded.person if replacement.person is None and replacement.cohort is None else replacement.person,
        cohort=superseded.cohort if replacement.person is None and replacement.cohort is None else replacement.cohort,
        sources=replacement.sources or correction.sources,
        reported=replacement.reported or correction.reported,
        recorded=correction.recorded,
    )


def build_timeline(
    person: Person,
    events: Iterable[Event],
    sources: Mapping[str, Source],
    known_on: date | None = None,
) -> Timeline:
    """Gather the person's own and cohort events known on ``known_on`` and apply corrections."""
    cohorts = set(person.cohorts)
    mine = [
        e
        for e in events
        if (e.person == person.id or (e.cohort is not None and e.cohort in cohorts))
        and e.is_known_on(known_on, sources)
    ]
    corrections = sorted((e for e in mine if e.kind == Kind.CORRECTION), key=_correction_order(sources))
    live: dict[str, Event] = {e.id: e for e in mine if e.kind != Kind.CORRECTION}
    status: dict[str, TimelineEntry] = {}
    for correction in corrections:
        target_id = correction.get("supersedes")
        target = live.pop(target_id, None)
        if target is None:
            continue  # already superseded, or not known yet on known_on
        new = replacement_event(correction, target)
        status[target.id] = TimelineEntry(target, "retracted" if new is None else "superseded", correction.id)
        status[correction.id] = TimelineEntry(correction, "correction")
        if new is not None:
            live[new.id] = new
            status[new.id] = TimelineEntry(new, "in_effect", replaces=target.id)
    effective = tuple(sorted(live.values(), key=event_order))
    for event in effective:
        status.setdefault(event.id, TimelineEntry(event))
    for correction in corrections:
        status.setdefault(correction.id, TimelineEntry(correction, "correction"))
    entries = tuple(sorted(status.values(), key=lambda entry: event_order(entry.event)))
    return Timeline(person, effective, entries, sources, known_on)


def _correction_order(sources: Mapping[str, Source]) -> Callable[[Event], tuple[object, ...]]:
    def key(event: Event) -> tuple[object, ...]:
        known = event.known_from(sources)
        return (known or date.min, event.recorded.isoformat() if event.recorded else "", event.id)

    return key

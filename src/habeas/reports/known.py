"""What could be cited on a day: no source published later, nor an event only such sources support."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from habeas.domain.model import Event, Source
from habeas.domain.timeline import Timeline, build_timeline


def published_by(source: Source, day: date) -> bool:
    """Whether ``source`` was surely out on ``day``.

    A source dated only to a month or a range counts from its last possible day, as an event's
    known-from day does (Event.known_from): an article of "2025-05" is not cited as known on 15 May.
    A source with no date cannot be placed after the day, so it stays.
    """
    return source.date is None or source.date.latest <= day


def _cited(event: Event, citable: Mapping[str, Source]) -> Event | None:
    """The event with only the citable sources; None when it cited sources and none of them is citable."""
    kept = tuple(sid for sid in event.sources if sid in citable)
    if event.sources and not kept:
        return None
    replacement = event.get("replacement")
    attrs = event.attrs
    if isinstance(replacement, Event) and replacement.sources:
        # A replacement whose own sources are all later falls back to the correction's, as the domain does.
        attrs = {
            **attrs,
            "replacement": replace(replacement, sources=tuple(s for s in replacement.sources if s in citable)),
        }
    return replace(event, sources=kept, attrs=attrs)


def citable_on(timeline: Timeline) -> Timeline:
    """``timeline`` as it could be cited on its known-on day (unchanged when it has none).

    Events dropped are those that cite sources and none published by then: an event known from its
    ``reported`` day but sourced only by later reporting cannot be shown with a source on that day.
    """
    day = timeline.known_on
    if day is None:
        return timeline
    citable = {sid: s for sid, s in timeline.sources.items() if published_by(s, day)}
    # Replacements are made again by their corrections, from the corrections' own (filtered) sources.
    raw = [entry.event for entry in timeline.entries if entry.replaces is None]
    kept = [e for e in (_cited(event, citable) for event in raw) if e is not None]
    return build_timeline(timeline.person, kept, citable, day)

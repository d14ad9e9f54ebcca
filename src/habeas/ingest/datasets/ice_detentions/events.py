"""One person's detention placements as habeas events: booked in, transferred, released or removed, record check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.ingest.datasets.lookups import lookup_entry
from habeas.ingest.datasets.metadata import DatasetFormat
from habeas.ingest.datasets.records import dataset_event, day, record_check

CONVICTION_FIELDS = ("msc_category", "msc_charge", "msc_conviction_date")
Row = Mapping[str, Any]


def stays(rows: Sequence[Row]) -> list[list[Row]]:
    """Placements grouped into stays (same stay book-in), each in book-in order."""
    ordered = sorted(rows, key=lambda r: (r["stay_book_in"], r["book_in"], r["row"]))
    grouped: list[list[Row]] = []
    for row in ordered:
        if grouped and grouped[-1][0]["stay_book_in"] == row["stay_book_in"]:
            grouped[-1].append(row)
        else:
            grouped.append([row])
    return grouped


def placement_events(
    person: str, release: str, rows: Sequence[Row], fmt: DatasetFormat, last_observed: date | None = None
) -> list[Event]:
    """Events for one person's placements (rows of one release, canonical columns, any order)."""
    events: list[Event] = []
    for stay in stays(rows):
        events.extend(_stay_events(person, release, stay, fmt))
    if rows:
        first = min(rows, key=lambda r: (r["book_in"], r["row"]))
        start = first["book_in"].date()
        checked = DateRange(start, max(start, last_observed or start))
        check = record_check(person, release, first, CONVICTION_FIELDS, checked)
        if check is not None:
            events.append(check)
    return events


def _stay_events(person: str, release: str, stay: list[Row], fmt: DatasetFormat) -> list[Event]:
    first = stay[0]
    events = [
        dataset_event(
            "booked_in",
            day(first["book_in"]),
            person,
            release,
            first["row"],
            facility=first.get("facility"),
            facility_code=first.get("facility_code"),
            country="US",
        )
    ]
    for before, row in pairwise(stay):
        events.append(
            dataset_event(
                "transferred",
                day(row["book_in"]),
                person,
                release,
                row["row"],
                facility=row.get("facility"),
                facility_code=row.get("facility_code"),
                country="US",
                from_facility=before.get("facility") or before.get("facility_code"),
            )
        )
    end = _stay_end(person, release, stay[-1], fmt)
    if end is not None:
        events.append(end)
    return events


def _stay_end(person: str, release: str, last: Row, fmt: DatasetFormat) -> Event | None:
    """How the stay ended, when the release says: released (with the reason), removed, or died."""
    ended = last.get("stay_book_out") or last.get("book_out")
    reason = last.get("stay_release_reason") or last.get("detention_release_reason")
    if ended is None or reason is None:
        return None
    entry = lookup_entry(fmt, "release_reasons", reason)
    outcome = entry.get("outcome") if isinstance(entry, dict) else None
    note = f"stay release reason: {reason}"
    when = day(ended)
    if outcome == "removed":
        return dataset_event(
            "removed", when, person, release, last["row"], note, removal_type=entry.get("removal_type")
        )
    if outcome == "released":
        return dataset_event(
            "released", when, person, release, last["row"], note, reason=entry.get("reason", "other"), country="US"
        )
    if outcome == "died":
        return dataset_event("died", when, person, release, last["row"], note, place=last.get("facility"), country="US")
    return None

"""One removal row as habeas events: the removal, and what the release says about convictions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from habeas.domain.model import Event
from habeas.ingest.datasets.records import dataset_event, day, record_check

CONVICTION_FIELDS = ("msc_charge", "msc_category")


def removal_events(person: str, release: str, row: Mapping[str, Any]) -> list[Event]:
    when = day(row["departed_date"])
    category = row.get("case_category")
    events = [
        dataset_event(
            "removed",
            when,
            person,
            release,
            row["row"],
            f"case category: {category}" if category else None,
            destination=row.get("departure_country_iso"),
            removal_type=row.get("case_category_type"),
        )
    ]
    check = record_check(person, release, row, CONVICTION_FIELDS, when)
    if check is not None:
        events.append(check)
    return events

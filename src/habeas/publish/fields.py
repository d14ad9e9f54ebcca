"""The allowlist of dimensions a public table may be broken down by, and what their labels may look like.

Anything not listed is refused: names, aliases, identifiers, notes, free text and the
sensitive attributes (asylum basis, everything under ``sensitive:``) are never listed.
A label is checked too, so an identifier cannot slip in as a category value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str  # a heading for people
    description: str
    pattern: str  # every category label must match it whole

    def accepts(self, value: str) -> bool:
        return re.fullmatch(self.pattern, value) is not None


_COUNTRY = r"[A-Z]{2}|unknown"
_WORD = r"[a-z][a-z0-9_]{0,40}"
_BAND = r"[0-9a-z][0-9a-z +<>≤≥–\-]{0,30}"
_PLACE = r"[\w][\w .,'’()&/\-]{0,79}"

DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("citizenship", "Citizenship", "country of citizenship (ISO 3166-1 alpha-2)", _COUNTRY),
        Dimension("country", "Country", "country where the event happened", _COUNTRY),
        Dimension("destination", "Destination", "country a person was removed to", _COUNTRY),
        Dimension("custody", "Custody", "custody state derived from the timeline", _WORD),
        Dimension("event_kind", "Event", "kind of event", _WORD),
        Dimension("removal_type", "Removal type", "kind of removal", _WORD),
        Dimension("release_reason", "Release reason", "reason for a release", _WORD),
        Dimension("claim", "Claim", "relief sought (asylum, withholding, …)", _WORD),
        Dimension("outcome", "Outcome", "outcome of a decision or an inquiry", _WORD),
        Dimension("rule", "Flag", "due-process rule that raised a flag", _WORD),
        Dimension("severity", "Severity", "severity of a flag", _WORD),
        Dimension("facility", "Facility", "detention facility (a public place)", _PLACE),
        Dimension("facility_state", "State", "US state of a facility", r"[A-Z]{2}|unknown"),
        Dimension("year", "Year", "calendar year", r"\d{4}|unknown"),
        Dimension("month", "Month", "calendar month", r"\d{4}-\d{2}|unknown"),
        Dimension("detention_length", "Time detained", "band of days in detention", _BAND),
        Dimension("days_without_proof_of_life", "Days without proof of life", "band of days", _BAND),
        Dimension("transfers", "Transfers", "band of the number of transfers", _BAND),
        Dimension("age_group", "Age group", "band of age in years", _BAND),
        Dimension("criminal_record", "Criminal record", "record found, none found, or not checked", _WORD),
    )
}

# Seven or more digits in a run (spaces and dashes allowed between them) look like an
# A-number or a case number, whatever the field.
_DIGIT_RUN = re.compile(r"\d[\d\s\-]*\d")


def _looks_like_identifier(value: str) -> bool:
    return any(sum(c.isdigit() for c in run) >= 7 for run in _DIGIT_RUN.findall(value))


def label_problem(dimension: Dimension, value: str) -> str | None:
    """Why ``value`` may not be published as a category of ``dimension`` (None when it may)."""
    if _looks_like_identifier(value):
        return "looks like an identifier"
    if not dimension.accepts(value):
        return f"is not a {dimension.label.lower()} label"
    return None

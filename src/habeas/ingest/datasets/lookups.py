"""Value lookups: country names to ISO codes, release reasons to outcomes, case categories to removal types."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import pycountry

from habeas.ingest.datasets.metadata import DatasetFormat, normalize_value

# The column a lookup adds beside the one it reads, e.g. citizenship_country → citizenship_country_iso.
SUFFIXES = {"countries": "iso", "release_reasons": "outcome", "case_categories": "type"}


def derived_column(name: str, lookup: str) -> str:
    return f"{name}_{SUFFIXES.get(lookup, 'code')}"


def lookup_entry(fmt: DatasetFormat, lookup: str, value: str) -> Any:
    """The lookup's entry for a value as written (None when there is none)."""
    key = normalize_value(value)
    table = fmt.lookups.get(lookup, {})
    if key in table:
        return table[key]
    if lookup == "countries":
        return country_code(key)
    return None


def lookup_table(fmt: DatasetFormat, lookup: str, values: Iterable[str]) -> dict[str, str | None]:
    """Each value → the code it maps to (for a table of records, the record's ``outcome``)."""
    out: dict[str, str | None] = {}
    for value in values:
        entry = lookup_entry(fmt, lookup, value)
        out[value] = entry.get("outcome") if isinstance(entry, dict) else entry
    return out


@cache
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name pycountry knows (any case), else None."""
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None

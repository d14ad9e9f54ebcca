"""Value lookups: country names to ISO codes, release reasons to outcomes, case categories to removal types."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, TypeGuard

from habeas.ingest.datasets.metadata import DatasetFormat, normalize_value, shared_lookups

# The column a lookup adds beside the one it reads, e.g. citizenship_country → citizenship_country_iso.
SUFFIXES = {"countries": "iso", "release_reasons": "outcome", "case_categories": "type"}


def derived_column(name: str, lookup: str) -> str:
    return f"{name}_{SUFFIXES.get(lookup, 'code')}"


def lookup_entry(fmt: DatasetFormat, lookup: str, value: str) -> Any:
    """The lookup's entry for a value as written (None when there is none, or when it is ambiguous)."""
    key = normalize_value(value)
    table = fmt.lookups.get(lookup, {})
    if key in table:
        entry = table[key]
        return None if _ambiguous(entry) else entry
    if lookup == "countries":
        return country_code(key) or former_country_code(key)
    return None


def lookup_table(fmt: DatasetFormat, lookup: str, values: Iterable[str]) -> dict[str, str | None]:
    """Each value → the code it maps to (for a table of records, the record's ``outcome``)."""
    out: dict[str, str | None] = {}
    for value in values:
        entry = lookup_entry(fmt, lookup, value)
        out[value] = entry.get("outcome") if isinstance(entry, dict) else entry
    return out


def _ambiguous(entry: object) -> TypeGuard[dict[str, list[str]]]:
    return isinstance(entry, dict) and "ambiguous" in entry


@cache
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name pycountry knows (any case), else None."""
    import pycountry  # loaded for a name the lookups do not list (most releases use only listed ones)

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


@cache
def former_country_code(name: str) -> str | None:
    """ISO 3166-3 alpha-4 code of a former country pycountry knows by name ("German Democratic Republic": DDDE)."""
    if len(name) <= 3:
        return None  # a bare code such as "CS" names two former countries: never guessed
    import pycountry

    try:
        return str(pycountry.historic_countries.lookup(name).alpha_4)
    except LookupError:
        return None


def person_citizenship(value: str) -> tuple[str | None, tuple[str, str] | None]:
    """A citizenship for a person record, which takes a current ISO 3166-1 code: (code, None) or (None, problem).

    A problem is (kind, why).
    The shared country names apply; "STATELESS" or "UNKNOWN" give no code and no problem.
    """
    key = normalize_value(value)
    table = shared_lookups()["countries"]
    entry = table[key] if key in table else (country_code(key) or former_country_code(key))
    if key in table and entry is None:
        return None, None
    if _ambiguous(entry):
        return None, ("ambiguous country", f"it could be {' or '.join(entry['ambiguous'])}")
    if entry is None:
        return None, ("unknown country", "")
    if len(str(entry)) != 2:
        return None, ("former country", f"ISO 3166-3 {entry}; a person's citizenship takes a current country")
    return str(entry), None

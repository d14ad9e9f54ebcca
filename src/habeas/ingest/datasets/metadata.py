"""Dataset formats as data: each format folder's metadata.yaml loaded into typed specs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

COLUMN_TYPES = ("text", "int", "date", "datetime")
FORMAT_NAMES = ("ice_detentions", "ice_removals", "ice_facilities", "mapped_list")
# A release with more of its rows rejected than this is refused unless its format says otherwise:
# so many unreadable rows mean the wrong format or a damaged file, and figures from the rest would mislead.
DEFAULT_MAX_REJECTED_SHARE = 0.01
# A format's `time_zone` when times are wall-clock times where they were recorded, in no stated zone.
LOCAL_TIME = "local"
# The count assertions a format may make, with the range each value must lie in.
ASSERTIONS = {"min_rows": (0, 2**53), "max_rejected_share": (0.0, 1.0)}


class DatasetError(Exception):
    """A file that cannot be imported as asked; the message names the file and what to do."""


def normalize_header(text: str) -> str:
    """Compare headers loosely: "Most Serious Conviction (MSC)" and "most_serious_conviction_msc" match."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


def normalize_value(text: str) -> str:
    """Compare looked-up values loosely: case, spacing and punctuation at the ends do not matter."""
    return re.sub(r"\s+", " ", str(text)).strip().strip(".").lower()


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    headers: tuple[str, ...]
    type: str = "text"
    required: bool = False
    lookup: str | None = None
    description: str = ""
    sensitive: bool = False

    @property
    def released_header(self) -> str:
        """The header as the agency releases it (the first one listed)."""
        return self.headers[0] if self.headers else self.name


@dataclass(frozen=True)
class DatasetFormat:
    name: str
    title: str
    columns: tuple[ColumnSpec, ...]
    person_column: str | None = None
    order_checks: tuple[tuple[str, str], ...] = ()
    observed_columns: tuple[str, ...] = ()  # the dates that say when the records were observed
    assertions: dict[str, float] = field(default_factory=dict)
    time_zone: str = LOCAL_TIME  # the zone naive times are in, and times with an offset are converted to
    lookups: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def max_rejected_share(self) -> float:
        """The largest share of rejected rows a release of this format may have and still be stored."""
        return float(self.assertions.get("max_rejected_share", DEFAULT_MAX_REJECTED_SHARE))

    def column(self, name: str) -> ColumnSpec:
        for spec in self.columns:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(spec for spec in self.columns if spec.required)

    def header_index(self) -> dict[str, str]:
        """Normalized header → canonical column name (the canonical name itself is accepted too)."""
        index: dict[str, str] = {}
        for spec in self.columns:
            for header in (spec.name, *spec.headers):
                index.setdefault(normalize_header(header), spec.name)
        return index


def _column(raw: dict[str, Any]) -> ColumnSpec:
    type_ = raw.get("type", "text")
    if type_ not in COLUMN_TYPES:
        raise ValueError(f"column {raw.get('name')}: type {type_!r} is not one of {', '.join(COLUMN_TYPES)}")
    return ColumnSpec(
        name=raw["name"],
        headers=tuple(raw.get("headers") or ()),
        type=type_,
        required=bool(raw.get("required", False)),
        lookup=raw.get("lookup"),
        description=raw.get("description", ""),
        sensitive=bool(raw.get("sensitive", False)),
    )


def format_from_mapping(raw: dict[str, Any], lookups: dict[str, dict[str, Any]] | None = None) -> DatasetFormat:
    """Build a format from its metadata (a parsed metadata.yaml or a mapping file's columns)."""
    merged = dict(shared_lookups())
    merged.update({name: _normalized(table) for name, table in (lookups or {}).items()})
    merged.update({name: _normalized(table) for name, table in (raw.get("lookups") or {}).items()})
    return DatasetFormat(
        name=raw["name"],
        title=raw.get("title", raw["name"]),
        columns=tuple(_column(c) for c in raw.get("columns", ())),
        person_column=raw.get("person_column"),
        order_checks=tuple((a, b) for a, b in raw.get("order_checks", ())),
        observed_columns=tuple(raw.get("observed_columns", ())),
        assertions=checked_assertions(raw.get("assertions") or {}, raw["name"]),
        time_zone=checked_time_zone(raw.get("time_zone", LOCAL_TIME), raw["name"]),
        lookups=merged,
    )


def checked_assertions(raw: Any, where: str) -> dict[str, float]:
    """A format's count assertions, each a number in its range (a huge or misspelt one is refused, not obeyed)."""
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: `assertions` must map names ({', '.join(ASSERTIONS)}) to numbers")
    checked: dict[str, float] = {}
    for name, value in raw.items():
        if name not in ASSERTIONS:
            raise DatasetError(f"{where}: unknown assertion {name!r}; the assertions are {', '.join(ASSERTIONS)}")
        low, high = ASSERTIONS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise DatasetError(f"{where}: assertion {name} must be a number from {low} to {high:,}")
        checked[name] = value
    return checked


def checked_time_zone(name: Any, where: str) -> str:
    """``local``, or a time zone name the columnar engine knows (America/Los_Angeles, UTC)."""
    if name == LOCAL_TIME:
        return LOCAL_TIME
    import polars as pl

    try:
        pl.Series([], dtype=pl.Datetime("us")).dt.replace_time_zone(str(name))
    except pl.exceptions.PolarsError as exc:
        raise DatasetError(
            f"{where}: time_zone {str(name)[:60]!r} is neither {LOCAL_TIME!r} nor a time zone name"
        ) from exc
    return str(name)


def _normalized(table: dict[str, Any]) -> dict[str, Any]:
    return {normalize_value(key): value for key, value in table.items()}


@cache
def shared_lookups() -> dict[str, dict[str, Any]]:
    """Value lookups shared by several formats (countries, release reasons)."""
    text = resources.files("habeas.ingest.datasets").joinpath("lookups.yaml").read_text(encoding="utf-8")
    return {name: _normalized(table) for name, table in _yaml(text).items()}


@cache
def load_format(name: str) -> DatasetFormat:
    """The format called ``name`` (hyphens accepted: ice-detentions)."""
    key = name.replace("-", "_")
    if key not in FORMAT_NAMES:
        raise DatasetError(f"unknown dataset format {name!r}; choose one of: {', '.join(FORMAT_NAMES)}")
    text = resources.files(f"habeas.ingest.datasets.{key}").joinpath("metadata.yaml").read_text(encoding="utf-8")
    return format_from_mapping(_yaml(text))


def _yaml(text: str) -> Any:
    """YAML read safely, by libyaml when PyYAML was built with it (several times faster than pure Python).

    PyYAML is imported here, not at start-up: every command loads this module, few read a format.
    """
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # both loaders are the safe one

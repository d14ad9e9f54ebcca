"""Reading a mapping file safely: a bounded size, no YAML aliases, and every top-level value of the type it needs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from habeas.ingest.datasets.metadata import DatasetError

MAX_MAPPING_BYTES = 1 << 20  # a mapping is a short YAML file
TEXT_KEYS = ("title", "publisher", "url", "reliability", "sheet", "id_prefix")
KEYS = (*TEXT_KEYS, "person", "cohort", "events", "max_rejected_share")
MAX_TEXT = 1000  # characters in a title, a publisher, a header or a constant
MAX_EVENTS = 200


def read_mapping(path: Path) -> dict[str, Any]:
    """The mapping as data, or an error naming the file and what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise DatasetError(f"{path}: the mapping is {size:,} bytes, more than the {MAX_MAPPING_BYTES:,} allowed")
        text = path.read_text(encoding="utf-8")
        # Aliases let a few lines expand into gigabytes ("billion laughs"); a mapping never needs one.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise DatasetError(f"{path}: the mapping uses a YAML alias (*name); write each value out instead")
        raw = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DatasetError(f"{path}: cannot read the mapping ({str(exc)[:200]})") from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("person"), Mapping):
        raise DatasetError(f"{path}: a mapping needs a `person:` section naming the columns (see docs/datasets.md)")
    _check_keys(path, raw)
    return dict(raw)


def _check_keys(path: Path, raw: Mapping[Any, Any]) -> None:
    unknown = [str(k)[:40] for k in raw if k not in KEYS]
    if unknown:
        raise DatasetError(f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; a mapping has {', '.join(KEYS)}")
    for key in TEXT_KEYS:
        if raw.get(key) is not None:
            text(raw[key], f"{path}: {key}")
    events = raw.get("events")
    if events is not None and (not isinstance(events, list) or len(events) > MAX_EVENTS):
        raise DatasetError(f"{path}: `events` must be a list of at most {MAX_EVENTS} events")
    cohort = raw.get("cohort")
    if isinstance(cohort, Mapping):
        text(cohort.get("id"), f"{path}: cohort.id")
        if cohort.get("name") is not None:
            text(cohort["name"], f"{path}: cohort.name")
    elif cohort is not None:
        text(cohort, f"{path}: cohort")


def text(value: Any, where: str) -> str:
    """A value that must be text (a title, a header): a number such as 10**23 is refused, not converted."""
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(f"{where} must be text (put it in quotes), not {type(value).__name__} {str(value)[:40]!r}")
    if len(value) > MAX_TEXT:
        raise DatasetError(f"{where} is {len(value):,} characters long, more than the {MAX_TEXT:,} allowed")
    return value


def constant(value: Any, where: str) -> Any:
    """A `{value: ...}` constant: text, a date, a yes/no, or a number a record can hold."""
    if isinstance(value, (bool, date)):
        return value
    if isinstance(value, int) and abs(value) < 2**31:
        return value
    if isinstance(value, float) and abs(value) < 2**31:
        return value
    if isinstance(value, str):
        return text(value, where)
    raise DatasetError(
        f"{where}: {str(value)[:40]!r} is not a value a record can hold (text, a date or a small number)"
    )

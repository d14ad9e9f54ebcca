"""Deterministic ids derived from content, so the same fact imported twice is one fact."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same content always gives the same text."""
    return _CANONICAL.encode(value)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# json.dumps with these arguments, made once: an import writes a few of these per event. The encoder keeps
# no state between calls, and its text is json.dumps's, byte for byte (ids and digests depend on it).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def content_id(prefix: str, content: Any, length: int = 16) -> str:
    """An id such as ``e-3f9c…`` from the canonical JSON of ``content``."""
    digest = hashlib.sha256(canonical_json(content).encode()).hexdigest()
    return f"{prefix}-{digest[:length]}"

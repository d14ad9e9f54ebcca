"""Ids and digests of events imported before stay the same: the canonical text is json.dumps's, byte for byte."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.ids import _default, canonical_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
)


def the_old_way(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_canonical_text_is_what_json_dumps_wrote(value: Any) -> None:
    assert canonical_json(value) == the_old_way(value)


def test_dates_sets_and_tuples_are_written_as_before() -> None:
    value = {"é": date(2025, 3, 15), "b": {3, 1, 2}, "a": (1, "ñ"), "z": frozenset({"y", "x"})}
    assert canonical_json(value) == the_old_way(value) == '{"a":[1,"ñ"],"b":[1,2,3],"z":["x","y"],"é":"2025-03-15"}'

"""Each event checked against its own kind's schema finds what the whole case-file schema finds, word for word."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.schema import casefile_schema, event_kind_schema
from habeas.ingest import casefile
from habeas.ingest.casefile import _pointer, _schema_errors, _schema_message, parse_documents

WHOLE = jsonschema.Draft202012Validator(casefile_schema())


def found(errors: Any) -> list[tuple[str, str, str]]:
    return sorted((_pointer(e.absolute_path), str(e.validator), _schema_message(e)) for e in errors)


def document(*events: Any) -> dict[str, Any]:
    return {"habeas": 1, "people": [{"id": "p-1"}], "cohorts": [{"id": "c-1"}], "events": list(events)}


BAD_EVENTS = [
    {"person": "p-1", "kind": "teleported", "date": "2025-01-01"},  # a kind no vocabulary has
    {"person": "p-1", "date": "2025-01-01"},  # no kind
    {"person": "p-1", "kind": 7, "date": "2025-01-01"},
    {"person": "p-1", "kind": "booked_in"},  # no date
    {"person": "p-1", "kind": "booked_in", "date": "2025-01-01", "facilty": "typo"},
    {"person": "p-1", "kind": "released", "date": "2025-01-01", "reason": "tired"},
    {"person": "p-1", "cohort": "c-1", "kind": "removed", "date": "2025-01-01", "destination": "SV"},
    {"kind": "removed", "date": "2025-01-01"},  # neither person nor cohort
    {"person": "p-1", "kind": "removed", "date": "2025-01-01", "destination": "sv"},
    {"person": "p-1", "kind": "hearing_held", "date": "2025-01-01", "attended": "yes"},
    {"person": "p-1", "kind": "contact", "date": 2025.5, "direct": True},
    {"person": "p-1", "id": "bad id!", "kind": "contact", "date": "2025-01-01", "sources": ["ok", 3]},
    {"person": "p-1", "kind": "claim_filed", "date": "2025", "claim": "asylum", "note": 12},
    {
        "person": "p-1",
        "kind": "correction",
        "date": "2025-02-01",
        "supersedes": "e-1",
        "replacement": {"kind": "removed", "date": "2025-01-02", "destinaton": "SV"},
    },
    {
        "person": "p-1",
        "kind": "correction",
        "date": "2025-02-01",
        "supersedes": "e-1",
        "replacement": {"kind": "correction", "date": "2025-01-02"},
    },
    {"person": "p-1", "kind": "correction", "date": "2025-02-01", "replacement": "not an event"},
    ["not", "a", "mapping"],
    "an event as text",
    None,
]


@pytest.mark.parametrize("event", BAD_EVENTS, ids=range(len(BAD_EVENTS)))
def test_a_bad_event_gets_the_errors_the_whole_schema_gives(event: Any) -> None:
    data = document({"person": "p-1", "kind": "booked_in", "date": "2025-01-01"}, event)
    expected = found(WHOLE.iter_errors(data))
    assert expected, "each case is invalid"
    assert found(_schema_errors(data)) == expected


def test_an_event_of_a_known_kind_is_checked_against_that_kind_only() -> None:
    one = event_kind_schema("removed")
    assert len(one["allOf"]) == 1 and one["allOf"][0]["if"]["properties"]["kind"]["const"] == "removed"
    assert len(event_kind_schema("no-such-kind")["allOf"]) == len(event_kind_schema(None)["allOf"]) > 20


def test_a_valid_file_passes_the_compiled_validator_and_a_bad_one_is_worded_by_jsonschema() -> None:
    good = document({"person": "p-1", "kind": "booked_in", "date": "2025-01-01", "facility": "Invented"})
    assert casefile._surely_valid(good)
    bad = document({"person": "p-1", "kind": "booked_in", "date": "2025-01-01", "facilty": "Invented"})
    assert not casefile._surely_valid(bad)
    with pytest.raises(casefile.CaseFileError) as info:
        parse_documents([("bad.json", bad, {})])
    assert [str(p) for p in info.value.problems] == [
        "bad.json at /events/0: unknown key 'facilty'; allowed here: " + _allowed("booked_in")
    ]


def _allowed(kind: str) -> str:
    branch = event_kind_schema(kind)["allOf"][0]["then"]
    return ", ".join(sorted(branch["properties"]))


KINDS = ["booked_in", "removed", "released", "correction", "contact", "decision", "nope", 3, None]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3000), st.sampled_from(["2025-01-01", "SV", "x y", "asylum", "p-1"]),
    st.lists(st.sampled_from(["s-1", 4, "bad id"]), max_size=2),
)  # fmt: skip
KEYS = ["id", "person", "cohort", "date", "reported", "sources", "note", "destination", "reason", "facility",
        "replacement", "supersedes", "direct", "claim", "outcome", "extra"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    fields=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6),
    nested=st.none() | st.dictionaries(st.sampled_from(["kind", "date", "destination", "extra"]), VALUES, max_size=3),
)
def test_any_event_gets_the_same_errors_either_way(kind: Any, fields: dict[str, Any], nested: Any) -> None:
    event = {**fields, "kind": kind} if kind is not None else dict(fields)
    if nested is not None:
        event["replacement"] = nested
    data = document(event)
    assert found(_schema_errors(data)) == found(WHOLE.iter_errors(data))
    # The compiled validator never lets through what jsonschema refuses.
    if not WHOLE.is_valid(data):
        assert not casefile._surely_valid(data)

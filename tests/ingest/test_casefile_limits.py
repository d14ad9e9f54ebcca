"""Malformed and hostile case files are refused with a clear message, in bounded time and memory.

Each case once ended in a traceback, a hang or a memory blow-up, or echoed a sensitive
value back to whoever sent it. The expectation is always the same: a CaseFileError whose
every problem names the file and says what is wrong, and never quotes a sensitive value.
"""

from __future__ import annotations

import json

import pytest

from habeas.ingest.casefile import MAX_DEPTH, CaseFileError, is_sensitive, load_document, parse_documents

EVENT = {"person": "p-1", "kind": "booked_in", "date": "2025-01-02"}
PERSON = {"id": "p-1"}


def _yaml_alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": nine levels of nine aliases each, under 400 bytes, a billion strings expanded."""
    lines = ["habeas: 1", 'a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    lines.append(f"sources: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def _problems(name: str, raw: bytes) -> list[str]:
    with pytest.raises(CaseFileError) as caught:
        data, lines = load_document(name, raw)
        parse_documents([(name, data, lines)])
    problems = [str(p) for p in caught.value.problems]
    assert problems and all(p.startswith(name) for p in problems), problems
    return problems


def _doc(**sections: object) -> bytes:
    return json.dumps({"habeas": 1, **sections}).encode()


def _nested_json(depth: int) -> bytes:
    return ('{"habeas": 1, "x": ' + "[" * depth + "]" * depth + "}").encode()


def _long_number(suffix: str) -> bytes:
    digits = "9" * 5000
    if suffix == "yaml":
        return f"habeas: 1\nsources:\n- {{id: s, kind: other, rows: {digits}}}\n".encode()
    return ('{"habeas": 1, "sources": [{"id": "s", "kind": "other", "rows": ' + digits + "}]}").encode()


def _event_on(day: str) -> bytes:
    return _doc(people=[PERSON], events=[{**EVENT, "date": day}])


# (what an attorney or an attacker sends, the file name, its bytes, words the answer must contain)
MALFORMED = [
    ("a YAML alias bomb", "bomb.yaml", _yaml_alias_bomb().encode(), "YAML aliases"),
    ("YAML nested 10,000 deep", "deep.yaml", ("habeas: 1\nx: " + "[" * 10_000 + "]" * 10_000).encode(), "nests deeper"),
    ("JSON nested 10,000 deep", "deep.json", _nested_json(10_000), "nests deeper"),
    ("JSON nested just past the limit", "deep2.json", _nested_json(MAX_DEPTH), "nests deeper"),
    ("a YAML integer of 5,000 digits", "long.yaml", _long_number("yaml"), "cannot be read"),
    ("a JSON integer of 5,000 digits", "long.json", _long_number("json"), "not valid JSON"),
    ("rows: 10**23", "rows.json", _doc(sources=[{"id": "s", "kind": "dataset", "rows": 10**23}]), "rows"),
    ("year 0", "y0.json", _event_on("0000-01-01"), "years 1 to 9999"),
    ("9999-12~ (widens past the calendar)", "y9.json", _event_on("9999-12~"), "years 1 to 9999"),
    ("a negative year", "yneg.json", _event_on("-0044-03-15"), "years 1 to 9999"),
    ("a NUL inside a name", "nul.json", _doc(people=[{"id": "p-1", "name": "Ana\u0000Maria"}]), "control character"),
    ("a NUL inside a note", "nulnote.json", _doc(people=[PERSON], events=[{**EVENT, "note": "x\u0000y"}]),
     "control character"),
    ("an escape sequence in a title", "esc.json", _doc(sources=[{"id": "s", "kind": "other", "title": "\u001b[2J"}]),
     "control character"),
    ("not UTF-8", "latin1.yaml", "habeas: 1\npeople:\n- {id: p, name: José}\n".encode("latin-1"), "not UTF-8"),
    ("empty", "empty.yaml", b"  \n", "empty"),
]  # fmt: skip


@pytest.mark.parametrize("what,name,raw,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_case_files_are_refused_with_a_clear_message(what, name, raw, expected) -> None:
    problems = _problems(name, raw)
    assert any(expected in p for p in problems), problems


CANARY = "CANARY-7f3a"

# A sensitive value of the wrong shape: the answer says what is wrong, never what the value was.
SENSITIVE_SHAPES = [
    ("a name given as a list", {"people": [{"id": "p-1", "name": [f"{CANARY} Name"]}]}),
    ("an alias given as a number-like mapping", {"people": [{"id": "p-1", "aliases": [{"x": CANARY}]}]}),
    ("an A-number given as a list", {"people": [{"id": "p-1", "identifiers": {"a_number": [CANARY]}}]}),
    ("an A-number given as a mapping", {"people": [{"id": "p-1", "identifiers": {"a_number": {"v": CANARY}}}]}),
    ("a sensitive attribute that is not a mapping", {"people": [{"id": "p-1", "sensitive": f"{CANARY} basis"}]}),
    ("a note given as a list", {"people": [PERSON], "events": [{**EVENT, "note": [CANARY]}]}),
    ("a replacement's note given as a mapping", {"people": [PERSON], "events": [
        {"person": "p-1", "kind": "correction", "date": "2025-01-03", "supersedes": "x", "reason": "r",
         "replacement": {**{k: v for k, v in EVENT.items() if k != "person"}, "note": {"n": CANARY}}}]}),
    ("a name with a NUL", {"people": [{"id": "p-1", "name": f"{CANARY}\u0000"}]}),
]  # fmt: skip


@pytest.mark.parametrize("what,doc", SENSITIVE_SHAPES, ids=[s[0] for s in SENSITIVE_SHAPES])
def test_errors_never_quote_the_sensitive_value_they_refuse(what, doc) -> None:
    problems = _problems("canary.json", _doc(**doc))
    assert not any(CANARY in p for p in problems), problems


@pytest.mark.parametrize(
    "pointer,sensitive",
    [
        ("/people/0/name", True),
        ("/people/3/aliases/1", True),
        ("/people/0/identifiers/a_number", True),
        ("/people/0/sensitive/asylum_basis/0", True),
        ("/events/2/note", True),
        ("/events/2/replacement/note", True),
        ("/people/0/citizenship", False),
        ("/events/2/date", False),
        ("/sources/0/title", False),
    ],
)
def test_which_values_are_never_quoted(pointer, sensitive) -> None:
    assert is_sensitive(pointer) is sensitive


def test_a_modest_use_of_yaml_aliases_is_still_read() -> None:
    text = "habeas: 1\nsources:\n- &s {id: s-1, kind: article}\npeople:\n- {id: p-1}\n"
    data, lines = load_document("ok.yaml", text.encode())
    assert parse_documents([("ok.yaml", data, lines)]).sources[0].id == "s-1"

"""A JSON case file is refused for a control character however its text writes it, and only then.

JSON files whose text holds no control-character escape are not walked value by value for one
(habeas.ingest.casefile._JSON_CONTROL); these cases are the ways a JSON text can write one.
"""

from __future__ import annotations

import pytest

from habeas.ingest.casefile import CaseFileError, parse_casefile_data

PERSON = b'{"id": "p-1", "name": "Ana %s Quintero"}'


def _file(person: bytes) -> bytes:
    return b'{"habeas": 1, "people": [' + person + b"]}"


WRITTEN = [
    ("a NUL as \\u0000", rb"\u0000"),
    ("an escape character in capitals", rb"\u001B[2J"),
    ("a unit separator, lower case", rb"\u001f"),
    ("a backspace as \\b", rb"\b"),
    ("a form feed as \\f", rb"\f"),
    ("DEL as it is", b"\x7f"),
    ("DEL escaped", rb"\u007F"),
    ("a vertical tab", rb"\u000b"),
]


@pytest.mark.parametrize("what,text", WRITTEN, ids=[w[0] for w in WRITTEN])
def test_a_control_character_in_a_value_is_refused(what: str, text: bytes) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_casefile_data([("people.json", _file(PERSON % text))])
    assert [p.pointer for p in caught.value.problems] == ["/people/0/name"]
    assert "control character" in str(caught.value)


def test_a_control_character_in_a_key_is_refused() -> None:
    with pytest.raises(CaseFileError, match="a key contains a control character"):
        parse_casefile_data([("people.json", _file(rb'{"id": "p-1", "sensitive": {"basis\u0001": "x"}}'))])


ALLOWED = [
    ("a tab", rb"\t"),
    ("a line break", rb"\n"),
    ("a tab escaped", rb"\u0009"),
    ("a line break escaped in capitals", rb"\u000A"),
    ("a backslash before a b (a false alarm: every value is then walked)", rb"\\b"),
    ("an accent escaped", rb"\u00e9"),
]


@pytest.mark.parametrize("what,text", ALLOWED, ids=[a[0] for a in ALLOWED])
def test_text_without_a_control_character_is_read(what: str, text: bytes) -> None:
    casefile = parse_casefile_data([("people.json", _file(PERSON % text))])
    assert [p.id for p in casefile.people] == ["p-1"]

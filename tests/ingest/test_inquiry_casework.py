"""An inquiry carries the casework a caseworker keeps: the agency's case number, the Privacy Act
release it relies on, and its own follow-up interval; a bad interval is refused with its line.

Every person here is fictional.
"""

from __future__ import annotations

import pytest

from habeas.ingest.casefile import CaseFileError, load_document, parse_documents

HEAD = """habeas: 1
people:
  - id: cw-p1
events:
  - id: cw-asked
    person: cw-p1
    kind: inquiry
    date: 2025-06-02
    by: congress
    to: ICE Enforcement and Removal Operations
"""


def read(extra: str) -> object:
    text = HEAD + extra
    data, lines = load_document("casework.yaml", text.encode())
    return parse_documents([("casework.yaml", data, lines)])


def test_the_casework_fields_are_read() -> None:
    casefile = read(
        "    case_number: CW-2025-0193\n"
        "    privacy_release: on_file\n"
        "    privacy_release_date: 2025-05-30\n"
        "    privacy_release_scope: immigration case, custody and removal\n"
        "    follow_up_days: 10\n"
    )
    (asked,) = casefile.events  # type: ignore[attr-defined]  # read() is typed loosely for the refusals below
    assert asked.get("case_number") == "CW-2025-0193"
    assert asked.get("privacy_release") == "on_file"
    assert asked.get("follow_up_days") == 10


@pytest.mark.parametrize(
    ("line", "why"),
    [
        pytest.param("    follow_up_days: 0\n", "less than the minimum of 1", id="zero days"),
        pytest.param("    follow_up_days: -14\n", "minimum", id="negative"),
        pytest.param("    follow_up_days: fortnightly\n", "integer", id="words"),
        pytest.param("    follow_up_days: 7.5\n", "should be integer", id="half a day"),
        pytest.param("    privacy_release: maybe\n", "on_file", id="a release state habeas does not know"),
        pytest.param(
            "    privacy_release_date: 2025-02-30\n",
            "no such day (February 2025 has 28 days)",
            id="a release dated a day that is not",
        ),
    ],
)
def test_bad_casework_values_are_refused_naming_the_line(line: str, why: str) -> None:
    with pytest.raises(CaseFileError) as caught:
        read(line)
    message = str(caught.value)
    assert "casework.yaml" in message and ":11" in message, message  # the 11th line is the bad one
    assert why in message, message

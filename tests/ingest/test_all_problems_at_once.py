"""One run reports every problem in every case file: schema, dates, countries, references, duplicate ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.ingest.casefile import CaseFileError, Problem, parse_casefiles, parse_documents

SIX_FAULTS = """habeas: 1
sources:
  - id: src-1
    kind: article
    date: 2025-07-21
people:
  - id: p1
    citizenship: VE
events:
  - id: e1
    person: p1
    kind: booked_in
    date: 2025-01-10
    facilty: Krome
  - id: e2
    person: p1
    kind: transferred
    date: 2025-02-30
  - id: e3
    person: p1
    kind: removed
    date: 2025-03-15
    destination: XY
  - id: e4
    person: p1
    kind: correction
    date: 2025-04-01
    supersedes: e99
    retract: true
    reason: wrong person
  - id: e2
    person: p1
    kind: released
    date: 2025-04-02
    reason: bond
  - id: e6
    person: p1
    kind: claim_filed
    date: 2024
"""


def refused(paths: list[Path]) -> list[Problem]:
    with pytest.raises(CaseFileError) as info:
        parse_casefiles(paths)
    return info.value.problems


def test_a_case_file_with_six_faults_reports_all_six_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(SIX_FAULTS)
    found = [(p.file, p.line, p.pointer, p.message) for p in refused([path])]
    name = str(path)
    assert [(f, line, at) for f, line, at, _ in found] == [
        (name, 14, "/events/0"),
        (name, 18, "/events/1/date"),
        (name, 23, "/events/2/destination"),
        (name, 28, "/events/3/supersedes"),
        (name, 31, "/events/4/id"),
        (name, 36, "/events/5"),
    ]
    messages = [m for *_, m in found]
    assert messages[0].startswith("unknown key 'facilty'")
    assert "'2025-02-30': no such day (February 2025 has 28 days)" in messages[1]
    assert "'XY' is not an ISO 3166-1 alpha-2 country code" in messages[2]
    assert messages[3] == "unknown event 'e99'"
    assert messages[4].startswith("duplicate id 'e2'")
    assert messages[5] == "missing required field 'claim'"


def test_faults_in_two_files_are_reported_for_both_in_the_order_given(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("habeas: 1\npeople:\n  - {id: p1, citizenship: XY}\n")
    (tmp_path / "a.yaml").write_text(
        "habeas: 1\nevents:\n  - {person: p9, kind: booked_in, date: 2025}\n  - {person: p1, kind: bogus, date: 2025}\n"
    )
    found = refused([tmp_path / "b.yaml", tmp_path / "a.yaml"])
    assert [(Path(p.file).name, p.line, p.pointer) for p in found] == [
        ("b.yaml", 3, "/people/0/citizenship"),
        ("a.yaml", 3, "/events/0/person"),
        ("a.yaml", 4, "/events/1/kind"),
    ]


def test_a_file_that_does_not_parse_is_reported_alone_with_its_line_beside_the_others(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("habeas: 1\nevents:\n  - {person: p1, kind: booked_in\n  date: [\n")
    (tmp_path / "bad.yaml").write_text("habeas: 1\npeople:\n  - {id: p1, citizenship: XY}\n")
    found = refused([tmp_path / "broken.yaml", tmp_path / "bad.yaml"])
    assert [(Path(p.file).name, p.line) for p in found] == [("broken.yaml", 4), ("bad.yaml", 3)]
    assert found[0].message.startswith("not valid YAML")


def test_a_value_the_schema_refused_is_skipped_and_the_rest_of_its_event_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "habeas: 1\nsources: 3\npeople:\n  - {id: p1, cohorts: nope, birth_date: [1990]}\n  - 7\nevents:\n"
        "  - {person: p1, kind: removed, date: [2025], reported: 2025-13-01, destination: XY, sources: [s9]}\n"
        "  - {person: p1, kind: deported, date: 2025-02-30, sources: [s8]}\n"
        "  - {kind: correction, date: 2025, supersedes: e9, replacement: nope, reason: x}\n"
    )
    found = {(p.pointer, p.message.split(" ")[0]) for p in refused([path])}
    assert {pointer for pointer, _ in found} == {
        "/sources",
        "/people/0/cohorts",
        "/people/0/birth_date",
        "/people/1",
        "/events/0/date",
        "/events/0/reported",
        "/events/0/destination",
        "/events/0/sources/0",
        "/events/1/kind",
        "/events/1/date",
        "/events/1/sources/0",
        "/events/2",
        "/events/2/supersedes",
        "/events/2/replacement",
    }


def test_json_problems_follow_the_document_without_lines(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    events = [{"person": f"p{i}", "kind": "booked_in", "date": "2025"} for i in range(11)]
    path.write_text(json.dumps({"habeas": 1, "events": events}))
    found = refused([path])
    assert [p.pointer for p in found] == [f"/events/{i}/person" for i in range(11)]
    assert all(p.line is None for p in found)


def test_a_sensitive_value_is_not_quoted_when_every_problem_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "habeas: 1\npeople:\n  - {id: p1, name: [Secret Name], birth_date: 2025-02-30}\n"
        "events:\n  - {person: p1, kind: booked_in, date: 2025, note: [Secret Note], sources: [s9]}\n"
    )
    found = refused([path])
    assert {p.pointer for p in found} == {
        "/people/0/name",
        "/people/0/birth_date",
        "/events/0/note",
        "/events/0/sources/0",
    }
    assert not any("Secret" in str(p) or "2025-02-30" in str(p) for p in found)


def test_a_file_of_another_format_version_is_not_checked_by_version_1s_rules(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("habeas: 2\npeople:\n  - {id: p1, citizenship: XY}\n")
    found = refused([path])
    assert [(p.line, p.pointer) for p in found] == [(1, "/habeas")]
    assert "unsupported format version 2" in found[0].message


def test_problems_under_keys_that_look_like_numbers_but_are_not_ascii_are_ordered() -> None:
    from habeas.ingest.casefile import _in_file_order

    problems = [Problem("a.json", "/events/0/²", "x"), Problem("a.json", "/events/0/1", "y")]
    assert [p.message for p in _in_file_order(problems, ["a.json"])] == ["y", "x"]


# -- no document, however malformed, stops the reader with anything but its list of problems --------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
    max_leaves=20,
)
_KINDS = st.sampled_from(
    [
        "claim_filed",
        "removed",
        "decision",
        "correction",
        "inquiry_answered",
        "petition_filed",
        "hearing_scheduled",
        "bond_decision",
        "proof_of_life",
    ]
)
_EVENT = st.fixed_dictionaries(
    {
        "kind": _KINDS | _JSON,
        "date": st.sampled_from(["2025-01-01", "2025-02-30", "x", 2024]) | _JSON,
        "person": st.sampled_from(["p1", "p2"]) | _JSON,
    },
    optional={
        "id": st.text(max_size=5) | _JSON,
        "sources": _JSON,
        "supersedes": _JSON,
        "replacement": _JSON,
        "claim": _JSON,
        "outcome": _JSON,
        "inquiry": _JSON,
    },
)
_DOCUMENT = st.fixed_dictionaries(
    {"habeas": st.just(1) | _JSON},
    optional={
        "people": st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["p1", "p2"]) | _JSON},
                optional={
                    "citizenship": _JSON,
                    "birth_date": _JSON,
                    "birth_year": _JSON,
                    "name": _JSON,
                    "cohorts": _JSON,
                },
            ),
            max_size=3,
        )
        | _JSON,
        "events": st.lists(_EVENT, max_size=4) | _JSON,
        "sources": st.lists(
            st.fixed_dictionaries(
                {"id": st.text(max_size=4) | _JSON, "kind": st.just("article") | _JSON}, optional={"date": _JSON}
            ),
            max_size=2,
        )
        | _JSON,
        "cohorts": _JSON,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_DOCUMENT)
def test_a_malformed_document_gets_problems_never_a_crash(document: object) -> None:
    try:
        parse_documents([("f.json", document, {})])
    except CaseFileError as refused:
        assert refused.problems

"""Bad case files: one clear message naming the file, the line or pointer, and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.ingest.casefile import CaseFileError, KnownIds, parse_casefiles

HEAD = """habeas: 1
sources:
  - id: src-1
    kind: article
    date: 2025-07-21
people:
  - id: p1
    citizenship: VE
events:
"""


def problems(tmp_path: Path, text: str, name: str = "case.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CaseFileError) as info:
        parse_casefiles([path])
    return [str(p) for p in info.value.problems]


CASES = [
    ("unknown top-level key", "habeas: 1\npeeple: []\n", 2, "unknown key 'peeple'"),
    ("unknown event kind", HEAD + "  - person: p1\n    kind: deported\n    date: 2025\n", 11,
     "'deported' is not one of"),
    ("unknown event field", HEAD + "  - person: p1\n    kind: removed\n    date: 2025\n    destiny: SV\n", 13,
     "unknown key 'destiny'"),
    ("missing required field", HEAD + "  - person: p1\n    kind: claim_filed\n    date: 2025\n", 10,
     "missing required field 'claim'"),
    ("missing date", HEAD + "  - person: p1\n    kind: booked_in\n", 10, "missing required field 'date'"),
    ("unknown person", HEAD + "  - person: p9\n    kind: booked_in\n    date: 2025\n", 10, "unknown person 'p9'"),
    ("unknown source", HEAD + "  - person: p1\n    kind: booked_in\n    date: 2025\n    sources: [nope]\n", 13,
     "unknown source 'nope'"),
    ("unknown cohort", HEAD.replace("citizenship: VE", "citizenship: VE\n    cohorts: [c9]"), 9, "unknown cohort 'c9'"),
    ("unknown superseded event", HEAD + "  - person: p1\n    kind: correction\n    date: 2025\n    supersedes: e9\n"
     "    retract: true\n    reason: x\n", 13, "unknown event 'e9'"),
    ("a day that is not in the calendar", HEAD + "  - person: p1\n    kind: booked_in\n    date: 2025-02-30\n", 12,
     "no such day"),
    ("invalid EDTF date", HEAD + "  - person: p1\n    kind: booked_in\n    date: 2025-3-5\n", 12,
     "not a valid EDTF date"),
    ("range ending before it starts", HEAD + "  - person: p1\n    kind: booked_in\n    date: 2025-03-16/2025-03-15\n",
     12, "ends"),
    ("invalid country code", HEAD + "  - person: p1\n    kind: removed\n    date: 2025\n    destination: XY\n", 13,
     "'XY' is not an ISO 3166-1 alpha-2"),
    ("lowercase country code", HEAD.replace("citizenship: VE", "citizenship: ve"), 8, "not an ISO 3166-1 alpha-2"),
    ("duplicate person id", HEAD.replace("events:\n", "  - id: p1\nevents:\n"), 9, "duplicate id 'p1'"),
    ("duplicate event id", HEAD + "  - {id: e1, person: p1, kind: booked_in, date: 2025}\n"
     "  - {id: e1, person: p1, kind: released, date: 2025}\n", 11, "duplicate id 'e1'"),
    ("duplicate key", "habeas: 1\nhabeas: 1\n", 2, "appears twice"),
    ("not YAML", "habeas: 1\nevents: [\n  - {\n", 3, "not valid YAML"),
    ("wrong version", "habeas: 2\n", 1, "unsupported format version 2"),
    ("a list, not a mapping", "- habeas: 1\n", 1, "top level must be a mapping"),
    ("correction with nothing", HEAD + "  - {id: e1, person: p1, kind: booked_in, date: 2025}\n"
     "  - {person: p1, kind: correction, date: 2025, supersedes: e1, reason: x}\n", 11, "needs a `replacement`"),
    ("event with neither person nor cohort", HEAD + "  - kind: booked_in\n    date: 2025\n", 10,
     "must name a `person`"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_bad_input_gets_a_message_with_file_line_and_problem(
    tmp_path: Path, case: str, text: str, line: int, message: str
) -> None:
    found = problems(tmp_path, text)
    assert any(message in p for p in found), found
    matching = next(p for p in found if message in p)
    assert matching.startswith(f"{tmp_path / 'case.yaml'}:{line}"), matching


def test_json_files_are_located_by_json_pointer(tmp_path: Path) -> None:
    text = (
        '{"habeas": 1, "people": [{"id": "p1"}], '
        '"events": [{"person": "p1", "kind": "removed", "date": "2025", "x": 1}]}'
    )
    found = problems(tmp_path, text, "case.json")
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'case.json'} at /events/0: unknown key 'x'; allowed here: ")


def test_duplicate_keys_in_json_are_rejected(tmp_path: Path) -> None:
    found = problems(tmp_path, '{"habeas": 1, "habeas": 1}', "case.json")
    assert "appears twice" in found[0]


def test_an_empty_file_is_rejected(tmp_path: Path) -> None:
    assert "the file is empty" in problems(tmp_path, "")[0]
    assert "the file is empty" in problems(tmp_path, "   \n# only a comment\n")[0]


def test_a_file_that_is_not_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    with pytest.raises(CaseFileError, match="not UTF-8 text"):
        parse_casefiles([path])


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    with pytest.raises(CaseFileError, match=r"100 MiB.*limited to 16 MiB"):
        parse_casefiles([path])


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="cannot read the file"):
        parse_casefiles([tmp_path / "nope.yaml"])


def test_references_to_records_already_stored_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "later.yaml"
    path.write_text("habeas: 1\nevents:\n  - {person: stored, kind: booked_in, date: 2025, sources: [s-old]}\n")
    result = parse_casefiles([path], KnownIds(people=frozenset({"stored"}), sources=frozenset({"s-old"})))
    assert [e.person for e in result.events] == ["stored"]


def test_yaml_keeps_dates_as_text_and_country_no_as_norway(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("habeas: 1\npeople:\n  - {id: p1, citizenship: NO}\nevents:\n"
                    "  - {person: p1, kind: removed, date: 2025-03-15, destination: NO}\n")  # fmt: skip
    result = parse_casefiles([path])
    assert result.people[0].citizenship == "NO"
    assert result.events[0].date.text == "2025-03-15"
    assert result.events[0].get("destination") == "NO"


def test_all_problems_in_all_files_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("habeas: 1\nbogus: 1\n")
    (tmp_path / "b.yaml").write_text("habeas: 3\n")
    with pytest.raises(CaseFileError) as info:
        parse_casefiles([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    files = {p.file for p in info.value.problems}
    assert files == {str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")}


def test_event_ids_are_generated_from_content_and_stable(tmp_path: Path) -> None:
    text = HEAD + "  - {person: p1, kind: booked_in, date: 2025-01-02, facility: A}\n"
    (tmp_path / "one.yaml").write_text(text)
    (tmp_path / "two.yaml").write_text(text)
    first = parse_casefiles([tmp_path / "one.yaml"]).events[0].id
    assert first == parse_casefiles([tmp_path / "two.yaml"]).events[0].id
    assert first.startswith("e-")

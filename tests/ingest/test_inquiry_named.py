"""An inquiry_answered names the inquiry it answers when several are open: habeas does not guess which.

With one inquiry open, an answer that names none still answers it. With more than one open
(in the file, or already stored), the import is refused, naming the answer and the open
inquiries. Every person here is fictional.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from habeas.domain.codec import event_from_written
from habeas.domain.proceedings import pending_matters
from habeas.ingest.casefile import CaseFileError, KnownIds, load_document, parse_documents
from habeas.services import track
from habeas.services.track import InvalidInput

PEOPLE = [{"id": "inq-p1", "cohorts": ["inq-c1"]}, {"id": "inq-p2", "cohorts": ["inq-c1"]}]
COHORTS = [{"id": "inq-c1"}]


def asked(ident: str, day: str, **where: str) -> dict[str, Any]:
    return {"id": ident, **(where or {"person": "inq-p1"}), "kind": "inquiry", "date": day, "by": "family"}


def answer(ident: str, day: str, outcome: str = "answered", **fields: str) -> dict[str, Any]:
    where = {k: fields.pop(k) for k in ("person", "cohort") if k in fields} or {"person": "inq-p1"}
    return {"id": ident, **where, "kind": "inquiry_answered", "date": day, "outcome": outcome, **fields}


def doc(*events: dict[str, Any], people: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"habeas": 1, "cohorts": COHORTS, "people": PEOPLE if people is None else people, "events": list(events)}


NOTHING_STORED = KnownIds()


def parse(document: dict[str, Any], name: str = "inquiries.json", known: KnownIds = NOTHING_STORED):  # type: ignore[no-untyped-def]
    data, lines = load_document(name, json.dumps(document).encode())
    return parse_documents([(name, data, lines)], known)


def refused(document: dict[str, Any]) -> list[str]:
    with pytest.raises(CaseFileError) as caught:
        parse(document)
    return [str(p) for p in caught.value.problems]


# -- within a file ----------------------------------------------------------------------------


def test_an_unnamed_answer_with_one_inquiry_open_answers_it() -> None:
    casefile = parse(doc(asked("q1", "2025-01-02"), answer("a1", "2025-01-10")))
    assert pending_matters(casefile.events, date(2025, 2, 1)) == []


def test_an_unnamed_answer_with_two_inquiries_open_is_refused_naming_the_event_and_the_inquiries() -> None:
    found = refused(doc(asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10")))
    (problem,) = found
    assert problem.startswith("inquiries.json at /events/2: ")
    assert "'a1'" in problem and "'q1', 'q2'" in problem and "person 'inq-p1'" in problem
    assert "name the inquiry it answers with `inquiry: ID`" in problem


def test_a_yaml_file_is_refused_at_the_line_of_the_answer() -> None:
    text = (
        "habeas: 1\npeople: [{id: inq-p9}]\nevents:\n"
        "  - {id: q1, person: inq-p9, kind: inquiry, date: 2025-01-02, by: family}\n"
        "  - {id: q2, person: inq-p9, kind: inquiry, date: 2025-01-03, by: congress}\n"
        "  - {id: a1, person: inq-p9, kind: inquiry_answered, date: 2025-01-10, outcome: denied}\n"
    )
    data, lines = load_document("inquiries.yaml", text.encode())
    with pytest.raises(CaseFileError) as caught:
        parse_documents([("inquiries.yaml", data, lines)])
    (problem,) = caught.value.problems
    assert problem.line == 6 and "'q1', 'q2'" in str(problem)


@pytest.mark.parametrize(
    ("events", "why"),
    [
        ([asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10", inquiry="q2")],
         "the answer names its inquiry"),
        ([asked("q1", "2025-01-02"), answer("a1", "2025-01-05"), asked("q2", "2025-01-06"), answer("a2", "2025-01-10")],
         "each answer came while one inquiry was open"),
        ([asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-05", inquiry="q1"),
          answer("a2", "2025-01-10")], "the other inquiry was answered by name first"),
        ([asked("q1", "2025-01-02"), answer("a1", "2025-01-10"), asked("q2", "2025-01-20")],
         "the second inquiry came after the answer"),
        ([asked("q1", "2025-01-02"), asked("q2", "2025-01-03", person="inq-p2"), answer("a1", "2025-01-10")],
         "the other inquiry is about someone else"),
    ],
)  # fmt: skip
def test_an_unnamed_answer_is_taken_when_only_one_inquiry_is_open_at_its_date(events: list[Any], why: str) -> None:
    parse(doc(*events))


@pytest.mark.parametrize("outcome", ["answered", "denied", "no_response"])
def test_an_unnamed_answer_of_any_outcome_is_refused_with_several_open(outcome: str) -> None:
    found = refused(doc(asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10", outcome)))
    assert len(found) == 1 and "'a1'" in found[0]


def test_an_earlier_no_response_leaves_its_inquiry_open() -> None:
    events = [asked("q1", "2025-01-02"), answer("a1", "2025-01-05", "no_response"), asked("q2", "2025-01-06")]
    found = refused(doc(*events, answer("a2", "2025-01-10")))
    assert len(found) == 1 and "'a2'" in found[0] and "'q1', 'q2'" in found[0]


def test_a_cohorts_inquiry_is_open_for_each_member() -> None:
    found = refused(
        doc(asked("q1", "2025-01-02", cohort="inq-c1"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10"))
    )
    assert len(found) == 1 and "'q1', 'q2'" in found[0]


def test_a_cohort_answer_with_a_members_own_inquiry_open_is_refused() -> None:
    events = [asked("q1", "2025-01-02", cohort="inq-c1"), asked("q2", "2025-01-03", person="inq-p2")]
    (problem,) = refused(doc(*events, answer("a1", "2025-01-10", cohort="inq-c1")))
    assert "person 'inq-p2'" in problem and "'q1', 'q2'" in problem


def test_a_correction_putting_an_unnamed_answer_in_place_is_held_to_the_same_rule() -> None:
    events = [asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10", inquiry="q1")]
    correction = {"id": "fix-a1", "person": "inq-p1", "kind": "correction", "date": "2025-01-11",
                  "supersedes": "a1", "reason": "wrong inquiry",
                  "replacement": {"id": "a1-fixed", "kind": "inquiry_answered", "date": "2025-01-10",
                                  "outcome": "answered"}}  # fmt: skip
    (problem,) = refused(doc(*events, correction))
    assert " at /events/3/replacement: " in problem and "'a1-fixed'" in problem


def test_the_store_decides_for_a_stored_person_the_reader_cannot_see_whole() -> None:
    # The file alone shows two open, but the person is stored: what is stored may close one of them.
    known = KnownIds(people=frozenset({"inq-p1"}), cohorts=frozenset({"inq-c1"}))
    events = [asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10")]
    parse(doc(*events, people=[]), known=known)


# -- how pending inquiries are derived --------------------------------------------------------


def _events(*written: dict[str, Any]):  # type: ignore[no-untyped-def]
    return [event_from_written(w) for w in written]


def test_an_answer_stored_unnamed_while_two_were_open_closes_neither() -> None:
    events = _events(asked("q1", "2025-01-02"), asked("q2", "2025-01-03"), answer("a1", "2025-01-10"))
    assert [m.event for m in pending_matters(events, date(2025, 2, 1))] == ["q1", "q2"]


def test_an_answer_naming_no_inquiry_with_one_open_closes_it() -> None:
    events = _events(asked("q1", "2025-01-02"), answer("a1", "2025-01-10"), asked("q2", "2025-01-20"))
    assert [m.event for m in pending_matters(events, date(2025, 2, 1))] == ["q2"]


# -- against what is stored -------------------------------------------------------------------


def _import(ctx, tmp_path, name: str, document: dict[str, Any]):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return track.import_casefiles(ctx, [path])


def test_an_unnamed_answer_is_refused_when_a_stored_inquiry_is_also_open(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "first.json", doc(asked("q1", "2025-01-02")))
    later = doc(asked("q2", "2025-01-03"), answer("a1", "2025-01-10"), people=[])
    with pytest.raises(InvalidInput) as caught:
        _import(ctx, tmp_path, "later.json", later)
    assert "'a1'" in str(caught.value) and "'q1', 'q2'" in str(caught.value) and "`inquiry: ID`" in str(caught.value)
    assert [m["event"] for m in track.whereabouts(ctx, "inq-p1", date(2025, 2, 1)).as_json()["pending"]] == ["q1"]


def test_an_unnamed_answer_to_the_one_stored_inquiry_answers_it(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "first.json", doc(asked("q1", "2025-01-02"), asked("q2", "2025-01-03")))
    _import(ctx, tmp_path, "named.json", doc(answer("a1", "2025-01-05", inquiry="q1"), people=[]))
    summary = _import(ctx, tmp_path, "unnamed.json", doc(answer("a2", "2025-01-10"), people=[]))
    assert summary.added["events"] == 1
    assert track.whereabouts(ctx, "inq-p1", date(2025, 2, 1)).as_json()["pending"] == []


def test_a_stored_cohort_inquiry_counts_for_a_member(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "first.json", doc(asked("q1", "2025-01-02", cohort="inq-c1")))
    later = doc(asked("q2", "2025-01-03", person="inq-p2"), answer("a1", "2025-01-10", person="inq-p2"), people=[])
    with pytest.raises(InvalidInput, match=r"'a1'.*person 'inq-p2'.*'q1', 'q2'"):
        _import(ctx, tmp_path, "later.json", later)


def test_a_cohort_answer_counts_a_stored_members_own_inquiry(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "first.json", doc(asked("q1", "2025-01-02", person="inq-p2")))
    later = doc(asked("q2", "2025-01-03", cohort="inq-c1"), answer("a1", "2025-01-10", cohort="inq-c1"), people=[])
    with pytest.raises(InvalidInput, match=r"'a1'.*person 'inq-p2'.*'q1', 'q2'"):
        _import(ctx, tmp_path, "later.json", later)


def test_a_file_imported_again_with_its_answers_is_still_nothing_new(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = doc(asked("q1", "2025-01-02"), answer("a1", "2025-01-05"), asked("q2", "2025-01-06"))
    _import(ctx, tmp_path, "first.json", document)
    assert _import(ctx, tmp_path, "again.json", document).nothing_new

"""find_candidates on small synthetic lists with known truth (DuckDB): what a reviewer is shown, and refusals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import combinations

import pytest

from habeas.linkage.engine import DEFAULT_THRESHOLD, LinkageError, find_candidates
from habeas.linkage.names import normalize_name
from habeas.linkage.types import LinkRecord, LinkResult, RecordRef
from habeas.synth.lists import SyntheticLists, synthetic_lists

FIELDS = ("name", "birth", "citizenship", "sex", "custody")


@pytest.fixture(scope="module")
def lists() -> SyntheticLists:
    return synthetic_lists(150, 3, seed=11, release=True)


@pytest.fixture(scope="module")
def linked(lists: SyntheticLists) -> LinkResult:
    return find_candidates(lists.records)


def true_pairs(lists: SyntheticLists, *, named: bool) -> set[tuple[RecordRef, RecordRef]]:
    by_person = defaultdict(list)
    for ref, person in lists.truth.items():
        by_person[person].append(ref)
    pairs = set()
    for refs in by_person.values():
        for a, b in combinations(sorted(refs), 2):
            if a.source != b.source and ((lists.release not in (a.source, b.source)) == named):
                pairs.add((a, b))
    return pairs


def test_candidates_link_the_same_people_across_lists(lists: SyntheticLists, linked: LinkResult) -> None:
    named = [c for c in linked.candidates if lists.release not in (c.left.source, c.right.source)]
    right = sum(lists.truth[c.left] == lists.truth[c.right] for c in named)
    assert right / len(named) >= 0.97  # precision
    assert right / len(true_pairs(lists, named=True)) >= 0.85  # recall, on a small set with 30% of records mistaken


def test_candidates_are_across_sources_above_the_threshold_most_probable_first(linked: LinkResult) -> None:
    assert linked.threshold == DEFAULT_THRESHOLD and linked.engine == "duckdb"
    assert linked.candidates
    probabilities = [c.probability for c in linked.candidates]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(DEFAULT_THRESHOLD <= p <= 1 for p in probabilities)
    assert all(c.left.source != c.right.source and c.left < c.right for c in linked.candidates)
    assert linked.pairs_compared >= len(linked.candidates)


def test_every_candidate_explains_every_field_without_repeating_names(
    lists: SyntheticLists, linked: LinkResult
) -> None:
    records = {r.ref: r for r in lists.records}
    for candidate in linked.candidates:
        assert tuple(c.field for c in candidate.comparisons) == FIELDS
        for comparison in candidate.comparisons:
            assert comparison.detail and comparison.bayes_factor > 0
            assert comparison.level in ("exact", "close", "partial", "differs", "missing")
        words = set()
        for ref in (candidate.left, candidate.right):
            r = records[ref]
            words |= normalize_name(r.full_name, r.given_names, r.surnames).word_set
        details = " ".join(c.detail.lower() for c in candidate.comparisons)
        assert not {w for w in words if len(w) > 3 and w in details.split()}  # no name word is echoed
        name = candidate.comparisons[0]
        if lists.release in (candidate.left.source, candidate.right.source):
            assert name.level == "missing" and candidate.comparisons[4].level == "exact"  # custody carries it
        else:
            assert name.level in ("exact", "close", "partial")


def test_a_higher_threshold_keeps_only_the_more_probable_candidates(lists: SyntheticLists) -> None:
    few = synthetic_lists(60, 2, seed=5)
    low = find_candidates(few.records, threshold=0.05)
    high = find_candidates(few.records, threshold=0.95)
    assert all(c.probability >= 0.95 for c in high.candidates)
    kept = {(c.left, c.right): c.probability for c in low.candidates if c.probability >= 0.95}
    assert {(c.left, c.right): c.probability for c in high.candidates} == pytest.approx(kept)
    assert len(low.candidates) > len(high.candidates)


def test_anonymized_rows_are_compared_on_attributes_only() -> None:
    lists = synthetic_lists(60, 2, seed=8, release=True)
    plain = find_candidates(lists.records, threshold=0.01)
    anonymized = [c for c in plain.candidates if lists.release in (c.left.source, c.right.source)]
    assert anonymized  # at a threshold this low, some attribute-only pairs are scored
    for candidate in anonymized:
        name = candidate.comparisons[0]
        assert (name.field, name.level, name.bayes_factor) == ("name", "missing", 1.0)
        assert lists.release not in (candidate.left.source, candidate.right.source) or (
            candidate.left.source != candidate.right.source
        )
    # A release row carrying a name by mistake is still not compared on it.
    named_by_mistake = tuple(
        replace(r, full_name="José Luis Pérez González") if not r.named else r for r in lists.records
    )
    mistaken = find_candidates(named_by_mistake, threshold=0.01)
    assert [(c.left, c.right, round(c.probability, 9)) for c in mistaken.candidates] == [
        (c.left, c.right, round(c.probability, 9)) for c in plain.candidates
    ]


def test_anonymized_rows_are_never_paired_with_each_other() -> None:
    lists = synthetic_lists(60, 2, seed=8, release=True)
    second = tuple(replace(r, ref=RecordRef("release-2", r.ref.record_id)) for r in lists.records if not r.named)
    result = find_candidates((*lists.records, *second), threshold=0.01)
    releases = {"release", "release-2"}
    assert not [c for c in result.candidates if {c.left.source, c.right.source} <= releases]


def test_within_sources_finds_a_list_duplicate() -> None:
    lists = synthetic_lists(80, 1, seed=3, inclusion=1.0, corruption=0.0)
    first = lists.records[0]
    copy = replace(first, ref=RecordRef(first.ref.source, "copy"), full_name=(first.full_name or "").upper())
    result = find_candidates((*lists.records, copy), within_sources=True)
    assert (first.ref, copy.ref) in {(c.left, c.right) for c in result.candidates} or (copy.ref, first.ref) in {
        (c.left, c.right) for c in result.candidates
    }


def record(source: str, record_id: str, **fields: object) -> LinkRecord:
    return LinkRecord(RecordRef(source, record_id), **fields)  # type: ignore[arg-type]  # fields by name in tests


@pytest.mark.parametrize(
    ("records", "kwargs", "message"),
    [
        ([record("a", "1", full_name="Ana Díaz"), record("a", "2", full_name="Ana Diaz")], {}, "at least two sources"),
        ([record("a", "1", full_name="Ana Díaz"), record("b", "7")], {}, "record 7 of b has none of the fields"),
        (
            [record("a", "1", named=False, birth_year=1990), record("b", "2", named=False, birth_year=1990)],
            {},
            "no record has a name",
        ),
        (
            [record("a", "1", full_name="Ana Díaz"), record("a", "1", full_name="Ana Díaz"), record("b", "1")],
            {},
            "appears twice",
        ),
        ([record("a", "1", full_name="A B"), record("b", "1", full_name="A B")], {"threshold": 0.0}, "threshold"),
        (
            [record("a", "1", full_name="A B"), record("b", "1", full_name="A B")],
            {"engine": "sqlite"},
            "unknown engine",
        ),
    ],
)
def test_bad_input_is_refused_in_words(records: list[LinkRecord], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(LinkageError, match=message):
        find_candidates(records, **kwargs)  # type: ignore[arg-type]  # wrong values on purpose


def test_one_named_record_and_one_release_row_are_linked_without_error() -> None:
    records = [record("a", "1", full_name="Ana Díaz", birth_year=1990), record("r", "x", named=False, birth_year=1990)]
    result = find_candidates(records)
    assert result.records == 2 and all(c.comparisons[0].level == "missing" for c in result.candidates)


def test_a_record_with_only_an_anonymized_name_has_nothing_to_compare() -> None:
    records = [record("a", "1", full_name="Ana Díaz", birth_year=1990), record("r", "x", named=False, full_name="Ana")]
    with pytest.raises(LinkageError, match="record x of r has none of the fields linkage compares"):
        find_candidates(records)


def test_splink_says_nothing_unless_progress_is_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    lists = synthetic_lists(40, 2, seed=2)
    find_candidates(lists.records)
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    messages: list[str] = []
    find_candidates(lists.records, progress=messages.append)
    assert any("blocking" in m for m in messages) and any("expectation maximisation" in m for m in messages)

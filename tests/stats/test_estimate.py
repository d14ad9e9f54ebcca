"""Multiple systems estimation: published estimates reproduced, refusals explained, intervals that cover."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.stats.estimate import Estimate, EstimateError, estimate_total, hierarchical_models

PUBLISHED = json.loads((Path(__file__).parent / "data" / "published_mse.json").read_text(encoding="utf-8"))


def _histories(raw: dict[str, int]) -> dict[frozenset[str], int]:
    return {frozenset(key.split("+")): count for key, count in raw.items()}


def _model(estimate: Estimate, lists: list[str], interactions: list[str]) -> Any:
    wanted = (*lists, *interactions)
    found = [m for m in estimate.models if sorted(m.terms) == sorted(wanted)]
    assert len(found) == 1, f"no model {wanted}"
    return found[0]


def _r_round(value: float, digits: int) -> float:
    return round(value, digits)  # Python and R both round half to even


CASES = [(d, m) for d in PUBLISHED["datasets"] for m in d["models"]]


@pytest.mark.parametrize(
    "dataset, published", CASES, ids=lambda x: x.get("name", "+".join(x.get("terms", [])) or "indep")
)
def test_each_model_reproduces_its_published_estimate(dataset: dict[str, Any], published: dict[str, Any]) -> None:
    estimate = estimate_total(dataset["lists"], _histories(dataset["histories"]), criterion="aic")
    model = _model(estimate, dataset["lists"], published["terms"])
    if "total" in published:
        assert _r_round(model.total, 0) == published["total"]
    if "stderr" in published:
        assert _r_round(model.stderr, 0) == published["stderr"]
    if "deviance" in published:
        digits = len(str(published["deviance"]).split(".")[1])
        assert _r_round(model.deviance, digits) == pytest.approx(published["deviance"])
    if "df" in published:
        assert model.df == published["df"]


def _abc(**cells: int) -> dict[frozenset[str], int]:
    return {frozenset(key): count for key, count in cells.items()}


FULL = _abc(A=60, B=50, C=40, AB=20, AC=15, BC=12, ABC=6)


@pytest.mark.parametrize("lists", [["A", "B"], ["A", "B", "C", "D", "E", "F", "G"]], ids=["two", "seven"])
def test_fewer_than_three_or_more_than_six_lists_are_refused(lists: list[str]) -> None:
    histories = {frozenset(lists[:2]): 5, frozenset(lists[:1]): 10, frozenset(lists[1:2]): 8}
    with pytest.raises(EstimateError, match=f"{len(lists)} lists given: .* from 3 to 6 lists"):
        estimate_total(lists, histories)


def test_a_list_no_one_is_on_is_named_in_the_refusal() -> None:
    with pytest.raises(EstimateError, match="no one is on list D"):
        estimate_total(["A", "B", "C", "D"], FULL)


def test_a_list_that_overlaps_no_other_is_refused() -> None:
    with pytest.raises(EstimateError, match="no one on list C is on any other list"):
        estimate_total(["A", "B", "C"], _abc(A=30, B=20, C=25, AB=10))


def test_lists_that_share_no_one_are_too_sparse_to_estimate() -> None:
    with pytest.raises(EstimateError, match="no one is on more than one list: every overlap is empty"):
        estimate_total(["A", "B", "C"], _abc(A=30, B=20, C=25))


def test_an_empty_overlap_is_named_and_its_models_are_left_out() -> None:
    sparse = _abc(A=60, B=50, C=40, AC=15, BC=12)  # no one on both A and B
    estimate = estimate_total(["A", "B", "C"], sparse)
    assert any("no one is on both A and B" in w and "left out" in w for w in estimate.warnings)
    assert all("A*B" not in m.terms for m in estimate.models)
    assert estimate.models  # the models without A*B still give an estimate


def test_histories_must_name_the_lists_given() -> None:
    with pytest.raises(EstimateError, match="names Z, not among the lists"):
        estimate_total(["A", "B", "C"], {**FULL, frozenset("Z"): 3})
    with pytest.raises(EstimateError, match="at least one list"):
        estimate_total(["A", "B", "C"], {**FULL, frozenset(): 3})
    with pytest.raises(EstimateError, match="the count of people on A\\+B must be a whole number"):
        estimate_total(["A", "B", "C"], {**FULL, frozenset("AB"): -2})


def test_counts_may_be_numpy_integers() -> None:
    as_numpy = {history: np.int64(count) for history, count in FULL.items()}
    assert estimate_total(["A", "B", "C"], as_numpy) == estimate_total(["A", "B", "C"], FULL)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 80), min_size=7, max_size=7), st.sampled_from(["aic", "bic"]))
def test_the_estimate_and_its_interval_never_fall_below_the_documented_count(counts: list[int], criterion: str) -> None:
    histories = dict(zip([frozenset(k) for k in ("A", "B", "C", "AB", "AC", "BC", "ABC")], counts, strict=True))
    estimate = estimate_total(["A", "B", "C"], histories, criterion=criterion)  # type: ignore[arg-type]
    assert estimate.documented == sum(counts)
    assert estimate.documented <= estimate.low <= estimate.total <= estimate.high
    assert estimate.undocumented == pytest.approx(estimate.total - estimate.documented)
    assert all(m.total >= estimate.documented for m in estimate.models)
    assert math.isclose(sum(m.weight for m in estimate.models), 1.0)


def test_models_are_hierarchical_with_main_effects_and_never_the_k_way_term() -> None:
    lists = ["A", "B", "C", "D"]
    models = hierarchical_models(lists, 3)
    assert len(models) == len(set(models))
    for terms in models:
        for term in terms:
            assert 2 <= len(term) <= 3
            if len(term) == 3:
                assert all(frozenset(pair) in terms for pair in _pairs(term)), f"{term} without its two-way terms"
    # 3 lists: the 2^3 subsets of the three two-way terms; 4 lists: the 113 hierarchical models below ABCD.
    assert len(hierarchical_models(["A", "B", "C"], 2)) == 8
    assert len(models) == 113
    estimate = estimate_total(["A", "B", "C"], FULL)
    assert all({"A", "B", "C"} <= set(m.terms) and "A*B*C" not in m.terms for m in estimate.models)


def _pairs(term: frozenset[str]) -> list[tuple[str, ...]]:
    items = sorted(term)
    return [(a, b) for i, a in enumerate(items) for b in items[i + 1 :]]


@pytest.mark.slow  # fits 1,024 models and enumerates 1,941: a few seconds
def test_five_and_six_lists_model_two_way_interactions_only_and_say_so() -> None:
    assert all(len(t) == 2 for terms in hierarchical_models(list("ABCDE"), 2) for t in terms)
    assert len(hierarchical_models(list("ABCDE"), 2)) == 2**10
    six = hierarchical_models(list("ABCDEF"), 2)
    assert max(len(terms) for terms in six) == 4
    rng = np.random.default_rng(6)
    estimate = estimate_total(list("ABCDE"), _simulate(rng, list("ABCDE"), 600, (0.3, 0.3, 0.25, 0.25, 0.2)))
    assert any("only two-way interactions" in w for w in estimate.warnings)


def test_the_same_histories_and_seed_give_the_same_estimate() -> None:
    first = estimate_total(["A", "B", "C"], FULL, seed=7)
    again = estimate_total(["A", "B", "C"], dict(reversed(list(FULL.items()))), seed=7)
    assert first == again


def test_the_assumptions_are_stated_beside_the_figure() -> None:
    estimate = estimate_total(["A", "B", "C"], FULL)
    text = " ".join(estimate.assumptions).lower()
    for assumption in ("closed population", "false links", "heterogeneity", "interaction terms"):
        assert assumption in text
    assert estimate.level == 0.95 and estimate.criterion == "bic"


def _simulate(rng: np.random.Generator, lists: list[str], population: int, p: tuple[float, ...],
              lift: float = 1.0) -> dict[frozenset[str], int]:  # fmt: skip
    """Each person on each list with its probability; being on the first list makes the second ``lift`` x likelier."""
    on = rng.random((population, len(p))) < np.array(p)
    if lift != 1.0:
        second = np.where(on[:, 0], p[1] * lift, p[1] * (1 - p[0] * lift) / (1 - p[0]))
        on[:, 1] = rng.random(population) < second
    seen = on[on.any(axis=1)]
    return dict(Counter(frozenset(n for n, hit in zip(lists, row, strict=True) if hit) for row in seen))


@pytest.mark.parametrize("lift", [1.0, 2.0], ids=["independent", "dependent"])
def test_the_interval_covers_the_true_total_in_simulations(lift: float) -> None:
    rng = np.random.default_rng(40)
    lists, population = ["A", "B", "C"], 800
    covered = 0
    for _ in range(40):
        estimate = estimate_total(lists, _simulate(rng, lists, population, (0.3, 0.25, 0.2), lift))
        covered += estimate.low <= population <= estimate.high
    assert covered >= 34, f"covered {covered} of 40"  # 85%


def test_max_interaction_one_fits_the_independence_model_alone() -> None:
    estimate = estimate_total(["A", "B", "C"], FULL, max_interaction=1)
    assert [m.terms for m in estimate.models] == [("A", "B", "C")]
    assert estimate.models[0].weight == 1.0
    with pytest.raises(EstimateError, match="max_interaction must be from 1 to 2"):
        estimate_total(["A", "B", "C"], FULL, max_interaction=3)
    five = {**{frozenset(n): 20 for n in "ABCDE"}, **{frozenset(p): 5 for p in ("AB", "BC", "CD", "DE", "EA")}}
    with pytest.raises(EstimateError, match="only two-way interactions can be modelled"):
        estimate_total(list("ABCDE"), five, max_interaction=3)


@pytest.mark.parametrize(
    "options, message",
    [({"criterion": "cp"}, "criterion must be 'aic' or 'bic'"), ({"level": 1.5}, "level must be between 0 and 1")],
)
def test_bad_options_are_refused_in_words(options: dict[str, Any], message: str) -> None:
    with pytest.raises(EstimateError, match=message):
        estimate_total(["A", "B", "C"], FULL, **options)


def test_a_history_held_by_very_few_people_is_flagged() -> None:
    estimate = estimate_total(["A", "B", "C"], {**FULL, frozenset("ABC"): 1})
    assert any("fewer than 3 people in A+B+C only" in w for w in estimate.warnings)
    assert not any("fewer than 3" in w for w in estimate_total(["A", "B", "C"], FULL).warnings)


def test_aic_and_bic_weigh_the_same_models_differently() -> None:
    dependent = _abc(A=300, B=250, C=200, AB=160, AC=60, BC=50, ABC=30)
    by_aic = estimate_total(["A", "B", "C"], dependent, criterion="aic")
    by_bic = estimate_total(["A", "B", "C"], dependent, criterion="bic")
    assert {m.terms for m in by_aic.models} == {m.terms for m in by_bic.models}
    assert by_aic.criterion == "aic" and by_bic.criterion == "bic"
    assert by_aic.models != by_bic.models


def test_importing_the_module_loads_no_numerical_library() -> None:
    probe = "import sys, habeas.stats.estimate; print(sorted({'numpy', 'scipy', 'statsmodels'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

"""Wilson intervals and quantiles (pure core): published values, and properties that must always hold."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.stats.intervals import median, quantile, share, wilson_interval


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),  # Newcombe (1998), table I
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),  # Newcombe's worked example: 81/263
        (0, 0, 0.0, 1.0),  # no observations: nothing is known
    ],
)
def test_wilson_interval_matches_published_values(count: int, total: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(count, total)
    assert (round(got_low, 4), round(got_high, 4)) == (low, high)


@given(st.integers(0, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_share_and_stays_in_zero_one(counts: tuple[int, int]) -> None:
    count, total = counts
    low, high = wilson_interval(count, total)
    assert 0.0 <= low <= high <= 1.0
    if total:
        assert low <= count / total <= high


@given(st.integers(1, 5_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_is_symmetric_in_success_and_failure(counts: tuple[int, int]) -> None:
    count, total = counts
    low, high = wilson_interval(count, total)
    other_low, other_high = wilson_interval(total - count, total)
    assert low == pytest.approx(1 - other_high, abs=1e-12)
    assert high == pytest.approx(1 - other_low, abs=1e-12)


def test_wider_confidence_gives_a_wider_interval() -> None:
    narrow, wide = wilson_interval(30, 100, 0.9), wilson_interval(30, 100, 0.99)
    assert wide[0] < narrow[0] and narrow[1] < wide[1]


@pytest.mark.parametrize(("count", "total"), [(-1, 10), (11, 10), (1, -1)])
def test_impossible_counts_are_refused(count: int, total: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(count, total)


def test_share_says_what_it_is() -> None:
    text = str(share(75, 100))
    assert text.startswith("75.0% (75 of 100; 95% CI 65.7–82.5%)")


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200), st.floats(0, 1))
def test_quantile_matches_numpy_linear_interpolation(values: list[float], q: float) -> None:
    ordered = sorted(values)
    assert quantile(ordered, q) == pytest.approx(float(np.quantile(ordered, q)), rel=1e-9, abs=1e-6)


def test_quantile_of_nothing_is_none_and_median_of_two_is_their_mean() -> None:
    assert quantile([], 0.5) is None
    assert median([1.0, 4.0]) == 2.5

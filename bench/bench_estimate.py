"""Multiple systems estimation on simulated lists: does the interval cover the true total?

    .venv/bin/python bench/bench_estimate.py                   # 200 simulations per scenario
    .venv/bin/python bench/bench_estimate.py --simulations 50  # quicker, rougher

Each scenario draws a known population, puts each person on each list with the
scenario's probabilities, and gives habeas only the capture histories of the people
documented. For each scenario it prints, for habeas (hierarchical log-linear models,
BIC weights, model-averaged interval) and for the baseline on the same draws (the
independence model alone: Lincoln–Petersen generalised to k lists), the share of 95%
intervals that contain the true total, the mean relative error of the point estimate
and the mean width of the interval relative to the true total.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from habeas.stats.estimate import EstimateError, estimate_total

Draw = Callable[[np.random.Generator], np.ndarray]  # people x lists, True where a person is on a list


@dataclass(frozen=True)
class Scenario:
    name: str
    lists: tuple[str, ...]
    population: int
    draw: Draw


def independent(population: int, p: tuple[float, ...]) -> Draw:
    return lambda rng: rng.random((population, len(p))) < np.array(p)


def dependent(population: int, p: tuple[float, ...], lift: float) -> Draw:
    """Being on the first list makes the second ``lift`` times likelier (referrals from one to the other)."""

    def draw(rng: np.random.Generator) -> np.ndarray:
        on = rng.random((population, len(p))) < np.array(p)
        second = np.where(on[:, 0], min(1.0, p[1] * lift), p[1] * (1 - p[0] * lift) / (1 - p[0]))
        on[:, 1] = rng.random(population) < second
        return on

    return draw


def heterogeneous(population: int, p: tuple[float, ...], spread: float) -> Draw:
    """Each person's visibility varies (logit-normal, sd ``spread``), the same for every list."""
    logits = np.log(np.array(p) / (1 - np.array(p)))

    def draw(rng: np.random.Generator) -> np.ndarray:
        person = rng.normal(0.0, spread, size=(population, 1))
        chance = 1 / (1 + np.exp(-(logits + person)))
        return rng.random(chance.shape) < chance

    return draw


def two_groups(population: int, share: float, first: tuple[float, ...], second: tuple[float, ...]) -> Draw:
    """Two kinds of people, each list reaching them differently (a hotline reaches one, court records the other)."""

    def draw(rng: np.random.Generator) -> np.ndarray:
        member = rng.random(population) < share
        chance = np.where(member[:, None], np.array(first), np.array(second))
        return rng.random(chance.shape) < chance

    return draw


SCENARIOS = (
    Scenario("3 lists, independent", ("A", "B", "C"), 1000, independent(1000, (0.3, 0.25, 0.2))),
    Scenario("3 lists, A and B dependent (x2)", ("A", "B", "C"), 1000, dependent(1000, (0.3, 0.25, 0.2), 2.0)),
    Scenario("3 lists, heterogeneous (sd 0.7)", ("A", "B", "C"), 1000, heterogeneous(1000, (0.3, 0.25, 0.2), 0.7)),
    Scenario(
        "3 lists, two groups reached differently",
        ("A", "B", "C"),
        1000,
        two_groups(1000, 0.4, (0.45, 0.35, 0.1), (0.15, 0.15, 0.3)),
    ),
    Scenario(
        "4 lists, A and B dependent (x2)", ("A", "B", "C", "D"), 1000, dependent(1000, (0.3, 0.25, 0.2, 0.2), 2.0)
    ),
)


def histories(on: np.ndarray, lists: tuple[str, ...]) -> dict[frozenset[str], int]:
    seen = on[on.any(axis=1)]
    return dict(Counter(frozenset(n for n, hit in zip(lists, row, strict=True) if hit) for row in seen))


@dataclass
class Tally:
    covered: int = 0
    runs: int = 0
    refused: int = 0
    error: float = 0.0
    width: float = 0.0
    seconds: float = 0.0

    def add(self, truth: int, fit: Callable[[], tuple[float, float, float]]) -> None:
        started = time.perf_counter()
        try:
            total, low, high = fit()
        except EstimateError:
            self.refused += 1
            return
        finally:
            self.seconds += time.perf_counter() - started
        self.runs += 1
        self.covered += low <= truth <= high
        self.error += abs(total - truth) / truth
        self.width += (high - low) / truth

    def line(self, label: str) -> str:
        n = max(self.runs, 1)
        return (f"  {label:<28} coverage {100 * self.covered / n:5.1f}%   mean |error| {100 * self.error / n:5.1f}%   "
                f"mean width {100 * self.width / n:6.1f}% of N   {1000 * self.seconds / n:6.1f} ms/estimate"
                + (f"   refused {self.refused}" if self.refused else ""))  # fmt: skip


def run(scenario: Scenario, simulations: int, seed: int) -> tuple[Tally, Tally]:
    rng = np.random.default_rng(seed)
    ours, baseline = Tally(), Tally()
    for _ in range(simulations):
        seen = histories(scenario.draw(rng), scenario.lists)

        def averaged(seen: dict[frozenset[str], int] = seen) -> tuple[float, float, float]:
            e = estimate_total(scenario.lists, seen)
            return e.total, e.low, e.high

        def independence(seen: dict[frozenset[str], int] = seen) -> tuple[float, float, float]:
            e = estimate_total(scenario.lists, seen, max_interaction=1)
            return e.total, e.low, e.high

        ours.add(scenario.population, averaged)
        baseline.add(scenario.population, independence)
    return ours, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--simulations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    estimate_total(("A", "B", "C"), {frozenset("A"): 5, frozenset("AB"): 2, frozenset("BC"): 2, frozenset("C"): 4})
    failed = []
    for index, scenario in enumerate(SCENARIOS):
        ours, baseline = run(scenario, args.simulations, args.seed + index)
        print(f"{scenario.name}: true total {scenario.population:,}, {args.simulations} simulations")
        print(ours.line("habeas (model average, BIC)"))
        print(baseline.line("baseline (independence)"))
        if ours.covered < 0.9 * ours.runs:
            failed.append(scenario.name)
    if failed:
        raise SystemExit(f"coverage below 90% in: {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""Shares with their uncertainty (Wilson score intervals) and quantiles of durations: pure arithmetic."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Share:
    """``count`` of ``total`` with its Wilson score interval at ``confidence``."""

    count: int
    total: int
    low: float
    high: float
    confidence: float = DEFAULT_CONFIDENCE

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None

    def as_json(self) -> dict[str, float | int | None]:
        return {
            "count": self.count,
            "total": self.total,
            "share": self.value,
            "low": self.low,
            "high": self.high,
            "confidence": self.confidence,
        }

    def __str__(self) -> str:
        if not self.total:
            return "0 of 0 (no data)"
        pct = 100 * self.count / self.total
        interval = f"{round(self.confidence * 100)}% CI {100 * self.low:.1f}–{100 * self.high:.1f}%"
        return f"{pct:.1f}% ({self.count} of {self.total}; {interval})"


def z_score(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 for 95%."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(count: int, total: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``count / total``.

    Unlike the normal ("Wald") interval it stays inside [0, 1] and is honest for
    small groups and for shares near 0 or 1. With no observations it is [0, 1].
    """
    if total < 0 or count < 0 or count > total:
        raise ValueError(f"need 0 <= count <= total, got {count} of {total}")
    if total == 0:
        return 0.0, 1.0
    z = z_score(confidence)
    p = count / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    # At the edges the exact bound is 0 or 1; rounding must not push it past them or past p.
    low = 0.0 if count == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if count == total else min(1.0, max(p, centre + half))
    return low, high


def share(count: int, total: int, confidence: float = DEFAULT_CONFIDENCE) -> Share:
    low, high = wilson_interval(count, total, confidence)
    return Share(count, total, low, high, confidence)


def quantile(sorted_values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between order statistics (pandas' and numpy's default).

    ``sorted_values`` must be in ascending order; an empty sequence has no quantile.
    """
    if not 0 <= q <= 1:
        raise ValueError(f"q must be between 0 and 1, not {q}")
    n = len(sorted_values)
    if n == 0:
        return None
    position = (n - 1) * q
    below = math.floor(position)
    above = min(below + 1, n - 1)
    fraction = position - below
    return float(sorted_values[below]) + (float(sorted_values[above]) - float(sorted_values[below])) * fraction


def median(sorted_values: Sequence[float]) -> float | None:
    return quantile(sorted_values, 0.5)

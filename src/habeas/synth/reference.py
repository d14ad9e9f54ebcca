"""The reference values synthetic records are drawn from (data.yaml), and weighted draws."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml


@cache
def reference() -> dict[str, Any]:
    text = resources.files("habeas.synth").joinpath("data.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def draw(rng: np.random.Generator, weighted: dict[str, float], size: int) -> np.ndarray:
    """``size`` values drawn from {value: weight}."""
    values = np.array(list(weighted), dtype=object)
    weights = np.array(list(weighted.values()), dtype=float)
    return values[rng.choice(len(values), size=size, p=weights / weights.sum())]


def draw_index(rng: np.random.Generator, weights: list[float], size: int) -> np.ndarray:
    """``size`` indices into a list drawn with the given weights."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=size, p=w / w.sum())

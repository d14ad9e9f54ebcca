"""Multiple systems estimation: how many people the lists missed, from how the lists overlap; pure, no I/O.

Each person documented is on one or more of k lists; how many people share each
capture history (the set of lists they are on) fills 2^k − 1 cells of a 2^k table
whose last cell, the people on no list, is missing. A log-linear model of the table
(Fienberg 1972; Bishop, Fienberg & Holland 1975, ch. 6) is fitted as a Poisson GLM
to the observed cells, and the model's intercept is the log of the missing cell.

Every hierarchical model is fitted (the main effects always in, a term only with all
its lower-order terms, the k-way interaction never: it is not identifiable), those
whose maximum-likelihood estimate does not exist are set aside (Haberman 1974), the
rest are weighted by an information criterion (Akaike weights, Buckland, Burnham &
Augustin 1997) and their estimates averaged. The interval is Buckland et al.'s
unconditional standard error, which adds the spread between the models to each
model's own, set on the log scale of the undocumented count (Chao 1989), so that it
never reaches below the documented count and is skewed upwards as such counts are.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # numpy, scipy and statsmodels load only when an estimate is made: the CLI starts without them
    import numpy as np

MIN_LISTS = 3
MAX_LISTS = 6
# With 5 or 6 lists the hierarchical models number in the tens of thousands: only
# two-way interactions are considered, and with 6 lists at most four at once.
PAIRS_ONLY_FROM = 5
MAX_PAIRS_AT_ONCE = {6: 4}
UNSTABLE_RATIO = 10.0  # a model estimating more than ten times the documented count is flagged

ASSUMPTIONS = (
    "Closed population: the same people could have been on every list (no one arrived or left between them).",
    "No false links and no missed links: each person's records on different lists were matched correctly.",
    "Lists depend on one another only through the interaction terms in the models; dependence of a form "
    "no model includes (the k-way interaction) biases the estimate, in a direction the data cannot show.",
    "Heterogeneity: people who are easy to document are on several lists; what the interaction terms do "
    "not absorb of it makes the estimate too low.",
    "Every person could have been on every list: a list that by design cannot include some people "
    "(by place, period or kind of case) says nothing about them.",
)


class EstimateError(ValueError):
    """The lists cannot give an estimate; the message says why, in words for a user."""


@dataclass(frozen=True)
class FittedModel:
    """One log-linear model: its terms ("A", "A*B"), fit, criterion, weight in the average and estimate."""

    terms: tuple[str, ...]
    ic: float
    weight: float
    total: float
    deviance: float
    df: int
    stderr: float = 0.0  # of ``total``, given the model


@dataclass(frozen=True)
class Estimate:
    """The whole population's model-averaged size, its interval at ``level``, and what it rests on."""

    documented: int
    total: float
    undocumented: float
    low: float
    high: float
    level: float
    criterion: str
    models: tuple[FittedModel, ...]  # best first
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]


Term = frozenset[str]


def _term_name(term: Term, order: Sequence[str]) -> str:
    return "*".join(name for name in order if name in term)


def hierarchical_models(lists: Sequence[str], max_interaction: int) -> list[tuple[Term, ...]]:
    """Every hierarchical set of interaction terms up to ``max_interaction`` lists (main effects implied).

    A term is added only when all its sub-terms of two or more lists are in, so the
    sets come out closed downwards; the empty set is the independence model.
    """
    k = len(lists)
    cap = MAX_PAIRS_AT_ONCE.get(k)
    candidates = [frozenset(c) for size in range(2, max_interaction + 1) for c in combinations(lists, size)]
    models: list[tuple[Term, ...]] = []

    def extend(chosen: tuple[Term, ...], start: int) -> None:
        models.append(chosen)
        for i in range(start, len(candidates)):
            term = candidates[i]
            below = [frozenset(s) for s in combinations(sorted(term), len(term) - 1)] if len(term) > 2 else []
            if all(b in chosen for b in below) and (cap is None or len(chosen) < cap):
                extend((*chosen, term), i + 1)

    # Candidates are ordered by size, so every sub-term is considered before the terms above it.
    extend((), 0)
    return models


def _cells(k: int) -> np.ndarray[Any, np.dtype[np.int_]]:
    """The 2^k − 1 observed capture histories as rows of 0/1, one column per list."""
    import numpy as np

    return np.array([[(code >> (k - 1 - j)) & 1 for j in range(k)] for code in range(1, 2**k)], dtype=int)


def _design(cells: np.ndarray[Any, Any], lists: Sequence[str], terms: Sequence[Term]) -> np.ndarray[Any, Any]:
    import numpy as np

    index = {name: j for j, name in enumerate(lists)}
    columns = [np.ones(len(cells)), *(cells[:, j].astype(float) for j in range(len(lists)))]
    for term in terms:
        columns.append(np.prod([cells[:, index[name]] for name in term], axis=0).astype(float))
    return np.column_stack(columns)


def _mle_exists(design: np.ndarray[Any, Any], counts: np.ndarray[Any, Any]) -> bool:
    """Whether the Poisson log-linear MLE is finite: some strictly positive table has the same margins.

    Haberman (1974, The Analysis of Frequency Data): the MLE exists if and only if a vector m > 0 has
    design' m = design' n. Solved as a linear programme: maximise t with m >= t.
    """
    if (counts > 0).all():
        return True
    import numpy as np
    from scipy.optimize import linprog

    cells = len(counts)
    objective = np.zeros(cells + 1)
    objective[-1] = -1.0
    equality = np.hstack([design.T, np.zeros((design.shape[1], 1))])
    upper = np.hstack([-np.eye(cells), np.ones((cells, 1))])  # t - m_i <= 0
    bounds = [(0, None)] * cells + [(0, 1)]
    done = linprog(objective, A_ub=upper, b_ub=np.zeros(cells), A_eq=equality, b_eq=design.T @ counts,
                   bounds=bounds, method="highs")  # fmt: skip
    return bool(done.status == 0 and -done.fun > 1e-9)


@dataclass(frozen=True)
class _Fit:
    terms: tuple[Term, ...]
    undocumented: float
    variance: float  # of the undocumented count's estimate, given the model
    deviance: float
    df: int
    loglik: float
    parameters: int
    converged: bool


def _fit(counts: np.ndarray[Any, Any], design: np.ndarray[Any, Any], terms: tuple[Term, ...]) -> _Fit:
    import statsmodels.api as sm

    with warnings.catch_warnings():
        # Near the boundary statsmodels warns; the fit is judged below, by convergence and size.
        warnings.simplefilter("ignore")
        result = sm.GLM(counts, design, family=sm.families.Poisson()).fit(maxiter=100)
    intercept = float(result.params[0])
    undocumented = math.exp(min(intercept, 700.0))
    # Delta method for exp(intercept), plus the Poisson variation of the missing cell itself:
    # the variance of N-hat - N (Bishop, Fienberg & Holland 1975, ch. 6; as Rcapture reports it).
    variance = undocumented**2 * float(result.cov_params()[0, 0]) + undocumented
    return _Fit(
        terms=terms,
        undocumented=undocumented,
        variance=variance,
        deviance=float(result.deviance),
        df=round(result.df_resid),
        loglik=float(result.llf),
        parameters=design.shape[1],
        converged=bool(result.converged),
    )


def _check(lists: Sequence[str], histories: Mapping[frozenset[str], int], max_interaction: int | None) -> int:
    """The refusals: the number of lists, histories naming other lists, counts, empty lists."""
    if len(set(lists)) != len(lists):
        raise EstimateError("each list may be named only once")
    if not MIN_LISTS <= len(lists) <= MAX_LISTS:
        raise EstimateError(
            f"{len(lists)} list{'s' if len(lists) != 1 else ''} given: multiple systems estimation here needs "
            f"from {MIN_LISTS} to {MAX_LISTS} lists (with two, list dependence cannot be seen or modelled; "
            f"beyond six, the overlaps are too many and too thin to fit)"
        )
    known = set(lists)
    for history, count in histories.items():
        if not history:
            raise EstimateError("a capture history must name at least one list (no one is counted on no list)")
        if not history <= known:
            raise EstimateError(f"a capture history names {', '.join(sorted(history - known))}, not among the lists")
        if not isinstance(count, numbers.Integral) or isinstance(count, bool) or count < 0:
            raise EstimateError(f"the count of people on {'+'.join(sorted(history))} must be a whole number ≥ 0")
    empty = [name for name in lists if not any(count for h, count in histories.items() if name in h)]
    if empty:
        raise EstimateError(
            f"no one is on list {', '.join(empty)}: a list with no linked records says nothing about the "
            "people missed; leave it out"
        )
    if not any(count for h, count in histories.items() if len(h) > 1):
        raise EstimateError(
            "no one is on more than one list: every overlap is empty, and it is the overlaps that say how "
            "many people the lists missed; link the lists' records first, or the lists do not share people"
        )
    alone = [name for name in lists if not any(count for h, count in histories.items() if name in h and len(h) > 1)]
    if alone:
        raise EstimateError(
            f"no one on list {', '.join(alone)} is on any other list: with no overlap, nothing shows how many "
            "people that list and the others missed; check that its records were linked, or leave it out"
        )
    if max_interaction is not None and not 1 <= max_interaction <= len(lists) - 1:
        raise EstimateError(f"max_interaction must be from 1 to {len(lists) - 1} (the k-way term is not identifiable)")
    if max_interaction is not None and len(lists) >= PAIRS_ONLY_FROM and max_interaction > 2:
        raise EstimateError(
            f"with {len(lists)} lists only two-way interactions can be modelled (max_interaction 1 or 2): "
            "the hierarchical models with more number in the millions"
        )
    return int(sum(histories.values()))


def _empty_overlaps(lists: Sequence[str], histories: Mapping[frozenset[str], int]) -> list[str]:
    return [
        f"{a} and {b}"
        for a, b in combinations(lists, 2)
        if not any(count for h, count in histories.items() if a in h and b in h)
    ]


def _criterion(fit: _Fit, criterion: str, documented: int) -> float:
    # BIC's sample size is the number of people documented, as in Rcapture's closedpMS.t.
    penalty = 2.0 if criterion == "aic" else math.log(documented)
    return -2.0 * fit.loglik + penalty * fit.parameters


def estimate_total(
    lists: Sequence[str],
    histories: Mapping[frozenset[str], int],
    *,
    criterion: Literal["aic", "bic"] = "bic",
    level: float = 0.95,
    max_interaction: int | None = None,
    seed: int = 0,
) -> Estimate:
    """The model-averaged estimate of everyone the lists could have documented, with its interval.

    ``histories`` maps each capture history (the lists a person is on) to how many
    distinct people have it. ``seed`` is accepted for randomised intervals; the
    interval computed now is analytic and draws nothing, so results never depend on it.
    """
    del seed  # the analytic interval draws nothing (see the module docstring)
    if criterion not in ("aic", "bic"):
        raise EstimateError(f"criterion must be 'aic' or 'bic', not {criterion!r}")
    if not 0 < level < 1:
        raise EstimateError(f"level must be between 0 and 1, not {level}")
    documented = _check(lists, histories, max_interaction)
    k = len(lists)
    notes: list[str] = []
    empty_pairs = _empty_overlaps(lists, histories)
    highest = max_interaction if max_interaction is not None else (2 if k >= PAIRS_ONLY_FROM else k - 1)
    if max_interaction is None and k >= PAIRS_ONLY_FROM:
        notes.append(
            f"with {k} lists only two-way interactions are modelled"
            + (f", at most {MAX_PAIRS_AT_ONCE[k]} at once" if k in MAX_PAIRS_AT_ONCE else "")
            + ": dependence among three or more lists at once is assumed absent"
        )
    fits, unfit = _fit_all(lists, histories, highest)
    if empty_pairs:
        notes.append(
            f"no one is on both {'; '.join(empty_pairs)}: models with "
            f"{'that interaction' if len(empty_pairs) == 1 else 'those interactions'} cannot be fitted "
            "(the overlap says nothing about how the lists depend on each other) and were left out"
        )
    if not fits:
        raise EstimateError(
            "the overlaps are too sparse to estimate: no log-linear model has a finite estimate"
            + (f" (no one is on both {'; '.join(empty_pairs)})" if empty_pairs else "")
            + "; more linked records, or fewer lists, are needed"
        )
    if unfit:
        notes.append(f"{unfit} model{'s' if unfit != 1 else ''} with no finite estimate (an empty cell) were left out")
    return _average(lists, documented, fits, criterion, level, notes, _near_zero_cells(lists, histories))


def _fit_all(lists: Sequence[str], histories: Mapping[frozenset[str], int], highest: int) -> tuple[list[_Fit], int]:
    import numpy as np

    k = len(lists)
    cells = _cells(k)
    counts = np.array(
        [histories.get(frozenset(n for n, on in zip(lists, row, strict=True) if on), 0) for row in cells], dtype=float
    )
    fits, unfit = [], 0
    for terms in hierarchical_models(lists, highest):
        design = _design(cells, lists, terms)
        if not _mle_exists(design, counts):
            unfit += 1
            continue
        fit = _fit(counts, design, terms)
        if fit.converged and math.isfinite(fit.variance) and fit.undocumented < 1e12:
            fits.append(fit)
        else:
            unfit += 1
    return fits, unfit


def _near_zero_cells(lists: Sequence[str], histories: Mapping[frozenset[str], int]) -> list[str]:
    k = len(lists)
    names = []
    for row in _cells(k):
        history = frozenset(n for n, on in zip(lists, row, strict=True) if on)
        if histories.get(history, 0) < 3:
            names.append("+".join(n for n in lists if n in history) + " only")
    return names


def _average(
    lists: Sequence[str],
    documented: int,
    fits: list[_Fit],
    criterion: str,
    level: float,
    notes: list[str],
    thin: list[str],
) -> Estimate:
    import numpy as np

    ics = np.array([_criterion(f, criterion, documented) for f in fits])
    relative = np.exp(-(ics - ics.min()) / 2)
    weights = relative / relative.sum()
    f0 = np.array([f.undocumented for f in fits])
    mean = float(weights @ f0)
    # Buckland, Burnham & Augustin (1997): each model's standard error widened by its distance from the average.
    spread = float(weights @ np.sqrt([f.variance for f in fits] + (f0 - mean) ** 2))
    low, high = _log_interval(documented, mean, spread, level)
    order = np.argsort(ics, kind="stable")
    models = tuple(
        FittedModel(
            terms=(*lists, *(_term_name(t, lists) for t in fits[i].terms)),
            ic=float(ics[i]),
            weight=float(weights[i]),
            total=documented + fits[i].undocumented,
            deviance=fits[i].deviance,
            df=fits[i].df,
            stderr=math.sqrt(fits[i].variance),
        )
        for i in order
    )
    for model in models:
        if model.weight >= 0.05 and model.total > UNSTABLE_RATIO * documented:
            notes.append(
                f"model {' + '.join(model.terms)} (weight {model.weight:.2f}) estimates {model.total:,.0f}, more than "
                f"{UNSTABLE_RATIO:g} times the documented count: the overlaps barely constrain it"
            )
    if thin:
        shown = ", ".join(thin[:5]) + (f" and {len(thin) - 5} other histories" if len(thin) > 5 else "")
        notes.append(
            f"fewer than 3 people in {shown}: estimates resting on so few are unstable, and a single "
            "false or missed link moves them"
        )
    return Estimate(
        documented=documented,
        total=documented + mean,
        undocumented=mean,
        low=low,
        high=high,
        level=level,
        criterion=criterion,
        models=models,
        assumptions=ASSUMPTIONS,
        warnings=tuple(notes),
    )


def _log_interval(documented: int, undocumented: float, stderr: float, level: float) -> tuple[float, float]:
    """Chao's (1989) interval: the undocumented count taken as log-normal, so the low end stays above n."""
    if undocumented <= 0:
        return float(documented), float(documented)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    spread = math.exp(z * math.sqrt(math.log(1 + (stderr / undocumented) ** 2)))
    return documented + undocumented / spread, documented + undocumented * spread

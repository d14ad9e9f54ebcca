"""Published tables never show a count from 1 to the threshold, and suppressed counts cannot be recovered."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.stats.disclosure import CountTable, ProtectedTable, Suppression, protect

# --- the attacker: an exact LP bounds check (two-phase simplex over fractions) ---------------
# It shares no code with habeas.stats.disclosure on purpose: given what a table publishes, how
# low and how high can each suppressed count be?

Matrix = list[list[Fraction]]


class Unbounded(Exception):
    pass


def _pivot(tableau: Matrix, basis: list[int], row: int, col: int) -> None:
    lead = tableau[row][col]
    tableau[row] = [v / lead for v in tableau[row]]
    for r, values in enumerate(tableau):
        if r != row and values[col] != 0:
            factor = values[col]
            tableau[r] = [a - factor * b for a, b in zip(values, tableau[row], strict=True)]
    basis[row] = col


def _optimise(tableau: Matrix, basis: list[int], cost: list[Fraction], allowed: int) -> Fraction:
    """Minimise cost·x over the tableau's columns < ``allowed`` with Bland's rule (no cycling)."""
    while True:
        reduced = [cost[j] - sum(cost[basis[i]] * tableau[i][j] for i in range(len(basis))) for j in range(allowed)]
        entering = next((j for j, r in enumerate(reduced) if r < 0), None)
        if entering is None:
            return sum((cost[basis[i]] * tableau[i][-1] for i in range(len(basis))), Fraction(0))
        ratios = [
            (tableau[i][-1] / tableau[i][entering], basis[i], i) for i in range(len(basis)) if tableau[i][entering] > 0
        ]
        if not ratios:
            raise Unbounded
        _pivot(tableau, basis, min(ratios)[2], entering)


def minimise(a: Matrix, b: list[Fraction], c: list[Fraction]) -> Fraction | None:
    """min c·x subject to a·x = b, x ≥ 0; None when unbounded below. The system must be feasible."""
    n = len(c)
    rows = [(row, rhs) if rhs >= 0 else ([-v for v in row], -rhs) for row, rhs in zip(a, b, strict=True)]
    m = len(rows)
    tableau = [[*row, *(Fraction(int(i == k)) for k in range(m)), rhs] for i, (row, rhs) in enumerate(rows)]
    basis = list(range(n, n + m))
    phase1 = [Fraction(0)] * n + [Fraction(1)] * m
    if _optimise(tableau, basis, phase1, n + m) != 0:
        raise ValueError("infeasible: the published table contradicts itself")
    for i in reversed(range(len(basis))):
        if basis[i] >= n:  # an artificial still basic at zero: pivot it out or drop its redundant row
            col = next((j for j in range(n) if tableau[i][j] != 0), None)
            if col is None:
                del tableau[i], basis[i]
            else:
                _pivot(tableau, basis, i, col)
    try:
        return _optimise(tableau, basis, [*c, *[Fraction(0)] * m], n)
    except Unbounded:
        return None


def bounds(a: Matrix, b: list[Fraction], k: int) -> tuple[Fraction, Fraction | None]:
    """The least and greatest value of x_k over a·x = b, x ≥ 0 (None: no upper bound)."""
    n = len(a[0]) if a else k + 1
    unit = [Fraction(int(j == k)) for j in range(n)]
    low = minimise([list(r) for r in a], list(b), unit)
    high = minimise([list(r) for r in a], list(b), [-v for v in unit])
    assert low is not None, "x_k >= 0 so it is bounded below"
    return low, (None if high is None else -high)


def published_system(grid: list[list[int | None]]) -> tuple[list[tuple[int, int]], Matrix, list[Fraction]]:
    """The attacker's equations: every row and column of a table with margins (totals last).

    Unknowns are the suppressed (None) entries; each line says its cells sum to its total.
    """
    unknowns = [(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v is None]
    index = {cell: k for k, cell in enumerate(unknowns)}
    lines = [[(i, j) for j in range(len(grid[0]))] for i in range(len(grid))]
    lines += [[(i, j) for i in range(len(grid))] for j in range(len(grid[0]))]
    a: Matrix = []
    b: list[Fraction] = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        rhs = Fraction(0)
        for position, (i, j) in enumerate(line):
            sign = -1 if position == len(line) - 1 else 1
            if (i, j) in index:
                row[index[(i, j)]] += sign
            else:
                rhs -= sign * grid[i][j]  # type: ignore[operator]
        if any(row):
            a.append(row)
            b.append(rhs)
    return unknowns, a, b


# --- helpers ----------------------------------------------------------------------------------


def table(counts: list[list[int]], sensitive: list[list[dict[str, int]]] | None = None) -> CountTable:
    return CountTable(
        rows=tuple(f"r{i}" for i in range(len(counts))),
        columns=tuple(f"c{j}" for j in range(len(counts[0]))),
        counts=tuple(tuple(r) for r in counts),
        sensitive=None if sensitive is None else tuple(tuple(r) for r in sensitive),
    )


def pinned_cells(grid: list[list[int | None]]) -> list[tuple[int, int]]:
    """Suppressed cells whose least and greatest feasible values coincide: recoverable."""
    unknowns, a, b = published_system(grid)
    pinned = []
    for k, cell in enumerate(unknowns):
        low, high = bounds(a, b, k)
        if high is not None and low == high:
            pinned.append(cell)
    return pinned


def true_grid(counts: list[list[int]]) -> list[list[int]]:
    body = [[*row, sum(row)] for row in counts]
    return [*body, [sum(col) for col in zip(*body, strict=True)]]


# --- the attacker's solver can find a leak when there is one -------------------------------


@pytest.mark.parametrize(
    ("name", "grid", "expected"),
    [
        ("one suppressed cell: the row total gives it", [[None, 20, 23], [30, 40, 70], [33, 60, 93]], [(0, 0)]),
        (
            "zero complements: non-negativity pins every cell",
            [[None, None, 20, 23], [None, None, 30, 30], [40, 50, 60, 150], [43, 50, 110, 203]],
            [(0, 0), (0, 1), (1, 0), (1, 1)],
        ),
        (
            "a bridge between two blocks of suppressed cells",
            [
                [None, None, 50, 50, 108],
                [None, None, None, 50, 70],
                [50, 50, None, None, 114],
                [50, 50, None, None, 113],
                [110, 114, 62, 119, 405],
            ],
            [(1, 2)],
        ),
    ],
)
def test_the_attackers_solver_recovers_cells_a_careless_suppression_leaves(name, grid, expected):
    assert pinned_cells(grid) == expected, name


def test_the_solver_reports_the_range_a_suppressed_pair_can_take():
    # x + y = 12 and x + 30 = 35 along the columns: x is 5, y is 7 — both recoverable.
    unknowns, a, b = published_system([[None, None, 12], [30, 40, 70], [35, 47, 82]])
    assert [bounds(a, b, k) for k in range(len(unknowns))] == [(5, 5), (7, 7)]


# --- tables of cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "threshold"),
    [
        ([[3, 50, 60], [40, 45, 70], [55, 65, 80]], 10),
        ([[3, 4], [50, 60]], 10),
        ([[12, 0, 40], [0, 0, 0], [25, 1, 30]], 10),
        ([[7]], 5),
        ([[7], [40], [55]], 5),
        ([[100, 200, 300]], 10),
        ([[2, 0], [0, 2]], 10),
        ([[11, 11, 11], [11, 11, 11]], 10),
        ([[6, 6], [6, 6]], 5),
    ],
)
def test_protected_tables_publish_no_small_count_and_hide_nothing_recoverable(counts, threshold):
    protected = protect(table(counts), threshold)
    assert_safe(protected, counts)


def test_a_table_with_no_small_counts_is_published_whole():
    counts = [[20, 30], [40, 50]]
    protected = protect(table(counts))
    assert protected.grid() == true_grid(counts)
    assert protected.suppressed == {}


def test_zeros_are_published_and_never_used_as_complements():
    counts = [[3, 0, 60], [0, 45, 70], [55, 65, 0]]
    protected = protect(table(counts))
    grid = true_grid(counts)
    for i, j in protected.suppressed:
        assert grid[i][j] > 0
    assert protected.cells[0][1] == 0


def test_zeros_beside_a_hidden_group_are_suppressed_so_they_cannot_say_where_it_is():
    # Columns: three citizenships; rows: in US custody, removed, released. The three people of
    # the first citizenship are all in US custody: with the zeros shown, the column would say so.
    counts = [[3, 40, 50], [0, 30, 25], [0, 20, 15]]
    protected = protect(table(counts))
    assert protected.cells[0][0] is None and protected.column_totals[0] is None
    assert (protected.cells[1][0], protected.cells[2][0]) == (None, None)
    assert protected.suppressed[(1, 0)] is Suppression.REVEALING_ZERO
    assert_safe(protected, counts)


def test_a_zero_beside_published_counts_or_several_hidden_ones_is_published():
    counts = [[3, 4, 60], [0, 45, 70], [55, 65, 80]]
    protected = protect(table(counts))
    assert protected.cells[1][0] == 0, "the first column's people are in two cells: its zero says only that"
    assert_safe(protected, counts)


def test_withheld_cells_are_suppressed_and_protected_like_small_ones():
    counts = [[30, 40], [50, 60]]
    protected = protect(table(counts), withhold=[(0, 0)])
    assert protected.cells[0][0] is None and protected.suppressed[(0, 0)] is Suppression.WITHHELD
    assert_safe(protected, counts)


def test_a_small_cell_is_marked_small_and_its_complements_complementary():
    protected = protect(table([[3, 50, 60], [40, 45, 70], [55, 65, 80]]))
    assert protected.suppressed[(0, 0)] is Suppression.SMALL
    assert Suppression.COMPLEMENTARY in protected.suppressed.values()


@pytest.mark.parametrize("threshold", [0, 1, 4, -10, 4.5, True])
def test_a_threshold_below_five_is_refused(threshold):
    with pytest.raises(ValueError, match="at least 5"):
        protect(table([[20]]), threshold)


@pytest.mark.parametrize(
    "counts", [[[1, -1]], [[1], [2, 3]], [], [[]], [[1.5]]], ids=["negative", "ragged", "empty", "no columns", "float"]
)
def test_malformed_tables_are_refused(counts):
    with pytest.raises(ValueError):
        CountTable(rows=tuple("r" * len(counts)), columns=("c",), counts=tuple(tuple(r) for r in counts))


def test_a_group_whose_members_all_share_a_sensitive_value_is_not_published():
    counts = [[40, 30], [25, 50]]
    sensitive = [[{"sexual_orientation": 40}, {"sexual_orientation": 3}], [{}, {"political_opinion": 20}]]
    protected = protect(table(counts, sensitive))
    assert protected.cells[0][0] is None
    assert protected.suppressed[(0, 0)] is Suppression.HOMOGENEOUS
    assert_safe(protected, counts)


def test_a_total_whose_members_all_share_a_sensitive_value_is_not_published():
    counts = [[20, 30], [25, 50]]
    sensitive = [[{"religion": 20}, {"religion": 30}], [{}, {}]]
    protected = protect(table(counts, sensitive))
    assert protected.row_totals[0] is None
    assert protected.suppressed[(0, 2)] is Suppression.HOMOGENEOUS


# --- properties -------------------------------------------------------------------------------

counts_strategy = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.integers(0, 15), st.integers(0, 200)), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


def assert_safe(protected: ProtectedTable, counts: list[list[int]]) -> None:
    threshold = protected.threshold
    grid = protected.grid()
    truth = true_grid(counts)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            assert value is None or not 1 <= value <= threshold, f"published small count at {(i, j)}"
            assert value is None or value == truth[i][j], "a published count was changed"
    assert pinned_cells(grid) == [], "a suppressed count can be recovered from the published ones"
    assert_no_revealing_zero(grid, truth)
    # The sum of the suppressed cells of a line with a published total is no small count either.
    for line in [list(r) for r in grid] + [list(c) for c in zip(*grid, strict=True)]:
        if line[-1] is not None:
            hidden = line[-1] - sum(v for v in line[:-1] if v is not None)
            assert not 1 <= hidden <= threshold


def assert_no_revealing_zero(grid: list[list[int | None]], truth: list[list[int]]) -> None:
    """No line with a hidden total shows zeros beside its one occupied cell (they would say where its people are)."""
    for shown, true in [(grid[i], truth[i]) for i in range(len(grid))] + [
        ([r[j] for r in grid], [r[j] for r in truth]) for j in range(len(grid[0]))
    ]:
        occupied = [k for k, v in enumerate(true[:-1]) if v > 0]
        if shown[-1] is None and len(occupied) == 1 and shown[occupied[0]] is None:
            assert not [k for k, v in enumerate(shown[:-1]) if v == 0], "a published zero pins a hidden group"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy, threshold=st.integers(5, 12))
def test_random_tables_never_publish_a_small_count_nor_a_recoverable_one(counts, threshold):
    assert_safe(protect(table(counts), threshold), counts)


@settings(max_examples=60, deadline=None)
@given(counts=counts_strategy)
def test_the_true_table_is_one_solution_of_what_is_published(counts):
    grid = protect(table(counts)).grid()
    unknowns, a, b = published_system(grid)
    truth = true_grid(counts)
    x = [Fraction(truth[i][j]) for i, j in unknowns]
    assert all(sum(c * v for c, v in zip(row, x, strict=True)) == rhs for row, rhs in zip(a, b, strict=True))

"""Disclosure control for published tables of counts: small-cell and complementary suppression.

A table is protected with its margins: the row totals, the column totals and the grand
total are published counts too, so they follow the same rules as the cells.

1. Primary suppression: every count from 1 to the threshold, every group whose
   members all share a sensitive value (publishing it would tell that value about each
   of them), and the counts the caller withholds (those an earlier publication would
   give away by difference, see ``habeas.publish.differencing``).
2. Complementary suppression, until none of these holds:
   - a row or column (totals included) with exactly one suppressed count, which its
     total would give away;
   - a row or column whose published total shows that its suppressed cells together
     hold from 0 to threshold people;
   - a suppressed count that the published counts determine through any combination
     of row and column sums (checked exactly, by elimination over the rationals).
3. Revealing zeros: a row or column whose total is suppressed and whose people are
   all in one (suppressed) cell would still say where that hidden group is, through
   the zeros published beside it (3 people of one citizenship, all in US custody).
   Those zeros are suppressed too, and step 2 runs again.
   Other zeros are published: a zero beside counts that are shown, or beside two or
   more hidden counts, says only that a category is empty. Complements are positive
   counts, so every suppressed count but a revealing zero is positive; with a positive
   solution, a count the equations do not determine can move both up and down, and a
   suppressed zero can only move up, so the bounds non-negativity adds pin neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

DEFAULT_THRESHOLD = 10
MIN_THRESHOLD = 5

Cell = tuple[int, int]  # (row, column) in the table with margins: row m and column n hold totals


class Suppression(StrEnum):
    SMALL = "small"  # a count from 1 to the threshold
    HOMOGENEOUS = "homogeneous"  # every member shares a sensitive value
    COMPLEMENTARY = "complementary"  # suppressed so that others cannot be recovered
    WITHHELD = "withheld"  # the caller's: an earlier publication would give it away by difference
    REVEALING_ZERO = "revealing_zero"  # a zero that would pin a hidden group to the one cell beside it


@dataclass(frozen=True)
class CountTable:
    """Counts of people by two published dimensions.

    ``sensitive``, when given, has for each cell how many of its people have each value
    of a sensitive attribute (a person may have several). It is only used to find
    groups that all share a value; it is never published.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    sensitive: tuple[tuple[Mapping[str, int], ...], ...] | None = None

    def __post_init__(self) -> None:
        if not self.rows or not self.columns:
            raise ValueError("a table needs at least one row and one column")
        if len(self.counts) != len(self.rows) or any(len(r) != len(self.columns) for r in self.counts):
            raise ValueError("counts must have one row per row label and one value per column label")
        if any(not isinstance(v, int) or v < 0 for r in self.counts for v in r):
            raise ValueError("counts must be non-negative integers")
        if self.sensitive is not None:
            if len(self.sensitive) != len(self.rows) or any(len(r) != len(self.columns) for r in self.sensitive):
                raise ValueError("sensitive must have the same shape as counts")
            for row, srow in zip(self.counts, self.sensitive, strict=True):
                if any(n > v for v, s in zip(row, srow, strict=True) for n in s.values()):
                    raise ValueError("a sensitive value cannot be shared by more people than the cell holds")


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to publish: ``None`` wherever a count is suppressed."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    threshold: int
    suppressed: Mapping[Cell, Suppression] = field(default_factory=dict)

    def grid(self) -> list[list[int | None]]:
        """Cells with margins: the row totals as the last column, the column totals as the last row."""
        body = [[*row, t] for row, t in zip(self.cells, self.row_totals, strict=True)]
        return [*body, [*self.column_totals, self.total]]


def check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise ValueError(f"the suppression threshold must be a whole number of at least {MIN_THRESHOLD}")
    return threshold


def protect(table: CountTable, threshold: int = DEFAULT_THRESHOLD, withhold: Iterable[Cell] = ()) -> ProtectedTable:
    """Suppress what must not be published in ``table``; see the module docstring for the rules.

    ``withhold`` names cells (in the grid with margins, see :meth:`ProtectedTable.grid`) to
    suppress as well.
    """
    check_threshold(threshold)
    grid = _with_margins(table.counts)
    suppressed = _primary(grid, _sensitive_with_margins(table), threshold)
    for cell in withhold:
        suppressed.setdefault(cell, Suppression.WITHHELD)
    while True:
        while (complement := _next_complement(grid, suppressed, threshold)) is not None:
            suppressed[complement] = Suppression.COMPLEMENTARY
        zeros = _revealing_zeros(grid, suppressed)
        if not zeros:
            break
        suppressed.update(dict.fromkeys(zeros, Suppression.REVEALING_ZERO))
    m, n = len(table.rows), len(table.columns)
    shown = [[None if (i, j) in suppressed else grid[i][j] for j in range(n + 1)] for i in range(m + 1)]
    return ProtectedTable(
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(r[:n]) for r in shown[:m]),
        row_totals=tuple(r[n] for r in shown[:m]),
        column_totals=tuple(shown[m][:n]),
        total=shown[m][n],
        threshold=threshold,
        suppressed=dict(suppressed),
    )


def _with_margins(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    body = [[*row, sum(row)] for row in counts]
    return [*body, [sum(col) for col in zip(*body, strict=True)]]


def _sensitive_with_margins(table: CountTable) -> list[list[dict[str, int]]] | None:
    if table.sensitive is None:
        return None
    body = [[dict(c) for c in row] + [_add(row)] for row in table.sensitive]
    return [*body, [_add(col) for col in zip(*body, strict=True)]]


def _add(counters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counter in counters:
        for value, n in counter.items():
            total[value] = total.get(value, 0) + n
    return total


def _primary(
    grid: list[list[int]], sensitive: list[list[dict[str, int]]] | None, threshold: int
) -> dict[Cell, Suppression]:
    suppressed: dict[Cell, Suppression] = {}
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if 1 <= value <= threshold:
                suppressed[(i, j)] = Suppression.SMALL
            elif value > 0 and sensitive is not None and value in sensitive[i][j].values():
                suppressed[(i, j)] = Suppression.HOMOGENEOUS
    return suppressed


def _lines(grid: list[list[int]]) -> list[list[Cell]]:
    """Every row and column with its total last: in each, the other cells sum to the last."""
    rows, cols = len(grid), len(grid[0])
    return [[(i, j) for j in range(cols)] for i in range(rows)] + [[(i, j) for i in range(rows)] for j in range(cols)]


def _next_complement(grid: list[list[int]], suppressed: Mapping[Cell, Suppression], threshold: int) -> Cell | None:
    """The next count to suppress, or None when every suppressed count is safe."""
    lines = _lines(grid)
    for line in lines:
        hidden = [c for c in line if c in suppressed]
        if len(hidden) == 1 or _hidden_sum_is_small(grid, line, hidden, threshold):
            return _choose(grid, suppressed, line)
    determined = _determined(grid, lines, suppressed)
    if not determined and any(grid[i][j] == 0 for i, j in suppressed):
        determined = {cell} if (cell := _stuck(grid, suppressed)) is not None else set()
    if not determined:
        return None
    target = min(determined)
    for line in lines:
        if target in line and (cell := _choose(grid, suppressed, line)) is not None:
            return cell
    return _choose(grid, suppressed, [c for line in lines for c in line])


def _hidden_sum_is_small(grid: list[list[int]], line: list[Cell], hidden: list[Cell], threshold: int) -> bool:
    total_cell = line[-1]
    if not hidden or total_cell in hidden:
        return False
    # 0 only when every hidden cell is a revealing zero: the total would show them to be zeros.
    return sum(grid[i][j] for i, j in hidden) <= threshold


def _revealing_zeros(grid: list[list[int]], suppressed: Mapping[Cell, Suppression]) -> list[Cell]:
    """Published zeros of a line whose total is hidden and whose people are all in its one hidden cell."""
    zeros: list[Cell] = []
    for line in _lines(grid):
        *cells, total = line
        occupied = [c for c in cells if grid[c[0]][c[1]] > 0]
        if total in suppressed and len(occupied) == 1 and occupied[0] in suppressed:
            zeros += [c for c in cells if grid[c[0]][c[1]] == 0 and c not in suppressed and c not in zeros]
    return zeros


def _choose(grid: list[list[int]], suppressed: Mapping[Cell, Suppression], line: list[Cell]) -> Cell | None:
    """A published positive count of ``line`` to suppress, losing as little as possible.

    Prefer a cell whose crossing line already has a suppressed count (the two then
    protect each other), then a cell over a total, then the smallest count.
    """
    rows, cols = len(grid), len(grid[0])

    def cost(cell: Cell) -> tuple[int, int, int, Cell]:
        i, j = cell
        crossing = [(i, k) for k in range(cols)] + [(k, j) for k in range(rows)]
        lonely = sum(1 for c in crossing if c in suppressed) == 0
        is_total = i == rows - 1 or j == cols - 1
        return (int(lonely), int(is_total), grid[i][j], cell)

    candidates = [c for c in line if c not in suppressed and grid[c[0]][c[1]] > 0]
    if not candidates:  # a line of zeros beside a revealing zero: hide another of them, or its total
        candidates = [c for c in line if c not in suppressed]
    return min(candidates, key=cost) if candidates else None


def _determined(grid: list[list[int]], lines: list[list[Cell]], suppressed: Mapping[Cell, Suppression]) -> set[Cell]:
    """Suppressed cells whose value follows from the published counts and the line sums.

    Each line gives one linear equation in the suppressed cells. A cell is determined
    exactly when its unit vector lies in the row space of those equations: in reduced row
    echelon form, when it is a pivot whose row has no entry in a free column.
    """
    unknowns = sorted(suppressed)
    index = {cell: k for k, cell in enumerate(unknowns)}
    equations = []
    for line in lines:
        coefficients = [Fraction(0)] * len(unknowns)
        for cell in line[:-1]:
            if cell in index:
                coefficients[index[cell]] += 1
        if line[-1] in index:
            coefficients[index[line[-1]]] -= 1
        if any(coefficients):
            equations.append(coefficients)
    pivots = _reduced_row_echelon(equations, len(unknowns))
    free = set(range(len(unknowns))) - set(pivots)
    return {unknowns[col] for col, row in pivots.items() if not any(equations[row][f] for f in free)}


def _stuck(grid: list[list[int]], suppressed: Mapping[Cell, Suppression]) -> Cell | None:
    """A suppressed count the published ones pin to one side, once suppressed zeros may not go below zero.

    Linear algebra misses this: two suppressed zeros whose sum the published counts fix at
    0 are each 0. A count can move when some closed path through suppressed cells lets it
    move with every suppressed zero on the path moving up; a zero must be able to go up,
    any other count both up and down.
    """
    for cell in sorted(suppressed):
        directions = (1,) if grid[cell[0]][cell[1]] == 0 else (1, -1)
        if not all(_can_move(grid, suppressed, cell, d) for d in directions):
            return cell
    return None


def _can_move(grid: list[list[int]], suppressed: Mapping[Cell, Suppression], target: Cell, direction: int) -> bool:
    """Whether ``target`` can move by ``direction`` along a cycle of suppressed cells, no suppressed zero going down.

    With margins negated (a row's or column's total, but not the grand total), every row and
    column sums to zero, so the ways counts can move together are cycles in the graph whose
    nodes are rows and columns and whose edges are suppressed cells, signs alternating.
    From the target's column the path leaves every column with the sign opposite to the
    target's and every row with the target's own, and must come back to the target's row.
    """
    rows, cols = len(grid), len(grid[0])

    def flip(cell: Cell) -> int:
        return -1 if (cell[0] == rows - 1) != (cell[1] == cols - 1) else 1

    sign = direction * flip(target)
    allowed = [c for c in suppressed if c != target]
    seen, frontier = {("column", target[1])}, [("column", target[1])]
    while frontier:
        kind, index = frontier.pop()
        step = -sign if kind == "column" else sign
        for cell in allowed:
            if (cell[1] if kind == "column" else cell[0]) != index:
                continue
            if grid[cell[0]][cell[1]] == 0 and step * flip(cell) < 0:
                continue  # this zero would have to go below zero
            node = ("row", cell[0]) if kind == "column" else ("column", cell[1])
            if node == ("row", target[0]):
                return True
            if node not in seen:
                seen.add(node)
                frontier.append(node)
    return False


def _reduced_row_echelon(matrix: list[list[Fraction]], width: int) -> dict[int, int]:
    """Reduce ``matrix`` in place; return pivot column → row."""
    pivots: dict[int, int] = {}
    row = 0
    for col in range(width):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        lead = matrix[row][col]
        matrix[row] = [v / lead for v in matrix[row]]
        for r in range(len(matrix)):
            if r != row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[row], strict=True)]
        pivots[col] = row
        row += 1
    return pivots

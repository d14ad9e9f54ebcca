"""Differencing between publications: a count published now, minus the same count published before.

Two publications of the same table (a cohort and every record, two cohorts one inside the
other, one cohort on two days) give away, by subtraction, the people counted in one and
not the other. When that difference is from 1 to the threshold, it is a small group
published as surely as a small cell. Every published count (cells and totals) is recorded
with its table and key; a new publication is compared with every earlier one, cell by
cell, whatever their populations: memberships and custody change between publications,
so which populations are nested cannot be told reliably, and a false alarm between
unrelated cohorts costs one suppressed count where a missed one costs a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from habeas.stats.disclosure import Cell, ProtectedTable

TOTAL = "(total)"  # the key of a total: no category label can be it (labels start with a letter or a digit)

CellKey = tuple[str, str, str]  # (table id, row label or TOTAL, column label or TOTAL)


@dataclass(frozen=True)
class PublishedCell:
    table: str
    row: str
    column: str
    value: int | None  # None: published as "suppressed"

    @property
    def key(self) -> CellKey:
        return self.table, self.row, self.column


@dataclass(frozen=True)
class EarlierPublication:
    """What an earlier `habeas publish` wrote, as recorded in the database."""

    id: int
    as_of: date
    population: str  # "all" or "cohort:<id>"; named to the admin who publishes, never published
    threshold: int
    values: Mapping[CellKey, int | None]

    def describe(self) -> str:
        who = "every record" if self.population == "all" else f"cohort {self.population.removeprefix('cohort:')}"
        return f"publication {self.id} ({who}, as of {self.as_of.isoformat()})"


@dataclass(frozen=True)
class Difference:
    """A count whose difference with an earlier publication's would be from 1 to the threshold."""

    cell: PublishedCell
    earlier: EarlierPublication

    def cell_place(self) -> str:
        """Where, never the values: the table, and the row and column."""
        row, column = self.cell.row, self.cell.column
        if row == TOTAL and column == TOTAL:
            where = "the grand total"
        elif row == TOTAL:
            where = f"the total of column {column}"
        elif column == TOTAL:
            where = f"the total of row {row}"
        else:
            where = f"row {row}, column {column}"
        return f"{self.cell.table} ({where})"


def published_cells(table_id: str, table: ProtectedTable) -> list[tuple[Cell, PublishedCell]]:
    """Every count of a protected table with margins, as shown, with its place in the grid."""
    rows = [*table.rows, TOTAL]
    columns = [*table.columns, TOTAL]
    return [
        ((i, j), PublishedCell(table_id, rows[i], columns[j], value))
        for i, line in enumerate(table.grid())
        for j, value in enumerate(line)
    ]


def differences(
    cells: Iterable[PublishedCell], earlier: Sequence[EarlierPublication], threshold: int
) -> list[Difference]:
    """The counts that an earlier publication would give away by difference, oldest publication first.

    Both counts must be shown for the difference to be exact; the larger of the two
    publications' thresholds applies (the earlier one promised its own).
    """
    found: list[Difference] = []
    for cell in cells:
        if cell.value is None:
            continue
        for before in earlier:
            old = before.values.get(cell.key)
            if old is not None and 1 <= abs(cell.value - old) <= max(threshold, before.threshold):
                found.append(Difference(cell, before))
                break
    return found

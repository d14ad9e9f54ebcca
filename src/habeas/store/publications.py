"""The record of what `habeas publish` wrote: every published count, kept so later publications cannot undo it.

A count, once published, is public for good: these tables are append-only, like the
audit chain. They hold aggregates and suppression only (never a person, never a hidden
count), with the population counted ("all" or the cohort's id, which is never published).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Column, Connection, Date, DateTime, ForeignKey, Integer, String, Table, select

from habeas.publish.differencing import EarlierPublication, PublishedCell
from habeas.store.tables import Base

publications = Table(
    "publications",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("population", String(220), nullable=False),  # "all" or "cohort:<id>"
    Column("threshold", Integer, nullable=False),
    Column("actor", String(200), nullable=False),
)

publication_cells = Table(
    "publication_cells",
    Base.metadata,
    Column("publication_id", Integer, ForeignKey("publications.id"), primary_key=True),
    Column("table_id", String(64), primary_key=True),
    Column("row_label", String(200), primary_key=True),  # a category, or "(total)"
    Column("column_label", String(200), primary_key=True),  # a category, "count", or "(total)"
    Column("value", Integer, nullable=True),  # NULL: published as "suppressed"
)


def earlier_publications(connection: Connection) -> list[EarlierPublication]:
    """Every recorded publication with its counts, oldest first."""
    found: dict[int, tuple[date, str, int, dict[tuple[str, str, str], int | None]]] = {}
    for row in connection.execute(select(publications).order_by(publications.c.id)):
        found[row.id] = (row.as_of, row.population, row.threshold, {})
    query = select(publication_cells)
    for cell in connection.execute(query):
        found[cell.publication_id][3][(cell.table_id, cell.row_label, cell.column_label)] = cell.value
    return [EarlierPublication(pid, *fields) for pid, fields in found.items()]


def record_publication(
    connection: Connection,
    *,
    actor: str,
    population: str,
    as_of: date,
    threshold: int,
    published_at: datetime,
    cells: Iterable[PublishedCell],
) -> int:
    """Record one publication and every count it shows, in the caller's transaction; returns its id."""
    result = connection.execute(
        publications.insert().values(
            published_at=published_at, as_of=as_of, population=population, threshold=threshold, actor=actor
        )
    )
    if not result.inserted_primary_key:
        raise RuntimeError("the database gave no id for the new publication")
    (pid,) = result.inserted_primary_key
    rows = [
        {"publication_id": pid, "table_id": c.table, "row_label": c.row, "column_label": c.column, "value": c.value}
        for c in cells
    ]
    if rows:
        connection.execute(publication_cells.insert(), rows)
    return int(pid)

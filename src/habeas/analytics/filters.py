"""Row conditions for figures: ``COLUMN OP VALUE`` (= != < <= > >=), the value read as the column's type.

``departed_date<2012-01-01`` compares dates, ``birth_year>=1990`` numbers, ``gender=Female``
text; several conditions combine with AND. A condition that cannot be read says which
column and what is wrong with it, before anything is computed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
ORDERED = ("<", "<=", ">", ">=")
# A column name, then every operator-like character (so that "=>" or "~" is named as a bad operator).
CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([<>=!~]+)\s*(.*?)\s*$", re.DOTALL)
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
HIDDEN = ("row", "redacted")


class ConditionError(ValueError):
    """A --where condition that cannot be applied; the message names the condition, the column and the problem."""


@dataclass(frozen=True)
class Condition:
    column: str
    operator: str
    value: str

    def __str__(self) -> str:
        return f"{self.column} {self.operator} {self.value}"


def parse_condition(text: str) -> Condition:
    """``COLUMN OP VALUE``; ``==`` is read as ``=``."""
    found = CONDITION.match(text)
    if found is None:
        raise ConditionError(
            f"--where {text[:80]!r}: write COLUMN OP VALUE, e.g. departed_date<2012-01-01 "
            f"(OP is one of {' '.join(OPERATORS)})"
        )
    column, operator, value = found.groups()
    operator = "=" if operator == "==" else operator
    if operator not in OPERATORS:
        raise ConditionError(
            f"--where {text[:80]!r}: {operator!r} is not a comparison; use one of {' '.join(OPERATORS)}"
        )
    return Condition(column, operator, value)


def condition_expr(condition: Condition, schema: pl.Schema) -> pl.Expr:
    """The condition as a Polars expression over a frame of ``schema`` (null where the column is empty)."""
    if condition.column not in schema:
        shown = ", ".join(n for n in schema.names() if n not in HIDDEN)
        raise ConditionError(f"--where {condition}: no column {condition.column!r}; the columns are: {shown}")
    column, value = _operands(condition, schema[condition.column])
    compare = {"=": column.eq, "!=": column.ne, "<": column.lt, "<=": column.le, ">": column.gt, ">=": column.ge}
    return compare[condition.operator](value)


def conditions_expr(texts: Sequence[str], schema: pl.Schema) -> pl.Expr | None:
    """Every condition at once (AND); None when there is none."""
    exprs = [condition_expr(parse_condition(text), schema) for text in texts]
    return pl.all_horizontal(exprs) if exprs else None


def _operands(condition: Condition, dtype: pl.DataType) -> tuple[pl.Expr, Any]:
    column = pl.col(condition.column)
    where = f"--where {condition}: column {condition.column!r}"
    if dtype == pl.Date:
        return column, _day(condition.value, where)
    if isinstance(dtype, pl.Datetime):
        return column, _moment(condition.value, where)
    if dtype.is_numeric():
        return column, _number(condition.value, where)
    if condition.operator in ORDERED:
        kind = "yes/no" if dtype == pl.Boolean else "text"
        raise ConditionError(f"{where} holds {kind}: only = and != compare it")
    if dtype == pl.Boolean:
        flag = BOOLEANS.get(condition.value.lower())
        if flag is None:
            raise ConditionError(f"{where} holds yes/no: compare it with true or false, not {condition.value[:40]!r}")
        return column, flag
    if isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
        raise ConditionError(f"{where} holds lists and cannot be compared")
    return column.cast(pl.String), condition.value


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConditionError(f"{where} holds dates: {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def _moment(text: str, where: str) -> datetime:
    try:
        return datetime.fromisoformat(text)  # a bare date is its 00:00
    except ValueError:
        raise ConditionError(
            f"{where} holds times: {text[:40]!r} is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
        ) from None


def _number(text: str, where: str) -> int | float:
    try:
        whole = int(text)
    except ValueError:
        pass
    else:  # beyond 64 bits the columns cannot hold it: compared as a float, which can
        return whole if abs(whole) < 2**63 else float(whole)
    try:
        number = float(text)
    except ValueError:
        raise ConditionError(f"{where} holds numbers: {text[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ConditionError(f"{where} holds numbers: {text[:40]!r} is not a finite number")
    return number

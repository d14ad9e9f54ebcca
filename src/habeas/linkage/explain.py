"""Why a candidate is a candidate: each field's comparison level, in words, with its Bayes factor.

The level comes from the model (Splink's comparison vector); the words add what the records
show (how many name words agree, how far apart birth years are) without repeating any value.
"""

from __future__ import annotations

from typing import Any

from habeas.linkage.model import FIELDS
from habeas.linkage.names import NormalizedName, describe_pair
from habeas.linkage.types import Comparison, LinkRecord


def explain(
    left: LinkRecord, right: LinkRecord, left_name: NormalizedName, right_name: NormalizedName,
    rows: dict[str, list[Any]], i: int,
) -> tuple[Comparison, ...]:  # fmt: skip
    out = []
    for field in FIELDS:
        if f"gamma_{field.name}" not in rows:  # the attribute model has no name comparison
            out.append(Comparison(field.name, "missing", "an anonymized record: names are not compared", 1.0))
            continue
        gamma = int(rows[f"gamma_{field.name}"][i])
        level = field.levels[gamma]
        bayes_factor = 2.0 ** float(rows[f"mw_{field.name}"][i])  # a match weight is log2 of the Bayes factor
        detail = _detail(field.name, level.label, left, right, left_name, right_name, gamma)
        out.append(Comparison(field.name, level.level, detail, bayes_factor))
    return tuple(out)


def _detail(
    field: str, label: str, left: LinkRecord, right: LinkRecord, ln: NormalizedName, rn: NormalizedName, gamma: int
) -> str:
    if gamma == -1:
        if field == "name" and not (left.named and right.named):
            return "an anonymized record: names are not compared"
        return label
    if field == "name":
        return describe_pair(ln, rn)
    if field == "birth":
        return _birth(label, left, right)
    return label


def _birth(label: str, left: LinkRecord, right: LinkRecord) -> str:
    years = [r.birth_year if r.birth_year is not None else (r.birth_date and r.birth_date.year) for r in (left, right)]
    if label == "same birth year":
        if left.birth_date and right.birth_date:
            return "same birth year, different dates of birth"
        return "same birth year (no full date on one side)"
    if label == "birth years differ" and years[0] and years[1]:
        return f"birth years {abs(years[0] - years[1])} apart"
    return label

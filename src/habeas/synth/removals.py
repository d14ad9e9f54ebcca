"""Synthetic removals: one row per departure, shaped like the ICE removals releases."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from habeas.synth.reference import draw, reference

# The exemption codes ICE writes in withheld cells, as they appear in the releases.
BIRTH_DATE_REDACTION = "(b)(6),(b)(7)(c )"
EVENT_NUMBER_REDACTION = "(b)(7)(E )"

COLUMNS = [
    "departed_date", "birth_date", "gender", "citizenship_country", "event_number", "msc_charge", "case_category",
]  # fmt: skip


def removal_rows(rows: int, seed: int = 0, start: date = date(2012, 1, 1), years: float = 7.5) -> pl.DataFrame:
    """``rows`` departures in canonical columns, sorted by day; birth dates and event numbers withheld."""
    ref = reference()
    rng = np.random.default_rng(seed)
    days = max(1, round(365.25 * years))
    departed = np.sort(rng.integers(0, days, rows))
    convicted = rng.random(rows) < ref["conviction_share"] * 0.4
    convictions = np.array(ref["removal_convictions"], dtype=object)[rng.integers(0, 6, rows)]
    return pl.DataFrame(
        {
            "departed_date": pl.Series(departed.astype("timedelta64[D]") + np.datetime64(start, "D")).cast(pl.Date),
            "birth_date": [BIRTH_DATE_REDACTION] * rows,
            "gender": draw(rng, ref["genders"], rows).astype(str),
            "citizenship_country": draw(rng, ref["countries"], rows).astype(str),
            "event_number": [EVENT_NUMBER_REDACTION] * rows,
            "msc_charge": pl.Series(convictions.astype(str)).scatter(np.flatnonzero(~convicted), None),
            "case_category": draw(rng, ref["removal_case_categories"], rows).astype(str),
        }
    ).select(COLUMNS)

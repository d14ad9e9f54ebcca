"""`habeas stats population` needs Polars alone: NumPy costs more time to import than the sweep takes."""

from __future__ import annotations

import json
import subprocess
import sys

PROGRAM = """
import json, sys
from datetime import date, datetime
import polars as pl
from habeas.analytics.population import daily_population
rows = pl.LazyFrame({
    "book_in": [datetime(2020, 1, 1, 8), datetime(2020, 1, 2), datetime(2020, 1, 3, 23)],
    "book_out": [datetime(2020, 1, 4), None, datetime(2020, 1, 5, 1)],
    "facility_code": ["A", "B", "A"],
    "redacted": [[], [], []],
}, schema_overrides={"redacted": pl.List(pl.String)})
daily = daily_population(rows, date(2020, 1, 6), "facility_code")
counts = daily.sort("facility_code", "day")["population"].to_list()
print(json.dumps({"numpy": "numpy" in sys.modules, "population": counts}))
"""


def test_daily_population_is_computed_without_numpy() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Midnights from 2020-01-02 to 2020-01-06: A held one person on each of the first four, B one on every one.
    assert result["population"] == [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]
    assert result["numpy"] is False

"""The real public files (ICE FOIA releases via UWCHR) import as released, and figures match pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from habeas.services import datasets as service

from .conftest import REAL_FACILITIES, REAL_REMOVALS, real_file


def test_real_removals_release_imports_whole(dctx) -> None:
    report = service.import_dataset(dctx, "ice-removals", real_file(REAL_REMOVALS))
    tally = report.tally
    lines = REAL_REMOVALS.read_text().count("\n")
    assert report.header_row == 7  # six title and note rows, then the header
    assert (tally.rows_read, tally.rows_imported, tally.rows_rejected) == (lines - 7, lines - 7, 0)
    assert tally.redacted == {"birth_date": tally.rows_imported, "event_number": tally.rows_imported}
    assert report.unused_columns == ()
    assert (str(tally.first_observed), str(tally.last_observed)) == ("2012-01-03", "2019-07-01")


def test_share_of_real_removals_with_no_conviction_matches_pandas(dctx) -> None:
    report = service.import_dataset(dctx, "ice-removals", real_file(REAL_REMOVALS))
    figures = service.share_figures(dctx, "no_conviction", report.release, by="gender")
    frame = pd.read_csv(REAL_REMOVALS, skiprows=6, dtype=str)
    expected = frame["Most Serious Conviction"].isna().groupby(frame["Gender"]).agg(["sum", "size"])
    for row in figures.table.iter_rows(named=True):
        assert (row["count"], row["total"]) == tuple(expected.loc[row["gender"]])
        assert row["low"] < row["share"] < row["high"] or row["share"] in (0.0, 1.0)
    overall = service.share_figures(dctx, "no_conviction", report.release).table.row(0, named=True)
    assert overall["count"] == frame["Most Serious Conviction"].isna().sum()
    assert 0.85 < overall["share"] < 0.95


def test_real_facility_list_names_facilities_and_rejects_the_withheld_ones(dctx) -> None:
    report = service.import_dataset(dctx, "ice-facilities", real_file(REAL_FACILITIES))
    frame = pd.read_csv(REAL_FACILITIES, sep="|", dtype=str)
    withheld = (frame["detloc"] == "Redacted").sum()
    assert report.tally.rows_rejected == withheld
    assert report.tally.rows_imported == len(frame) - withheld
    assert report.warnings == []
    assert "fy17_adp" in report.unused_columns
    stored = service.get_release(dctx, report.release).scan().collect()
    assert stored.filter(stored["facility_code"] == "CSCNWWA")["city"].to_list() == ["TACOMA"]


@pytest.mark.parametrize("wrong", ["ice-detentions", "ice-facilities"])
def test_a_real_release_offered_as_another_format_is_refused(dctx, wrong: str) -> None:
    with pytest.raises(service.DatasetImportError, match="does not look like"):
        service.import_dataset(dctx, wrong, real_file(REAL_REMOVALS))

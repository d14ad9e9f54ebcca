"""Synthetic files look like the releases and hold the structure the figures depend on."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import polars as pl

from habeas.services import datasets as service
from habeas.synth import detention_placements, removal_rows, write_detentions, write_removals
from habeas.synth.reference import reference


def test_placements_are_chained_into_stays_with_transfers_to_other_facilities() -> None:
    frame = detention_placements(5000, seed=11)
    assert frame.height == 5000
    ordered = frame.sort("person", "stay_book_in", "book_in")
    chained = ordered.with_columns(
        next_in=pl.col("book_in").shift(-1).over("person", "stay_book_in"),
        next_facility=pl.col("facility_code").shift(-1).over("person", "stay_book_in"),
    ).filter(pl.col("next_in").is_not_null())
    assert chained.height > 500  # many stays have transfers
    assert (chained["book_out"] == chained["next_in"]).all()
    assert (chained["detention_release_reason"] == "Transferred").all()
    assert (chained["facility_code"] != chained["next_facility"]).mean() > 0.99
    assert (frame["book_in"] >= frame["stay_book_in"]).all()
    closed = frame.filter(pl.col("book_out").is_not_null())
    assert (closed["book_out"] >= closed["book_in"]).all()


def test_most_people_have_no_conviction_and_some_stays_are_ongoing() -> None:
    frame = detention_placements(5000, seed=12)
    people = frame.group_by("person").agg(pl.col("msc_charge").first())
    assert 0.55 < people["msc_charge"].is_null().mean() < 0.75
    assert frame["stay_book_out"].null_count() > 0
    known = {f["code"] for f in reference()["facilities"]}
    assert set(frame["facility_code"].unique()) <= known


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    assert detention_placements(300, seed=5).equals(detention_placements(300, seed=5))
    assert not detention_placements(300, seed=5).equals(detention_placements(300, seed=6))
    assert removal_rows(100, seed=1).equals(removal_rows(100, seed=1))


def test_synthetic_files_round_trip_through_the_importers(dctx, tmp_path: Path) -> None:
    frame = detention_placements(400, seed=3, start=date(2015, 1, 1), years=3)
    released, cleaned = tmp_path / "d.csv", tmp_path / "d.psv.gz"
    write_detentions(frame, released)
    write_detentions(frame, cleaned, cleaned=True)
    assert released.read_text().startswith("ERO-LESA Statistical Tracking Unit")
    with gzip.open(cleaned, "rt") as text:
        assert text.readline().startswith("anonymized_identifier|stay_book_in_date_time|")
    for path in (released, cleaned):
        report = service.import_dataset(dctx, "ice-detentions", path)
        assert (report.tally.rows_imported, report.tally.rows_rejected) == (400, 0)
        stored = service.get_release(dctx, report.release).scan().sort("row").collect()
        assert stored.select(frame.columns).equals(frame.with_columns(pl.col("birth_year").cast(pl.Int64)))


def test_synthetic_removals_carry_redactions_like_the_release(dctx, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_removals(removal_rows(250, seed=2), path)
    report = service.import_dataset(dctx, "ice-removals", path)
    assert report.tally.rows_imported == 250
    assert report.tally.redacted == {"birth_date": 250, "event_number": 250}

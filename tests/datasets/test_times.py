"""ISO 8601 times with "Z", an offset or a fraction are read, in the release's documented time zone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from habeas.ingest.datasets import DatasetError, load_format
from habeas.ingest.datasets.mapped_list import _date
from habeas.ingest.datasets.metadata import format_from_mapping
from habeas.ingest.datasets.parse import BatchParser
from habeas.ingest.datasets.reader import Layout
from habeas.services import datasets as service

CLEANED_HEADER = (
    "anonymized_identifier", "stay_book_in_date_time", "book_in_date_time", "detention_book_out_date_time",
    "stay_book_out_date_time", "citizenship_country", "detention_facility_code",
)  # fmt: skip


def parse_times(values: list[str | None], zone: str = "local", type_: str = "datetime") -> pl.DataFrame:
    """One column of times through the parser of a format whose time zone is ``zone``."""
    fmt = format_from_mapping(
        {"name": "times", "columns": [{"name": "when", "headers": ["When"], "type": type_}], "time_zone": zone}
    )
    batch = pl.DataFrame(
        {"c0": values, "_row": list(range(2, 2 + len(values)))}, schema={"c0": pl.String, "_row": pl.UInt32}
    )
    parsed = BatchParser(fmt, Layout(Path("times.csv"), "csv", headers=("When",))).parse(batch)
    assert parsed.problems.is_empty(), parsed.problems.to_dicts()
    return parsed.rows


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2012-09-08T12:40:48Z", datetime(2012, 9, 8, 12, 40, 48)),  # as the UWCHR researchers' R code writes it
        ("2012-09-08T12:40:48+02:00", datetime(2012, 9, 8, 12, 40, 48)),
        ("2012-09-08T12:40:48-0500", datetime(2012, 9, 8, 12, 40, 48)),
        ("2012-09-08 12:40:48-05", datetime(2012, 9, 8, 12, 40, 48)),
        ("2012-09-08T12:40:48.250Z", datetime(2012, 9, 8, 12, 40, 48, 250_000)),
        ("2012-09-08T12:40:48,5", datetime(2012, 9, 8, 12, 40, 48, 500_000)),
        ("2012-09-08T12:40:48.123456789", datetime(2012, 9, 8, 12, 40, 48, 123_456)),
        ("2012-09-08T12:40", datetime(2012, 9, 8, 12, 40)),
        ("2012-09-08T12:40:48", datetime(2012, 9, 8, 12, 40, 48)),
        ("2012-09-08 12:40:48", datetime(2012, 9, 8, 12, 40, 48)),
    ],
)
def test_iso_times_with_z_offset_or_fraction_keep_the_wall_clock_of_a_local_release(written, read) -> None:
    rows = parse_times([written])
    assert rows["when"].to_list() == [read]


def test_naive_released_times_read_as_before_beside_zoned_ones() -> None:
    rows = parse_times(["09/08/2012 12:40", "2012-09-08T12:40:48Z", "9/8/2012 23:05"])
    assert rows["when"].to_list() == [
        datetime(2012, 9, 8, 12, 40),
        datetime(2012, 9, 8, 12, 40, 48),
        datetime(2012, 9, 8, 23, 5),
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2012-09-08T12:40:48Z", datetime(2012, 9, 8, 5, 40, 48)),  # UTC-7 in September (PDT)
        ("2012-09-08T12:40:48-0500", datetime(2012, 9, 8, 10, 40, 48)),
        ("2012-09-08T02:00:00+02:00", datetime(2012, 9, 7, 17, 0)),  # the day changes too
        ("2012-01-08T12:00:00.5Z", datetime(2012, 1, 8, 4, 0, 0, 500_000)),  # UTC-8 in January (PST)
        ("2012-09-08 12:40:48", datetime(2012, 9, 8, 12, 40, 48)),  # naive: already in the release's zone
    ],
)
def test_times_with_an_offset_are_converted_to_a_release_with_a_named_time_zone(written, read) -> None:
    assert parse_times([written], zone="America/Los_Angeles")["when"].to_list() == [read]


def test_a_date_column_takes_the_day_of_a_zoned_time() -> None:
    rows = parse_times(["2012-09-08T00:00:00Z", "2012-09-09"], type_="date")
    assert rows["when"].to_list() == [date(2012, 9, 8), date(2012, 9, 9)]


def test_ice_releases_document_their_times_as_local() -> None:
    assert {load_format(n).time_zone for n in ("ice_detentions", "ice_removals")} == {"local"}


def test_an_unknown_time_zone_in_metadata_is_refused() -> None:
    with pytest.raises(DatasetError, match="time_zone 'Mars/Olympus' is neither 'local' nor a time zone name"):
        format_from_mapping({"name": "times", "columns": [], "time_zone": "Mars/Olympus"})


def test_a_cleaned_release_with_utc_designators_imports_every_row(dctx, tmp_path: Path, settings) -> None:
    rows = [
        ("a1", "2012-09-08T12:40:48Z", "2012-09-08T12:40:48Z", "2012-09-10T08:00:00Z", "2012-09-10T08:00:00Z",
         "MEXICO", "CSCNWWA"),
        ("a2", "2012-09-09T01:15:00Z", "2012-09-09T01:15:00Z", "", "", "GUATEMALA", "CSCNWWA"),
    ]  # fmt: skip
    path = tmp_path / "ice_detentions.csv"
    path.write_text("|".join(CLEANED_HEADER) + "\n" + "".join("|".join(r) + "\n" for r in rows))
    report = service.import_dataset(dctx, "ice-detentions", path)
    assert (report.tally.rows_imported, report.tally.rows_rejected) == (2, 0)
    stored = service.get_release(dctx, report.release)
    assert stored.scan().sort("row").collect()["book_in"].to_list() == [
        datetime(2012, 9, 8, 12, 40, 48),
        datetime(2012, 9, 9, 1, 15),
    ]
    assert stored.manifest["time_zone"] == "local"
    assert stored.manifest["times_with_offset"]["book_in_date_time"] == 2


def test_a_listed_event_time_with_a_space_and_an_offset_is_the_day_written() -> None:
    for written in ("2025-03-15 23:30:00-0500", "2025-03-15T23:30:00Z", "2025-03-15 23:30:00.5+02"):
        when = _date(written)
        assert when is not None and (when.earliest, when.latest) == (date(2025, 3, 15), date(2025, 3, 15))
    assert _date("2025-02-30 10:00:00Z") is None

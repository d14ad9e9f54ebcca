"""Figures match a straightforward pandas computation on the same input, and the population rule's edge cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import polars as pl
import pytest

from habeas.analytics.cohorts import distribution, shares
from habeas.analytics.population import daily_population
from habeas.analytics.stays import people, stays
from habeas.services import datasets as service
from habeas.synth import detention_placements, write_detentions


@pytest.fixture(scope="module")
def synthetic_release(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from habeas.services import Actor, Context
    from habeas.settings import Settings

    root = tmp_path_factory.mktemp("analytics")
    settings = Settings(root, f"sqlite:///{root / 'habeas.db'}", root / "none.toml")
    context = Context(settings, Actor("tester"))
    from habeas.services import track

    track.init_database(context)
    path = root / "detentions.csv"
    write_detentions(detention_placements(3000, seed=7, start=date(2019, 1, 1), years=2), path)
    report = service.import_dataset(context, "ice-detentions", path)
    found = service.get_release(context, report.release)
    frame = pd.read_csv(path, skiprows=5, dtype=str)
    for column in ("Stay Book In Date Time", "Detention Book In Date And Time", "Detention Book Out Date Time",
                   "Stay Book Out Date Time"):  # fmt: skip
        frame[column] = pd.to_datetime(frame[column], format="%m/%d/%Y %H:%M")
    return found, frame


def per_day_filter(frame: pd.DataFrame, days: pd.DatetimeIndex, by: str) -> pd.DataFrame:
    """The slow, obvious way: for each day, filter the placements held at 00:00 and count them."""
    book_in, book_out = frame["Detention Book In Date And Time"], frame["Detention Book Out Date Time"]
    counts = []
    for day in days:
        held = frame[(book_in <= day) & (book_out.isna() | (book_out > day))]
        counts.append(held.groupby(by).size().rename("population").reset_index().assign(day=day.date()))
    result = pd.concat(counts)
    groups = frame[by].dropna().unique()
    grid = pd.MultiIndex.from_product([[d.date() for d in days], groups], names=["day", by]).to_frame(index=False)
    merged = grid.merge(result, on=["day", by], how="left").fillna({"population": 0})
    return merged.astype({"population": "int64"}).sort_values(["day", by]).reset_index(drop=True)


def test_daily_population_by_facility_equals_the_per_day_filter(synthetic_release) -> None:
    found, frame = synthetic_release
    ours = daily_population(found.scan(), found.last_observed, by="facility_code")
    days = pd.date_range(ours["day"].min(), found.last_observed, freq="D")
    expected = per_day_filter(frame, days, "Detention Facility Code")
    got = ours.to_pandas().rename(columns={"facility_code": "Detention Facility Code"})
    got["day"] = got["day"].dt.date
    got = got.sort_values(["day", "Detention Facility Code"]).reset_index(drop=True)
    assert got["population"].sum() > 0
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def test_population_total_equals_the_sum_over_facilities(synthetic_release) -> None:
    found, _ = synthetic_release
    total = daily_population(found.scan(), found.last_observed)
    by_facility = daily_population(found.scan(), found.last_observed, by="facility_code")
    summed = by_facility.group_by("day").agg(pl.col("population").sum()).sort("day")
    assert total.select("day", "population").equals(summed)


def placement(book_in: datetime, book_out: datetime | None) -> dict[str, object]:
    return {"book_in": book_in, "book_out": book_out, "facility_code": "F", "redacted": []}


D = datetime(2024, 3, 10)


@pytest.mark.parametrize(
    ("book_in", "book_out", "counted_days"),
    [
        (D, D + timedelta(days=2), [D, D + timedelta(days=1)]),  # in at 00:00 counts that day
        (D + timedelta(minutes=1), D + timedelta(days=2), [D + timedelta(days=1)]),  # in at 00:01 counts next day
        (D - timedelta(days=1), D, [D - timedelta(days=1)]),  # out at 00:00 of D: not held on D
        (D - timedelta(days=1), D + timedelta(hours=23, minutes=59), [D - timedelta(days=1), D]),
        (D + timedelta(hours=10), D + timedelta(hours=18), []),  # in and out the same day: never held at 00:00
        (D + timedelta(days=3), None, [D + timedelta(days=3), D + timedelta(days=4), D + timedelta(days=5)]),
    ],
)
def test_who_counts_on_a_day(book_in: datetime, book_out: datetime | None, counted_days: list[datetime]) -> None:
    last_observed = date(2024, 3, 15)
    rows = pl.LazyFrame(
        [placement(datetime(2024, 3, 1), datetime(2024, 3, 2)), placement(book_in, book_out)],
        schema={"book_in": pl.Datetime("us"), "book_out": pl.Datetime("us"), "facility_code": pl.String,
                "redacted": pl.List(pl.String)},
    )  # fmt: skip
    result = daily_population(rows, last_observed)
    counted = result.filter(pl.col("day") > date(2024, 3, 2), pl.col("population") > 0)["day"].to_list()
    assert counted == [d.date() for d in counted_days]
    assert result["day"].max() == last_observed


def test_stays_match_a_pandas_group_by(synthetic_release) -> None:
    found, frame = synthetic_release
    ours = stays(found.scan(), found.last_observed).collect().to_pandas()
    keys = ["Anonymized Identifier", "Stay Book In Date Time"]
    grouped = frame.groupby(keys).agg(placements=("Detention Book In Date And Time", "size"),
                                      out=("Stay Book Out Date Time", "first")).reset_index()  # fmt: skip
    until = pd.Timestamp(found.last_observed + timedelta(days=1))
    grouped["length_days"] = (grouped["out"].fillna(until) - grouped[keys[1]]).dt.total_seconds() / 86400
    merged = grouped.merge(ours, left_on=keys, right_on=["person", "stay_book_in"], validate="one_to_one")
    assert len(merged) == len(grouped) == len(ours)
    assert (merged["placements_x"] == merged["placements_y"]).all()
    assert (merged["transfers"] == merged["placements_x"] - 1).all()
    assert merged["length_days_x"].round(9).equals(merged["length_days_y"].round(9))
    assert (merged["ongoing"] == merged["out"].isna()).all()


def test_stay_length_quantiles_match_pandas(synthetic_release) -> None:
    found, _ = synthetic_release
    frame = stays(found.scan(), found.last_observed)
    ours = distribution(frame, "length_days", "gender").sort("gender")
    lengths = frame.collect().to_pandas()
    for row in ours.iter_rows(named=True):
        values = lengths.loc[lengths["gender"] == row["gender"], "length_days"]
        assert row["count"] == len(values)
        for name, q in (("p10", 0.1), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p90", 0.9)):
            assert row[name] == pytest.approx(values.quantile(q), rel=1e-12)
        assert row["mean"] == pytest.approx(values.mean(), rel=1e-12)


def test_share_with_no_conviction_on_record_matches_pandas(synthetic_release) -> None:
    found, frame = synthetic_release
    ours = shares(people(found.scan(), found.last_observed), "no_conviction", "citizenship_country")
    first = frame.groupby("Anonymized Identifier").first()
    no_conviction = first[["Most Serious Conviction (MSC) Criminal Charge Category", "MSC Charge",
                           "MSC Conviction Date"]].isna().all(axis=1)  # fmt: skip
    expected = no_conviction.groupby(first["Citizenship Country"]).agg(["sum", "size"])
    for row in ours.iter_rows(named=True):
        count, total = expected.loc[row["citizenship_country"]]
        assert (row["count"], row["total"]) == (count, total)
        assert row["low"] <= row["share"] <= row["high"]
    assert ours["count"].sum() / ours["total"].sum() > 0.5  # most people have no conviction on record


def test_redacted_conviction_is_unknown_not_none_on_record() -> None:
    rows = pl.LazyFrame(
        {
            "msc_category": [None, None, "Assault"],
            "msc_charge": [None, None, "Assault"],
            "msc_conviction_date": [None, None, None],
            "redacted": [[], ["msc_charge"], []],
        },
        schema_overrides={"msc_conviction_date": pl.Date},
    )
    from habeas.analytics.stays import no_conviction_on_record

    assert rows.select(no_conviction_on_record()).collect().to_series().to_list() == [True, None, False]
    table = shares(rows.with_columns(no_conviction=no_conviction_on_record()), "no_conviction")
    assert table.select("count", "total", "unknown").row(0) == (1, 2, 1)


def test_a_window_of_days_is_the_same_counts_cut_out_of_the_whole(synthetic_release) -> None:
    found, _ = synthetic_release
    whole = daily_population(found.scan(), found.last_observed, by="facility_code")
    start, end = date(2019, 6, 1), date(2019, 6, 30)
    window = daily_population(found.scan(), found.last_observed, by="facility_code", start=start, end=end)
    assert window["day"].min() == start and window["day"].max() == end
    assert window.equals(whole.filter(pl.col("day").is_between(start, end)))


def population_of(placements: list[tuple[datetime, datetime | None]], measure: str, **options: object) -> pl.DataFrame:
    rows = pl.LazyFrame(
        [placement(book_in, book_out) for book_in, book_out in placements],
        schema={"book_in": pl.Datetime("us"), "book_out": pl.Datetime("us"), "facility_code": pl.String,
                "redacted": pl.List(pl.String)},
    )  # fmt: skip
    return daily_population(rows, date(2024, 3, 15), measure=measure, **options)  # type: ignore[arg-type]  # options are the keyword arguments under test


def counted_on(result: pl.DataFrame) -> list[date]:
    return result.filter(pl.col("day") > date(2024, 3, 2), pl.col("population") > 0)["day"].to_list()


DAY = D.date()
EARLY = (datetime(2024, 3, 1), datetime(2024, 3, 2))  # a placement that starts the calendar on 1 March


@pytest.mark.parametrize(
    ("book_in", "book_out", "midnight", "all_day"),
    [
        # An arrival and a departure the same day: never held at 00:00, held that day.
        (D + timedelta(hours=10), D + timedelta(hours=18), [], [DAY]),
        # In and out at the same instant: still held that day.
        (D + timedelta(hours=10), D + timedelta(hours=10), [], [DAY]),
        # Overnight: in the evening, out the next morning.
        (D + timedelta(hours=20), D + timedelta(days=1, hours=8), [DAY + timedelta(days=1)],
         [DAY, DAY + timedelta(days=1)]),
        # In at 00:00: counted that day by both measures.
        (D, D + timedelta(days=1, hours=1), [DAY, DAY + timedelta(days=1)], [DAY, DAY + timedelta(days=1)]),
        # Out at 00:00 of D: not held on D by either measure.
        (D - timedelta(days=1, hours=-6), D, [], [DAY - timedelta(days=1)]),
        # Open at the end of the data: counted through the last observed day (15 March).
        (D + timedelta(days=3, hours=9), None, [DAY + timedelta(days=n) for n in (4, 5)],
         [DAY + timedelta(days=n) for n in (3, 4, 5)]),
    ],
)  # fmt: skip
def test_midnight_census_and_24_hour_population(book_in, book_out, midnight, all_day) -> None:  # type: ignore[no-untyped-def]
    assert counted_on(population_of([EARLY, (book_in, book_out)], "midnight")) == midnight
    assert counted_on(population_of([EARLY, (book_in, book_out)], "24h")) == all_day


def test_the_24_hour_population_is_never_below_the_midnight_census(synthetic_release) -> None:
    found, _ = synthetic_release
    at_midnight = daily_population(found.scan(), found.last_observed, by="facility_code")
    all_day = daily_population(found.scan(), found.last_observed, by="facility_code", measure="24h")
    both = all_day.join(at_midnight, on=["day", "facility_code"], how="left", suffix="_midnight").fill_null(0)
    assert (both["population"] >= both["population_midnight"]).all()
    assert (both["population"] > both["population_midnight"]).any()  # same-day and last-day stays add people
    assert set(at_midnight["measure"]) == {"midnight"} and set(all_day["measure"]) == {"24h"}


def test_the_first_days_are_marked_undercounted() -> None:
    # A stay that began before the data (book-in 20 February, data from 1 March) is counted
    # while it lasts; the days until the longest completed placement has passed are undercounted.
    placements = [(datetime(2024, 2, 20), datetime(2024, 3, 5)), (datetime(2024, 3, 1), datetime(2024, 3, 4))]
    result = population_of(placements, "midnight", first_observed=date(2024, 3, 1))
    assert result.filter(pl.col("day") == date(2024, 2, 20))["population"].to_list() == [1]
    under = result.filter(pl.col("undercounted"))["day"]
    assert under.min() == date(2024, 2, 20) and under.max() == date(2024, 3, 14)  # 1 March + 14 days, exclusive
    assert not result.filter(pl.col("day") == date(2024, 3, 15))["undercounted"].item()


def test_an_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="midnight or 24h"):
        population_of([EARLY], "noon")


def test_the_summary_leaves_out_the_undercounted_days_and_names_its_measure(synthetic_release) -> None:
    from habeas.analytics.population import population_summary

    found, _ = synthetic_release
    daily = daily_population(found.scan(), found.last_observed, measure="24h", first_observed=found.first_observed)
    summary = population_summary(daily, "all").row(0, named=True)
    counted = daily.filter(~pl.col("undercounted"))
    assert summary["average"] == pytest.approx(counted["population"].mean())
    assert summary["averaged_from"] == counted["day"].min() > daily["day"].min()
    assert summary["measure"] == "24h"


def test_the_command_says_which_measure_it_prints(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from habeas.cli import app

    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_USER", "tester")
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    runner = CliRunner()
    data = tmp_path / "detentions.csv"
    for command in (["init"], ["synth", "ice-detentions", "--rows", "300", "--years", "1", "--out", str(data)],
                    ["datasets", "import", "ice-detentions", str(data)]):  # fmt: skip
        assert runner.invoke(app, command).exit_code == 0
    by_default = json.loads(runner.invoke(app, ["stats", "population", "--format", "json"]).output)
    all_day = json.loads(runner.invoke(app, ["stats", "population", "--measure", "24h", "--format", "json"]).output)
    assert {"title", "note", "rows"} <= set(by_default)  # the keys that were there before stay
    assert (by_default["measure"], all_day["measure"]) == ("midnight", "24h")
    assert "midnight census" in by_default["title"] and "24-hour population" in all_day["title"]
    assert sum(r["population"] for r in all_day["rows"]) > sum(r["population"] for r in by_default["rows"])
    summary = runner.invoke(app, ["stats", "population", "--measure", "24h"])
    assert summary.exit_code == 0 and "24-hour population" in summary.output
    wrong = runner.invoke(app, ["stats", "population", "--measure", "noon"])
    assert wrong.exit_code != 0 and "noon" in wrong.output


def test_the_population_chart_marks_censoring_and_draws_facilities_apart(synthetic_release, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import matplotlib

    from habeas.analytics.charts import population_chart

    found, _ = synthetic_release
    daily = daily_population(found.scan(), found.last_observed, by="facility_code", measure="24h",
                             first_observed=found.first_observed)  # fmt: skip
    path = tmp_path / "population.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, to read it back
        population_chart(daily, "facility_code", path, "Daily population", "Synthetic release.")
    svg = path.read_text()
    largest = daily.group_by("facility_code").agg(pl.col("population").mean()).sort("population", descending=True)
    assert svg.count("undercounted: people held") == 6 and svg.count("data end: open stays") == 6
    assert all(code in svg for code in largest["facility_code"].head(6)), "one panel for each of the six largest"
    assert largest["facility_code"][6] not in svg and "Showing the 6 largest of" in svg
    assert "People held at any time of the day (people)" in svg

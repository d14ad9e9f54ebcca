"""--where COLUMN<OP>VALUE: comparisons on dates, numbers and text, combined with AND; --from/--to for days."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from habeas.analytics.filters import ConditionError, conditions_expr
from habeas.cli import app
from habeas.services import ServiceError
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER, detention_row

runner = CliRunner()
ROWS = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d"],
        "departed_date": [date(2011, 12, 31), date(2012, 1, 1), date(2012, 6, 1), None],
        "book_in": [datetime(2012, 1, 1, 9), datetime(2011, 5, 1), None, datetime(2012, 1, 2)],
        "birth_year": [1980, 1990, 2001, None],
        "share": [0.1, 0.5, 0.9, 0.2],
        "gender": ["Male", "Female", "Female", None],
        "transferred": [True, False, True, None],
        "redacted": [[], [], ["gender"], []],
    }
)


def matching(*conditions: str) -> list[str]:
    expr = conditions_expr(conditions, ROWS.schema)
    return ROWS.filter(expr)["id"].to_list() if expr is not None else ROWS["id"].to_list()


@pytest.mark.parametrize(
    ("condition", "ids"),
    [
        ("departed_date<2012-01-01", ["a"]),
        ("departed_date<=2012-01-01", ["a", "b"]),
        ("departed_date>2012-01-01", ["c"]),
        ("departed_date>=2012-01-01", ["b", "c"]),
        ("departed_date=2012-01-01", ["b"]),
        ("departed_date!=2012-01-01", ["a", "c"]),  # an empty value meets no comparison
        ("book_in<2012-01-01", ["b"]),  # a date against times: its 00:00
        ("book_in>=2012-01-01T09:00", ["a", "d"]),
        ("birth_year>=1990", ["b", "c"]),
        ("birth_year < 1990", ["a"]),
        ("birth_year==1990", ["b"]),
        ("share>0.45", ["b", "c"]),
        ("gender=Female", ["b", "c"]),
        ("gender!=Female", ["a"]),
        ("transferred=true", ["a", "c"]),
        ("transferred=no", ["b"]),
    ],
)
def test_where_filters_a_range_with_comparisons_on_dates_numbers_and_text(condition: str, ids: list[str]) -> None:
    assert matching(condition) == ids


def test_several_where_conditions_combine_with_and() -> None:
    assert matching("departed_date>=2012-01-01", "gender=Female", "birth_year<2000") == ["b"]
    assert matching() == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("departed<2012-01-01", "no column 'departed'; the columns are: id, departed_date,"),
        ("departed_date=>2012-01-01", "'=>' is not a comparison; use one of = != < <= > >="),
        ("departed_date~2012", "'~' is not a comparison"),
        ("departed_date<2012-13-01", "column 'departed_date' holds dates: '2012-13-01' is not a date (YYYY-MM-DD)"),
        ("book_in<yesterday", "column 'book_in' holds times: 'yesterday' is not a date or time"),
        ("birth_year>nineteen", "column 'birth_year' holds numbers: 'nineteen' is not a number"),
        ("share<nan", "'nan' is not a finite number"),
        ("gender<F", "column 'gender' holds text: only = and != compare it"),
        ("transferred>true", "holds yes/no: only = and != compare it"),
        ("transferred=perhaps", "compare it with true or false"),
        ("redacted=gender", "holds lists and cannot be compared"),
        ("2012-01-01", "write COLUMN OP VALUE"),
    ],
)
def test_a_bad_where_names_the_column_and_the_problem(condition: str, problem: str) -> None:
    with pytest.raises(ConditionError, match=f"^--where .*{re.escape(problem)}"):
        matching(condition)


def test_a_huge_number_in_a_where_is_compared_not_overflowed() -> None:
    assert matching("birth_year<100000000000000000000000") == ["a", "b", "c"]


REMOVALS_HEADER = ("Departed Date", "Gender", "Country of Citizenship", "Most Serious Conviction")


@pytest.fixture
def removals(dctx, write_release) -> str:  # type: ignore[no-untyped-def]
    rows = [
        ["12/15/2011", "Male", "MEXICO", None],
        ["12/31/2011", "Female", "GUATEMALA", "Illegal Entry"],
        ["1/1/2012", "Female", "MEXICO", None],
        ["3/1/2012", "Male", "HONDURAS", None],
    ]
    return service.import_dataset(dctx, "ice-removals", write_release("r.csv", REMOVALS_HEADER, rows)).release


def test_stats_share_and_summary_take_a_range_of_departure_dates(dctx, removals: str) -> None:
    before = service.share_figures(dctx, None, removals, where="departed_date<2012-01-01")
    assert before.table.select("count", "total").row(0) == (2, 4)
    among = service.share_figures(dctx, "no_conviction", removals, where=["departed_date<2012-01-01"])
    assert among.table.select("count", "total").row(0) == (1, 2)
    assert "Only rows with departed_date<2012-01-01." in among.note
    both = service.summary_figures(dctx, removals, "gender", ["departed_date>=2011-12-31", "gender=Female"])
    assert both.table.select("gender", "rows").rows() == [("Female", 2)]
    with pytest.raises(ServiceError, match="no column 'departed'"):
        service.summary_figures(dctx, removals, where=["departed<2012-01-01"])


def detentions(dctx, write_release) -> str:  # type: ignore[no-untyped-def]
    rows = [
        detention_row("p1", "01/02/2019 10:00", "01/02/2019 10:00", "01/05/2019 08:30", "01/05/2019 08:30"),
        detention_row("p2", "01/03/2019 10:00", "01/03/2019 10:00", "01/10/2019 08:30", "01/10/2019 08:30",
                      country="GUATEMALA"),
    ]  # fmt: skip
    return service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows)).release


def test_population_takes_a_day_range_and_where_conditions(dctx, write_release) -> None:
    release = detentions(dctx, write_release)
    daily, _ = service.population_figures(dctx, release, start=date(2019, 1, 4), end=date(2019, 1, 6))
    assert daily.table.select("day", "population").rows() == [
        (date(2019, 1, 4), 2),
        (date(2019, 1, 5), 2),
        (date(2019, 1, 6), 1),
    ]
    guatemalans, _ = service.population_figures(
        dctx, release, start=date(2019, 1, 4), end=date(2019, 1, 4), where=["citizenship_country_iso=GT"]
    )
    assert guatemalans.table["population"].to_list() == [1]
    with pytest.raises(ServiceError, match="--from 2019-01-06 is after --to 2019-01-04"):
        service.population_figures(dctx, release, start=date(2019, 1, 6), end=date(2019, 1, 4))
    stays = service.stay_figures(dctx, release, where="stay_book_in>=2019-01-03")
    assert stays.table["count"].to_list() == [1]


def test_stats_commands_take_several_where_and_show_examples(tmp_path: Path, monkeypatch, write_release) -> None:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_USER", "tester")
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    rows = [["12/15/2011", "Male", "MEXICO", None], ["1/1/2012", "Female", "MEXICO", None]]
    path = write_release("r.csv", REMOVALS_HEADER, rows)
    assert runner.invoke(app, ["datasets", "import", "ice-removals", str(path)]).exit_code == 0
    args = ["stats", "summary", "--format", "csv", "--where", "departed_date>=2011-01-01", "-w", "gender=Male"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and result.stdout.splitlines() == ["all,rows", "all,1"]
    bad = runner.invoke(app, ["stats", "share", "--where", "departed_date<soon"])
    assert bad.exit_code == 1 and "'soon' is not a date (YYYY-MM-DD)" in bad.output
    for command in ("population", "stays", "share", "summary"):
        shown = runner.invoke(app, ["stats", command, "--help"], env={"COLUMNS": "200"})
        assert "--where" in shown.output and "Examples" in shown.output

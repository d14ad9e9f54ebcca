"""`habeas publish`: the tables count the right people, and never publish a small count, a shared secret or an id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from habeas.cli import app
from habeas.domain.dates import DayCount
from habeas.services.security import days_band

runner = CliRunner()
ADMIN = "publish-admin"
AS_OF = "2025-03-01"


def group(prefix: str, count: int, citizenship: str, kind: str, bases: list[str], cohort: str | None = None):  # type: ignore[no-untyped-def]
    people = [
        {"id": f"{prefix}-{i:02d}", "name": f"Publish {prefix} {i}", "citizenship": citizenship,
         "sensitive": {"asylum_basis": [bases[i % len(bases)]]}, **({"cohorts": [cohort]} if cohort else {})}
        for i in range(count)
    ]  # fmt: skip
    extra = {"destination": "VE"} if kind == "removed" else {"facility": "Example Center"}
    events = [{"id": f"{p['id']}-ev", "person": p["id"], "kind": kind, "date": "2025-02-01", **extra} for p in people]
    return people, events


MIXED = ["political_opinion", "religion"]
BASE_GROUPS = [("hn", 14, "HN", "booked_in", MIXED, "pb-cohort"), ("ve", 12, "VE", "booked_in", MIXED, None)]


def make_db(url: str, tmp_path: Path, groups: list[tuple]) -> str:  # type: ignore[type-arg]
    people, events = [], []
    for args in groups:
        found = group(*args)
        people += found[0]
        events += found[1]
    doc = {"habeas": 1, "cohorts": [{"id": "pb-cohort"}], "people": people, "events": events}
    (tmp_path / "people.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    for command in (["init"], ["import", str(tmp_path / "people.yaml")]):
        result = runner.invoke(app, [*command, "--db", url, "--user", ADMIN])
        assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def db(sqlite_url: str, tmp_path: Path) -> str:
    return make_db(sqlite_url, tmp_path, BASE_GROUPS)


def publish(db: str, out: Path, *extra: str) -> tuple[int, str, dict]:
    result = runner.invoke(app, ["publish", "--out", str(out), "--as-of", AS_OF, *extra, "--db", db, "--user", ADMIN])
    manifest = json.loads((out / "publication.json").read_text()) if result.exit_code == 0 else {}
    return result.exit_code, result.output, manifest


def table(manifest: dict, table_id: str) -> dict:
    return next(t for t in manifest["tables"] if t["id"] == table_id)


def cell(doc: dict, row: str, column: str) -> int | None:
    return doc["cells"][doc["rows"].index(row)][doc["columns"].index(column)]


def no_small_count_is_shown(manifest: dict) -> None:
    for doc in manifest["tables"]:
        shown = [v for row in doc["cells"] for v in row] + doc["row_totals"] + doc["column_totals"] + [doc["total"]]
        assert not [v for v in shown if v is not None and 1 <= v <= manifest["threshold"]], doc["id"]


def test_the_tables_count_the_people_in_each_group(db: str, tmp_path: Path) -> None:
    code, out, manifest = publish(db, tmp_path / "pub")
    assert code == 0, out
    assert {t["id"] for t in manifest["tables"]} == {"custody-by-citizenship", "days-without-proof-of-life",
                                                     "flags-by-rule", "people-in-custody-by-month"}  # fmt: skip
    custody = table(manifest, "custody-by-citizenship")
    assert (cell(custody, "us_custody", "HN"), cell(custody, "us_custody", "VE"), custody["total"]) == (14, 12, 26)
    days = table(manifest, "days-without-proof-of-life")
    assert days["rows"] == ["0-30"] and cell(days, "0-30", "us_custody") == 26
    no_small_count_is_shown(manifest)


@pytest.mark.parametrize(
    ("extra", "withheld"),
    [
        (("gt", 3, "GT", "booked_in", MIXED, None), ("us_custody", "GT")),
        (("sv", 12, "SV", "removed", ["sexual_orientation"], None), ("removed", "SV")),
    ],
    ids=["three people", "twelve people who share one asylum basis"],
)
def test_a_small_group_or_one_sharing_a_sensitive_value_is_withheld(sqlite_url, tmp_path, extra, withheld) -> None:
    db = make_db(sqlite_url, tmp_path, [*BASE_GROUPS, extra])
    code, out, manifest = publish(db, tmp_path / "pub")
    assert code == 0, out
    assert cell(table(manifest, "custody-by-citizenship"), *withheld) is None
    no_small_count_is_shown(manifest)


def test_a_publication_names_no_person_and_no_sensitive_value(db: str, tmp_path: Path) -> None:
    code, out, _ = publish(db, tmp_path / "pub")
    assert code == 0, out
    text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "pub").iterdir()).casefold()
    for secret in ("publish ", "hn-0", "ve-0", "political_opinion", "religion", "pb-cohort"):
        assert secret not in text


def test_cohort_limits_the_count_to_its_members(db: str, tmp_path: Path) -> None:
    code, out, manifest = publish(db, tmp_path / "pub", "--cohort", "pb-cohort")
    assert code == 0, out
    custody = table(manifest, "custody-by-citizenship")
    assert custody["total"] == 14 and custody["columns"] == ["HN"]


def test_a_threshold_below_five_is_refused_and_nothing_is_written(db: str, tmp_path: Path) -> None:
    code, out, _ = publish(db, tmp_path / "pub", "--threshold", "4")
    assert code == 1 and "at least 5" in out
    assert not (tmp_path / "pub").exists()


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (None, "none on record"),
        (DayCount(0, 0), "0-30"),
        (DayCount(30, 30), "0-30"),
        (DayCount(31, 90), "31-90"),
        (DayCount(25, 40), "uncertain"),
        (DayCount(365, 365), "181-365"),
        (DayCount(366, 900), "over 365"),
    ],
)
def test_days_without_proof_of_life_fall_in_a_band_only_when_the_whole_range_does(days, band) -> None:
    assert days_band(days) == band


# --- differencing: two publications must not give a suppressed count away ------------------------


def cohorts_db(url: str, tmp_path: Path) -> str:
    """Everyone is in all-c; rest-c leaves out the three GT people, all in US custody."""
    people, events = [], []
    for prefix, count, citizenship, kind in (("hn", 40, "HN", "booked_in"), ("ve", 30, "VE", "booked_in"),
                                             ("sv", 25, "SV", "removed"), ("gt", 3, "GT", "booked_in")):  # fmt: skip
        found = group(prefix, count, citizenship, kind, MIXED)
        cohorts = ["all-c"] if prefix == "gt" else ["all-c", "rest-c"]
        people += [{**p, "cohorts": cohorts} for p in found[0]]
        events += found[1]
    doc = {"habeas": 1, "cohorts": [{"id": "all-c"}, {"id": "rest-c"}], "people": people, "events": events}
    (tmp_path / "people.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    for command in (["init"], ["import", str(tmp_path / "people.yaml")]):
        result = runner.invoke(app, [*command, "--db", url, "--user", ADMIN])
        assert result.exit_code == 0, result.output
    return url


def test_publishing_a_cohort_and_one_without_three_people_is_refused_naming_the_cell(sqlite_url, tmp_path) -> None:
    db = cohorts_db(sqlite_url, tmp_path)
    code, out, first = publish(db, tmp_path / "all", "--cohort", "all-c")
    assert code == 0, out
    code, out, _ = publish(db, tmp_path / "rest", "--cohort", "rest-c")
    flat = " ".join(out.split())
    assert code == 1 and "nothing was published" in flat and "--suppress-differences" in flat, out
    assert "against publication 1 (cohort all-c, as of 2025-03-01): custody-by-citizenship (the grand total)" in flat
    assert not (tmp_path / "rest").exists()
    code, out, second = publish(db, tmp_path / "rest", "--cohort", "rest-c", "--suppress-differences")
    assert code == 0 and "because of earlier publications" in out, out
    for doc in second["tables"]:
        before = table(first, doc["id"])
        for name in ("row_totals", "column_totals"):
            pairs = zip(before[name], doc[name], strict=False) if before["rows"] == doc["rows"] else []
            assert not [(a, b) for a, b in pairs if a is not None and b is not None and 1 <= abs(a - b) <= 10]
        if before["rows"] == doc["rows"]:
            assert before["total"] is None or doc["total"] is None or not 1 <= abs(before["total"] - doc["total"]) <= 10
    no_small_count_is_shown(second)


def test_zeros_beside_a_small_hidden_group_do_not_say_where_it_is(sqlite_url, tmp_path) -> None:
    db = cohorts_db(sqlite_url, tmp_path)
    code, out, manifest = publish(db, tmp_path / "all", "--cohort", "all-c")
    assert code == 0, out
    custody = table(manifest, "custody-by-citizenship")
    assert cell(custody, "us_custody", "GT") is None
    assert cell(custody, "removed", "GT") is None, "a published 0 would say all three are in US custody"


def test_every_published_count_is_recorded_with_its_cohort_and_day(sqlite_url, tmp_path) -> None:
    import sqlalchemy as sa

    db = cohorts_db(sqlite_url, tmp_path)
    assert publish(db, tmp_path / "all", "--cohort", "all-c")[0] == 0
    engine = sa.create_engine(db)
    with engine.connect() as connection:
        ((_pid, population, as_of),) = connection.execute(sa.text("SELECT id, population, as_of FROM publications"))
        cells = connection.execute(sa.text("SELECT table_id, row_label, column_label, value FROM publication_cells "
                                           "WHERE row_label = 'removed' AND column_label = 'GT'")).all()  # fmt: skip
    engine.dispose()
    assert (population, str(as_of)) == ("cohort:all-c", AS_OF)
    assert cells == [("custody-by-citizenship", "removed", "GT", None)], "suppressed is recorded as NULL"

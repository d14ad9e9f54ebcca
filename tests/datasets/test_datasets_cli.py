"""The dataset commands: import with a summary, list, stats in table/csv/json with charts, synth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli import app

from .conftest import DETENTION_HEADER, detention_row

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_USER", "tester")
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path / "home"


def invoke(*args: str) -> object:
    result = runner.invoke(app, list(args))
    return result


def test_synth_import_and_figures_from_the_command_line(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "detentions.csv"
    result = invoke("synth", "ice-detentions", "--rows", "800", "--seed", "4", "--years", "2", "--out", str(data))
    assert result.exit_code == 0, result.output
    result = invoke("datasets", "import", "ice-detentions", str(data))
    assert result.exit_code == 0, result.output
    assert "rows read" in result.output and "800" in result.output and "header on row 6" in result.output
    again = invoke("datasets", "import", "ice-detentions", str(data))
    assert "Already imported" in again.output and again.exit_code == 0
    listed = json.loads(invoke("datasets", "list", "--format", "json").output)
    assert [r["rows"] for r in listed["rows"]] == [800]

    shared = json.loads(invoke("stats", "share", "no_conviction", "--by", "gender", "--format", "json").output)
    assert {"count", "total", "share", "low", "high"} <= set(shared["rows"][0])
    assert "Wilson" in shared["note"]
    daily = invoke("stats", "population", "--by", "facility_code", "--format", "csv").output.splitlines()
    assert daily[0] == "day,facility_code,population,measure,undercounted"
    chart = tmp_path / "population.png"
    table = invoke("stats", "population", "--plot", str(chart))
    assert table.exit_code == 0 and chart.stat().st_size > 10_000
    stays_chart = tmp_path / "stays.svg"
    stays = invoke("stats", "stays", "--by", "citizenship_country", "--plot", str(stays_chart))
    assert stays.exit_code == 0 and "median" in stays.output and stays_chart.read_text().startswith("<?xml")
    summary = invoke("stats", "summary", "--by", "gender", "--format", "json")
    assert json.loads(summary.output)["rows"][0]["people"] > 0
    people = json.loads(invoke("datasets", "people", "--limit", "3", "--format", "json").output)
    assert len(people["rows"]) == 3 and all(":" in r["id"] for r in people["rows"])


def test_rejections_are_listed_and_strict_fails(home: Path, tmp_path: Path) -> None:
    rows = [detention_row("p1", "01/02/2019 10:00", "01/02/2019 10:00", "01/01/2019 08:30", None)]
    path = tmp_path / "d.csv"
    path.write_text(",".join(DETENTION_HEADER) + "\n" + ",".join("" if v is None else str(v) for v in rows[0]) + "\n")
    dry = invoke("datasets", "import", "ice-detentions", str(path), "--dry-run")
    assert dry.exit_code == 1  # its only row is rejected: the import would be refused, and the dry run says so
    assert "dry run" in dry.output and "d.csv: row 2, column 'Detention Book Out Date Time'" in dry.output
    strict = invoke("datasets", "import", "ice-detentions", str(path), "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.output
    assert not (home / "datasets").exists()


def test_clear_errors_for_a_wrong_format_a_bad_group_and_a_bad_chart_name(home: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "notes.csv"
    wrong.write_text("hello,world\n1,2\n")
    result = invoke("datasets", "import", "ice-removals", str(wrong))
    assert result.exit_code == 1 and "does not look like ICE removals" in result.output
    missing = invoke("stats", "population")
    assert missing.exit_code == 1 and "no ice_detentions release imported yet" in missing.output
    data = tmp_path / "r.csv"
    invoke("synth", "ice-removals", "--rows", "50", "--out", str(data))
    invoke("datasets", "import", "ice-removals", str(data))
    bad_group = invoke("stats", "share", "no_conviction", "-r", "ice_removals", "--by", "colour")
    assert bad_group.exit_code == 1 and "no column 'colour'" in bad_group.output
    bad_chart = invoke("stats", "summary", "-r", "ice_removals", "--plot", str(tmp_path / "chart.pdf"))
    assert bad_chart.exit_code == 1 and ".png or .svg" in bad_chart.output


def test_a_dataset_person_has_a_timeline_and_whereabouts(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "synthetic.csv"
    assert (
        runner.invoke(app, ["synth", "ice-detentions", "--rows", "200", "--seed", "3", "--out", str(data)]).exit_code
        == 0
    )
    assert runner.invoke(app, ["datasets", "import", "ice-detentions", str(data)]).exit_code == 0
    people = runner.invoke(app, ["datasets", "people", "--format", "json"])
    assert people.exit_code == 0, people.output
    person = json.loads(people.stdout)["rows"][0]["id"]
    timeline = runner.invoke(app, ["timeline", person, "--format", "json"])
    assert timeline.exit_code == 0, timeline.output
    kinds = [e["kind"] for e in json.loads(timeline.stdout)["events"]]
    assert kinds[0] == "booked_in"
    assert all(e["sources"] for e in json.loads(timeline.stdout)["events"])
    where = runner.invoke(app, ["whereabouts", person, "--format", "json"])
    assert where.exit_code == 0 and json.loads(where.stdout)["custody"] in {"us_custody", "released", "removed"}

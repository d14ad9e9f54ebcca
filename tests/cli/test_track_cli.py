"""The track commands as a user runs them: exit codes, messages, and the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    return url


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_init_creates_then_reports_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code, out = run("init", "--db", url)
    assert code == 0 and "Created the habeas database" in out
    code, out = run("init", "--db", url)
    assert code == 0 and "up to date" in out


def test_import_reports_what_it_added_and_then_nothing_new(db: str) -> None:
    files = [str(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    code, out = run("import", *files, "--db", db)
    assert code == 0 and "added" in out and "3 people" in out
    code, out = run("import", *files, "--db", db)
    assert code == 0 and "Nothing new" in out


def test_whereabouts_json_has_exactly_the_casefile_shape(db: str) -> None:
    run("import", str(EXAMPLES / "hernandez-romero.yaml"), "--db", db)
    code, out = run("whereabouts", "ahr", "--as-of", "2025-05-01", "--format", "json", "--db", db)
    assert code == 0
    data = json.loads(out)
    # The contract's keys in its order, then habeas's one extension (docs/casefile.md): whether the clock runs.
    assert list(data) == ["person", "as_of", "custody", "country", "facility", "since", "last_proof_of_life",
                          "days_without_proof_of_life", "pending", "evidence", "proof_of_life_clock"]  # fmt: skip
    assert data["proof_of_life_clock"] == "running"
    assert data["person"] == "ahr" and data["as_of"] == "2025-05-01"
    assert data["custody"] == "foreign_custody"


def test_whereabouts_table_names_custody_and_days(db: str) -> None:
    run("import", str(EXAMPLES / "hernandez-romero.yaml"), "--db", db)
    code, out = run("whereabouts", "ahr", "--as-of", "2025-05-01", "--db", db)
    assert code == 0
    assert "foreign_custody" in out and "CECOT" in out and "46" in out


def test_a_bad_file_exits_non_zero_names_the_line_and_stores_nothing(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("habeas: 1\npeople:\n  - id: p1\nevents:\n  - person: p1\n    kind: booked_in\n    date: 2025-13\n")
    code, out = run("import", str(bad), "--db", db)
    assert code == 1
    assert f"{bad}:7" in out and "not a valid EDTF date" in out and "nothing was imported" in out
    code, out = run("people", "--format", "json", "--db", db)
    assert json.loads(out) == []


def test_timeline_shows_corrections_and_sources(db: str) -> None:
    run("import", *[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))], "--db", db)
    code, out = run("timeline", "demo-a", "--format", "json", "--db", db)
    assert code == 0
    statuses = {e["id"]: e["status"] for e in json.loads(out)["events"]}
    assert statuses["demo-a-transferred"] == "superseded"
    assert statuses["demo-a-visit-misreported"] == "retracted"
    code, out = run("timeline", "demo-a", "--db", db)
    assert "superseded by" in out and "[1]" in out


def test_people_filters_by_custody_and_cohort(db: str) -> None:
    run("import", *[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))], "--db", db)
    code, out = run("people", "--custody", "removed", "--as-of", "2025-05-01", "--format", "json", "--db", db)
    assert code == 0 and {p["id"] for p in json.loads(out)} == {"demo-a", "demo-b"}
    code, out = run("people", "--cohort", "cecot-2025-03", "--format", "json", "--db", db)
    assert {p["id"] for p in json.loads(out)} == {"ahr"}


def test_unknown_person_and_bad_dates_are_clear_errors(db: str) -> None:
    code, out = run("whereabouts", "nobody", "--db", db)
    assert code == 1 and "no person with id 'nobody'" in out
    code, out = run("whereabouts", "nobody", "--as-of", "May 1", "--db", db)
    assert code == 1 and "--as-of" in out and "YYYY-MM-DD" in out


def test_export_writes_a_casefile_that_imports_cleanly(db: str, tmp_path: Path) -> None:
    run("import", *[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))], "--db", db)
    out_file = tmp_path / "export.yaml"
    code, out = run("export", "--out", str(out_file), "--db", db)
    assert code == 0 and "3 people" in out
    other = f"sqlite:///{tmp_path / 'other.db'}"
    run("init", "--db", other)
    code, out = run("import", str(out_file), "--db", other)
    assert code == 0, out
    code, csv_out = run("export", "--format", "csv", "--db", db)
    assert csv_out.splitlines()[0] == "id,person,cohort,kind,date,reported,sources,fields"


def test_schema_casefile_prints_a_json_schema(db: str) -> None:
    code, out = run("schema", "casefile")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    assert "removed" in json.dumps(schema)


def test_demo_loads_the_examples_and_shows_whereabouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    code, out = run("demo", "--db", f"sqlite:///{tmp_path / 'demo.db'}")
    assert code == 0, out
    assert "Whereabouts of ahr on 2025-05-01" in out and "Whereabouts of ahr on 2025-07-20" in out


def test_every_command_has_help_with_an_explanation() -> None:
    code, out = run("--help")
    assert code == 0
    for command in ("init", "import", "people", "timeline", "whereabouts", "export", "schema", "demo"):
        assert command in out
        sub_code, sub_out = run(*command.split(), "--help")
        assert sub_code == 0 and len(sub_out) > 200, command


def test_exports_leave_out_sensitive_fields_unless_asked(db: str) -> None:
    run("import", *[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))], "--db", db)
    code, plain = run("export", "--format", "json", "--db", db)
    assert code == 0
    people = {p["id"]: p for p in json.loads(plain)["people"]}
    assert "sensitive" not in people["ahr"]
    assert all("note" not in e for e in json.loads(plain)["events"])
    code, full = run("export", "--format", "json", "--include-sensitive", "--db", db)
    assert {p["id"]: p for p in json.loads(full)["people"]}["ahr"]["sensitive"]["asylum_basis"]


def test_an_export_without_notes_imports_back_as_nothing_new(db: str, tmp_path: Path) -> None:
    run("import", *[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))], "--db", db)
    out_file = tmp_path / "plain.yaml"
    run("export", "--out", str(out_file), "--db", db)
    code, out = run("import", str(out_file), "--db", db)
    assert code == 0 and "Nothing new" in out


def test_partner_formats_export_and_pfif_imports_back(db: str, tmp_path: Path) -> None:
    run("import", *[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))], "--db", db)
    code, ftm = run("export", "--format", "ftm", "--db", db)
    assert code == 0 and all(json.loads(line)["schema"] for line in ftm.splitlines() if line.strip())
    tables = tmp_path / "tables"
    code, out = run("export", "--format", "parquet", "--out", str(tables), "--db", db)
    assert code == 0 and (tables / "events.parquet").exists()
    pfif = tmp_path / "people.xml"
    code, out = run("export", "--format", "pfif", "--out", str(pfif), "--db", db)
    assert code == 0 and pfif.read_text().startswith("<?xml")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    run("init", "--db", other)
    code, out = run("import", "--format", "pfif", str(pfif), "--db", other)
    assert code == 0, out
    code, out = run("people", "--format", "json", "--db", other)
    assert len(json.loads(out)) == 3


def test_an_export_without_sensitive_fields_keeps_the_birth_year_not_the_birth_date(db: str, tmp_path: Path) -> None:
    case = tmp_path / "child.yaml"
    case.write_text(
        "habeas: 1\npeople:\n  - {id: bd-child, name: Fictional Child, birth_date: 2011-07-23, birth_year: 2011}\n",
        encoding="utf-8",
    )
    assert run("import", str(case), "--db", db)[0] == 0
    code, plain = run("export", "--format", "json", "--db", db)
    person = {p["id"]: p for p in json.loads(plain)["people"]}["bd-child"]
    assert code == 0 and "birth_date" not in person and person["birth_year"] == 2011
    code, full = run("export", "--format", "json", "--include-sensitive", "--db", db)
    assert {p["id"]: p for p in json.loads(full)["people"]}["bd-child"]["birth_date"] == "2011-07-23"


def test_a_command_before_init_says_so_and_leaves_no_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "never-made.db"
    code, out = run("whereabouts", "ahr", "--db", f"sqlite:///{path}")
    assert code == 1 and "run `habeas init` first" in out
    assert not path.exists()

"""`habeas deadlines` and `habeas agenda` as a user runs them: tables, JSON, calendars, bad input, reach.

The people in CLIENTS are fictional; the calendar tests parse every .ics twice, with icalendar
(which wrote it) and with the independent `ics` parser.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import ics
import pytest
import yaml
from typer.testing import CliRunner

from habeas.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
NAME_CANARY = "Cliente Ficticio CANARY-dl-name"
NOTE_CANARY = "CANARY-dl-note"

CLIENTS = {
    "habeas": 1,
    "sources": [{"id": "dl-docket", "kind": "court_record", "title": "Docket notes (fictional)", "date": "2025-06-03"}],
    "people": [
        {"id": "dl-1", "name": NAME_CANARY, "sensitive": {"asylum_basis": ["political_opinion"]}},
        {"id": "dl-2", "name": "Cliente Ficticio Dos"},
    ],
    "events": [
        {"id": "dl-1-booked", "person": "dl-1", "kind": "booked_in", "date": "2025-01-02", "facility": "Example SPC"},
        {"id": "dl-1-order", "person": "dl-1", "kind": "decision", "date": "2025-01-06", "outcome": "removal_order",
         "decided_by": "immigration_judge", "note": NOTE_CANARY},
        {"id": "dl-1-appeal", "person": "dl-1", "kind": "petition_filed", "date": "2025-01-20", "petition": "appeal"},
        {"id": "dl-1-bia", "person": "dl-1", "kind": "decision", "date": "2025-06-02", "outcome": "dismissed",
         "decides": "dl-1-appeal", "sources": ["dl-docket"]},
        {"id": "dl-2-booked", "person": "dl-2", "kind": "booked_in", "date": "2025-02-01", "facility": "Example SPC"},
        {"id": "dl-2-order", "person": "dl-2", "kind": "decision", "date": "2025-02-03", "outcome": "removal_order",
         "in_absentia": True},
        {"id": "dl-2-hearing", "person": "dl-2", "kind": "hearing_scheduled", "date": "2025-05-01",
         "scheduled_for": "2025-06-05", "court": "Example Immigration Court", "proceeding": "bond"},
    ],
}  # fmt: skip


def new_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *files: Path) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    assert runner.invoke(app, ["import", *map(str, files), "--db", url]).exit_code == 0
    return url


@pytest.fixture
def examples_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return new_database(tmp_path, monkeypatch, *sorted(EXAMPLES.glob("*.yaml")))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    clients = tmp_path / "clients.yaml"
    clients.write_text(yaml.safe_dump(CLIENTS, allow_unicode=True), encoding="utf-8")
    return new_database(tmp_path, monkeypatch, *sorted(EXAMPLES.glob("*.yaml")), clients)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def deadlines_json(db: str, *args: str) -> list[dict[str, object]]:
    code, out = run("deadlines", *args, "--format", "json", "--db", db)
    assert code == 0, out
    data: list[dict[str, object]] = json.loads(out)
    return data


def test_the_table_lists_each_deadline_with_its_status_and_basis(db: str) -> None:
    code, out = run("deadlines", "dl-1", "dl-2", "--as-of", "2025-06-03", "--db", db)
    assert code == 0, out
    for words in ("Petition for review", "2025-07-02", "OPEN", "in 29 days", "Legal basis", "8 U.S.C. 1252(b)(1)",
                  "Rescind in-absentia order", "any time", "UNKNOWN", "not legal advice"):  # fmt: skip
        assert words in out, words
    assert NAME_CANARY not in out and NOTE_CANARY not in out


def test_json_gives_every_deadline_of_a_person_in_the_documented_shape(db: str) -> None:
    found = {d["deadline"]: d for d in deadlines_json(db, "dl-1", "--as-of", "2025-06-03")}
    assert {k: v["status"] for k, v in found.items()} == {
        "bia_appeal": "met", "petition_for_review": "open", "motion_to_reconsider": "open",
        "motion_to_reopen": "open", "custody_review_90": "open", "custody_review_180": "open",
        "asylum_one_year": "unknown",
    }  # fmt: skip
    review = found["petition_for_review"]
    assert review["due"] == {"earliest": "2025-07-02", "latest": "2025-07-02"}
    assert review["runs_from"] == {"earliest": "2025-06-02", "latest": "2025-06-02"}
    assert review["evidence"] == ["dl-1-order"] and review["legal_basis"] == "8 U.S.C. 1252(b)(1)"
    assert found["bia_appeal"]["evidence"] == ["dl-1-order", "dl-1-appeal"]


def test_within_and_status_narrow_the_list_to_what_is_due(db: str) -> None:
    found = deadlines_json(db, "--as-of", "2025-06-03", "--within", "30", "--status", "open")
    assert sorted((d["person"], d["deadline"]) for d in found) == [
        ("ahr", "bia_appeal"), ("dl-1", "motion_to_reconsider"), ("dl-1", "petition_for_review"),
    ]  # fmt: skip
    missed = deadlines_json(db, "--as-of", "2025-08-01", "--status", "missed")
    assert sorted((d["person"], d["deadline"]) for d in missed) == [
        ("ahr", "bia_appeal"), ("dl-1", "motion_to_reconsider"), ("dl-1", "petition_for_review"),
        ("dl-2", "motion_to_reconsider"), ("dl-2", "motion_to_reopen"), ("dl-2", "petition_for_review"),
    ]  # fmt: skip


def parse_both(text: str) -> tuple[list[icalendar.Event], list[ics.Event]]:
    ours = list(icalendar.Calendar.from_ical(text).walk("VEVENT"))
    theirs = sorted(ics.Calendar(text).events, key=lambda e: (e.begin, e.uid))
    return ours, theirs


def test_the_calendar_reads_back_in_two_parsers_as_all_day_events(db: str) -> None:
    code, text = run("deadlines", "dl-1", "dl-2", "--as-of", "2025-06-03", "--format", "ics", "--db", db)
    assert code == 0, text
    ours, theirs = parse_both(text)
    dated = [d for d in deadlines_json(db, "dl-1", "dl-2", "--as-of", "2025-06-03") if d["due"] is not None]
    assert len(ours) == len(theirs) == len(dated) == 12  # each but the asylum year and the open-ended motion
    assert all(type(e.decoded("dtstart")) is date for e in ours), "VALUE=DATE: all-day"
    assert "DTSTART;VALUE=DATE:20250702" in text
    assert all(e.all_day for e in theirs)
    assert {e.uid for e in theirs} == {str(e["uid"]) for e in ours} and len({e.uid for e in theirs}) == 12
    assert next(e for e in theirs if e.name.startswith("dl-2: Petition for review")).name.endswith("(missed)")
    review = next(e for e in theirs if e.name == "dl-1: Petition for review")
    assert review.begin.date() == date(2025, 7, 2) and "8 U.S.C. 1252(b)(1)" in review.description
    assert next(e for e in theirs if "BIA appeal" in e.name).name == "dl-1: BIA appeal (met)"


def test_the_calendar_names_no_one_and_says_nothing_sensitive(db: str) -> None:
    code, text = run("agenda", "--from", "2025-01-01", "--to", "2025-12-31", "--as-of", "2025-06-03",
                     "--format", "ics", "--db", db)  # fmt: skip
    assert code == 0, text
    for secret in (NAME_CANARY, "Ficticio", NOTE_CANARY, "political_opinion", "Example SPC", "Example Immigration",
                   "Hernández", "San Diego", "bond"):  # fmt: skip
        assert secret not in text, secret
    for uid in (str(e["uid"]) for e in parse_both(text)[0]):
        assert "dl-" not in uid and "ahr" not in uid


def test_two_exports_are_equal_byte_for_byte(db: str) -> None:
    args = ("agenda", "--from", "2025-04-01", "--to", "2025-12-31", "--as-of", "2025-06-03", "--format", "ics")
    first, second = run(*args, "--db", db), run(*args, "--db", db)
    assert first == second and first[0] == 0
    assert "DTSTAMP:" in first[1]


def test_agenda_on_the_examples_lists_hearings_and_deadlines_by_day(examples_db: str) -> None:
    db = examples_db
    code, out = run("agenda", "--from", "2025-04-01", "--to", "2025-06-30", "--as-of", "2025-08-01", "--format",
                    "json", "--db", db)  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert (data["from"], data["to"], data["as_of"]) == ("2025-04-01", "2025-06-30", "2025-08-01")
    listed = [(d["day"], i["type"], i["person"], i.get("deadline") or i.get("state")) for d in data["days"]
              for i in d["items"]]  # fmt: skip
    assert listed == [
        ("2025-04-20", "hearing", "demo-b", "nothing_recorded"),
        ("2025-05-28", "hearing", "ahr", "nothing_recorded"),
        ("2025-06-26", "deadline", "ahr", "bia_appeal"),
    ]
    code, table = run("agenda", "--from", "2025-04-01", "--to", "2025-06-30", "--as-of", "2025-08-01", "--db", db)
    assert code == 0 and "Sun 2025-04-20" in table and "BIA appeal" in table and "NOTHING RECORDED" in table


def test_agenda_ahead_shows_what_is_still_to_come(db: str) -> None:
    code, out = run("agenda", "--from", "2025-06-02", "--to", "2025-07-06", "--as-of", "2025-06-02",
                    "--format", "json", "--db", db)  # fmt: skip
    assert code == 0, out
    days = {
        d["day"]: [(i["person"], i.get("deadline") or i.get("state")) for i in d["items"]]
        for d in json.loads(out)["days"]
    }
    assert days["2025-06-05"] == [("dl-2", "scheduled")]
    assert days["2025-07-02"] == [("dl-1", "motion_to_reconsider"), ("dl-1", "petition_for_review")]
    assert ("ahr", "bia_appeal") in days["2025-06-26"]
    _, theirs = parse_both(run("agenda", "--from", "2025-06-02", "--to", "2025-07-06", "--as-of", "2025-06-02",
                                "--format", "ics", "--db", db)[1])  # fmt: skip
    assert [e.name for e in theirs if e.begin.date() == date(2025, 6, 5)] == ["dl-2: hearing"]


def read_entries(db: str) -> int:
    code, out = run("audit", "log", "--format", "json", "--db", db)
    assert code == 0, out
    return sum(1 for e in json.loads(out) if e["action"] == "read_person")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["agenda", "--from", "2025-06-08", "--to", "2025-06-01"], 2, "before --from", id="to before from"),
        pytest.param(["deadlines", "--within", "0"], 2, "--within", id="within zero days"),
        pytest.param(["deadlines", "--within", "-7"], 2, "--within", id="within negative days"),
        pytest.param(["deadlines", "--within", "a week"], 2, "--within", id="within words"),
        pytest.param(["deadlines", "--status", "overdue"], 2, "--status", id="an unknown status"),
        pytest.param(["agenda", "--from", "2025-06-31", "--to", "2025-07-01"], 1, "--from", id="a day that is not"),
        pytest.param(["deadlines", "--format", "pdf"], 2, "--format", id="an unknown format"),
    ],
)
def test_bad_input_is_a_clear_error_and_reads_nothing(db: str, args: list[str], code: int, message: str) -> None:
    before = read_entries(db)
    got, out = run(*args, "--db", db)
    assert got == code, out
    assert message in " ".join(out.split())
    assert read_entries(db) == before, "nothing was read"


def test_each_person_read_is_audited_and_reach_decides_who_is_listed(db: str) -> None:
    before = read_entries(db)
    assert run("agenda", "--from", "2025-06-01", "--to", "2025-06-30", "--db", db)[0] == 0
    assert read_entries(db) == before + 5
    assert run("users", "add", "vol", "--role", "viewer", "--db", db)[0] == 0
    code, out = run("agenda", "--from", "2025-06-01", "--to", "2025-06-30", "--db", db, "--user", "vol")
    assert code == 1 and "no records" in out
    assert run("groups", "add", "flight-team", "--cohort", "demo-flight-2025-04", "--db", db)[0] == 0
    assert run("users", "grant", "vol", "--group", "flight-team", "--db", db)[0] == 0
    code, out = run("deadlines", "--as-of", "2025-06-03", "--format", "json", "--db", db, "--user", "vol")
    assert code == 0 and {d["person"] for d in json.loads(out)} == {"demo-a", "demo-b"}
    code, out = run("deadlines", "dl-1", "--db", db, "--user", "vol")
    assert code == 1 and "no person with id 'dl-1'" in out, "out of reach reads as not found"


@pytest.mark.parametrize("command", ["deadlines", "agenda"])
def test_help_has_examples(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0 and "Examples:" in out and f"habeas {command} " in out


def test_followups_lists_the_unanswered_inquiries_due_a_follow_up(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    case = tmp_path / "inquiry.yaml"
    case.write_text(
        "habeas: 1\npeople:\n  - {id: fu-1, name: Fictional Person Follow}\nevents:\n"
        "  - {id: fu-asked, person: fu-1, kind: inquiry, date: 2025-06-02, by: congress, to: ICE field office}\n",
        encoding="utf-8",
    )
    invoke = CliRunner().invoke
    assert invoke(app, ["init", "--db", db]).exit_code == 0
    assert invoke(app, ["import", str(case), "--db", db]).exit_code == 0
    out = invoke(app, ["followups", "--as-of", "2025-06-20", "--format", "json", "--db", db])
    assert out.exit_code == 0, out.output
    assert [(f["inquiry"], f["due"]["earliest"]) for f in json.loads(out.stdout)] == [("fu-asked", "2025-06-16")]
    early = invoke(app, ["followups", "--as-of", "2025-06-10", "--db", db])
    assert early.exit_code == 0 and "No inquiry is due a follow-up" in early.output
    refused = invoke(app, ["followups", "--every", "0", "--db", db])
    assert refused.exit_code == 2 and "--every" in refused.output

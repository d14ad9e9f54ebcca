"""Casework from the command line: `habeas add` (one event, checked as a case file), `habeas assign`,
and the morning report that leads with the people assigned to the reader.

The people here are fictional.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from habeas.cli import app

runner = CliRunner()
NOTE_CANARY = "CANARY-cw-note"

CLIENTS = {
    "habeas": 1,
    "sources": [{"id": "cw-log", "kind": "other", "title": "Caseworker's log (fictional)", "date": "2025-06-01"}],
    "cohorts": [{"id": "cw-office"}],
    "people": [
        {"id": "cw-1", "name": "Cliente Ficticio Uno", "cohorts": ["cw-office"]},
        {"id": "cw-2", "name": "Cliente Ficticio Dos", "cohorts": ["cw-office"]},
        {"id": "cw-3", "name": "Cliente Ficticio Tres"},
    ],
    "events": [
        {"id": "cw-1-booked", "person": "cw-1", "kind": "booked_in", "date": "2025-05-02", "facility": "Example SPC"},
        {"id": "cw-2-booked", "person": "cw-2", "kind": "booked_in", "date": "2025-05-03", "facility": "Example SPC"},
    ],
}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    clients = tmp_path / "clients.yaml"
    clients.write_text(yaml.safe_dump(CLIENTS, sort_keys=False))
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    assert runner.invoke(app, ["import", str(clients), "--db", url]).exit_code == 0
    return url


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db])
    return result.exit_code, result.output


def timeline(db: str, person: str) -> list[dict[str, object]]:
    code, out = run(db, "timeline", person, "--format", "json")
    assert code == 0, out
    return json.loads(out)["events"]


INQUIRY = ("add", "cw-1", "inquiry", "--date", "2025-06-02", "--source", "cw-log", "--field", "by=congress",
           "--field", "to=ICE ERO", "--field", "case_number=CW-2025-0193", "--field", "follow_up_days=7")  # fmt: skip


def test_an_inquiry_added_from_the_command_line_is_stored_with_its_casework(db: str) -> None:
    code, out = run(db, *INQUIRY, "--note", NOTE_CANARY)
    assert code == 0, out
    assert "Recorded inquiry for cw-1" in out
    (inquiry,) = [e for e in timeline(db, "cw-1") if e["kind"] == "inquiry"]
    assert inquiry["case_number"] == "CW-2025-0193"
    assert inquiry["follow_up_days"] == 7  # a number, as the case file holds it
    code, out = run(db, "followups", "--as-of", "2025-06-09", "--format", "json")
    assert code == 0, out
    (due,) = json.loads(out)
    assert (due["every"], due["needs_release"], due["due"]["earliest"]) == (7, True, "2025-06-09")
    code, out = run(db, *INQUIRY, "--note", NOTE_CANARY)  # the same again: nothing new
    assert code == 0 and "Nothing new" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(("--date", "2025-02-30"), ["--date: '2025-02-30': no such day"], id="a day not in the calendar"),
        pytest.param(("--field", "follow_up_days=0"), ["--field follow_up_days: 0 is less than the minimum of 1"],
                     id="a follow-up interval that is not a positive number of days"),
        pytest.param(("--field", "colour=red"), ["--field colour: not a field of inquiry; its fields are by"],
                     id="a field the kind does not have"),
        pytest.param(("--source", "no-such-source"), ["--source: unknown source 'no-such-source'"],
                     id="a source not stored"),
        pytest.param(("--field", "follow_up_days=0", "--date", "2025-13-01"),
                     ["--date: '2025-13-01': there is no month 13", "--field follow_up_days"],
                     id="every problem at once"),
    ],
)  # fmt: skip
def test_a_bad_entry_is_refused_in_the_commands_words_and_nothing_is_stored(
    db: str, args: tuple[str, ...], said: list[str]
) -> None:
    base = ["add", "cw-1", "inquiry", "--date", "2025-06-02", "--source", "cw-log", "--field", "by=congress"]
    for option, value in zip(args[::2], args[1::2], strict=True):
        if option in base and option != "--field":
            base[base.index(option) + 1] = value
        else:
            base += [option, value]
    code, out = run(db, *base)
    assert code == 1
    assert "nothing was recorded" in out
    for words in said:
        assert words in out, out
    assert [e["kind"] for e in timeline(db, "cw-1")] == ["booked_in"]


def test_an_unknown_person_is_refused_as_one_out_of_reach(db: str) -> None:
    code, out = run(db, "add", "cw-9", "release", "--date", "2025-06-02", "--source", "cw-log")
    assert code == 1 and "unknown person 'cw-9'" in out, out


def test_a_note_is_never_echoed_in_a_refusal(db: str) -> None:
    code, out = run(db, "add", "cw-1", "inquiry", "--date", "2025-02-30", "--source", "cw-log", "--note", NOTE_CANARY)
    assert code == 1 and NOTE_CANARY not in out


@pytest.fixture
def maria(db: str) -> str:
    assert run(db, "users", "add", "maria", "--role", "editor")[0] == 0
    assert run(db, "groups", "add", "office", "--cohort", "cw-office")[0] == 0
    assert run(db, "users", "grant", "maria", "--group", "office")[0] == 0
    return db


def test_the_assignees_morning_report_leads_with_their_people(maria: str) -> None:
    code, out = run(maria, "assign", "cw-2", "maria")
    assert code == 0 and "cw-2 is assigned to maria" in out
    code, out = run(maria, "alerts", "--since", "2025-06-01", "--as-of", "2025-06-10", "--user", "maria")
    assert code == 0, out
    assert out.index("Assigned to you: 1") < out.index("Due within 7 days")
    code, out = run(maria, "alerts", "--since", "2025-06-01", "--as-of", "2025-06-10", "--user", "maria", "-f", "json")
    assert json.loads(out)["assigned_to_you"] == ["cw-2"]
    code, out = run(maria, "alerts", "--since", "2025-06-01", "--as-of", "2025-06-10", "-f", "json")  # the admin
    assert json.loads(out)["assigned_to_you"] == []


def test_assigning_again_replaces_and_unassigning_ends(maria: str) -> None:
    assert run(maria, "users", "add", "jo", "--role", "editor")[0] == 0
    assert run(maria, "users", "grant", "jo", "--group", "office")[0] == 0
    assert run(maria, "assign", "cw-1", "maria")[0] == 0
    code, out = run(maria, "assign", "cw-1", "jo")
    assert code == 0 and "(was maria)" in out
    code, out = run(maria, "alerts", "--since", "2025-06-01", "--as-of", "2025-06-10", "--user", "maria", "-f", "json")
    assert json.loads(out)["assigned_to_you"] == []
    code, out = run(maria, "unassign", "cw-1")
    assert code == 0 and "no longer assigned to jo" in out
    code, out = run(maria, "audit", "log", "--format", "json")
    entries = [(e["action"], e["record_type"], e["record_id"]) for e in json.loads(out) if "assign" in e["action"]]
    assert entries == [
        ("assign_person", "person", "cw-1"), ("assign_person", "user", "maria"),
        ("assign_person", "person", "cw-1"), ("assign_person", "user", "jo"),
        ("unassign_person", "person", "cw-1"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(("assign", "cw-3", "maria"), "maria cannot reach cw-3", id="the assignee cannot reach the person"),
        pytest.param(("assign", "cw-1", "nobody"), "no active user 'nobody'", id="no such user"),
        pytest.param(("assign", "cw-9", "maria"), "no person with id 'cw-9' that you can reach", id="no such person"),
    ],
)
def test_an_assignment_that_cannot_be_is_refused(maria: str, args: tuple[str, ...], said: str) -> None:
    code, out = run(maria, *args)
    assert code == 1 and said in out, out


def test_a_viewer_cannot_assign(maria: str) -> None:
    assert run(maria, "users", "add", "vi", "--role", "viewer")[0] == 0
    assert run(maria, "users", "grant", "vi", "--group", "office")[0] == 0
    code, out = run(maria, "assign", "cw-1", "maria", "--user", "vi")
    assert code == 1 and "may not write person" in out, out

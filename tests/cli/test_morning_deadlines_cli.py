"""`habeas alerts` as the morning report: after the alerts, what is due within 7 days, missed, and hearings unrecorded.

On the examples, ahr's BIA appeal runs to 26 June 2025 and is missed after it; ahr's asylum hearing
(28 May) and demo-b's removal hearing (20 April) passed with nothing recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from habeas.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COLUMNS", "120")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    assert runner.invoke(app, ["import", *map(str, sorted(EXAMPLES.glob("*.yaml"))), "--db", url]).exit_code == 0
    return url


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def morning_json(db: str, *args: str) -> dict[str, Any]:
    code, out = run("alerts", *args, "--format", "json", "--db", db)
    assert code == 0, out
    data: dict[str, Any] = json.loads(out)
    return data


def test_the_missed_appeal_and_the_unrecorded_hearings_follow_the_alerts(db: str) -> None:
    code, out = run("alerts", "--since", "2025-06-20", "--as-of", "2025-08-01", "--db", db)
    assert code == 0, out
    assert "Due within 7 days: none" in out
    missed = out[out.index("Missed: 1") : out.index("Hearing passed with nothing recorded: 2")]
    for words in ("2025-06-26", "ahr", "BIA appeal", "8 CFR 1003.38(b)", "MISSED", "new since 2025-06-20"):
        assert words in missed, words
    hearings = out[out.index("Hearing passed with nothing recorded: 2") :]
    assert hearings.index("2025-05-28") < hearings.index("2025-04-20")  # newest first
    assert "demo-b" in hearings and "Example Immigration Court" in hearings
    assert out.index("Nothing new or more severe") < out.index("Due within 7 days")


def test_a_deadline_missed_before_the_last_report_is_not_marked_new(db: str) -> None:
    code, out = run("alerts", "--since", "2025-07-15", "--as-of", "2025-08-01", "--db", db)
    assert code == 0 and "Missed: 1" in out and "new since" not in out


def test_an_open_deadline_within_a_week_is_due_soonest_first(db: str) -> None:
    code, out = run("alerts", "--since", "2025-06-18", "--as-of", "2025-06-22", "--db", db)
    assert code == 0, out
    due = out[out.index("Due within 7 days: 1") : out.index("Missed:")]
    assert "BIA appeal" in due and "2025-06-26" in due and "in 4 days" in due
    assert "Missed: none" in out
    code, out = run("alerts", "--since", "2025-06-01", "--as-of", "2025-06-02", "--db", db)
    assert "Due within 7 days: none" in out  # 26 June is more than a week away


def test_json_keeps_the_alerts_keys_and_adds_the_deadlines(db: str) -> None:
    data = morning_json(db, "--since", "2025-06-20", "--as-of", "2025-08-01")
    assert list(data) == [
        "since", "today", "people", "due_within_days", "due_soon", "missed", "hearings_nothing_recorded",
        "assigned_to_you",
    ]  # fmt: skip
    assert data["due_soon"] == []
    [missed] = data["missed"]
    assert (missed["person"], missed["deadline"], missed["status"], missed["legal_basis"]) == (
        "ahr", "bia_appeal", "missed", "8 CFR 1003.38(b)"
    )  # fmt: skip
    assert missed["due"] == {"earliest": "2025-06-26", "latest": "2025-06-26"} and missed["missed_since_last_report"]
    hearings = [(h["person"], h["scheduled_for"]["earliest"]) for h in data["hearings_nothing_recorded"]]
    assert hearings == [("ahr", "2025-05-28"), ("demo-b", "2025-04-20")]
    assert all(h["state"] == "nothing_recorded" for h in data["hearings_nothing_recorded"])


def test_reach_decides_who_is_listed_and_nobody_in_reach_is_no_error(db: str) -> None:
    assert run("users", "add", "vol", "--role", "viewer", "--db", db)[0] == 0
    data = morning_json(db, "--since", "2025-06-20", "--as-of", "2025-08-01", "--user", "vol")
    assert (data["people"], data["due_soon"], data["missed"], data["hearings_nothing_recorded"]) == ([], [], [], [])
    assert run("groups", "add", "flight-team", "--cohort", "demo-flight-2025-04", "--db", db)[0] == 0
    assert run("users", "grant", "vol", "--group", "flight-team", "--db", db)[0] == 0
    data = morning_json(db, "--since", "2025-06-20", "--as-of", "2025-08-01", "--user", "vol")
    assert data["missed"] == []  # ahr's appeal is out of reach
    assert [h["person"] for h in data["hearings_nothing_recorded"]] == ["demo-b"]
    code, out = run("alerts", "--since", "2025-06-20", "--as-of", "2025-08-01", "--db", db, "--user", "vol")
    assert code == 0 and "ahr" not in out and "Missed: none" in out


def test_the_help_says_what_the_morning_report_holds() -> None:
    code, out = run("alerts", "--help")
    assert code == 0 and "within 7 days" in out and "nothing recorded" in out

"""`habeas users` and `habeas groups`: passwords never on the command line, roles and groups decide reach."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from typer.main import get_command
from typer.testing import CliRunner

from habeas.cli import app
from habeas.cli import security as security_cli

runner = CliRunner()
ADMIN = "users-admin"
PASSWORD = "synthetic correct horse 42"


def run(url: str, *args: str, user: str = ADMIN, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", url, "--user", user], input=stdin)
    return result.exit_code, result.output


@pytest.fixture
def db(sqlite_url: str, tmp_path: Path) -> str:
    doc = {
        "habeas": 1,
        "cohorts": [{"id": "us-cohort"}],
        "people": [
            {"id": "us-1", "name": "Users Person One", "cohorts": ["us-cohort"]},
            {"id": "us-2", "name": "Users Person Two"},
        ],
    }
    (tmp_path / "people.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert run(sqlite_url, "init")[0] == 0
    assert run(sqlite_url, "import", str(tmp_path / "people.yaml"))[0] == 0
    return sqlite_url


def stored_hash(url: str, name: str) -> str | None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(sa.text("SELECT password_hash FROM users WHERE name = :n"), {"n": name}).scalar()
    engine.dispose()
    return value


def test_no_users_command_takes_a_password_as_an_argument() -> None:
    users = get_command(app).commands["users"].commands  # type: ignore[attr-defined]
    for command in users.values():
        names = [o for p in command.params for o in p.opts]
        assert not [n for n in names if "password" in n and n != "--password-stdin"], command.name


def test_a_password_from_stdin_is_stored_as_argon2id_and_never_shown(db: str) -> None:
    code, out = run(db, "users", "add", "una", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out
    assert PASSWORD not in out
    digest = stored_hash(db, "una")
    assert digest is not None and digest.startswith("$argon2id$") and PASSWORD not in digest
    code, out = run(db, "users", "list", "--format", "json")
    assert {"name": "una", "role": "editor", "active": True, "groups": [], "password": True} in json.loads(out)


def test_in_a_terminal_the_password_is_asked_twice_without_echo(db: str, monkeypatch) -> None:
    monkeypatch.setattr(security_cli, "_interactive", lambda: True)
    code, out = run(db, "users", "add", "tere", "--role", "viewer", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, out
    assert out.count("Password") == 1 and "Repeat for confirmation" in out and PASSWORD not in out
    assert stored_hash(db, "tere") is not None


def test_without_a_terminal_or_stdin_a_user_gets_no_password(db: str) -> None:
    code, out = run(db, "users", "add", "cli-only", "--role", "viewer")
    assert code == 0 and "command line only" in out
    assert stored_hash(db, "cli-only") is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "shorty", "--role", "viewer", "--password-stdin"], "short\n", "at least 12"),
        (["users", "add", "chief", "--role", "superuser"], None, "unknown role"),
        (["users", "add", "bad name!", "--role", "viewer"], None, "is not a user name"),
        (["users", "passwd", ADMIN], None, "--password-stdin"),
    ],
    ids=["short password", "unknown role", "bad name", "passwd without a terminal"],
)
def test_refusals_change_nothing(db: str, args: list[str], stdin: str | None, message: str) -> None:
    code, out = run(db, *args, stdin=stdin)
    assert code == 1 and message in out
    code, out = run(db, "users", "list", "--format", "json")
    assert [u["name"] for u in json.loads(out)] == [ADMIN]


def test_groups_decide_what_a_user_reaches_and_revoke_takes_it_back(db: str) -> None:
    assert run(db, "users", "add", "vic", "--role", "viewer")[0] == 0
    assert run(db, "timeline", "us-1", user="vic")[0] == 1, "a new viewer reaches no record"
    assert run(db, "groups", "add", "cohort-team", "--cohort", "us-cohort")[0] == 0
    assert run(db, "users", "grant", "vic", "--group", "cohort-team")[0] == 0
    assert run(db, "timeline", "us-1", user="vic")[0] == 0
    code, out = run(db, "timeline", "us-2", user="vic")
    assert code == 1 and "no person" in out, "out of reach reads as not found"
    assert run(db, "users", "revoke", "vic", "--group", "cohort-team")[0] == 0
    assert run(db, "timeline", "us-1", user="vic")[0] == 1


def test_users_change_their_own_password_but_only_admins_manage_users(db: str) -> None:
    assert run(db, "users", "add", "vic", "--role", "viewer")[0] == 0
    code, out = run(db, "users", "passwd", "vic", "--password-stdin", user="vic", stdin=PASSWORD + "\n")
    assert code == 0, out
    assert stored_hash(db, "vic") is not None
    code, out = run(db, "users", "passwd", ADMIN, "--password-stdin", user="vic", stdin=PASSWORD + "\n")
    assert code == 1 and "may not manage users" in out
    code, out = run(db, "users", "add", "mallory", "--role", "admin", user="vic")
    assert code == 1 and "may not manage users" in out
    code, out = run(db, "audit", "log", "--actor", "vic", "--format", "json")
    assert [e["action"] for e in json.loads(out) if e["outcome"] == "denied"] == ["manage_users", "manage_users"]


def test_a_deactivated_user_can_do_nothing_and_the_last_admin_stays(db: str) -> None:
    assert run(db, "users", "add", "leaver", "--role", "admin")[0] == 0
    assert run(db, "users", "deactivate", "leaver")[0] == 0
    code, out = run(db, "timeline", "us-1", user="leaver")
    assert code == 1 and "deactivated" in out
    code, out = run(db, "users", "deactivate", ADMIN)
    assert code == 1 and "last active admin" in out


def test_an_admin_resets_a_lost_second_factor_and_a_viewer_cannot(db: str) -> None:
    assert run(db, "users", "add", "desk", "--role", "viewer")[0] == 0
    code, out = run(db, "users", "reset-second-factor", "desk")
    assert code == 0 and "enrol a new authenticator" in out
    code, out = run(db, "users", "reset-second-factor", "nobody")
    assert code == 1 and "no user 'nobody'" in out
    code, out = run(db, "users", "reset-second-factor", ADMIN, user="desk")
    assert code == 1
    code, out = run(db, "audit", "log", "--format", "json")
    assert [e["record_id"] for e in json.loads(out) if e["action"] == "reset_second_factor"] == ["desk"]

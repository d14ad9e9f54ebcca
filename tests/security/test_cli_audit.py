"""`habeas audit verify` and `habeas audit log` as a user runs them, against a log edited behind habeas's back."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from habeas.cli import app

runner = CliRunner()
ADMIN = "audit-admin"


def run(url: str, *args: str, user: str = ADMIN) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", url, "--user", user])
    return result.exit_code, result.output


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> str:
    people = [{"id": f"au-{i}", "name": f"Audit Person {i}", "citizenship": "GT"} for i in range(3)]
    (tmp_path / "people.yaml").write_text(yaml.safe_dump({"habeas": 1, "people": people}), encoding="utf-8")
    for args in (("init",), ("import", str(tmp_path / "people.yaml")), ("users", "add", "au-viewer", "--role",
                 "viewer"), ("groups", "add", "au-group", "--person", "au-1"),
                 ("users", "grant", "au-viewer", "--group", "au-group")):  # fmt: skip
        code, out = run(database_url, *args)
        assert code == 0, out
    assert run(database_url, "timeline", "au-1", user="au-viewer")[0] == 0
    assert run(database_url, "timeline", "au-2", user="au-viewer")[0] == 1
    return database_url


def behind_habeas_back(url: str, *statements: str) -> None:
    """Drop the append-only triggers and run ``statements``, as someone with the database file could."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for table in ("audit_entries", "audit_checkpoints"):
                connection.execute(sa.text(f"DROP TRIGGER {table}_no_update"))
                connection.execute(sa.text(f"DROP TRIGGER {table}_no_delete"))
        else:
            for table in ("audit_entries", "audit_checkpoints"):
                connection.execute(sa.text(f"DROP TRIGGER {table}_append_only ON {table}"))
        for statement in statements:
            connection.execute(sa.text(statement))
    engine.dispose()


def test_an_untouched_log_verifies_and_says_what_is_unsigned(db: str) -> None:
    code, out = run(db, "audit", "verify", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["ok"] and report["entries"] >= 8 and report["checkpoints"] >= 1
    assert report["unsigned"] == report["entries"] - report["last_signed_seq"]
    code, out = run(db, "audit", "verify")
    assert code == 0 and "The audit chain is intact" in out


FIRST_DENIED = "SELECT min(seq) FROM audit_entries WHERE outcome = 'denied'"
FIRST_CHECKPOINT = "SELECT min(seq) FROM audit_checkpoints"


@pytest.mark.parametrize(
    ("statement", "bad_entry", "problem"),
    [
        ("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 3", "SELECT 3", "edited"),
        (f"UPDATE audit_entries SET outcome = 'allowed' WHERE seq = ({FIRST_DENIED})", FIRST_DENIED, "edited"),
        ("DELETE FROM audit_entries WHERE seq = 3", "SELECT 3", "sequence"),
        ("UPDATE audit_entries SET seq = seq + 1000 WHERE seq = 4", "SELECT 4", "sequence"),
        (f"UPDATE audit_checkpoints SET signature = 'AAAA' WHERE seq = ({FIRST_CHECKPOINT})", FIRST_CHECKPOINT,
         "forged_checkpoint"),
    ],
    ids=["actor changed", "denial turned into allowed", "entry deleted", "entry moved", "checkpoint forged"],
)  # fmt: skip
def test_verify_exits_non_zero_naming_the_first_bad_entry(db: str, statement: str, bad_entry: str, problem: str):
    engine = sa.create_engine(db)
    with engine.connect() as connection:
        expected = connection.execute(sa.text(bad_entry)).scalar()
    engine.dispose()
    behind_habeas_back(db, statement)
    code, out = run(db, "audit", "verify")
    assert code == 1
    assert f"first bad entry {expected} ({problem})" in " ".join(out.split())


def test_recomputing_the_whole_chain_is_caught_by_the_checkpoints(db: str) -> None:
    from habeas.security.audit import GENESIS_HASH, canonical_entry, chain_hash

    engine = sa.create_engine(db)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM audit_entries ORDER BY seq")).mappings().all()
    engine.dispose()
    statements, previous = [], GENESIS_HASH
    for row in rows:
        actor = "someone-else" if row["seq"] == 2 else row["actor"]
        canonical = canonical_entry(row["seq"], row["at"], actor, row["action"], row["record_type"],
                                    row["record_id"], row["outcome"])  # fmt: skip
        digest = chain_hash(previous, canonical)
        statements.append(f"UPDATE audit_entries SET actor = '{actor}', prev_hash = '{previous}', hash = '{digest}' "
                          f"WHERE seq = {row['seq']}")  # fmt: skip
        previous = digest
    behind_habeas_back(db, *statements)
    code, out = run(db, "audit", "verify")
    assert code == 1 and "(rewritten)" in out


def rechain_whole_log_without_checkpoints(url: str, deleted: tuple[int, ...]) -> None:
    """Delete entries, recompute every hash after them and delete every checkpoint: all without the signing key."""
    from habeas.security.audit import GENESIS_HASH, canonical_entry, chain_hash

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM audit_entries ORDER BY seq")).mappings().all()
    engine.dispose()
    kept = [row for row in rows if row["seq"] not in deleted]
    statements, previous = ["DELETE FROM audit_entries", "DELETE FROM audit_checkpoints"], GENESIS_HASH
    for seq, row in enumerate(kept, start=1):
        fields = (row["at"], row["actor"], row["action"], row["record_type"], row["record_id"], row["outcome"])
        digest = chain_hash(previous, canonical_entry(seq, *fields))
        values = ", ".join("NULL" if v is None else f"'{v}'" for v in (*fields, previous, digest))
        statements.append(f"INSERT INTO audit_entries (seq, at, actor, action, record_type, record_id, outcome, "
                          f"prev_hash, hash) VALUES ({seq}, {values})")  # fmt: skip
        previous = digest
    behind_habeas_back(url, *statements)


def test_the_log_rechained_whole_with_every_checkpoint_deleted_fails_verify(db: str, tmp_path: Path) -> None:
    from habeas.services import Actor, Context, access
    from habeas.settings import Settings

    ctx = Context(Settings.load(database_url=db), Actor(ADMIN))
    access.audit(ctx, "read_person", records=[("person", f"au-{i % 3}") for i in range(150)])
    assert run(db, "audit", "verify")[0] == 0
    rechain_whole_log_without_checkpoints(db, deleted=(4, 5, 6))
    code, out = run(db, "audit", "verify", "--format", "json")
    report = json.loads(out)
    # Shorter than the checkpoint this machine signed, or different at it: either way not the log it signed.
    assert (code, report["ok"]) == (1, False) and report["problem"] in ("truncated", "rewritten"), out
    (tmp_path / "isolated-home" / "habeas-audit.key.marks").unlink()
    code, out = run(db, "audit", "verify")
    assert code == 1 and "(unsigned)" in out and "checkpoints were deleted" in " ".join(out.split()), out


def test_cutting_off_the_newest_entries_is_caught_against_an_anchor_or_this_machines_mark(
    db: str, tmp_path: Path
) -> None:
    anchor = tmp_path / "anchor.jsonl"
    code, out = run(db, "audit", "export-checkpoints", "--out", str(anchor))
    assert code == 0, out
    signed = json.loads(anchor.read_text().splitlines()[-1])["seq"]
    cut = signed - 2
    behind_habeas_back(
        db, f"DELETE FROM audit_entries WHERE seq > {cut}", f"DELETE FROM audit_checkpoints WHERE seq > {cut}"
    )
    code, out = run(db, "audit", "verify", "--anchor", str(anchor))
    assert code == 1 and f"first bad entry {cut + 1} (truncated)" in " ".join(out.split())
    code, out = run(db, "audit", "verify", "--format", "json")
    report = json.loads(out)
    # The verify just run appended its own entry after the cut: the first missing one is the next.
    assert (code, report["problem"], report["first_bad_seq"]) == (1, "truncated", cut + 2)
    assert report["high_water_seq"] >= signed and "mark" in report["message"]
    marks = tmp_path / "isolated-home" / "habeas-audit.key.marks"
    marks.unlink()
    code, out = run(db, "audit", "verify")
    assert code == 0, "on a machine that never signed this log, a clean cut looks like a shorter log (documented)"


def test_audit_log_shows_who_read_a_person_and_reading_it_is_audited(db: str) -> None:
    code, out = run(db, "audit", "log", "--person", "au-1", "--format", "json")
    assert code == 0, out
    seen = {(e["actor"], e["action"], e["outcome"]) for e in json.loads(out)}
    assert ("au-viewer", "read_person", "allowed") in seen
    code, out = run(db, "audit", "log", "--actor", "au-viewer", "--format", "json")
    assert {(e["record_id"], e["outcome"]) for e in json.loads(out)} >= {("au-1", "allowed"), ("au-2", "denied")}
    code, out = run(db, "audit", "log", "--person", "au-1", "--format", "json")
    newest = json.loads(out)[-1]
    assert (newest["actor"], newest["action"], newest["record_id"]) == (ADMIN, "read_audit", "au-1")


def test_audit_log_since_leaves_out_older_entries(db: str) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    code, out = run(db, "audit", "log", "--since", tomorrow, "--format", "json")
    assert code == 0 and json.loads(out) == []
    code, out = run(db, "audit", "log", "--since", date.today().isoformat(), "--format", "json")
    assert len(json.loads(out)) >= 8


def test_only_admins_read_the_log_and_a_refusal_is_logged(db: str) -> None:
    code, out = run(db, "audit", "log", user="au-viewer")
    assert code == 1 and "may not read audit" in out
    code, out = run(db, "audit", "log", "--actor", "au-viewer", "--format", "json")
    assert ("read_audit", "denied") in {(e["action"], e["outcome"]) for e in json.loads(out)}

"""Canary: a planted name, A-number, asylum basis and note appear nowhere in plaintext but where they belong.

Not in the database files (SQLite and its write-ahead log, or a pg_dump), the backups,
the audit log, the anchor, the publication, nor anything the commands print or log. The
same values come back through `habeas export --include-sensitive`, so the canary was
really planted.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from habeas.cli import app

runner = CliRunner()
ADMIN = "canary-admin"


def canaries() -> dict[str, str]:
    tag = secrets.token_hex(4)
    digits = "".join(secrets.choice("0123456789") for _ in range(9))
    return {
        "given name": f"Qorvanel{tag}",
        "surname": f"Ystrabo{secrets.token_hex(3)}",
        "a-number": digits,
        "asylum basis": f"canary_basis_{tag}",
        "note": f"canary note {secrets.token_hex(5)}",
    }


def casefile(path: Path, planted: dict[str, str]) -> Path:
    # Twelve more people in the same custody and country, so publish has counts above the threshold.
    others = [{"id": f"cn-{i:02d}", "name": f"Filler {i}", "citizenship": "HN"} for i in range(12)]
    people = [
        {"id": "cn-canary", "name": f"{planted['given name']} {planted['surname']}", "citizenship": "HN",
         "identifiers": {"a_number": f"A{planted['a-number']}"},
         "sensitive": {"asylum_basis": [planted["asylum basis"]]}},
        *others,
    ]  # fmt: skip
    events = [
        {"id": f"{p['id']}-booked", "person": p["id"], "kind": "booked_in", "date": "2025-01-02",
         "facility": "Example Center", **({"note": planted["note"]} if p["id"] == "cn-canary" else {})}
        for p in people
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"habeas": 1, "people": people, "events": events}), encoding="utf-8")
    return path


class Transcript:
    """Runs commands and keeps everything they printed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.text: list[str] = []

    def __call__(self, *args: str, user: str = ADMIN, db: str | None = None) -> str:
        result = runner.invoke(app, [*args, "--db", db or self.url, "--user", user])
        self.text += [result.output, result.stderr]
        assert result.exit_code == 0, f"habeas {args[0]} failed: {result.output}"
        return result.output


def leaks(haystack: bytes | str, planted: dict[str, str]) -> list[str]:
    text = haystack.decode("utf-8", "replace") if isinstance(haystack, bytes) else haystack
    folded = text.casefold()
    return [what for what, value in planted.items() if value.casefold() in folded]


def database_bytes(url: str, tmp_path: Path) -> dict[str, bytes]:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL part of the canary needs it")
    libpq = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--dbname", libpq], capture_output=True, check=True).stdout
    return {"pg_dump": dump}


def test_the_canary_is_nowhere_in_plaintext(database_url, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    planted = canaries()
    run = Transcript(database_url)
    run("init")
    run("import", str(casefile(tmp_path / "casefile.yaml", planted)))
    run("users", "add", "canary-viewer", "--role", "viewer")
    run("groups", "add", "canary-group", "--person", "cn-canary")
    run("users", "grant", "canary-viewer", "--group", "canary-group")
    run("timeline", "cn-canary", user="canary-viewer")  # a read to log; its output shows the name to its reader
    run.text.pop(-2)
    run("audit", "log")
    run("audit", "log", "--person", "cn-canary", "--format", "json")
    run("audit", "export-checkpoints", "--out", str(tmp_path / "anchor.jsonl"))
    run("audit", "verify", "--anchor", str(tmp_path / "anchor.jsonl"))
    run("backup", str(tmp_path / "backups" / "before-rotation.backup"))
    run("keys", "rotate")
    run("backup", str(tmp_path / "backups" / "after-rotation.backup"))
    run("publish", "--out", str(tmp_path / "publication"), "--threshold", "5", "--as-of", "2025-02-01")
    run("users", "list")
    files = {p.name: p.read_bytes() for p in (tmp_path / "backups").iterdir()}
    if database_url.startswith("sqlite"):
        restored = tmp_path / "restored" / "habeas.db"
        run("restore", str(tmp_path / "backups" / "after-rotation.backup"), db=f"sqlite:///{restored}")
        files |= {f"restored {p.name}": p.read_bytes() for p in restored.parent.iterdir()}
    files |= {f"publication {p.name}": p.read_bytes() for p in (tmp_path / "publication").iterdir()}
    files["anchor"] = (tmp_path / "anchor.jsonl").read_bytes()
    files |= database_bytes(database_url, tmp_path)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        for table in ("audit_entries", "audit_checkpoints", "imports", "users"):
            files[f"table {table}"] = repr(connection.execute(sa.text(f"SELECT * FROM {table}")).all()).encode()
    engine.dispose()

    found = {name: hit for name, data in files.items() if (hit := leaks(data, planted))}
    found |= {"command output": hit} if (hit := leaks("\n".join(run.text), planted)) else {}
    found |= {"logs": hit} if (hit := leaks(caplog.text, planted)) else {}
    assert not found, f"plaintext found: {found}"
    assert len(list((tmp_path / "backups").iterdir())) == 2, "no scratch copy is left beside the backups"
    assert (tmp_path / "publication" / "custody-by-citizenship.csv").is_file()

    exported = run("export", "--include-sensitive", "--format", "json")
    assert sorted(leaks(exported, planted)) == sorted(planted), "the canary was planted and reads back"

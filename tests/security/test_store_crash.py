"""Crash safety: an import killed with SIGKILL while it writes leaves the SQLite database exactly as it was.

Each kill lands inside the import's write transaction: the test waits until the
importing process holds SQLite's write lock, then kills it after a random part of the
time a full import holds that lock. The command runs through ``habeas.main.main`` in a
process forked from one that has already imported habeas, so that twenty kills do not
pay twenty interpreter start-ups.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from habeas.services import track

KILLS = 20

# Reads argument lists (JSON, one a line); for each, forks a child that runs the habeas
# command line with them, prints the child's pid, waits, and prints its wait status.
ZYGOTE = """
import json, os, sys
from habeas.main import main
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.argv = ["habeas", *json.loads(line)]
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 1
        os._exit(code)
    print(pid, flush=True)
    print(os.waitpid(pid, 0)[1], flush=True)
"""


def big_casefile(path: Path, people: int, events: int, prefix: str = "crash") -> Path:
    rng = random.Random(7)
    records = [
        {"id": f"{prefix}-{i:05d}", "name": f"Crash Test Person {rng.randrange(10**9)}", "aliases": [f"C. T. {i}"],
         "citizenship": "HN", "identifiers": {"a_number": f"A{rng.randrange(10**8, 10**9)}"},
         "sensitive": {"asylum_basis": ["political_opinion"]}}
        for i in range(people)
    ]  # fmt: skip
    happened = [
        {"id": f"{prefix}-ev-{i:05d}", "person": records[i]["id"], "kind": "booked_in", "date": "2025-03-04",
         "facility": "Example Center", "note": "synthetic note"}
        for i in range(events)
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"habeas": 1, "people": records, "events": happened}), encoding="utf-8")
    return path


def state(path: Path) -> tuple[dict[str, int], str, list[str]]:
    """Row counts and a content hash of every table, and what PRAGMA integrity_check says."""
    digest = hashlib.sha256()
    counts = {}
    with closing(sqlite3.connect(path)) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            counts[table] = len(rows)
            digest.update(f"{table}:{rows!r}".encode())
        integrity = [r[0] for r in connection.execute("PRAGMA integrity_check")]
    return counts, digest.hexdigest(), integrity


def copy_database(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def writer_holds_lock(path: Path) -> bool:
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as probe:
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        probe.execute("ROLLBACK")
    return False


class Importer:
    """The forking process: start an import, learn its pid, and its wait status once it ends."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )

    def start(self, casefile: Path, database: Path) -> int:
        args = ["import", str(casefile), "--db", f"sqlite:///{database}", "--user", "tester"]
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(args) + "\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def wait(self) -> int:
        assert self.process.stdout is not None
        return int(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def wait_for_write_lock(database: Path, pid: int, limit: float = 60.0) -> float:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if writer_holds_lock(database):
            return time.monotonic()
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.005)
    raise AssertionError("the import never took the write lock")


@pytest.mark.slow
def test_an_import_killed_at_random_points_leaves_the_database_as_it_was(sqlite_url, make_context, tmp_path):
    ctx = make_context(sqlite_url)
    track.init_database(ctx)
    small = big_casefile(tmp_path / "small.yaml", people=3, events=3, prefix="earlier")
    track.import_casefiles(ctx, [small])
    ctx.engine.dispose()
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before_copy = tmp_path / "before.db"
    copy_database(database, before_copy)
    before = state(database)
    assert before[2] == ["ok"] and before[0]["people"] == 3
    casefile = big_casefile(tmp_path / "big.yaml", people=300, events=20)
    seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    importer = Importer()
    started = time.monotonic()
    try:
        reference = tmp_path / "reference.db"
        copy_database(before_copy, reference)
        pid = importer.start(casefile, reference)
        locked = wait_for_write_lock(reference, pid)
        assert importer.wait() == 0, "the reference import failed"
        write_time = time.monotonic() - locked
        after = state(reference)
        assert after[0]["people"] == 303 and after[2] == ["ok"]

        killed, committed_first = 0, 0
        while killed < KILLS:
            pid = importer.start(casefile, database)
            wait_for_write_lock(database, pid)
            time.sleep(rng.uniform(0, 0.8 * write_time))
            with contextlib.suppress(ProcessLookupError):  # it may have finished already (checked below)
                os.kill(pid, signal.SIGKILL)
            status = importer.wait()
            now = state(database)
            if os.WIFEXITED(status) or now[0]["imports"] == after[0]["imports"]:
                # The import committed before the kill landed (the process was recording it in the audit
                # log, or had finished): its records must all be there; then start again from before.
                data = {t: n for t, n in now[0].items() if not t.startswith("audit_")}
                expected = {t: n for t, n in after[0].items() if not t.startswith("audit_")}
                assert data == expected, f"seed {seed}, wait status {status}, rows {now[0]}"
                assert now[2] == ["ok"], f"seed {seed}"
                committed_first += 1
                assert committed_first <= KILLS, f"imports keep committing before the kill (seed {seed})"
                copy_database(before_copy, database)
                continue
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            assert now == before, f"kill {killed + 1} (seed {seed}) changed the database"
            killed += 1
    finally:
        importer.close()
    elapsed = time.monotonic() - started
    print(f"{KILLS} kills in {elapsed:.1f} s; write phase {write_time:.2f} s; {committed_first} committed first")

"""Case-file import benchmark: `habeas import` as a whole process against the floor of json.load + sqlite3 executemany.

    .venv/bin/python bench/bench_casefile_import.py                   # 10,000 people, ten events each
    .venv/bin/python bench/bench_casefile_import.py --people 100000
    .venv/bin/python bench/bench_casefile_import.py --people 2000 --no-postgres --before /tmp/habeas-0.9

The input is synthetic (fictional people: a made-up name, a citizenship, a birth year, an
A-number of nine random digits, ten events of several kinds with sources), written once as
JSON case files of at most 1,000 people each and kept in the work directory. `habeas import`
runs on a fresh SQLite home (`habeas init` first, not timed), and on PostgreSQL at
127.0.0.1:5432 in a database made for the run and dropped after it, when the server answers.
Everything a real import does is in the time: validation, encryption of every sensitive field,
blind indexes and name tokens, the audit entry and its signed checkpoint.

The baseline, in the same run, is the floor: the same files loaded with json.load and the
same people, events and event sources written with sqlite3 executemany in one transaction,
no validation, no encryption, no index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

HABEAS = Path(sys.executable).with_name("habeas")
PER_FILE = 1_000
POSTGRES = os.environ.get("HABEAS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

GIVEN = ["Ana", "Luis", "María", "José", "Yesenia", "Óscar", "Carmen", "Wilmer", "Daniela", "Édgar", "Rosa", "Kevin"]
FAMILY = ["Quintero", "Albarrán", "Solís", "Mejía", "Portillo", "Zelaya", "Ocampo", "Ibarra", "Cáceres", "Villatoro"]
COUNTRIES = ["VE", "SV", "GT", "HN", "MX", "CO", "EC", "NI", "CU", "HT"]
FACILITIES = ["Fictional Processing Center", "Invented County Jail", "Example Service Facility", "Made-up Annex"]


def _events(rng: random.Random, pid: str, sources: list[str]) -> list[dict[str, object]]:
    """Ten events of a plausible case: arrest, booking, transfers, hearings, a claim, contact, release."""
    year = rng.randint(2019, 2025)
    month = rng.randint(1, 3)

    def day(offset: int) -> str:
        return f"{year}-{month + offset // 28:02d}-{offset % 28 + 1:02d}"

    def src() -> list[str]:
        return rng.sample(sources, 2)

    facility = rng.choice(FACILITIES)
    events: list[dict[str, object]] = [
        {"kind": "apprehended", "date": day(0), "agency": "ICE", "country": "US"},
        {"kind": "booked_in", "date": day(1), "facility": facility, "country": "US"},
        {"kind": "claim_filed", "date": day(3), "claim": rng.choice(["asylum", "withholding", "cat"])},
        {"kind": "transferred", "date": day(10), "facility": rng.choice(FACILITIES), "from_facility": facility},
        {
            "kind": "hearing_scheduled",
            "date": day(12),
            "scheduled_for": day(40),
            "court": "Fictional Immigration Court",
        },
        {"kind": "contact", "date": day(15), "party": "attorney", "channel": "phone", "direct": True},
        {"kind": "proof_of_life", "date": day(20), "evidence": "call", "by": "attorney"},
        {"kind": "inquiry", "date": day(22), "by": "attorney", "to": "ICE field office"},
        {"kind": "hearing_held", "date": day(40), "court": "Fictional Immigration Court", "attended": True},
        {"kind": "released", "date": day(55), "reason": rng.choice(["bond", "parole", "order_of_supervision"])},
    ]
    for i, event in enumerate(events):
        event["person"] = pid
        event["sources"] = src()
        if i % 2 == 0:  # half the events carry their own id; the others get a keyed one from their content
            event["id"] = f"{pid}-e{i}"
        if i == 5:
            event["note"] = "Spoke with the person by phone (synthetic note)."
    return events


def casefiles(workdir: Path, people: int, seed: int = 7) -> list[Path]:
    """The case files of ``people`` fictional people (written once, then reused)."""
    folder = workdir / f"casefiles-{people}-{seed}"
    paths = [folder / f"people-{start:07d}.json" for start in range(0, people, PER_FILE)]
    if folder.exists() and all(p.exists() for p in paths):
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    partial = folder.with_suffix(".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    rng = random.Random(seed)
    for path, start in zip(paths, range(0, people, PER_FILE), strict=True):
        count = min(PER_FILE, people - start)
        sources = [
            {
                "id": f"bench-src-{start}-{j}",
                "kind": "court_record",
                "title": f"Synthetic docket {j}",
                "date": "2025-01-01",
                "reliability": "confirmed",
            }
            for j in range(10)
        ]
        source_ids = [s["id"] for s in sources]
        persons, events = [], []
        for n in range(start, start + count):
            pid = f"bench-p{n:07d}"
            persons.append(
                {
                    "id": pid,
                    "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {rng.choice(FAMILY)}",
                    "citizenship": rng.choice(COUNTRIES),
                    "birth_year": rng.randint(1960, 2006),
                    "identifiers": {"a_number": f"{rng.randrange(10**8, 10**9)}"},
                }
            )
            events.extend(_events(rng, pid, source_ids))
        document = {"habeas": 1, "sources": sources, "people": persons, "events": events}
        (partial / path.name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    partial.rename(folder)
    return paths


@dataclass(frozen=True)
class Times:
    wall: float
    cpu: float


def run(argv: list[str], env: dict[str, str]) -> Times:
    """One whole process: wall-clock seconds and the processor seconds it used (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:2])} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return Times(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def habeas_env(home: Path, database_url: str | None = None, source: Path | None = None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("HABEAS_")}
    env.update(HABEAS_HOME=str(home), HABEAS_CONFIG=str(home / "none.toml"), HABEAS_USER="bench")
    if database_url:
        env["HABEAS_DATABASE_URL"] = database_url
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    return env


def habeas_import(paths: list[Path], home: Path, database_url: str | None = None, source: Path | None = None) -> Times:
    """`habeas init` (not timed), then `habeas import` of every file in one process (timed)."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = habeas_env(home, database_url, source)
    # Another source tree (`--before`) runs as `python -m habeas.main` with its own src first on the path.
    habeas = [str(HABEAS)] if source is None else [sys.executable, "-m", "habeas.main"]
    run([*habeas, "init"], env)
    return run([*habeas, "import", *map(str, paths)], env)


FLOOR = """
import json, sqlite3, sys
paths, database = sys.argv[2:], sys.argv[1]
with sqlite3.connect(database) as db:
    db.execute("create table people (id text primary key, name text, citizenship text, birth_year int, ids text)")
    db.execute("create table events (id text primary key, person_id text, kind text, date text, written text)")
    db.execute("create table event_sources (event_id text, source_id text, primary key (event_id, source_id))")
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        db.executemany("insert into people values (?, ?, ?, ?, ?)", [
            (p["id"], p["name"], p["citizenship"], p["birth_year"], json.dumps(p["identifiers"]))
            for p in doc["people"]])
        events = [(e.get("id") or f"{e['person']}-{i}", e) for i, e in enumerate(doc["events"])]
        db.executemany("insert into events values (?, ?, ?, ?, ?)", [
            (ident, e["person"], e["kind"], e["date"], json.dumps(e)) for ident, e in events])
        db.executemany("insert into event_sources values (?, ?)", [
            (ident, s) for ident, e in events for s in e["sources"]])
"""


def floor(paths: list[Path], workdir: Path) -> Times:
    database = workdir / "floor.db"
    database.unlink(missing_ok=True)
    try:
        return run([sys.executable, "-c", FLOOR, str(database), *map(str, paths)], dict(os.environ))
    finally:
        database.unlink(missing_ok=True)


def postgres_database() -> tuple[str, str] | None:
    """A fresh database on the local server (its URL and name), or None when no server answers."""
    import sqlalchemy as sa

    try:
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"habeas_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # any failure to connect means: no server to measure on
        print(f"PostgreSQL: not measured ({type(exc).__name__} at {POSTGRES})")
        return None
    return sa.engine.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False), name


def drop_postgres(name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def line(name: str, times: Times, people: int, events: int) -> str:
    # Per processor second too: on a machine shared with other work, wall-clock time counts the waiting.
    return (
        f"{name:<36} wall {times.wall:7.2f} s  cpu {times.cpu:7.2f} s  {people / times.wall:>7,.0f} people/s "
        f"({people / times.cpu:,.0f} per cpu-s)  {events / times.wall:>8,.0f} events/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/habeas-bench"))
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--before", type=Path, help="also time this source tree (e.g. `git archive` of a release)")
    args = parser.parse_args()
    if not HABEAS.exists():
        raise SystemExit(f"{HABEAS} is not installed; run `make install`")
    args.workdir.mkdir(parents=True, exist_ok=True)
    paths = casefiles(args.workdir, args.people)
    events = args.people * 10
    size = sum(p.stat().st_size for p in paths) / 2**20
    print(
        f"input: {len(paths)} JSON case files, {args.people:,} people, {events:,} events, {size:,.1f} MiB (synthetic)"
    )
    base = floor(paths, args.workdir)
    print(line("floor: json.load + sqlite3 insert", base, args.people, events))
    if args.before is not None:
        before = habeas_import(paths, args.workdir / f"home-casefile-before-{args.people}", source=args.before)
        print(line(f"habeas import ({args.before.name}, SQLite)", before, args.people, events))
    ours = habeas_import(paths, args.workdir / f"home-casefile-{args.people}")
    print(line("habeas import (SQLite)", ours, args.people, events))
    if not args.no_postgres and (database := postgres_database()) is not None:
        url, name = database
        try:
            pg = habeas_import(paths, args.workdir / f"home-casefile-pg-{args.people}", url)
            print(line("habeas import (PostgreSQL)", pg, args.people, events))
        finally:
            drop_postgres(name)
    print(
        f"target: >= 2,000 people/s (ten events each); SQLite: {args.people / ours.wall:,.0f} people/s wall, "
        f"{args.people / ours.cpu:,.0f} per cpu-s; the floor is {ours.cpu / base.cpu:.1f}x less processor time"
    )


if __name__ == "__main__":
    main()

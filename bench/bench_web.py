"""Load test of the web app: person pages and searches over synthetic people (10 events each).

    .venv/bin/python bench/bench_web.py                           # 10,000 people, one process, SQLite
    .venv/bin/python bench/bench_web.py --people 100000 --workers 2
    .venv/bin/python bench/bench_web.py --url postgresql+psycopg://postgres@127.0.0.1:5432/habeas_bench_10000

Builds the database once in bulk (bench/bulk_people.py: the store's sealing and indexes, without
the importer's per-record checks; SQLite files are kept in bench/out/ between runs), starts the
server in a separate process exactly as `habeas serve [--workers N]` does, times the first
person page and the first search after the start (nothing is warmed up ahead), then runs 20
concurrent clients and prints p50/p95/p99 latencies beside a static file's, measured in the
same run. Target: p95 ≤ 100 ms for each. Every person is fictitious: names are drawn from lists
of common given names and surnames.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.settings import Settings

OUT = Path(__file__).resolve().parent / "out"
# fmt: off
GIVEN = (
    "José", "Luis", "Ana", "María", "Juan", "Carlos", "Luisa", "Pedro", "Rosa", "Miguel", "Carmen", "Jorge",
    "Elena", "Andrés", "Lucía", "Diego", "Sofía", "Pablo", "Valentina", "Javier", "Camila", "Mateo", "Gabriela",
    "Ángel", "Daniela", "Raúl", "Paola", "Héctor", "Mariana", "Óscar", "Fernanda", "Iván", "Julia", "Ramón",
    "Adriana", "Tomás", "Natalia", "Rubén", "Verónica", "Sergio", "Patricia",
)
SURNAMES = (
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres",
    "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes", "Gutiérrez", "Ortiz", "Chávez", "Ramos",
    "Vargas", "Castillo", "Jiménez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar", "Castro", "Núñez",
    "Mendoza", "Ruiz", "Álvarez", "Vásquez", "Rojas", "Guerrero", "Salazar", "Peña", "Ibáñez", "Quintero",
    "Zamora", "Bermúdez", "Villalobos", "Escobar", "Cordero", "Fajardo", "Gallego", "Montoya", "Arce",
)
# fmt: on
COUNTRIES = ("VE", "HN", "GT", "SV", "MX", "CO", "NI", "EC", "CU", "HT")
FACILITIES = (
    "Example Processing Center",
    "Example County Jail",
    "Example Service Processing Center",
    "Example Detention Facility",
    "Example Contract Facility",
)


def synthetic_name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def _events(rng: random.Random, pid: str, per_person: int) -> list[Event]:
    """A plausible, fictitious custody history of ``per_person`` events, some with uncertain dates."""
    made: list[Event] = []

    def add(kind: str, when: DateRange, **attrs: Any) -> None:
        made.append(Event(f"{pid}-e{len(made)}", kind, when, person=pid, attrs=attrs, sources=("bench-src",)))

    day = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
    add("apprehended", DateRange.day(day), agency="CBP")
    month_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    month = DateRange(day.replace(day=1), month_end, day.isoformat()[:7])
    add("booked_in", month if rng.random() < 0.2 else DateRange.day(day), facility=rng.choice(FACILITIES))
    add("claim_filed", DateRange(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year)), claim="asylum")
    while len(made) < per_person - 1:
        day += timedelta(days=rng.randrange(5, 60))
        kind = rng.choice(("transferred", "hearing_scheduled", "contact", "proof_of_life", "inquiry"))
        fields: dict[str, Any] = {
            "transferred": {"facility": rng.choice(FACILITIES)},
            "hearing_scheduled": {"scheduled_for": DateRange.day(day + timedelta(days=30))},
            "contact": {"party": "attorney", "direct": rng.random() < 0.5},
            "proof_of_life": {"evidence": "call"},
            "inquiry": {"by": "attorney", "to": "ICE"},
        }[kind]
        add(kind, DateRange.day(day), **fields)
    day += timedelta(days=rng.randrange(5, 90))
    last = day + timedelta(days=2)
    add("removed", DateRange(day, last, f"{day.isoformat()}/{last.isoformat()}"), destination=rng.choice(COUNTRIES))
    return made


def bench_settings(url: str, people: int) -> Settings:
    """Where the bench database's keys live: beside it, never in the user's habeas home."""
    return Settings(data_dir=OUT / f"home-{people}", database_url=url, config_path=OUT / "habeas.toml")


def build(url: str, people: int, per_person: int) -> None:
    """Fill the database in bulk, sealed and indexed as the store does (bench/bulk_people.py)."""
    from bulk_people import bulk_build

    bulk_build(bench_settings(url, people), people, synthetic_name, _events, COUNTRIES, per_person)


def bench_web_settings() -> Any:
    """The web settings of the bench's server: those of `habeas serve`, with the threads asked for."""
    import os

    from habeas.web.config import WebSettings

    threads = int(os.environ.get("HABEAS_BENCH_THREADS") or WebSettings().worker_threads)
    return WebSettings(secure_cookies=False, session_idle_minutes=600, worker_threads=threads)


def stored_session(url: str, people: int) -> str:
    """A signed-in session of "bench" (the database's first admin), stored for the server's workers to find."""
    from habeas.services import Actor, Context
    from habeas.services.users import stored_accounts

    ctx = Context(bench_settings(url, people), Actor("bench"))
    sessions = stored_accounts(ctx, bench_web_settings()).sessions
    session = sessions.create("bench", verified=True, previous_visit=None)
    ctx.engine.dispose()
    return session.id


def serve(url: str, people: int, port: int, workers: int) -> None:
    """Serve as `habeas serve --workers N` does: habeas's own worker configuration and app factory."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from habeas.services import Actor
    from habeas.web.serve import WorkerConfig, server_config, worker_app

    settings, web = bench_settings(url, people), bench_web_settings()
    if workers == 1:
        uvicorn.Server(server_config(worker_app(settings, Actor("bench"), web), "127.0.0.1", port)).run()
        return
    config = WorkerConfig(settings, Actor("bench"), web, host="127.0.0.1", port=port, workers=workers)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def _typo(rng: random.Random, name: str) -> str:
    """The name with its words shuffled, accents dropped and one letter of one word changed."""
    import unicodedata

    words = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().split()[1:]
    rng.shuffle(words)
    target = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[target]
    spot = rng.randrange(1, len(word) - 1)
    words[target] = word[:spot] + word[spot + 1] + word[spot] + word[spot + 2 :]  # two letters swapped
    return " ".join(words)


async def _load(base: str, cookie: dict[str, str], paths: list[str], clients: int) -> tuple[list[float], int]:
    """Latencies of the answered requests, and how many answered with something else than 200."""
    import httpx

    latencies: list[float] = []
    failures = 0
    queue = list(reversed(paths))

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, cookies=cookie, timeout=60) as http:
            while queue:
                path = queue.pop()
                start = time.perf_counter()
                response = await http.get(path)
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    nonlocal failures
                    failures += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, failures


def _percentiles(name: str, latencies: list[float], failures: int, seconds: float) -> float:
    """Print the percentiles of one kind of request; return its p95."""
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    verdict = "" if name == "static file" else f"  (target p95 ≤ 100 ms: {'met' if q[94] <= 100 else 'NOT met'})"
    print(
        f"{name:12} n={len(latencies):,}  p50={q[49]:6.1f} ms  p95={q[94]:6.1f} ms  p99={q[98]:6.1f} ms  "
        f"{len(latencies) / seconds:6.0f} req/s  errors={failures}{verdict}"
    )
    return q[94]


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError("the server process stopped")
        try:
            httpx.get(base + "/sign-in", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def measure(url: str, people: int, clients: int, requests: int, port: int, workers: int, threads: int | None) -> None:
    import os

    base = f"http://127.0.0.1:{port}"
    (OUT / "habeas.toml").write_text("# rule defaults\n")
    session = stored_session(url, people)
    environment = {**os.environ, "HABEAS_BENCH_THREADS": str(threads or "")}
    command = [sys.executable, __file__, "--serve", "--url", url, "--people", str(people), "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    started = time.perf_counter()
    server = subprocess.Popen(command, env=environment)
    cookie = {"habeas-session": session}
    try:
        _wait(base, server)
        listening = time.perf_counter() - started
        rng = random.Random(11)
        chosen = [rng.randrange(people) for _ in range(requests)]
        pages = [f"/people/b{n:06d}" for n in chosen]
        first_page = _timed(base + pages[0], cookie)
        names = _names(url, people, chosen)
        searches = [f"/people?q={_typo(rng, names[n])}" for n in chosen]
        first_search = max(_timed(base + searches[i], cookie) for i in range(workers * 3))  # every worker's first
        print(f"ready: listening {listening:.1f} s after the start; first person page {first_page * 1000:.0f} ms; "
              f"first searches (the name index of {people:,} people is read at each worker's start, in the "
              f"background) ≤ {first_search:.1f} s")  # fmt: skip
        asyncio.run(_load(base, cookie, pages[:40] + searches[:40], clients))  # connections and code paths
        # The baseline, measured in the same run: the same server, clients and network path answering a
        # static file, so the ratios say what the pages cost over the floor the machine itself sets.
        floor = ["/static/habeas.css"] * requests
        p95: dict[str, float] = {}
        for label, paths in (("static file", floor), ("person page", pages), ("search", searches)):
            begun, cpu = time.perf_counter(), _server_cpu(server.pid)
            latencies, failures = asyncio.run(_load(base, cookie, paths, clients))
            p95[label] = _percentiles(label, latencies, failures, time.perf_counter() - begun)
            used = (_server_cpu(server.pid) - cpu) / len(paths) * 1000
            print(f"{'':12} server processor time {used:.2f} ms a request (load average {os.getloadavg()[0]:.1f})")
        for label in ("person page", "search"):
            print(f"{label}: p95 {p95[label] / p95['static file']:.1f}× the static file's")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _server_cpu(pid: int) -> float:
    """Processor seconds used so far by the server process and its workers (Linux's /proc; 0 elsewhere)."""
    import os

    def used(stat: str) -> tuple[int, float]:
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    total = 0.0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent, seconds = used((entry / "stat").read_text())
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or not a process
        if int(entry.name) == pid or parent == pid:
            total += seconds
    return total


def _timed(url: str, cookie: dict[str, str]) -> float:
    import httpx

    begun = time.perf_counter()
    answer = httpx.get(url, cookies=cookie, timeout=7200)
    if answer.status_code != 200:
        raise RuntimeError(f"{url} answered {answer.status_code}")
    return time.perf_counter() - begun


def _names(url: str, people: int, chosen: list[int]) -> dict[int, str]:
    """The synthetic names of the chosen people, read back (decrypted) through the store."""
    from habeas.services import Actor, Context
    from habeas.services.track import repository

    ctx = Context(bench_settings(url, people), Actor("bench"))
    with repository(ctx) as repo:
        return {n: repo.person(f"b{n:06d}").name or "" for n in set(chosen)}  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="people in the database (100000: the issue's size)")
    parser.add_argument("--events-per-person", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="requests per kind of page")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="server processes (habeas serve --workers N)")
    parser.add_argument("--threads", type=int, help="request threads per process (default: as `habeas serve`)")
    parser.add_argument("--url", help="database URL (default: bench/out/web-<people>.db); PostgreSQL is built once")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{OUT / f'web-{args.people}.db'}"
    if args.serve:
        serve(url, args.people, args.port, args.workers)
        return
    OUT.mkdir(exist_ok=True)
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        if not database.exists():
            print(f"building {database} with {args.people:,} people, {args.people * args.events_per_person:,} events")
            partial = database.with_suffix(".partial")
            for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
                leftover.unlink(missing_ok=True)
            begun = time.perf_counter()
            build(f"sqlite:///{partial}", args.people, args.events_per_person)
            print(f"built in {time.perf_counter() - begun:.0f} s")
            partial.rename(database)  # only a finished database is reused by the next run
    elif _people_in(url) < args.people:
        print(f"building {url} with {args.people:,} people, {args.people * args.events_per_person:,} events")
        begun = time.perf_counter()
        build(url, args.people, args.events_per_person)
        print(f"built in {time.perf_counter() - begun:.0f} s")
    upgrade(url, args.people)
    measure(url, args.people, args.clients, args.requests, args.port, args.workers, args.threads)


def _people_in(url: str) -> int:
    """People in a PostgreSQL bench database, creating the (empty) database when there is none."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database})
        if exists.first() is None:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
            return 0
    engine = sa.create_engine(target)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM people")).scalar() or 0)
    except sa.exc.ProgrammingError:
        return 0
    finally:
        engine.dispose()
        admin.dispose()


def upgrade(url: str, people: int) -> None:
    """Bring a database kept from an earlier run to the current schema (what `habeas init` does)."""
    from habeas.services import Actor, Context, track

    ctx = Context(bench_settings(url, people), Actor("bench"))
    track.init_database(ctx)
    ctx.engine.dispose()


if __name__ == "__main__":
    main()

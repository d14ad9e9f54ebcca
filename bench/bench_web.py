"""Load test of the web app: person pages and searches over 100,000 synthetic people and 1,000,000 events.

    .venv/bin/python bench/bench_web.py                 # build bench/out/web.db once, then measure
    .venv/bin/python bench/bench_web.py --people 10000  # a smaller database, for a quick look

Builds the SQLite database through the store's repository (kept in bench/out/ between runs),
starts `habeas serve`'s app in a separate process, signs in, warms the name index, then
runs 20 concurrent clients and prints p50/p95/p99 latencies. Target: p95 ≤ 100 ms for each.
Every person is fictitious: names are drawn from lists of common given names and surnames.
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


def build(url: str, people: int, per_person: int, chunk: int = 2000) -> None:
    """Fill the database through the repository (names encrypted, search tokens made), a chunk per transaction."""
    from sqlalchemy.orm import Session

    from habeas.domain.model import Person, Source
    from habeas.ingest.casefile import CaseFile
    from habeas.services import Actor, Context, track
    from habeas.store.repository import Repository

    ctx = Context(bench_settings(url, people), Actor("bench"))
    track.init_database(ctx)  # "bench" becomes the database's first admin
    rng = random.Random(7)
    source = Source("bench-src", "dataset", title="Synthetic benchmark records", date=DateRange.day(date(2025, 1, 1)))
    started = time.perf_counter()
    for first in range(0, people, chunk):
        batch = CaseFile(sources=[source] if first == 0 else [])
        for n in range(first, min(first + chunk, people)):
            pid = f"b{n:06d}"
            batch.people.append(Person(pid, synthetic_name(rng), citizenship=rng.choice(COUNTRIES)))
            batch.events += _events(rng, pid, per_person)
        with Session(ctx.engine) as session:
            Repository(session, ctx.keyring).add_casefile(batch, "bench", [])
            session.commit()
        done = min(first + chunk, people)
        rate = done / (time.perf_counter() - started)
        print(f"  {done:,} people stored ({rate:,.0f} people/s)", end="\r", flush=True)
    ctx.engine.dispose()
    print()


def bench_web_settings(warm: bool) -> Any:
    """The web settings of the bench's server: those of `habeas serve`, with the threads asked for."""
    import os

    from habeas.web.config import WebSettings

    threads = int(os.environ.get("HABEAS_BENCH_THREADS") or WebSettings().worker_threads)
    return WebSettings(secure_cookies=False, session_idle_minutes=600, warm_summaries=warm, worker_threads=threads)


def make_app():  # type: ignore[no-untyped-def]
    """The app of one server worker, as `habeas serve` makes it: users, sessions and tokens from the database.

    The bench's session was stored by the parent process before the workers started, so any
    worker answers its requests, as with several workers of `habeas serve`.
    """
    import os

    from habeas.services import Actor, Context
    from habeas.services.users import stored_accounts
    from habeas.web.app import create_app

    settings = bench_settings(os.environ["HABEAS_BENCH_URL"], int(os.environ["HABEAS_BENCH_PEOPLE"]))
    web = bench_web_settings(os.environ.get("HABEAS_BENCH_WARM", "1") == "1")
    return create_app(settings, stored_accounts(Context(settings, Actor("bench")), web), web)


def stored_session(url: str, people: int, warm: bool) -> str:
    """A signed-in session of "bench" (the database's first admin), stored for the server's workers to find."""
    from habeas.services import Actor, Context
    from habeas.services.users import stored_accounts

    ctx = Context(bench_settings(url, people), Actor("bench"))
    sessions = stored_accounts(ctx, bench_web_settings(warm)).sessions
    session = sessions.create("bench", verified=True, previous_visit=None)
    ctx.engine.dispose()
    return session.id


def serve(port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "bench_web:make_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        app_dir=str(Path(__file__).parent),
        log_level="warning",
        access_log=False,
    )


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


def measure(
    url: str, people: int, clients: int, requests: int, port: int, workers: int, warm: bool, threads: int | None
) -> None:
    import os

    import httpx

    base = f"http://127.0.0.1:{port}"
    (OUT / "habeas.toml").write_text("# rule defaults\n")
    session = stored_session(url, people, warm)
    environment = {
        **os.environ,
        "HABEAS_BENCH_URL": url,
        "HABEAS_BENCH_SESSION": session,
        "HABEAS_BENCH_PEOPLE": str(people),
        "HABEAS_BENCH_WARM": "1" if warm else "0",
        "HABEAS_BENCH_THREADS": str(threads or ""),
    }
    command = [sys.executable, __file__, "--serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=environment)
    cookie = {"habeas-session": session}
    try:
        _wait(base, server)
        start = time.perf_counter()
        for _ in range(workers * 3):  # each worker builds its own index (and, warm, its summaries)
            httpx.get(base + ("/people?sort=days" if warm else "/people?q=garcia"), cookies=cookie, timeout=7200)
        what = "name index and today's summaries" if warm else "name index"
        print(f"warm-up ({what} of {people:,} people, {workers} worker(s)): {time.perf_counter() - start:.1f} s")
        rng = random.Random(11)
        chosen = [rng.randrange(people) for _ in range(requests)]
        pages = [f"/people/b{n:06d}" for n in chosen]
        names = _names(url, people, chosen)
        searches = [f"/people?q={_typo(rng, names[n])}" for n in chosen]
        asyncio.run(_load(base, cookie, pages[:40] + searches[:40], clients))  # warm up
        # The baseline, measured in the same run: the same server, clients and network path answering a
        # static file, so the ratios say what the pages cost over the floor the machine itself sets.
        floor = ["/static/habeas.css"] * requests
        p95: dict[str, float] = {}
        for label, paths in (("static file", floor), ("person page", pages), ("search", searches)):
            started = time.perf_counter()
            latencies, failures = asyncio.run(_load(base, cookie, paths, clients))
            p95[label] = _percentiles(label, latencies, failures, time.perf_counter() - started)
        for label in ("person page", "search"):
            print(f"{label}: p95 {p95[label] / p95['static file']:.1f}× the static file's")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _names(url: str, people: int, chosen: list[int]) -> dict[int, str]:
    """The synthetic names of the chosen people, read back (decrypted) through the store."""
    from habeas.services import Actor, Context
    from habeas.services.track import repository

    ctx = Context(bench_settings(url, people), Actor("bench"))
    with repository(ctx) as repo:
        return {n: repo.person(f"b{n:06d}").name or "" for n in set(chosen)}  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events-per-person", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="requests per kind of page")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="server processes (`habeas serve` runs one)")
    parser.add_argument("--threads", type=int, help="request threads per process (default: as `habeas serve`)")
    parser.add_argument("--cold", action="store_true", help="no background summaries: measure a server just started")
    parser.add_argument("--url", help="database URL (default: bench/out/web-<people>.db)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{OUT / f'web-{args.people}.db'}"
    if args.serve:
        serve(args.port, args.workers)
        return
    OUT.mkdir(exist_ok=True)
    database = Path(url.removeprefix("sqlite:///"))
    if not database.exists():
        print(f"building {database} with {args.people:,} people, {args.people * args.events_per_person:,} events")
        partial = database.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        build(f"sqlite:///{partial}", args.people, args.events_per_person)
        partial.rename(database)  # only a finished database is reused by the next run
    upgrade(url, args.people)
    measure(url, args.people, args.clients, args.requests, args.port, args.workers, not args.cold, args.threads)


def upgrade(url: str, people: int) -> None:
    """Bring a database kept from an earlier run to the current schema (what `habeas init` does)."""
    from habeas.services import Actor, Context, track

    ctx = Context(bench_settings(url, people), Actor("bench"))
    track.init_database(ctx)
    ctx.engine.dispose()


if __name__ == "__main__":
    main()

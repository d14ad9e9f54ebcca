"""Command-line start-up benchmark: whole `habeas` processes against `python -c pass` and `python -c "import typer"`.

    .venv/bin/python bench/bench_cli.py              # 15 runs of each, interleaved
    .venv/bin/python bench/bench_cli.py --runs 31

Each command runs as a user runs it (the installed `habeas` script, a fresh process each
time) on a temporary home loaded with the bundled examples: `habeas --help`,
`habeas whereabouts` of one person and `habeas check` of one person. The baselines, in the
same run and interleaved with them, are the interpreter doing nothing and the interpreter
importing Typer, the floor any Typer program starts from. Prints the median wall-clock
time and the median processor time (user + system) of each, and the ratios to both
baselines; the targets are on the wall-clock median.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HABEAS = Path(sys.executable).with_name("habeas")  # the script the package installs, beside this interpreter
PERSON, AS_OF = "ahr", "2025-05-01"  # examples/hernandez-romero.yaml


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    target: float | None = None  # seconds, median wall clock


@dataclass
class Times:
    wall: list[float]
    cpu: list[float]


def cases() -> list[Case]:
    return [
        Case("python -c pass", [sys.executable, "-c", "pass"]),
        Case('python -c "import typer"', [sys.executable, "-c", "import typer"]),
        Case("habeas --help", [str(HABEAS), "--help"], 0.3),
        Case(f"habeas whereabouts {PERSON}", [str(HABEAS), "whereabouts", PERSON, "--as-of", AS_OF], 0.8),
        Case(f"habeas check {PERSON}", [str(HABEAS), "check", PERSON, "--as-of", AS_OF], 1.0),
    ]


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One whole process: its wall-clock seconds and the processor seconds it used (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def loaded_home(home: Path) -> dict[str, str]:
    """An environment whose habeas home holds the examples, and no settings file or user of the machine's."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("HABEAS_")}
    env.update(HABEAS_HOME=str(home), HABEAS_CONFIG=str(home / "none.toml"), HABEAS_USER="bench")
    run([str(HABEAS), "init"], env)
    run([str(HABEAS), "import", *map(str, sorted((ROOT / "examples").glob("*.yaml")))], env)
    return env


def measure(runs: int, env: dict[str, str]) -> dict[str, Times]:
    chosen = cases()
    times = {case.name: Times([], []) for case in chosen}
    for case in chosen:  # once each, not counted: the file cache is warm for every measured run
        run(case.argv, env)
    for _ in range(runs):  # interleaved, so a change in the machine's load touches every command alike
        for case in chosen:
            wall, cpu = run(case.argv, env)
            times[case.name].wall.append(wall)
            times[case.name].cpu.append(cpu)
    return times


def report(times: dict[str, Times], runs: int) -> bool:
    medians = {name: (statistics.median(t.wall), statistics.median(t.cpu)) for name, t in times.items()}
    empty, typer = medians["python -c pass"][0], medians['python -c "import typer"'][0]
    print(f"medians of {runs} runs each, whole processes, interleaved")
    print(f"{'command':<28} {'wall':>8} {'cpu':>8}  {'× pass':>7} {'× typer':>8}  target")
    met = True
    for case in cases():
        wall, cpu = medians[case.name]
        target = ""
        if case.target is not None:
            ok = wall <= case.target
            met = met and ok
            target = f"≤ {case.target:.1f} s {'met' if ok else 'NOT MET'}"
        print(f"{case.name:<28} {wall:7.3f}s {cpu:7.3f}s  {wall / empty:6.1f}× {wall / typer:7.1f}×  {target}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs of each command")
    args = parser.parse_args()
    if not HABEAS.exists():
        raise SystemExit(f"no habeas script beside {sys.executable}: install the package (make install)")
    with tempfile.TemporaryDirectory(prefix="habeas-bench-cli-") as home:
        env = loaded_home(Path(home))
        times = measure(args.runs, env)
    met = report(times, args.runs)
    print("all targets met" if met else "some targets not met")


if __name__ == "__main__":
    main()

"""Command-line benchmark: whole `habeas` processes against `python -c pass` and `python -c "import typer"`.

    .venv/bin/python bench/bench_cli.py              # 15 runs of each, interleaved
    .venv/bin/python bench/bench_cli.py --runs 31
    .venv/bin/python bench/bench_cli.py --rows 100000  # the researcher's job on a larger release

Each command runs as a user runs it (the installed `habeas` script, a fresh process each
time) on a temporary home loaded with the bundled examples: `habeas --help`,
`habeas whereabouts` of one person and `habeas check` of one person. The baselines, in the
same run and interleaved with them, are the interpreter doing nothing and the interpreter
importing Typer, the floor any Typer program starts from. Prints the median wall-clock
time and the median processor time (user + system) of each, and the ratios to both
baselines; the targets are on the wall-clock median.

Then a researcher's whole job (habeas issue #17), interleaved with the rest: on a new, empty
home each run, `habeas init`, `habeas datasets import ice-detentions` of a synthetic release of
20,000 placements (written once by `habeas synth`, not counted) and `habeas stats population
--by facility_code`, three processes one after the other. Prints the median of each command and
of the job's total processor time (user + system, the target: ≤ 2.5 s) and wall-clock time.
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
JOB_TARGET_CPU = 2.5  # seconds, median total processor time of the three commands (issue #17)


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
    env = fresh_home(home)
    run([str(HABEAS), "init"], env)
    run([str(HABEAS), "import", *map(str, sorted((ROOT / "examples").glob("*.yaml")))], env)
    return env


def job_steps(release: Path) -> list[Case]:
    """A researcher's three commands, in the order they run them on a new home."""
    return [
        Case("habeas init", [str(HABEAS), "init"]),
        Case("habeas datasets import", [str(HABEAS), "datasets", "import", "ice-detentions", str(release)]),
        Case("habeas stats population", [str(HABEAS), "stats", "population", "--by", "facility_code"]),
    ]


def fresh_home(home: Path) -> dict[str, str]:
    """An environment whose habeas home is new and empty, with no settings file or user of the machine's.

    Python writes its bytecode cache as on a user's machine (PYTHONDONTWRITEBYTECODE, if set here, is
    dropped): otherwise every module edited since the cache was last written is compiled again in
    every measured run, and the figures depend on what was edited, not on what habeas does.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("HABEAS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(HABEAS_HOME=str(home), HABEAS_CONFIG=str(home / "none.toml"), HABEAS_USER="bench")
    return env


def run_job(steps: list[Case], workdir: Path, times: dict[str, Times]) -> None:
    """The three commands once, on a home made for this run and removed after it."""
    with tempfile.TemporaryDirectory(prefix="job-", dir=workdir) as home:
        env = fresh_home(Path(home))
        total_wall = total_cpu = 0.0
        for step in steps:
            wall, cpu = run(step.argv, env)
            times[step.name].wall.append(wall)
            times[step.name].cpu.append(cpu)
            total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        times["job"].wall.append(total_wall)
        times["job"].cpu.append(total_cpu)


def measure(runs: int, env: dict[str, str], steps: list[Case], workdir: Path) -> dict[str, Times]:
    chosen = cases()
    times = {name: Times([], []) for name in [case.name for case in chosen + steps] + ["job"]}
    for case in chosen:  # once each, not counted: the file cache is warm for every measured run
        run(case.argv, env)
    run_job(steps, workdir, {name: Times([], []) for name in times})
    for _ in range(runs):  # interleaved, so a change in the machine's load touches every command alike
        for case in chosen:
            wall, cpu = run(case.argv, env)
            times[case.name].wall.append(wall)
            times[case.name].cpu.append(cpu)
        run_job(steps, workdir, times)
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


def report_job(times: dict[str, Times], steps: list[Case], rows: int) -> bool:
    empty_cpu = statistics.median(times["python -c pass"].cpu)
    typer_cpu = statistics.median(times['python -c "import typer"'].cpu)
    print(f"\na researcher's job on a new home, {rows:,} placements (processor-time ratios to the baselines)")
    print(f"{'command':<28} {'wall':>8} {'cpu':>8}  {'× pass':>7} {'× typer':>8}  target")
    for name in [step.name for step in steps] + ["job"]:
        wall, cpu = statistics.median(times[name].wall), statistics.median(times[name].cpu)
        target = ""
        if name == "job":
            ok = cpu <= JOB_TARGET_CPU
            target = f"≤ {JOB_TARGET_CPU:.1f} s cpu {'met' if ok else 'NOT MET'}"
        label = "total (median of the sums)" if name == "job" else name
        print(f"{label:<28} {wall:7.3f}s {cpu:7.3f}s  {cpu / empty_cpu:6.1f}× {cpu / typer_cpu:7.1f}×  {target}")
    return statistics.median(times["job"].cpu) <= JOB_TARGET_CPU


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs of each command")
    parser.add_argument("--rows", type=int, default=20_000, help="placements in the researcher's release")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/habeas-bench"), help="where inputs are kept")
    args = parser.parse_args()
    if not HABEAS.exists():
        raise SystemExit(f"no habeas script beside {sys.executable}: install the package (make install)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    release = args.workdir / f"cli-detentions-{args.rows}-1.csv"
    if not release.exists():  # synthetic placements, written once and kept
        synth = [str(HABEAS), "synth", "ice-detentions", "--rows", str(args.rows), "--seed", "1", "--out"]
        run([*synth, str(release)], fresh_home(args.workdir))
    steps = job_steps(release)
    with tempfile.TemporaryDirectory(prefix="habeas-bench-cli-") as home:
        env = loaded_home(Path(home))
        times = measure(args.runs, env, steps, args.workdir)
    met = report(times, args.runs)
    met = report_job(times, steps, args.rows) and met
    print("all targets met" if met else "some targets not met")


if __name__ == "__main__":
    main()

"""Command-line benchmark: whole `habeas` processes against `python -c pass` and `python -c "import typer"`.

    .venv/bin/python bench/bench_cli.py              # 15 runs of each, interleaved
    .venv/bin/python bench/bench_cli.py --runs 31
    .venv/bin/python bench/bench_cli.py --rows 100000  # the researcher's job on a larger release
    .venv/bin/python bench/bench_cli.py --before /tmp/habeas-before  # the job of an earlier habeas too

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

With --before DIR (a checkout of an earlier habeas, e.g. `git archive COMMIT src | tar -x -C DIR`),
the same job also runs with that source tree first on the path, interleaved with the rest, and the
medians before and after are printed with their ratios: on a shared, loaded machine the figures of
two runs made at different times cannot be compared.
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


def fresh_home(home: Path, source: Path | None = None) -> dict[str, str]:
    """An environment whose habeas home is new and empty, with no settings file or user of the machine's.

    Python writes its bytecode cache as on a user's machine (PYTHONDONTWRITEBYTECODE, if set here, is
    dropped): otherwise every module edited since the cache was last written is compiled again in
    every measured run, and the figures depend on what was edited, not on what habeas does.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("HABEAS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(HABEAS_HOME=str(home), HABEAS_CONFIG=str(home / "none.toml"), HABEAS_USER="bench")
    if source is not None:  # the installed script then runs that tree's habeas (its src is before the install's)
        env["PYTHONPATH"] = str(source / "src")
    return env


BEFORE = "before: "  # the names of the earlier habeas's figures (--before)


def run_job(steps: list[Case], workdir: Path, times: dict[str, Times], source: Path | None = None) -> None:
    """The three commands once, on a home made for this run and removed after it (with ``source``: its habeas)."""
    prefix = BEFORE if source is not None else ""
    with tempfile.TemporaryDirectory(prefix="job-", dir=workdir) as home:
        env = fresh_home(Path(home), source)
        total_wall = total_cpu = 0.0
        for step in steps:
            wall, cpu = run(step.argv, env)
            times[prefix + step.name].wall.append(wall)
            times[prefix + step.name].cpu.append(cpu)
            total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        times[prefix + "job"].wall.append(total_wall)
        times[prefix + "job"].cpu.append(total_cpu)


def measure(
    runs: int, env: dict[str, str], steps: list[Case], workdir: Path, before: Path | None = None
) -> dict[str, Times]:
    chosen = cases()
    names = [case.name for case in chosen + steps] + ["job"]
    names += [BEFORE + name for name in [step.name for step in steps] + ["job"]] if before is not None else []
    times = {name: Times([], []) for name in names}
    for case in chosen:  # once each, not counted: the file cache is warm for every measured run
        run(case.argv, env)
    run_job(steps, workdir, {name: Times([], []) for name in times})
    if before is not None:
        run_job(steps, workdir, {name: Times([], []) for name in times}, before)
    for _ in range(runs):  # interleaved, so a change in the machine's load touches every command alike
        for case in chosen:
            wall, cpu = run(case.argv, env)
            times[case.name].wall.append(wall)
            times[case.name].cpu.append(cpu)
        run_job(steps, workdir, times)
        if before is not None:
            run_job(steps, workdir, times, before)
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


def report_before(times: dict[str, Times], steps: list[Case], before: Path) -> None:
    print(f"\nthe same job with the habeas in {before}, interleaved (medians; after ÷ before)")
    print(f"{'command':<28} {'cpu before':>10} {'cpu after':>10} {'ratio':>6}  {'wall before':>11} {'wall after':>10}")
    for name in [step.name for step in steps] + ["job"]:
        old, new = times[BEFORE + name], times[name]
        cpu_old, cpu_new = statistics.median(old.cpu), statistics.median(new.cpu)
        wall_old, wall_new = statistics.median(old.wall), statistics.median(new.wall)
        label = "total (median of the sums)" if name == "job" else name
        print(
            f"{label:<28} {cpu_old:9.3f}s {cpu_new:9.3f}s {cpu_new / cpu_old:5.2f}×  {wall_old:10.3f}s {wall_new:9.3f}s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs of each command")
    parser.add_argument("--rows", type=int, default=20_000, help="placements in the researcher's release")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/habeas-bench"), help="where inputs are kept")
    parser.add_argument(
        "--before", type=Path, help="a checkout of an earlier habeas (with src/): its job runs too, interleaved"
    )
    args = parser.parse_args()
    if not HABEAS.exists():
        raise SystemExit(f"no habeas script beside {sys.executable}: install the package (make install)")
    if args.before is not None and not (args.before / "src" / "habeas").is_dir():
        raise SystemExit(f"--before {args.before}: no src/habeas in it (a checkout of habeas)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    release = args.workdir / f"cli-detentions-{args.rows}-1.csv"
    if not release.exists():  # synthetic placements, written once and kept
        synth = [str(HABEAS), "synth", "ice-detentions", "--rows", str(args.rows), "--seed", "1", "--out"]
        run([*synth, str(release)], fresh_home(args.workdir))
    steps = job_steps(release)
    with tempfile.TemporaryDirectory(prefix="habeas-bench-cli-") as home:
        env = loaded_home(Path(home))
        times = measure(args.runs, env, steps, args.workdir, args.before)
    met = report(times, args.runs)
    met = report_job(times, steps, args.rows) and met
    if args.before is not None:
        report_before(times, steps, args.before)
    print("all targets met" if met else "some targets not met")


if __name__ == "__main__":
    main()

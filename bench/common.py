"""Shared pieces of the benchmarks: synthetic inputs (made once, kept), child processes reporting peak memory."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CHUNK = 1_000_000


def detentions_csv(workdir: Path, rows: int, seed: int = 1, years: float = 12.0) -> Path:
    """A released-format detention history of ``rows`` placements (written once, in chunks, then reused)."""
    path = workdir / f"detentions-{rows}-{seed}-{years:g}y.csv"
    if path.exists():
        return path
    from habeas.synth import detention_placements, write_detentions

    partial = path.with_suffix(".part")
    chunks = math.ceil(rows / CHUNK)
    for index in range(chunks):
        size = min(CHUNK, rows - index * CHUNK)
        frame = detention_placements(size, seed=seed + index, start=date(2012, 1, 1), years=years)
        if index == 0:
            write_detentions(frame, partial, seed=seed)
        else:
            with partial.open("a", encoding="utf-8", newline="") as out:
                frame.write_csv(out, include_header=False, datetime_format="%m/%d/%Y %H:%M",
                                date_format="%m/%d/%Y", line_terminator="\r\n")  # fmt: skip
    partial.rename(path)
    return path


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float
    detail: dict[str, object]


def run_child(code: str, *args: str) -> Run:
    """Run ``code`` in a fresh interpreter; it prints one JSON object, to which the peak RSS is added.

    The child measures its own time and reads its own peak resident memory with
    resource.getrusage, so the parent's memory never counts.
    """
    wrapper = (
        "import json, resource, sys, time\n"
        f"{code}\n"
        "start = time.perf_counter()\n"
        "detail = main(*sys.argv[1:])\n"
        "seconds = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': seconds, 'peak_rss_mib': peak, 'detail': detail}))\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed after {time.perf_counter() - started:.1f} s:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(result["seconds"], result["peak_rss_mib"], result["detail"])


def mib(value: float) -> str:
    return f"{value:,.0f} MiB" if value < 1024 else f"{value / 1024:,.2f} GiB"

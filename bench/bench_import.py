"""Import benchmark: `habeas datasets import` against pandas read_csv + to_sql (SQLite), same file, same run.

    .venv/bin/python bench/bench_import.py                    # 1,000,000 rows, with the pandas baseline
    .venv/bin/python bench/bench_import.py --rows 5000000 --no-baseline

Each side runs in its own process and reports its wall time (from the call, interpreter
start-up excluded) and its peak resident memory (resource.getrusage). The input is a
synthetic detention history in the released format (title rows, MM/DD/YYYY HH:MM dates),
made once and kept in the work directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import detentions_csv, mib, run_child

HABEAS = """
def main(path, home):
    from pathlib import Path
    from habeas.services import Actor, Context, datasets, track
    from habeas.settings import Settings
    root = Path(home)
    settings = Settings(root, f"sqlite:///{root / 'habeas.db'}", root / "none.toml")
    context = Context(settings, Actor("bench"))
    track.init_database(context)  # a new database, its keys and its first admin (counted in the time)
    report = datasets.import_dataset(context, "ice-detentions", Path(path))
    return {"rows": report.tally.rows_imported, "rejected": report.tally.rows_rejected, "release": report.release}
"""

PANDAS = """
def main(path, database):
    import sqlite3
    import pandas as pd
    frame = pd.read_csv(path, skiprows=5, dtype=str)
    with sqlite3.connect(database) as connection:
        frame.to_sql("placements", connection, index=False, chunksize=100_000)
    return {"rows": len(frame)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/habeas-bench"))
    parser.add_argument("--no-baseline", action="store_true", help="habeas only (for sizes pandas cannot hold)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = detentions_csv(args.workdir, args.rows)
    size = source.stat().st_size / 2**20
    print(f"input: {source.name}, {args.rows:,} placements, {size:,.0f} MiB (released format, synthetic)")
    home = args.workdir / f"home-{args.rows}"
    _clean(home)
    ours = run_child(HABEAS, str(source), str(home))
    print(_line("habeas datasets import", ours.seconds, args.rows, ours.peak_rss_mib))
    if args.no_baseline:
        return
    database = args.workdir / f"pandas-{args.rows}.db"
    database.unlink(missing_ok=True)
    theirs = run_child(PANDAS, str(source), str(database))
    print(_line("pandas read_csv + to_sql", theirs.seconds, args.rows, theirs.peak_rss_mib))
    print(f"ratio: habeas is {theirs.seconds / ours.seconds:.1f}x faster, using "
          f"{ours.peak_rss_mib / theirs.peak_rss_mib:.2f}x the peak memory")  # fmt: skip
    database.unlink(missing_ok=True)


def _line(name: str, seconds: float, rows: int, peak: float) -> str:
    return f"{name:<26} {seconds:8.2f} s  {rows / seconds:>12,.0f} rows/s  peak {mib(peak)}"


def _clean(home: Path) -> None:
    import shutil

    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

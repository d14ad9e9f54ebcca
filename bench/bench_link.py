"""Linkage benchmark: accuracy on synthetic lists with known truth, scale with DuckDB, Spark against DuckDB.

    .venv/bin/python bench/bench_link.py                          # accuracy; 100,000 records; Spark on 20,000
    .venv/bin/python bench/bench_link.py --records 1000000 --spark-records 100000
    .venv/bin/python bench/bench_link.py --only accuracy

1. Accuracy: three synthetic lists of the same fictitious people (30% of records with a
   mistake: a typo, a dropped surname, accents lost, order swapped, birth year off by one, a
   field missing), linked at the default threshold; pairwise precision and recall against the
   truth, beside the baseline of linking records whose normalized names are equal (same words,
   any order), measured in the same run on the same records.
2. Scale: deduplicate N list records (the lists pooled into one source) with DuckDB, in a
   child process reporting its time and peak memory; the baseline, in another child, groups
   the same records by normalized name.
3. Spark against DuckDB: the same records linked by both engines; the share of links they
   agree on, and each engine's time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import mib, run_child

POOLED = """
def main(records, seed, engine, baseline):
    import os, time
    from collections import Counter
    from dataclasses import replace
    from habeas.linkage.types import RecordRef
    from habeas.synth.lists import synthetic_lists
    started = time.perf_counter()
    lists = synthetic_lists(round(int(records) / 1.8), 3, seed=int(seed), inclusion=0.6)
    pooled = [replace(r, ref=RecordRef("pooled", f"{r.ref.source}:{r.ref.record_id}")) for r in lists.records]
    truth = {RecordRef("pooled", f"{ref.source}:{ref.record_id}"): p for ref, p in lists.truth.items()}
    del lists
    synth_seconds = time.perf_counter() - started
    start, cpu = time.perf_counter(), time.process_time()
    if baseline == "yes":
        from collections import defaultdict
        from habeas.linkage.names import normalize_name
        groups = defaultdict(list)
        for r in pooled:
            key = normalize_name(r.full_name, r.given_names, r.surnames).key
            if key:
                groups[key].append(r.ref)
        pairs = {(a, b) for refs in groups.values() for i, a in enumerate(refs) for b in refs[i + 1:]}
        compared = len(pairs)
    else:
        from habeas.linkage.engine import find_candidates
        result = find_candidates(pooled, engine=engine, within_sources=True)
        pairs = {(c.left, c.right) for c in result.candidates}
        probabilities = {f"{c.left.record_id}|{c.right.record_id}": c.probability for c in result.candidates}
        compared = result.pairs_compared
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    right = sum(truth[a] == truth[b] for a, b in pairs)
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    return {"records": len(pooled), "synth_seconds": synth_seconds, "link_seconds": seconds, "link_cpu": cpu,
            "links": len(pairs), "right": right, "true_pairs": true_pairs, "compared": compared,
            "load": os.getloadavg(),
            "probabilities": probabilities if baseline != "yes" and len(pairs) <= 300_000 else {}}
"""


def true_pairs(truth: dict, named_only: bool = True) -> set:
    by_person = defaultdict(list)
    for ref, person in truth.items():
        by_person[person].append(ref)
    return {
        (a, b)
        for refs in by_person.values()
        for a, b in combinations(sorted(refs), 2)
        if a.source != b.source and not (named_only and "release" in (a.source, b.source))
    }


def accuracy(people: int, seed: int) -> None:
    from habeas.linkage.engine import DEFAULT_THRESHOLD, find_candidates
    from habeas.linkage.names import normalize_name
    from habeas.synth.lists import synthetic_lists

    lists = synthetic_lists(people, 3, seed=seed, inclusion=0.6, corruption=0.3, release=True)
    truth = lists.truth
    named = [r for r in lists.records if r.named]
    expected = true_pairs(truth)
    anonymized = len(lists.records) - len(named)
    print(f"accuracy: {people:,} people, {len(named):,} named records on 3 lists, "
          f"{anonymized:,} anonymized release rows, {len(expected):,} true pairs across lists")  # fmt: skip

    started = time.perf_counter()
    keys = defaultdict(list)
    for r in named:
        keys[normalize_name(r.full_name, r.given_names, r.surnames).key].append(r.ref)
    exact = {
        (a, b) for refs in keys.values() for a, b in combinations(sorted(refs), 2) if a.source != b.source
    }  # fmt: skip
    report("exact normalized name (baseline)", exact, expected, time.perf_counter() - started)

    started = time.perf_counter()
    result = find_candidates(lists.records)
    seconds = time.perf_counter() - started
    links = {(c.left, c.right) for c in result.candidates if "release" not in (c.left.source, c.right.source)}
    report(f"habeas link, threshold {DEFAULT_THRESHOLD}", links, expected, seconds)
    released = [c for c in result.candidates if "release" in (c.left.source, c.right.source)]
    right = sum(truth[c.left] == truth[c.right] for c in released)
    expected_release = true_pairs(truth, named_only=False) - expected
    print(f"  anonymized rows (attributes only): {len(released):,} candidates, {right:,} right, "
          f"of {len(expected_release):,} true pairs")  # fmt: skip
    for note in result.notes:
        print(f"  note: {note}")


def report(label: str, found: set, expected: set, seconds: float) -> None:
    right = len(found & expected)
    precision = right / len(found) if found else float("nan")
    recall = right / len(expected) if expected else float("nan")
    print(f"  {label:<36} precision {precision:.4f}  recall {recall:.4f}  ({len(found):,} links, {seconds:.1f} s)")


def scale(records: int, seed: int) -> None:
    print(f"scale: deduplicate {records:,} list records pooled into one source (DuckDB)")
    base = run_child(POOLED, str(records), str(seed), "duckdb", "yes")
    habeas = run_child(POOLED, str(records), str(seed), "duckdb", "no")
    for label, run in (("exact normalized name (baseline)", base), ("habeas link (DuckDB)", habeas)):
        d = run.detail
        precision = d["right"] / d["links"] if d["links"] else float("nan")
        recall = d["right"] / d["true_pairs"] if d["true_pairs"] else float("nan")
        print(f"  {label:<36} link {d['link_seconds']:7.1f} s (processor {d['link_cpu']:7.1f} s), "
              f"peak {mib(run.peak_rss_mib)}; {d['links']:,} links, precision {precision:.4f}, recall {recall:.4f}, "
              f"{d['compared']:,} pairs compared")  # fmt: skip
        print(f"  {'':<36} synthetic lists made in {d['synth_seconds']:.1f} s (not counted); whole process "
              f"{run.seconds:.1f} s; load average after {', '.join(f'{x:.1f}' for x in d['load'])}")  # fmt: skip
    ratio = habeas.detail["right"] / max(base.detail["right"], 1)
    slower = habeas.detail["link_seconds"] / max(base.detail["link_seconds"], 1e-9)
    print(f"  right links: habeas {habeas.detail['right']:,}, baseline {base.detail['right']:,} ({ratio:.2f}x) "
          f"of {habeas.detail['true_pairs']:,} true pairs; time {slower:.0f}x the baseline's")  # fmt: skip


def spark(records: int, seed: int) -> None:
    print(f"spark: the same {records:,} records linked by DuckDB and by a local Spark session")
    duck = run_child(POOLED, str(records), str(seed), "duckdb", "no")
    sparked = run_child(POOLED, str(records), str(seed), "spark", "no")
    a, b = duck.detail["probabilities"], sparked.detail["probabilities"]
    both = set(a) & set(b)
    agree = len(both) / len(set(a) | set(b)) if a or b else 1.0
    largest = max((abs(a[k] - b[k]) for k in both), default=0.0)
    for label, run in (("DuckDB", duck), ("Spark", sparked)):
        d = run.detail
        print(f"  {label:<8} link {d['link_seconds']:7.1f} s (processor {d['link_cpu']:.1f} s in the driver), "
              f"peak {mib(run.peak_rss_mib)} (driver), {d['links']:,} links, {d['compared']:,} pairs")  # fmt: skip
    print(f"  links in both / links in either: {agree:.4f} ({len(set(a) - set(b)):,} only DuckDB, "
          f"{len(set(b) - set(a)):,} only Spark); largest difference in probability {largest:.2e}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2000, help="people in the accuracy lists")
    parser.add_argument("--records", type=int, default=100_000, help="records to deduplicate for scale")
    parser.add_argument("--spark-records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=("accuracy", "scale", "spark"))
    args = parser.parse_args()
    if args.only in (None, "accuracy"):
        accuracy(args.people, args.seed)
    if args.only in (None, "scale"):
        scale(args.records, args.seed)
    if args.only in (None, "spark"):
        spark(args.spark_records, args.seed)


if __name__ == "__main__":
    main()

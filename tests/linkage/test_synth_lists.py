"""Synthetic lists with known truth: the same fictitious people, each list in its own style and with mistakes."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from habeas.synth import synthetic_lists, write_lists
from habeas.synth.lists import RELEASE_SOURCE


def test_the_same_seed_gives_the_same_lists() -> None:
    assert synthetic_lists(50, 3, seed=4) == synthetic_lists(50, 3, seed=4)
    assert synthetic_lists(50, 3, seed=4).records != synthetic_lists(50, 3, seed=5).records


def test_truth_names_a_person_for_every_record_and_no_list_holds_a_person_twice() -> None:
    lists = synthetic_lists(300, 3, seed=1, release=True)
    assert set(lists.truth) == {r.ref for r in lists.records}
    per_list = Counter((ref.source, person) for ref, person in lists.truth.items())
    assert max(per_list.values()) == 1
    assert {r.ref.source for r in lists.records} == {*lists.lists, RELEASE_SOURCE}
    assert len(set(lists.truth.values())) <= lists.people == 300


def test_each_list_holds_a_person_with_its_inclusion_probability() -> None:
    lists = synthetic_lists(4000, 3, seed=2, inclusion=(0.2, 0.5, 0.8))
    sizes = Counter(r.ref.source for r in lists.records)
    for source, p in zip(lists.lists, (0.2, 0.5, 0.8), strict=True):
        assert sizes[source] / 4000 == pytest.approx(p, abs=0.03)


def test_dependence_ties_later_lists_to_the_first() -> None:
    def overlap(dependence: float) -> float:
        lists = synthetic_lists(4000, 2, seed=3, inclusion=0.5, dependence=dependence)
        people = [{p for r, p in lists.truth.items() if r.source == s} for s in lists.lists]
        return len(people[0] & people[1]) / len(people[0])

    assert overlap(0.0) == pytest.approx(0.5, abs=0.04)
    assert overlap(0.6) == pytest.approx(0.8, abs=0.04)  # p + d(1 - p)
    assert overlap(-0.6) == pytest.approx(0.2, abs=0.04)  # p(1 + d)


def test_corruption_zero_writes_every_list_the_same_way_every_time() -> None:
    lists = synthetic_lists(200, 3, seed=6, corruption=0.0, inclusion=1.0)
    by_person: dict[str, list] = {}
    for record in lists.records:
        by_person.setdefault(lists.truth[record.ref], []).append(record)
    for records in by_person.values():
        assert len({r.birth_year for r in records}) == 1
        assert all(r.citizenship and r.sex for r in records)


def test_corruption_makes_the_mistakes_lists_make() -> None:
    lists = synthetic_lists(2000, 3, seed=7, corruption=0.3)
    by_person: dict[str, list] = {}
    for record in lists.records:
        by_person.setdefault(lists.truth[record.ref], []).append(record)
    years_off = sum(1 for rs in by_person.values() if len({r.birth_year for r in rs if r.birth_year}) > 1)
    missing = sum(1 for r in lists.records if r.citizenship is None or r.sex is None or r.birth_year is None)
    assert years_off > 50 and missing > 50


def test_a_release_has_no_names_only_attributes() -> None:
    lists = synthetic_lists(200, 2, seed=9, release=True)
    release = [r for r in lists.records if r.ref.source == RELEASE_SOURCE]
    assert release
    for row in release:
        assert not row.named and row.full_name is None and row.given_names is None and row.surnames is None
        assert row.birth_year and row.custody


@pytest.mark.parametrize("bad", [{"inclusion": (0.5,)}, {"inclusion": 1.5}, {"dependence": 2.0}, {"corruption": -0.1}])
def test_impossible_parameters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        synthetic_lists(10, 2, seed=1, **bad)  # type: ignore[arg-type]  # wrong on purpose


def test_write_lists_writes_csv_mappings_and_truth(tmp_path: Path) -> None:
    lists = synthetic_lists(40, 2, seed=3, release=True)
    paths = write_lists(lists, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted([
        "list-1.csv", "list-1.mapping.yaml", "list-2.csv", "list-2.mapping.yaml",
        "release.csv", "release.mapping.yaml", "truth.csv",
    ])  # fmt: skip
    with (tmp_path / "out" / "truth.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    assert len(truth) == len(lists.records)
    release_mapping = yaml.safe_load((tmp_path / "out" / "release.mapping.yaml").read_text(encoding="utf-8"))
    assert "name" not in release_mapping["person"]


@pytest.mark.slow
def test_habeas_datasets_import_reads_a_written_list(tmp_path: Path) -> None:
    lists = synthetic_lists(30, 2, seed=3)
    write_lists(lists, tmp_path / "out")
    env = {"HABEAS_HOME": str(tmp_path / "home"), "HABEAS_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin"}
    habeas = [sys.executable, "-m", "habeas.main"]
    assert subprocess.run([*habeas, "init"], env=env, capture_output=True, check=False).returncode == 0
    for source in lists.lists:
        done = subprocess.run(
            [*habeas, "datasets", "import", "mapped-list", str(tmp_path / "out" / f"{source}.csv"),
             "--mapping", str(tmp_path / "out" / f"{source}.mapping.yaml")],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        held = sum(1 for r in lists.records if r.ref.source == source)
        assert re.search(rf"imported\s+{held}\b", done.stdout), done.stdout
        assert re.search(r"rejected\s+0\b", done.stdout), done.stdout

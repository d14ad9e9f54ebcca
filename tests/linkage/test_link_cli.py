"""`habeas link`, `habeas synth lists` and `habeas stats estimate` as a user runs them, on synthetic CECOT-like lists.

The lists come from `habeas synth lists` (fictitious people, with truth.csv saying who each row
is); the candidates from the real linkage model (Splink on DuckDB).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from habeas.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("HABEAS_USER", "ana")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run("init", "--db", url)[0] == 0
    return url


def imported_lists(db: str, out: Path, people: int = 120, seed: int = 5) -> dict[str, str]:
    """`habeas synth lists` then `habeas datasets import mapped-list` of each; synthetic name → release id."""
    code, said = run("synth", "lists", "--people", str(people), "--lists", "3", "--seed", str(seed), "--out", str(out))
    assert code == 0, said
    ids = {}
    for k in (1, 2, 3):
        name = f"list-{k}"
        code, said = run("datasets", "import", "mapped-list", str(out / f"{name}.csv"), "--mapping",
                         str(out / f"{name}.mapping.yaml"), "--db", db)  # fmt: skip
        assert code == 0, said
    code, said = run("datasets", "list", "--format", "json", "--db", db)
    for row in json.loads(said)["rows"]:
        ids[Path(row["file"]).stem] = row["release"]
    return ids


def truth(out: Path) -> dict[str, str]:
    """Person id in habeas (the mapping's prefix and the row's number) → the fictitious person it is."""
    with (out / "truth.csv").open(encoding="utf-8") as handle:
        return {f"{row['source']}-{row['record_id']}": row["person"] for row in csv.DictReader(handle)}


def candidates(db: str, *args: str) -> list[dict]:
    code, said = run("link", "review", "--format", "json", "--db", db, *args)
    assert code == 0, said
    return json.loads(said)["candidates"]


def stored(db: str, table: str) -> int:
    engine = sa.create_engine(db)
    with engine.connect() as connection:
        count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(count)


@pytest.mark.slow
def test_lists_are_linked_reviewed_accepted_combined_and_estimated(db: str, tmp_path: Path) -> None:
    out = tmp_path / "lists"
    ids = imported_lists(db, out)
    who = truth(out)
    lists = ",".join(ids[f"list-{k}"] for k in (1, 2, 3))

    code, said = run("link", "run", "--lists", lists, "--db", db)
    assert code == 0, said
    assert "candidates pending review" in said
    found = candidates(db)
    assert found, "the model found no candidate among lists of the same people"
    probabilities = [c["probability"] for c in found]
    assert probabilities == sorted(probabilities, reverse=True)
    first = found[0]
    assert {c["field"] for c in first["comparisons"]} >= {"name", "birth"}
    assert all(c["detail"] for c in first["comparisons"])  # each field says in words how it compared

    # The reviewer accepts the true pairs and rejects the others, citing the list that holds the record.
    right = [c for c in found if who[c["records"][0]["record"]] == who[c["records"][1]["record"]]]
    wrong = [c for c in found if c not in right]
    assert len(right) >= 0.9 * len(found)  # high-probability candidates on these lists are mostly true
    for c in right:
        code, said = run("link", "accept", c["id"][:12], "--source", c["records"][0]["source"], "--db", db)
        assert code == 0 and "the same person" in said, said
    for c in wrong:
        assert run("link", "reject", c["id"][:12], "--source", ids["list-1"], "--db", db)[0] == 0
    assert candidates(db) == []

    # Running again keeps every decision; nothing decided comes back for review.
    code, said = run("link", "run", "--lists", lists, "--db", db)
    assert code == 0 and f"{len(found):,} already decided kept" in said, said
    assert candidates(db) == []

    # The combined view: the person's cluster, every record with its list named.
    person = right[0]["records"][0]["record"]
    code, said = run("link", "show", person, "--format", "json", "--db", db)
    assert code == 0, said
    shown = json.loads(said)
    records = {r["record"] for r in shown["records"]}
    assert person in records and right[0]["records"][1]["record"] in records
    assert {who[r] for r in records} == {who[person]}
    assert all(r["source_title"].startswith("Synthetic list") for r in shown["records"])
    assert all(d["verdict"] == "same" for link in shown["links"] for d in link["decisions"])

    # The estimate: each cluster of linked records is one person.
    code, said = run("stats", "estimate", "--lists", lists, "--format", "json", "--db", db)
    assert code == 0, said
    estimate = json.loads(said)
    clusters = len({who[r] for r in who})  # the true number of people on the lists
    assert clusters <= estimate["documented"] <= sum(1 for _ in who)
    assert sum(h["people"] for h in estimate["histories"]) == estimate["documented"]
    assert estimate["interval"]["low"] <= estimate["total"] <= estimate["interval"]["high"]
    assert estimate["total"] >= estimate["documented"] and estimate["assumptions"]
    code, said = run("stats", "estimate", "--lists", lists, "--db", db)
    assert code == 0 and "interval" in said and "Assumptions" in said and "Closed population" in said


@pytest.mark.slow
def test_a_correction_reverses_an_accepted_link_in_the_combined_view(db: str, tmp_path: Path) -> None:
    ids = imported_lists(db, tmp_path / "lists", people=60, seed=9)
    assert run("link", "run", "--lists", ",".join(ids.values()), "--db", db)[0] == 0
    first = candidates(db)[0]
    person, other = (r["record"] for r in first["records"])
    code, said = run("link", "accept", first["id"], "--source", ids["list-1"], "--note", "synthetic", "--db", db)
    assert code == 0 and "Recorded decision 1" in said
    assert other in {
        r["record"] for r in json.loads(run("link", "show", person, "--format", "json", "--db", db)[1])["records"]
    }
    code, said = run("link", "correct", "1", "--source", ids["list-2"], "--db", db)
    assert code == 0 and "not the same person" in said and "correcting decision 1" in said
    shown = json.loads(run("link", "show", person, "--format", "json", "--db", db)[1])
    assert {r["record"] for r in shown["records"]} == {person}
    assert stored(db, "link_decisions") == 2  # the accepted link is still there, reversed, not removed
    code, said = run("link", "correct", "1", "--source", ids["list-2"], "--db", db)
    assert code == 1 and "decision 2 is in force" in said


def test_bad_input_is_named_and_nothing_is_stored(db: str, tmp_path: Path) -> None:
    ids = imported_lists(db, tmp_path / "lists", people=30, seed=2)
    one, two, three = (ids[f"list-{k}"] for k in (1, 2, 3))
    cases = [
        (("link", "run", "--lists", f"{one},no-such-list"), "--lists: no list 'no-such-list'"),
        (("link", "run", "--lists", f"{one},{one}"), "named twice"),
        (("link", "run", "--threshold", "2"), "--threshold must be a probability"),
        (("stats", "estimate", "--lists", f"{one},{two}"), "at least three lists, not 2"),
        (("stats", "estimate", "--lists", one), "at least three lists, not 1"),
        (("stats", "estimate", "--lists", f"{one},{two},nope"), "--lists: no list 'nope'"),
        (("stats", "estimate", "--lists", f"{one},{two},{three}"), "no one is on more than one list"),
        (("link", "accept", "0123456789ab", "--source", one), "no link candidate '0123456789ab'"),
        (("link", "correct", "7", "--source", one), "no link decision 7"),
        (("link", "review", "--min", "1.5"), "--min must be a probability"),
    ]
    for args, message in cases:
        code, said = run(*args, "--db", db)
        assert code == 1 and message in " ".join(said.split()), (args, said)
    assert stored(db, "link_candidates") == 0 and stored(db, "link_decisions") == 0


def test_a_viewer_is_refused_every_link_command(db: str, tmp_path: Path) -> None:
    assert run("users", "add", "vera", "--role", "viewer", "--db", db)[0] == 0
    for args in (("link", "review"), ("link", "run"), ("link", "show", "x"), ("stats", "estimate", "--lists", "a,b,c")):
        code, said = run(*args, "--user", "vera", "--db", db)
        assert code == 1 and "may not link records" in said, (args, said)


def test_synth_lists_writes_each_list_its_mapping_and_the_truth(tmp_path: Path) -> None:
    code, said = run(
        "synth", "lists", "--people", "20", "--lists", "4", "--seed", "1", "--out", str(tmp_path), "--release"
    )
    assert code == 0, said
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([*(f"list-{k}.{ext}" for k in range(1, 5) for ext in ("csv", "mapping.yaml")),
                            "release.csv", "release.mapping.yaml", "truth.csv"])  # fmt: skip
    again = tmp_path / "again"
    assert (
        run("synth", "lists", "--people", "20", "--lists", "4", "--seed", "1", "--out", str(again), "--release")[0] == 0
    )
    assert (again / "truth.csv").read_bytes() == (tmp_path / "truth.csv").read_bytes()

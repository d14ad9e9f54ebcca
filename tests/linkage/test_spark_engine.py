"""The same model on Spark: a local session gives the links DuckDB gives (slow: a JVM starts)."""

from __future__ import annotations

import shutil

import pytest

from habeas.linkage.engine import LinkageError, find_candidates
from habeas.synth.lists import synthetic_lists

pytestmark = pytest.mark.slow


def test_spark_gives_the_same_links_as_duckdb() -> None:
    if not shutil.which("java"):
        pytest.skip("the Spark engine needs Java (17 or later), and none is on PATH")
    pytest.importorskip("pyspark", reason="the Spark engine needs pyspark")
    lists = synthetic_lists(80, 3, seed=21, release=True)
    duckdb = find_candidates(lists.records, engine="duckdb")
    spark = find_candidates(lists.records, engine="spark")
    assert spark.engine == "spark" and duckdb.candidates
    assert {(c.left, c.right) for c in spark.candidates} == {(c.left, c.right) for c in duckdb.candidates}
    by_pair = {(c.left, c.right): c for c in duckdb.candidates}
    for candidate in spark.candidates:
        twin = by_pair[(candidate.left, candidate.right)]
        assert candidate.probability == pytest.approx(twin.probability, abs=1e-6)
        assert [c.level for c in candidate.comparisons] == [c.level for c in twin.comparisons]
    assert spark.pairs_compared == duckdb.pairs_compared


def test_spark_without_java_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    lists = synthetic_lists(10, 2, seed=1)
    with pytest.raises(LinkageError, match="needs Java"):
        find_candidates(lists.records, engine="spark")

"""Tables whose rows overlap publish distinct people; the monthly series' censoring marks; the colophon."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from habeas.publish import AggregateRow, PublicationError, PublicationTable, build_publication
from habeas.publish.charts import nice_ticks
from habeas.publish.colophon import Colophon, ColophonError
from habeas.publish.series import completed_runs, month_starts, row_marks, undercounted_until

from .conftest import make_db, publish, synthetic_case_file


def flags(counts: dict[str, int], people: int) -> PublicationTable:
    rows = [AggregateRow(rule, n) for rule, n in counts.items()]
    return PublicationTable("flags", "Flags", "rule", rows, people=people, overlapping=True)


@pytest.mark.parametrize(
    ("counts", "people", "total"),
    [
        ({"no_proof_of_life": 60, "prolonged_detention": 45}, 80, 80),  # distinct, not the sum 105
        ({"no_proof_of_life": 60, "prolonged_detention": 45}, 62, None),  # 62 - 60: two people given away
        ({"no_proof_of_life": 60, "prolonged_detention": 15}, 70, None),  # 70 - 60: ten flagged by the other only
        ({"no_proof_of_life": 60, "prolonged_detention": 30}, 75, 75),
        ({"no_proof_of_life": 60, "prolonged_detention": 4}, 62, None),  # 62 - 60, though 4 is hidden
        ({"no_proof_of_life": 30, "prolonged_detention": 30}, 55, None),  # 60 - 55: five people counted twice
        ({"no_proof_of_life": 8}, 8, None),  # a small total
    ],
)
def test_an_overlapping_table_publishes_its_distinct_people_unless_that_gives_a_group_away(
    tmp_path: Path, counts: dict[str, int], people: int, total: int | None
) -> None:
    published = build_publication([flags(counts, people)], tmp_path / "p").tables[0]
    assert published.total == total and published.column_totals == (total,)
    # Each row is protected alone: a hidden row is a small one, never a complement of a sum nobody sees.
    assert [row[0] for row in published.cells] == [None if 1 <= n <= 10 else n for n in counts.values()]
    doc = json.loads((tmp_path / "p" / "publication.json").read_text())["tables"][0]
    assert doc["total"] == total and doc["rows_overlap"] is True


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (flags({"no_proof_of_life": 60, "prolonged_detention": 45}, 50), "cannot give these rows"),  # fewer than a row
        (flags({"no_proof_of_life": 60, "prolonged_detention": 45}, 120), "cannot give these rows"),  # more than all
        (PublicationTable("c", "C", "custody", [AggregateRow("removed", 40)], people=41), "add up to 40, not its 41"),
        (PublicationTable("f", "F", "rule", [AggregateRow("x", 40)], overlapping=True), "needs one column"),
    ],
)
def test_counts_that_cannot_be_of_the_people_said_are_refused(tmp_path: Path, table, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PublicationError, match=problem):
        build_publication([table], tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_month_starts_keep_the_latest_months() -> None:
    assert month_starts(date(2024, 11, 20), date(2025, 2, 3)) == [date(2024, 11, 1), date(2024, 12, 1),
                                                                  date(2025, 1, 1), date(2025, 2, 1)]  # fmt: skip
    assert month_starts(date(2020, 1, 5), date(2025, 6, 1), most=3) == [date(2025, 4, 1), date(2025, 5, 1),
                                                                        date(2025, 6, 1)]  # fmt: skip


@pytest.mark.parametrize(
    ("held", "runs"),
    [
        ([True, True, False, False], []),  # held from the first sample: may have begun before the data
        ([False, True, True, False], [2]),
        ([False, True, False, True, True], [1]),  # the last run is still open: right-censored, left out
        ([False, False, False], []),
    ],
)
def test_only_stays_seen_to_begin_and_end_give_a_length(held: list[bool], runs: list[int]) -> None:
    assert completed_runs(held) == runs


def test_the_first_months_are_undercounted_for_as_long_as_the_long_stays_last() -> None:
    months = month_starts(date(2025, 1, 10), date(2025, 8, 1))  # January to August
    # 95% of the stays seen lasted 1 sample; one lasted 3: the 95th percentile of 20 stays is 1 sample (+1 month).
    assert undercounted_until(months, date(2025, 1, 10), [1] * 19 + [3]) == 2
    assert undercounted_until(months, date(2025, 1, 10), [3] * 20) == 4
    assert undercounted_until(months, date(2025, 1, 10), []) == len(months), "no stay seen to end: no estimate"
    marks = row_marks(months, 2)
    assert marks == {"2025-01": "undercounted", "2025-02": "undercounted", "2025-08": "open"}


def test_value_axis_ticks_are_round_and_reach_the_largest_bar() -> None:
    assert nice_ticks(238) == [0, 50, 100, 150, 200, 250]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0, 1]
    assert all(nice_ticks(n)[-1] >= n and len(nice_ticks(n)) <= 7 for n in range(1, 5000, 37))


def test_the_licence_is_cc_by_only_when_none_is_chosen(tmp_path: Path) -> None:
    settings = tmp_path / "habeas.toml"
    assert Colophon.load(settings).licence == "CC BY 4.0"
    settings.write_text('[publish]\npublisher = "Coalition"\nlicence = "CC BY-SA 4.0"\n', encoding="utf-8")
    chosen = Colophon.load(settings)
    assert (chosen.publisher, chosen.licence_url) == ("Coalition", "https://creativecommons.org/licenses/by-sa/4.0/")
    own = chosen.chosen(licence="All rights reserved")
    assert own.licence_url is None and own.licence_text() == "All rights reserved"
    settings.write_text('[publish]\nlicense = "CC0 1.0"\n', encoding="utf-8")
    with pytest.raises(ColophonError, match=r"habeas.toml: \[publish\] license: no such setting"):
        Colophon.load(settings)


def test_the_command_takes_publisher_licence_and_language(tmp_path: Path) -> None:
    db = make_db(f"sqlite:///{tmp_path / 'h.db'}", tmp_path, synthetic_case_file(60, seed=3))
    result = publish(db, tmp_path / "p", "--lang", "es", "--publisher", "Red de Ejemplo", "--licence", "CC0 1.0")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "p" / "publication.json").read_text())
    assert (doc["lang"], doc["publisher"], doc["licence"]) == ("es", "Red de Ejemplo", "CC0 1.0")
    assert doc["licence_url"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    wrong = publish(db, tmp_path / "q", "--lang", "fr")
    assert wrong.exit_code == 1 and "en or es" in wrong.output and not (tmp_path / "q").exists()
    bad_url = publish(db, tmp_path / "r", "--licence-url", "ftp://example.org/licence")
    assert bad_url.exit_code == 1 and "licence_url" in bad_url.output and not (tmp_path / "r").exists()


def test_a_table_with_nobody_to_count_is_named_with_the_reason(tmp_path: Path) -> None:
    people = [{"id": f"out-{i:02d}", "name": f"Synthetic out {i}", "citizenship": "HN"} for i in range(30)]
    stay = (("booked_in", "2025-02-03"), ("released", "2025-03-04"))
    events = [{"id": f"out-{i:02d}-{kind}", "person": f"out-{i:02d}", "kind": kind, "date": day}
              for i in range(30) for kind, day in stay]  # fmt: skip
    db = make_db(f"sqlite:///{tmp_path / 'h.db'}", tmp_path, {"habeas": 1, "people": people, "events": events})
    assert publish(db, tmp_path / "p").exit_code == 0
    doc = json.loads((tmp_path / "p" / "publication.json").read_text())
    assert "days-without-proof-of-life" not in {t["id"] for t in doc["tables"]}
    assert doc["not_published"] == [{"title": "People in custody on 2025-06-01, by days without proof of life",
                                     "reason": "nobody in the publication was in custody on 2025-06-01."}]  # fmt: skip
    page = (tmp_path / "p" / "index.html").read_text()
    assert "Not published: nobody in the publication was in custody on 2025-06-01." in page

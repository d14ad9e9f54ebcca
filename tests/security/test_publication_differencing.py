"""A publication never gives a suppressed count away by difference with an earlier one (another cohort, another day)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from habeas.publish import AggregateRow, DifferencingError, EarlierPublication, PublicationTable, build_publication
from habeas.publish.differencing import TOTAL, differences, published_cells
from habeas.stats.disclosure import CountTable, protect

DAY = date(2025, 7, 21)


def custody_table(counts: dict[tuple[str, str], int]) -> PublicationTable:
    return PublicationTable(
        id="custody-by-citizenship",
        title="People by custody and citizenship",
        row_field="custody",
        column_field="citizenship",
        rows=[AggregateRow(row=r, column=c, count=n) for (r, c), n in counts.items()],
    )


EVERYONE = {("us_custody", "HN"): 40, ("us_custody", "VE"): 35, ("us_custody", "GT"): 3,
            ("removed", "HN"): 25, ("removed", "VE"): 30}  # fmt: skip
WITHOUT_THE_THREE = {k: v for k, v in EVERYONE.items() if k[1] != "GT"}


def earlier_from(out: Path, pid: int = 1, threshold: int = 10) -> EarlierPublication:
    """What the database records of a publication, read back from its manifest."""
    doc = json.loads((out / "publication.json").read_text())
    values = {}
    for t in doc["tables"]:
        rows, columns = [*t["rows"], TOTAL], [*t["columns"], TOTAL]
        grid = [[*c, r] for c, r in zip(t["cells"], t["row_totals"], strict=True)] + [[*t["column_totals"], t["total"]]]
        values |= {(t["id"], rows[i], columns[j]): v for i, line in enumerate(grid) for j, v in enumerate(line)}
    return EarlierPublication(pid, date.fromisoformat(doc["generated_on"]), "all", threshold, values)


def test_two_cohorts_that_differ_by_three_people_are_refused_naming_the_cell_not_the_count(tmp_path: Path) -> None:
    first = build_publication([custody_table(EVERYONE)], tmp_path / "all", generated_on=DAY)
    assert first.withheld == 0
    with pytest.raises(DifferencingError) as caught:
        build_publication([custody_table(WITHOUT_THE_THREE)], tmp_path / "rest", generated_on=DAY,
                          earlier=[earlier_from(tmp_path / "all")])  # fmt: skip
    message = str(caught.value)
    assert "custody-by-citizenship (the total of row us_custody)" in message
    assert "coarser categories" in message and "suppress" in message
    assert " 3 " not in f" {message} " and "78" not in message and "75" not in message
    assert not (tmp_path / "rest").exists(), "nothing is written when refused"


def test_the_same_cohort_on_two_days_is_refused_when_a_few_people_moved(tmp_path: Path) -> None:
    later = dict(EVERYONE) | {("us_custody", "HN"): 36, ("removed", "HN"): 29}
    build_publication([custody_table(EVERYONE)], tmp_path / "july", generated_on=DAY)
    with pytest.raises(DifferencingError, match=r"custody-by-citizenship \(row us_custody, column HN\)"):
        build_publication([custody_table(later)], tmp_path / "august", earlier=[earlier_from(tmp_path / "july")])


def test_with_suppress_differences_the_counts_are_suppressed_and_none_gives_the_group_away(tmp_path: Path) -> None:
    earlier = earlier_from(build_publication([custody_table(EVERYONE)], tmp_path / "all", generated_on=DAY).out_dir)
    second = build_publication([custody_table(WITHOUT_THE_THREE)], tmp_path / "rest", generated_on=DAY,
                               earlier=[earlier], suppress_differences=True)  # fmt: skip
    assert second.withheld >= 1
    shown = {cell.key: cell.value for cell in second.cells}
    for key, old in earlier.values.items():
        new = shown.get(key)
        assert old is None or new is None or not 1 <= abs(new - old) <= 10, key
    assert differences(second.cells, [earlier], 10) == []


def test_differences_of_more_than_the_threshold_or_with_a_hidden_side_are_allowed(tmp_path: Path) -> None:
    bigger = {k: v + 20 for k, v in WITHOUT_THE_THREE.items()}
    earlier = earlier_from(build_publication([custody_table(EVERYONE)], tmp_path / "a", generated_on=DAY).out_dir)
    assert build_publication([custody_table(bigger)], tmp_path / "b", earlier=[earlier]).withheld == 0


def test_the_earlier_publications_threshold_applies_when_it_was_higher() -> None:
    table = CountTable(rows=("a", "b"), columns=("x",), counts=((40,), (50,)))
    cells = [cell for _, cell in published_cells("t", protect(table, 10))]
    earlier = EarlierPublication(1, DAY, "all", 20, {("t", "a", "x"): 55})
    assert [d.cell.key for d in differences(cells, [earlier], 10)] == [("t", "a", "x")]

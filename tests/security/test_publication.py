"""Publications carry only allowlisted aggregates, no small counts, a note on every table and no external assets."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habeas.publish import NOTE, AggregateRow, PublicationError, PublicationTable, build_publication
from habeas.publish.fields import DIMENSIONS, label_problem

DAY = date(2025, 7, 21)


def by_destination() -> PublicationTable:
    counts = {"SV": 238, "VE": 45, "MX": 3, "GT": 12, "HN": 7}
    return PublicationTable(
        id="removals-by-destination",
        title="Removals by destination",
        row_field="destination",
        rows=[AggregateRow(row=k, count=v) for k, v in counts.items()],
    )


def by_facility_and_year() -> PublicationTable:
    counts = {
        ("Otay Mesa", "2024"): 40,
        ("Otay Mesa", "2025"): 3,
        ("El Valle", "2024"): 25,
        ("El Valle", "2025"): 52,
        ("Port Isabel", "2024"): 8,
        ("Port Isabel", "2025"): 61,
    }
    return PublicationTable(
        id="book-ins",
        title="Book-ins by facility and year",
        row_field="facility",
        column_field="year",
        rows=[AggregateRow(row=f, column=y, count=n) for (f, y), n in counts.items()],
        description="People booked into each facility.",
    )


@pytest.fixture
def publication(tmp_path: Path):
    return build_publication([by_destination(), by_facility_and_year()], tmp_path / "public", generated_on=DAY)


def published_numbers(out: Path) -> list[int]:
    doc = json.loads((out / "publication.json").read_text())
    numbers = []
    for table in doc["tables"]:
        values = [v for row in table["cells"] for v in row] + table["row_totals"] + table["column_totals"]
        numbers += [v for v in [*values, table["total"]] if v is not None]
    return numbers


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(line for line in path.read_text().splitlines() if not line.startswith("#")))


def test_the_publication_has_csv_json_and_html(publication):
    names = sorted(p.name for p in publication.out_dir.iterdir())
    assert names == ["book-ins.csv", "index.html", "publication.json", "removals-by-destination.csv"]
    assert [p.name for p in publication.files] == names


def test_no_published_count_is_from_1_to_the_threshold(publication):
    numbers = published_numbers(publication.out_dir)
    assert numbers, "something is published"
    assert not [n for n in numbers if 1 <= n <= 10]
    for name in ("book-ins.csv", "removals-by-destination.csv"):
        for row in csv_rows(publication.out_dir / name)[1:]:
            assert not [v for v in row[1:] if v.isdigit() and 1 <= int(v) <= 10]


def test_a_higher_threshold_suppresses_more(tmp_path):
    out = build_publication([by_destination()], tmp_path / "p", threshold=50, generated_on=DAY).out_dir
    assert not [n for n in published_numbers(out) if 1 <= n <= 50]


def test_csv_json_and_html_agree(publication):
    out = publication.out_dir
    doc = json.loads((out / "publication.json").read_text())
    table = next(t for t in doc["tables"] if t["id"] == "book-ins")
    rows = csv_rows(out / "book-ins.csv")
    assert rows[0] == ["facility", *table["columns"], "total"]
    for row, cells, total in zip(rows[1:-1], table["cells"], table["row_totals"], strict=True):
        assert row[1:] == ["suppressed" if v is None else str(v) for v in [*cells, total]]
    html = (out / "index.html").read_text()
    assert html.count('class="suppressed"') + html.count('class="total suppressed"') >= sum(
        v is None for r in table["cells"] for v in r
    )


def test_every_table_carries_the_documented_not_prevalence_note(publication):
    out = publication.out_dir
    doc = json.loads((out / "publication.json").read_text())
    assert "documented in this system" in NOTE and "not the prevalence" in NOTE
    assert all(t["note"] == NOTE for t in doc["tables"])
    for name in ("book-ins.csv", "removals-by-destination.csv"):
        assert NOTE in (out / name).read_text()
    assert (out / "index.html").read_text().count(NOTE) == len(doc["tables"]) + 1


def test_the_page_fetches_nothing_and_runs_no_script(publication):
    html = (publication.out_dir / "index.html").read_text().lower()
    for needle in ("http:", "https:", "//", "<script", "src=", "<link", "@import", "url(", "<iframe", "<img"):
        assert needle not in html.replace("<!doctype html>", ""), needle
    assert "default-src 'none'" in html
    assert html.count("<svg") == 3  # one chart for the one-column table, two for the two-way table


def test_which_cells_were_small_is_not_published(publication):
    text = (publication.out_dir / "publication.json").read_text()
    for word in ("small", "complementary", "homogeneous", "primary"):
        assert word not in text


def test_a_group_whose_members_all_share_a_sensitive_value_is_withheld(tmp_path):
    table = PublicationTable(
        id="by-citizenship",
        title="By citizenship",
        row_field="citizenship",
        rows=[
            AggregateRow("VE", 40, sensitive={"political_opinion": 40}),
            AggregateRow("HN", 30, sensitive={"political_opinion": 12}),
            AggregateRow("GT", 35),
        ],
    )
    out = build_publication([table], tmp_path / "p", generated_on=DAY).out_dir
    doc = json.loads((out / "publication.json").read_text())["tables"][0]
    assert doc["cells"][doc["rows"].index("VE")] == [None]
    assert "political_opinion" not in (out / "publication.json").read_text()
    assert "political_opinion" not in (out / "index.html").read_text()


@pytest.mark.parametrize(
    "field", ["name", "aliases", "a_number", "identifiers", "note", "asylum_basis", "sensitive", "person", "gender"]
)
def test_fields_outside_the_allowlist_are_refused(tmp_path, field):
    table = PublicationTable(id="t", title="t", row_field=field, rows=[AggregateRow("x", 50)])
    with pytest.raises(PublicationError, match="may not be published"):
        build_publication([table], tmp_path / "p")
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("facility", "A-098-765-432"),
        ("facility", "Otay Mesa 098765432"),
        ("destination", "Venezuela"),
        ("year", "twenty"),
        ("custody", "Zelmira Quintanilla"),
        ("facility", "line\nbreak"),
    ],
)
def test_labels_that_are_not_categories_of_their_field_are_refused_without_echoing_them(tmp_path, field, label):
    table = PublicationTable(id="t", title="t", row_field=field, rows=[AggregateRow(label, 50)])
    with pytest.raises(PublicationError) as caught:
        build_publication([table], tmp_path / "p")
    assert label not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "label"),
    [("month", "2025-03"), ("year", "2024"), ("detention_length", "31-90 days"), ("facility", "Krome North SPC")],
)
def test_ordinary_category_labels_are_accepted(field, label):
    assert label_problem(DIMENSIONS[field], label) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "Bad Id"}, "table id"),
        ({"rows": []}, "no counts"),
        ({"rows": [AggregateRow("SV", 20), AggregateRow("SV", 30)]}, "two counts"),
        ({"rows": [AggregateRow("SV", 20, column="2024")]}, "no column field"),
        ({"row_order": ["VE"]}, "missing from the given order"),
    ],
)
def test_malformed_tables_are_refused(tmp_path, change, message):
    fields = {"id": "t", "title": "t", "row_field": "destination", "rows": [AggregateRow("SV", 20)], **change}
    with pytest.raises(PublicationError, match=message):
        build_publication([PublicationTable(**fields)], tmp_path / "p")


def test_a_threshold_below_five_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 5"):
        build_publication([by_destination()], tmp_path / "p", threshold=3)


def test_an_earlier_publication_is_replaced_whole(tmp_path):
    out = tmp_path / "public"
    build_publication([by_destination(), by_facility_and_year()], out, generated_on=DAY)
    build_publication([by_destination()], out, generated_on=DAY)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "publication.json", "removals-by-destination.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"], "no staging directory is left behind"


def test_a_directory_holding_something_else_is_not_overwritten(tmp_path):
    out = tmp_path / "public"
    out.mkdir()
    (out / "thesis.docx").write_text("mine")
    with pytest.raises(PublicationError, match="not empty"):
        build_publication([by_destination()], out)
    assert (out / "thesis.docx").read_text() == "mine"


def test_html_special_characters_in_titles_are_escaped(tmp_path):
    table = by_destination()
    table = PublicationTable(**{**table.__dict__, "title": "<b>Removals</b> & more"})
    html = (build_publication([table], tmp_path / "p").out_dir / "index.html").read_text()
    assert "<b>Removals</b>" not in html and "&lt;b&gt;Removals&lt;/b&gt; &amp; more" in html


countries = st.sampled_from(["SV", "VE", "MX", "GT", "HN", "CU", "NI", "CO"])
years = st.sampled_from(["2023", "2024", "2025"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.dictionaries(st.tuples(countries, years), st.integers(0, 80), min_size=1, max_size=24),
    threshold=st.integers(5, 15),
)
def test_random_publications_never_show_a_small_count(tmp_path, counts, threshold):
    table = PublicationTable(
        id="removals",
        title="Removals",
        row_field="destination",
        column_field="year",
        rows=[AggregateRow(c, n, column=y) for (c, y), n in counts.items()],
    )
    out = build_publication([table], tmp_path / "p", threshold=threshold, generated_on=DAY).out_dir
    assert not [n for n in published_numbers(out) if 1 <= n <= threshold]
    csv_text = (out / "removals.csv").read_text()
    assert not [
        v for v in re.findall(r"(?<![\w-])\d+(?![\w-])", csv_text.split("\n", 3)[3]) if 1 <= int(v) <= threshold
    ]

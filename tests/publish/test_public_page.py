"""The public page for 400 synthetic people: distinct people in every total, labels not codes, suppression said in
words, Spanish, the publisher and licence, and the monthly series' censoring marks."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from habeas.publish.words import text

from .conftest import AS_OF, synthetic_case_file

EXITS = ("removed", "released")  # handed_over leaves a person in (foreign) custody


class VisibleText(HTMLParser):
    """The words a reader sees: text outside <style>, <title> and tags' attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(page: Path) -> str:
    parser = VisibleText()
    parser.feed((page / "index.html").read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def manifest(page: Path) -> dict:
    return json.loads((page / "publication.json").read_text(encoding="utf-8"))


def table(doc: dict, table_id: str) -> dict:
    return next(t for t in doc["tables"] if t["id"] == table_id)


def flagged_people(flags: Path) -> set[str]:
    """Everyone `habeas check` flags on the day published: counted apart from the publication."""
    return {flag["person"] for flag in json.loads(flags.read_text(encoding="utf-8"))}


def test_each_published_total_is_the_number_of_distinct_people_behind_it(published) -> None:
    doc, case = manifest(published["en"]), synthetic_case_file()
    out = {e["person"] for e in case["events"] if e["kind"] in EXITS}
    assert table(doc, "custody-by-citizenship")["total"] == len(case["people"]) == 400
    assert table(doc, "days-without-proof-of-life")["total"] == 400 - len(out)
    flags = table(doc, "flags-by-rule")
    shown = [row[0] for row in flags["cells"] if row[0] is not None]
    assert flags["rows_overlap"] and flags["total"] == len(flagged_people(published["flags"]))
    assert sum(shown) > flags["total"], "people flagged by several rules: the rows add up to more than the people"
    series = table(doc, "people-in-custody-by-month")
    firsts = [date(2025, m, 1) for m in range(1, 7)]
    booked = {e["person"]: date.fromisoformat(e["date"]) for e in case["events"] if e["kind"] == "booked_in"}
    left = {e["person"]: date.fromisoformat(e["date"]) for e in case["events"] if e["kind"] in EXITS}
    held = {p for p, b in booked.items() if any(b < m and (p not in left or left[p] > m) for m in firsts)}
    assert series["total"] == len(held) and series["column_totals"] == [len(held)]
    assert sum(row[0] or 0 for row in series["cells"]) > series["total"]


def test_the_page_heads_distinct_people_as_such(published) -> None:
    words = visible(published["en"])
    assert "Total (distinct people)" in words
    assert text("overlap", "en") in words


def test_labels_not_codes_in_the_visible_text(published) -> None:
    from habeas.rules.registry import RULES

    for lang in ("en", "es"):
        words = visible(published[lang])
        assert "us_custody" not in words and "foreign_custody" not in words
        assert not [rule.id for rule in RULES if "_" in rule.id and rule.id in words]
        assert not re.findall(r"\b[a-z]+_[a-z0-9_]+\b", words), lang  # no snake_case code at all
        assert "0-30" not in words
    english = visible(published["en"])
    assert "In US custody" in english and "Venezuela" in english and "Removed while proceedings were pending" in english


def shown_counts(doc: dict) -> list[int | None]:
    return [*(c for row in doc["cells"] for c in row), *doc["row_totals"], *doc["column_totals"], doc["total"]]


def test_every_suppressed_count_is_said_in_words(published) -> None:
    doc = manifest(published["en"])
    html = (published["en"] / "index.html").read_text(encoding="utf-8")
    hidden = sum(v is None for t in doc["tables"] for v in shown_counts(t))
    # One-column tables show a row's count once (its total is the same number).
    repeated = sum(v is None for t in doc["tables"] if t["column_field"] is None for v in t["row_totals"])
    assert hidden - repeated > 0
    assert len(re.findall(r'<td class="(?:total )?suppressed">not shown</td>', html)) == hidden - repeated
    words = visible(published["en"])
    assert "not shown: fewer than 11 people, or a count from which such a count could be worked out" in words
    assert "counts from 1 to 10 are not shown" in words


def test_a_table_suppressed_whole_and_a_table_left_out_are_said_as_such(tmp_path: Path) -> None:
    from habeas.publish import AggregateRow, PublicationTable, build_publication
    from habeas.publish.build import NotPublished, prepare_publication, write_publication

    small = PublicationTable("small", "Removals by destination", "destination",
                             [AggregateRow("SV", 3), AggregateRow("VE", 4)], people=7)  # fmt: skip
    prepared = prepare_publication([small], not_published=[NotPublished("Flags", "the rules are not installed.")])
    page = write_publication(prepared, tmp_path / "p").out_dir
    words = visible(page)
    assert text("table_withheld", "en", limit=11) in words
    assert "Not published: the rules are not installed." in words and "Flags" in words
    assert "<svg" not in (page / "index.html").read_text(), "no chart of counts that are all hidden"
    assert build_publication([small], tmp_path / "q").tables[0].total is None


def test_the_spanish_page(published) -> None:
    html = (published["es"] / "index.html").read_text(encoding="utf-8")
    words = visible(published["es"])
    assert '<html lang="es">' in html
    for expected in ("Cifras documentadas en habeas", "Bajo custodia de EE. UU.", "Deportado con procedimientos "
                     "pendientes", "Nacionalidad", "Total (personas distintas)", "Licencia: CC BY 4.0",
                     "Publicado por Example Coalition (synthetic)", "Personas", "subestimado"):  # fmt: skip
        assert expected in words, expected
    if manifest(published["es"])["tables"][0]["column_totals"].count(None):
        assert "no se muestra" in words
    for english in ("not shown", "People by", "In US custody", "Total (distinct people)", "undercounted"):
        assert english not in words, english
    assert manifest(published["es"])["lang"] == "es"
    assert manifest(published["es"])["tables"][0]["rows"] == manifest(published["en"])["tables"][0]["rows"]


def test_publisher_method_day_and_licence(published) -> None:
    doc, words = manifest(published["en"]), visible(published["en"])
    assert doc["publisher"] == "Example Coalition (synthetic)" and "Published by Example Coalition (synthetic)" in words
    assert (doc["licence"], doc["licence_url"]) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    assert "Licence: CC BY 4.0 (creativecommons.org/licenses/by/4.0)" in words
    assert doc["as_of"] == AS_OF and f"Counted as of {AS_OF}" in words
    assert text("method", "en") in words


def test_the_monthly_series_marks_its_censored_months(published) -> None:
    series = table(manifest(published["en"]), "people-in-custody-by-month")
    assert series["rows"] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    marks = series["row_marks"]
    assert marks["2025-01"] == "undercounted" and marks["2025-06"] == "open"
    assert [m for m in marks.values() if m == "open"] == ["open"]
    words = visible(published["en"])
    assert "January 2025 (undercounted)" in words and "June 2025 (stays still open)" in words
    assert "people already held before the records begin (January 2025)" in words
    assert "2025-01-01" not in words, "the day the records begin is one person's event: the page says its month"
    assert "right-censored" in words
    html = (published["en"] / "index.html").read_text(encoding="utf-8")
    series_svg = html[html.index('id="people-in-custody-by-month"') :]
    assert 'class="bar undercounted"' in series_svg and ">undercounted<" in series_svg
    assert ">stays still open<" in series_svg and 'class="openline"' in series_svg


def test_every_chart_has_a_value_axis_with_its_unit(published) -> None:
    html = (published["en"] / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(charts) >= 5
    for chart in charts:
        assert 'class="axis"' in chart and ">People</text>" in chart and ">0</text>" in chart
    assert "Month (census at 00:00 on the 1st)" in html

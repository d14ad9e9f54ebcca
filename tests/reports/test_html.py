"""The HTML report: one self-contained page that escapes what it shows."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

from habeas.reports.html import render_html
from habeas.reports.model import Report


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.fetches: list[str] = []
        self.struck_rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe") or (tag == "link" and found.get("rel") == "stylesheet"):
            self.fetches.append(tag)
        if tag == "del":
            self.struck_rows += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_html_report_shows_every_event_and_every_source(report: Report) -> None:
    page = _parse(render_html(report))
    text = " ".join(" ".join(page.text).split())
    for line in report.chronology:
        assert line.date in text
        assert line.what in text
    for exhibit in report.exhibits:
        assert exhibit.title in text
        if exhibit.sha256:
            assert exhibit.sha256 in text


def test_html_report_is_self_contained_with_print_styles(report: Report) -> None:
    html = render_html(report)
    assert _parse(html).fetches == []
    assert not re.search(r"(src|href)=\"https?://", html)
    assert "@media print" in html
    assert "@page" in html


def test_html_report_strikes_superseded_events(report: Report) -> None:
    struck = [line for line in report.chronology if line.struck]
    assert struck, "the synthetic case has a superseded event"
    # Each struck line strikes its date and its description.
    assert _parse(render_html(report)).struck_rows == 2 * len(struck)


def test_html_report_escapes_text_from_the_records(report: Report) -> None:
    hostile = replace(
        report,
        person_name="<script>alert(1)</script>",
        declaration=replace(report.declaration, signer=(("Name", "A & B"),)),
    )
    html = render_html(hostile)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "A &amp; B" in html


def test_html_report_warns_first_when_it_holds_sensitive_attributes(report: Report, sensitive_report: Report) -> None:
    assert "CONTAINS SENSITIVE INFORMATION" not in render_html(report)
    assert "political opinion" not in render_html(report)
    html = render_html(sensitive_report)
    assert html.index("CONTAINS SENSITIVE INFORMATION") < html.index("Whereabouts on")
    assert "political opinion" in html


def test_html_exhibit_has_the_caption_and_declaration_and_no_flags_unless_asked(make_report) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace as copy

    from .conftest import SYNTHETIC_OPTIONS

    text = " ".join(" ".join(_parse(render_html(make_report())).text).split())
    assert "Case No. 3:25-cv-00000 (synthetic)" in text and "EXHIBIT A" in text
    assert "I declare under penalty of perjury that the foregoing is true and correct." in text
    assert "Flags for review" not in text
    memo = " ".join(" ".join(_parse(render_html(make_report(options=copy(SYNTHETIC_OPTIONS, memo=True)))).text).split())
    assert memo.index("Flags for review") < memo.index("Whereabouts on") and "penalty of perjury" not in memo

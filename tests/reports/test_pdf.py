"""The PDF exhibit, checked by extracting its text: every event, every source, page numbers."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest

from habeas.reports.model import ChronologyLine, Report
from habeas.reports.pdf import render_pdf

pypdf = pytest.importorskip("pypdf", reason="pypdf is needed to read the PDF back")


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    """Text with line breaks undone (a date range may wrap after its slash)."""
    return " ".join(text.replace("\u200b", "").split()).replace("/ ", "/")


@pytest.fixture
def long_report(report: Report) -> Report:
    """The synthetic report with many more lines, so the exhibit runs over several pages."""
    base = report
    extra = tuple(
        ChronologyLine(
            number=len(base.chronology) + i,
            event_id=f"syn-extra-{i}",
            date=f"2025-04-{i:02d}",
            what=f"Communication with the person (party: attorney; synthetic call number {i})",
            where="Otay Mesa Detention Center",
            sources=(1,),
            status="in_effect",
        )
        for i in range(1, 29)
    )
    return replace(base, chronology=base.chronology + extra)


def test_pdf_exhibit_contains_every_event_and_every_source(report: Report) -> None:
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF-")
    text = _flat(" ".join(_pages(pdf)))
    for line in report.chronology:
        assert line.date in text
        assert _flat(line.what) in text
    for exhibit in report.exhibits:
        assert f"[{exhibit.number}]" in text
        assert exhibit.title in text
        for value in (exhibit.url, exhibit.sha256):
            assert value in text


def test_pdf_exhibit_numbers_every_page_as_n_of_m(long_report: Report) -> None:
    pages = _pages(render_pdf(long_report))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "EXHIBIT A" in text


def test_pdf_exhibit_numbers_its_lines(report: Report) -> None:
    first = _pages(render_pdf(report))[0]
    numbers = {int(n) for n in re.findall(r"^(\d+)$", first, flags=re.MULTILINE)}
    assert set(range(1, 21)) <= numbers


def test_pdf_exhibit_says_on_its_first_page_that_it_holds_sensitive_attributes(
    report: Report, sensitive_report: Report
) -> None:
    plain = _flat(" ".join(_pages(render_pdf(report))))
    assert "SENSITIVE" not in plain
    assert "political opinion" not in plain
    first = _flat(_pages(render_pdf(sensitive_report))[0])
    assert "CONTAINS SENSITIVE INFORMATION" in first
    assert "political opinion" in first


def test_pdf_exhibit_takes_record_text_literally(report: Report) -> None:
    hostile = replace(
        report,
        person_name='#panic("x") *bold* $x$ <y> @ref',
        caption=replace(report.caption, case_name="\\ ] [ #x"),
    )
    text = _flat(" ".join(_pages(render_pdf(hostile))))
    assert '#panic("x") *bold* $x$ <y> @ref' in text

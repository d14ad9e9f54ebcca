"""The Markdown report: a golden file written by hand, and the sensitive-information rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.reports.markdown import cell, render_markdown
from habeas.reports.model import Report

DATA = Path(__file__).parent / "data"


def test_markdown_report_matches_the_hand_written_golden_file(report: Report) -> None:
    expected = (DATA / "synthetic-report.md").read_text(encoding="utf-8")
    assert render_markdown(report) == expected


def test_markdown_report_leaves_out_sensitive_attributes_by_default(report: Report) -> None:
    text = render_markdown(report)
    for secret in ("political opinion", "A000000000", "unwell", "SENSITIVE"):
        assert secret not in text


def test_markdown_report_with_sensitive_attributes_says_so_before_anything_else(sensitive_report: Report) -> None:
    text = render_markdown(sensitive_report)
    warning = text.index("CONTAINS SENSITIVE INFORMATION")
    assert warning < text.index("## Whereabouts")
    assert "political opinion" in text
    assert "A000000000" in text
    assert "Note: Family says she was unwell before the flight" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a | b", "a \\| b"),
        ("two\nlines", "two lines"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_table_cells_cannot_break_the_table(text: str, expected: str) -> None:
    assert cell(text) == expected

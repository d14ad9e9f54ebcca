"""Reading an exhibit PDF back for the tests: text per page, and the last line of each page's body."""

from __future__ import annotations

import io
from typing import Any

import pypdf

# US Letter in points, and the exhibit's margins (exhibit.typ): the body lies between them.
PAGE_HEIGHT = 792.0
BOTTOM_MARGIN = 72.0
TOP_MARGIN = 72.0
LEFT_MARGIN = 90.0  # 1.25in; the line numbers sit to its left


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with line breaks undone (a date range may wrap after its slash)."""
    return " ".join(text.replace("\u200b", "").split()).replace("/ ", "/")


def body_lines(pdf: bytes) -> list[list[str]]:
    """Each page's body text, line by line from the top: no header, footer or margin line numbers."""
    out = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        found: dict[float, list[tuple[float, str]]] = {}

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, found: Any = found) -> None:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and x >= LEFT_MARGIN - 2 and BOTTOM_MARGIN < y < PAGE_HEIGHT - TOP_MARGIN:
                found.setdefault(round(y), []).append((x, text))

        page.extract_text(visitor_text=visit)
        lines = [" ".join(t.strip() for _, t in sorted(found[y])) for y in sorted(found, reverse=True)]
        out.append([line for line in lines if line])
    return out

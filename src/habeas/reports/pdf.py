"""The report as a paginated PDF/A court exhibit, typeset by Typst with its embedded fonts only."""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import as_file, files
from typing import Final

import typst

from habeas.reports.model import Report

# PDF/A-2b (ISO 19005-2, level B: the pages look the same in any reader, years from now): the archival
# form courts' electronic filing systems ask for, and one Typst writes and checks as it typesets.
PDF_STANDARD: Final = "a-2b"


class PdfError(RuntimeError):
    """Typst could not typeset the exhibit (a bug in the template, not in the user's data)."""


def render_pdf(report: Report) -> bytes:
    """Typeset ``report``; the PDF's creation date is the report's generation time, so output is reproducible."""
    data = json.dumps(report.as_json(), ensure_ascii=False, default=str)
    template = files("habeas.reports").joinpath("templates", "exhibit.typ")
    with as_file(template) as path:
        try:
            pdf = typst.compile(
                str(path),
                root=str(path.parent),
                sys_inputs={"report": data},
                font_paths=[],
                ignore_system_fonts=True,
                timestamp=int(_utc(report.generated_at).timestamp()),
                pdf_standards=PDF_STANDARD,
            )
        except typst.TypstError as exc:
            raise PdfError(f"the PDF template failed: {exc}") from exc
    assert isinstance(pdf, bytes)
    return pdf


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.astimezone()

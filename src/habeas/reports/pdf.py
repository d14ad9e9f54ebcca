"""The report as a paginated PDF court exhibit, typeset by Typst with its embedded fonts only."""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import as_file, files

import typst

from habeas.reports.model import Report


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
            )
        except typst.TypstError as exc:
            raise PdfError(f"the PDF template failed: {exc}") from exc
    assert isinstance(pdf, bytes)
    return pdf


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.astimezone()

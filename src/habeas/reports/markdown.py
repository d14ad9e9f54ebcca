"""The report as Markdown: tables that read well as plain text and render on any forge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from habeas.reports.model import ChronologyLine, Report, Row


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks that would split it."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")


def refs(numbers: Iterable[int]) -> str:
    return " ".join(f"[{n}]" for n in numbers)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out


def _rows(rows: Iterable[Row]) -> list[str]:
    return _table(("", ""), ((r.label, r.value) for r in rows))


def _chronology_row(line: ChronologyLine) -> tuple[str, ...]:
    """Cells already escaped: struck lines carry ~~ marks that must survive."""
    date, what = cell(line.date), cell(line.what)
    if line.struck:
        date, what = f"~~{date}~~", f"~~{what}~~"
    if line.remark:
        what = f"{what} — *{cell(line.remark)}*"
    if line.note:
        what = f"{what} Note: {cell(line.note)}"
    return (str(line.number), date, what, cell(line.where), refs(line.sources))


def _title_block(report: Report) -> list[str]:
    out = [f"# Exhibit: {report.title}", ""]
    out += _rows(
        [
            Row("Person", f"{report.person_name} (habeas id {report.person_id})"),
            Row("As of", report.as_of.isoformat()),
            Row("Facts known on", report.known_on_words),
            Row("Prepared by", report.prepared_by),
            Row("Generated at", report.generated_words),
            *report.person_details,
        ]
    )
    if report.include_sensitive:
        out += ["", f"> **CONTAINS SENSITIVE INFORMATION.** {report.sensitive_warning}", ""]
        out += ["## Sensitive attributes", ""]
        out += _rows(report.sensitive) if report.sensitive else ["None recorded."]
    out += ["", f"*{report.disclaimer}*"]
    return out


def _whereabouts(report: Report) -> list[str]:
    out = ["", f"## Whereabouts on {report.as_of.isoformat()}", ""]
    out += _rows(report.whereabouts)
    out += ["", "Pending matters:" if report.pending else "Pending matters: none on record."]
    out += [f"- {matter}" for matter in report.pending]
    return out


def _flags(report: Report) -> list[str]:
    out = ["", "## Flags for review", ""]
    if not report.flags:
        return [*out, "No flags were raised."]
    for n, flag in enumerate(report.flags, start=1):
        out += [f"### {n}. {flag.title} ({flag.severity}, {flag.certainty})", "", flag.explanation, ""]
        out += [f"**Legal basis:** {flag.legal_basis}", ""]
        lines = ", ".join(str(n) for n in flag.lines) or "none"
        out += [f"**Chronology entries:** {lines}. **Sources:** {refs(flag.sources) or 'none'}.", ""]
    return out[:-1]


def _chronology(report: Report) -> list[str]:
    out = ["", "## Chronology", ""]
    if not report.chronology:
        return [*out, "No events on record."]
    header = ("#", "Date", "What happened", "Where", "Sources")
    body = ["| " + " | ".join(_chronology_row(line)) + " |" for line in report.chronology]
    return out + _table(header, []) + body


def _exhibits(report: Report) -> list[str]:
    out = ["", "## Exhibit list", ""]
    if not report.exhibits:
        return [*out, "No sources cited."]
    header = ("#", "Title", "Kind", "Publisher", "Date", "URL", "SHA-256")
    rows = ((f"[{x.number}]", x.title, x.kind, x.publisher, x.date, x.url, x.sha256) for x in report.exhibits)
    return out + _table(header, rows)


def render_markdown(report: Report) -> str:
    parts = _title_block(report) + _whereabouts(report) + _flags(report) + _chronology(report) + _exhibits(report)
    return "\n".join(parts) + "\n"

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


def _chronology_row(line: ChronologyLine, note: str = "Note:") -> tuple[str, ...]:
    """Cells already escaped: struck lines carry ~~ marks that must survive."""
    date, what = cell(line.date), cell(line.what)
    if line.struck:
        date, what = f"~~{date}~~", f"~~{what}~~"
    if line.remark:
        what = f"{what} — *{cell(line.remark)}*"
    if line.note:
        what = f"{what} {note} {cell(line.note)}"
    return (str(line.number), date, what, cell(line.where), refs(line.sources))


BLANK = "____________________"


def _caption(report: Report) -> list[str]:
    L, c = report.labels, report.caption
    if report.memo:
        return [f"> **{L['memo'].upper()}.** {L['memo_warning']}", ""]
    out = [f"**{(c.court or BLANK).upper()}**", ""]
    out += [f"{c.case_name or BLANK + ' v. ' + BLANK}", ""]
    out += [
        f"{L['case_number']} {c.case_number or BLANK}" + (f"  \n{L['a_number']} {c.a_number}" if c.a_number else "")
    ]
    return [*out, "", f"**{L['exhibit'].upper()} {c.letter or '___'}**", ""]


def _title_block(report: Report) -> list[str]:
    L = report.labels
    name = L["memo"] if report.memo else f"{L['exhibit']} {report.caption.letter or '___'}"
    out = [f"# {name}: {report.title}", "", *_caption(report)]
    out += _rows(
        [
            Row(L["person"], f"{report.person_name} ({L['habeas_id']} {report.person_id})"),
            Row(L["as_of"], report.as_of.isoformat()),
            Row(L["known_on"], report.known_on_words),
            Row(L["generated_at"], report.generated_words),
            *report.person_details,
        ]
    )
    if report.include_sensitive:
        out += ["", f"> **{L['sensitive_banner']}** {report.sensitive_warning}", ""]
        out += [f"## {L['sensitive_heading']}", ""]
        out += _rows(report.sensitive) if report.sensitive else [L["none_recorded"]]
    out += ["", f"*{report.disclaimer}*"]
    return out


def _whereabouts(report: Report) -> list[str]:
    L = report.labels
    out = ["", f"## {L['whereabouts_on'].replace('{day}', report.as_of.isoformat())}", ""]
    out += _rows(report.whereabouts)
    out += ["", L["pending"] if report.pending else L["pending_none"]]
    out += [f"- {matter}" for matter in report.pending]
    return out


def _flags(report: Report) -> list[str]:
    L = report.labels
    out = ["", f"## {L['flags']}", ""]
    if not report.flags:
        return [*out, L["no_flags"]]
    for n, flag in enumerate(report.flags, start=1):
        out += [f"### {n}. {flag.title} ({flag.severity}, {flag.certainty})", "", flag.explanation, ""]
        out += [f"**{L['legal_basis']}** {flag.legal_basis}", ""]
        lines = ", ".join(str(n) for n in flag.lines) or L["none"]
        out += [f"**{L['chronology_entries']}** {lines}. **{L['sources']}** {refs(flag.sources) or L['none']}.", ""]
    return out[:-1]


def _chronology(report: Report) -> list[str]:
    L = report.labels
    out = ["", f"## {L['chronology']}", ""]
    if not report.chronology:
        return [*out, L["no_events"]]
    header = (L["col_number"], L["col_date"], L["col_what"], L["col_where"], L["col_sources"])
    body = ["| " + " | ".join(_chronology_row(line, L["note"])) + " |" for line in report.chronology]
    return out + _table(header, []) + body


def _exhibits(report: Report) -> list[str]:
    L = report.labels
    out = ["", f"## {L['exhibit_list']}", ""]
    if not report.exhibits:
        return [*out, L["no_sources"]]
    header = (
        L["col_number"],
        L["col_title"],
        L["col_kind"],
        L["col_publisher"],
        L["col_date"],
        L["col_url"],
        "SHA-256",
    )
    rows = (
        (f"[{x.number}]", x.title, x.kind, x.publisher, x.date, f"{x.url} ({x.accessed})" if x.url else "", x.sha256)
        for x in report.exhibits
    )
    return out + _table(header, rows)


def _declaration(report: Report) -> list[str]:
    if report.memo:
        return []
    d, L = report.declaration, report.labels
    out = ["", f"## {d.heading.upper()}", "", d.opening, ""]
    out += [f"{n}. {paragraph}" for n, paragraph in enumerate(d.paragraphs, start=1)]
    out += ["", d.attestation, "", d.executed, "", BLANK + BLANK, f"{L['signature']}", ""]
    out += [f"- {what}: {value or BLANK}" for what, value in d.signer]
    return out + (["", f"*{d.note}*"] if d.note else [])


def render_markdown(report: Report) -> str:
    flags_first = report.memo
    parts = _title_block(report)
    parts += _flags(report) if flags_first else []
    parts += _whereabouts(report)
    parts += _flags(report) if report.include_flags and not flags_first else []
    parts += _chronology(report) + _exhibits(report) + _declaration(report)
    return "\n".join(parts) + "\n"

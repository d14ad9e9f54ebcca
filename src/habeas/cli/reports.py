"""Report command: the sourced court exhibit (or internal case memo) for one person, as PDF, HTML or Markdown."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from habeas.cli.app import (
    AsOfOption,
    ConfigOption,
    DbOption,
    KnownOnOption,
    UserOption,
    app,
    console,
    context,
    day_option,
    fail,
    user_errors,
)


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"


def _text(flag: str, help_text: str) -> Any:
    return typer.Option(flag, help=help_text, show_default=False, rich_help_panel="Caption and declaration")


@app.command()
def report(
    person: Annotated[str, typer.Argument(help="The person's id (see `habeas people`).", show_default=False)],
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="pdf (the court exhibit, PDF/A-2b), html (one self-contained page) or md."),
    ] = ReportFormat.pdf,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write. Default: PERSON-ASOF.pdf for a PDF; html and md go to the screen.",
            show_default=False,
        ),
    ] = None,
    include_sensitive: Annotated[
        bool,
        typer.Option(
            "--include-sensitive",
            help="Add sensitive attributes, identifiers and notes; the first page then says so.",
        ),
    ] = False,
    flags: Annotated[
        bool,
        typer.Option("--flags", help="Add the flags raised for review (severity, legal basis); left out by default."),
    ] = False,
    memo: Annotated[
        bool,
        typer.Option(
            "--memo",
            help="Write the internal case memo instead: it leads with the flags, has no caption or declaration, "
            "and says on every page that it is not for filing.",
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the exhibit: en or es (Spanish, for the family).", show_default=False),
    ] = None,
    bates: Annotated[
        str | None,
        typer.Option(
            "--bates",
            help="Stamp Bates numbers on every page from this one, e.g. HR-0001 (PDF only).",
            show_default=False,
        ),
    ] = None,
    court: Annotated[str | None, _text("--court", "The court, for the caption.")] = None,
    case_name: Annotated[str | None, _text("--case-name", "The case name, e.g. 'Doe v. Warden'.")] = None,
    case_number: Annotated[str | None, _text("--case-number", "The case number, for the caption.")] = None,
    letter: Annotated[str | None, _text("--exhibit", "The exhibit letter or number, e.g. A.")] = None,
    a_number: Annotated[
        bool,
        typer.Option(
            "--a-number",
            help="Put the person's A-number in the caption (needs the right to read sensitive fields).",
            rich_help_panel="Caption and declaration",
        ),
    ] = False,
    preparer: Annotated[
        str | None,
        typer.Option(
            "--preparer",
            "--prepared-by",
            help="Who signs the declaration.",
            show_default=False,
            rich_help_panel="Caption and declaration",
        ),
    ] = None,
    role: Annotated[str | None, _text("--role", "The declarant's role, e.g. 'Counsel for Petitioner'.")] = None,
    bar_number: Annotated[str | None, _text("--bar-number", "The declarant's bar number.")] = None,
    organization: Annotated[str | None, _text("--organization", "The declarant's firm or organisation.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Write the sourced chronology of one person as a court exhibit, ready to attach to a petition.

    Caption (court, case name, case number; the A-number with --a-number) and exhibit letter; whereabouts on
    --as-of; one entry per event with its sources; the exhibit list with URLs and SHA-256; and a declaration
    under 28 U.S.C. 1746 with a signature block. Caption and preparer default to the [exhibit] table of the
    settings file; what is set nowhere is left blank to fill in by hand.

    Flags appear only with --flags; --memo writes the internal case memo, which leads with them.
    --known-on DATE cites only sources published by that day. Corrections stay visible: superseded events are
    struck through, with the correction's reason.

    Example: habeas report ahr --as-of 2025-05-01 --case-number 3:25-cv-01234 --exhibit A --bates AHR-0001
    """
    from habeas.services import reports  # with the PDF and HTML renderers: loaded only for a report

    day = day_option(as_of, "--as-of")
    known = day_option(known_on, "--known-on", default_today=False)
    assert day is not None
    ctx = context(db, config, user)
    with user_errors():
        options = reports.exhibit_options(
            ctx,
            court=court,
            case_name=case_name,
            case_number=case_number,
            letter=letter,
            preparer=preparer,
            role=role,
            bar_number=bar_number,
            organization=organization,
            lang=lang,
            bates=bates,
            include_flags=flags,
            memo=memo,
            show_a_number=a_number,
        )
        data = reports.report(ctx, person, day, known, fmt.value, include_sensitive, options=options)
    if out is None and fmt is not ReportFormat.pdf:
        sys.stdout.write(data.decode("utf-8"))
        return
    kind = "memo" if memo else "exhibit"
    target = out or Path(f"{person}-{day.isoformat()}{'-memo' if memo else ''}.pdf")
    try:
        target.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}")
    note = " It contains sensitive information: keep it as safe as the database." if include_sensitive else ""
    console.print(f"Wrote the {fmt.value.upper()} {kind} for {person} as of {day.isoformat()} to {target}.{note}")
    if not memo and not options.preparer.given:
        console.print(
            "No preparer is set (--preparer, or preparer in the settings file's [exhibit] table): "
            "the declaration's name, role and bar number are blank lines to fill in by hand before signing.",
            markup=False,
        )

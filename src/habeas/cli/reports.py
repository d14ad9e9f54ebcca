"""Report command: the sourced court exhibit for one person, as PDF, HTML or Markdown."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

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


@app.command()
def report(
    person: Annotated[str, typer.Argument(help="The person's id (see `habeas people`).", show_default=False)],
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="pdf (the court exhibit), html (one self-contained page) or md."),
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
    prepared_by: Annotated[
        str | None,
        typer.Option(
            "--prepared-by", help="Name for the title block (default: the user you act as).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Write the sourced chronology of one person as a court exhibit.

    Title block, whereabouts on --as-of, flags with legal bases, one entry per event, sources with SHA-256.

    Corrections stay visible: superseded events are struck through, with the correction's reason.

    Example: habeas report ahr --as-of 2025-05-01 --format pdf
    """
    from habeas.services import reports  # with the PDF and HTML renderers: loaded only for a report

    day = day_option(as_of, "--as-of")
    known = day_option(known_on, "--known-on", default_today=False)
    assert day is not None
    ctx = context(db, config, user)
    with user_errors():
        data = reports.report(ctx, person, day, known, fmt.value, include_sensitive, prepared_by=prepared_by)
    if out is None and fmt is not ReportFormat.pdf:
        sys.stdout.write(data.decode("utf-8"))
        return
    target = out or Path(f"{person}-{day.isoformat()}.pdf")
    try:
        target.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}")
    note = " It contains sensitive information: keep it as safe as the database." if include_sensitive else ""
    console.print(f"Wrote the {fmt.value.upper()} exhibit for {person} as of {day.isoformat()} to {target}.{note}")

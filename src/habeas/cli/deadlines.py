"""Deadline commands: deadlines (what is due, met, missed or moot) and agenda (hearings and deadlines by day)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from habeas.cli.app import (
    AsOfOption,
    DbOption,
    FormatOption,
    OutputFormat,
    UserOption,
    app,
    console,
    context,
    day_option,
    print_json,
    user_errors,
)
from habeas.domain.dates import DateRange
from habeas.domain.deadlines import DEADLINE_BY_ID, Deadline, Hearing, HearingState, Status
from habeas.services import deadlines as service

STATUS_STYLE = {"open": "bold yellow", "met": "green", "missed": "bold white on red", "moot": "dim", "unknown": "cyan"}
HEARING_STYLE = {"scheduled": "bold", "held": "green", "decided": "green", "nothing_recorded": "bold red"}


class CalendarFormat(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


CalendarFormatOption = Annotated[
    CalendarFormat,
    typer.Option("--format", "-f", help="table for people, json for programs, ics for calendar apps"),
]
PeopleArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Person ids (see `habeas people`); everyone you can reach when none are given.", show_default=False
    ),
]


def _days(days: DateRange | None, open_ended: bool) -> Text:
    if days is None:
        return Text("any time" if open_ended else "not known", style="italic")
    return Text(str(days.earliest) + ("" if days.exact else f"\nto {days.latest}"))


def _left(deadline: Deadline) -> str:
    left = deadline.days_left()
    if left is None or deadline.status not in (Status.OPEN, Status.MISSED):
        return ""
    low, high = left
    if low >= 0:
        return "today" if high == 0 else f"in {low} days" if low == high else f"in {low}–{high} days"
    return f"{-high} days ago" if high < 0 else f"{-low} days ago or in {high}"


def _status(deadline: Deadline) -> Text:
    label = Text(deadline.status.value.upper(), style=STATUS_STYLE[deadline.status.value])
    if deadline.certainty.value == "possible":
        label.append("\npossibly", style="italic")
    if left := _left(deadline):
        label.append(f"\n{left}", style="dim")
    return label


def _what(deadline: Deadline) -> Text:
    text = Text(deadline.spec.label, style="bold")
    text.append(f"\n{deadline.reason}")
    for note in deadline.notes:
        text.append(f"\n• {note}", style="italic")
    text.append(f"\n{deadline.spec.id} · evidence: {', '.join(deadline.evidence) or 'none'}", style="dim")
    return text


def _print_bases(ids: list[str]) -> None:
    console.print("\n[bold]Legal basis[/]", highlight=False)
    for spec_id in dict.fromkeys(ids):
        spec = DEADLINE_BY_ID[spec_id]
        console.print(f"  [bold]{spec.label}[/] ({spec_id}): {spec.basis}", highlight=False)
    console.print(f"'Missed' means nothing on record meets it. {service.NOT_ADVICE}", style="dim", highlight=False)


def _summary(found: list[Deadline]) -> str:
    counts = Counter(d.status for d in found)
    return ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])


def _print_deadlines(found: list[Deadline], as_of: date) -> None:
    if not found:
        console.print(f"No deadlines as of {as_of}.")
        return
    table = Table(
        title=f"Deadlines as of {as_of}: {_summary(found)}", title_justify="left", expand=True, show_lines=True
    )
    table.add_column("last day", no_wrap=True)
    table.add_column("person", no_wrap=True)
    table.add_column("deadline", ratio=1)
    table.add_column("status", no_wrap=True)
    for d in found:
        table.add_row(_days(d.due, d.spec.period is None), d.person or "", _what(d), _status(d))
    console.print(table)
    _print_bases([d.spec.id for d in found])


@app.command("deadlines")
def deadlines_command(
    people: PeopleArgument = None,
    within: Annotated[
        int | None,
        typer.Option(
            "--within", min=1, help="Only those whose last day may fall in the next DAYS days.", metavar="DAYS"
        ),
    ] = None,
    status: Annotated[
        list[Status] | None,
        typer.Option("--status", help="Only those with this status (repeat for several).", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    fmt: CalendarFormatOption = CalendarFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Deadlines from each timeline: appeals, petitions, motions, reviews.

    Each has its legal basis, its last day (a range when the date that
    starts it is uncertain) and a status: open, met, missed (nothing on
    record meets it), moot, or unknown (it turns on a fact the record
    lacks, and says which). "Possibly" marks a status that turns on
    uncertain dates or on a holiday. docs/deadlines.md lists them all.

    Examples:

      habeas deadlines --within 7           due this week, everyone

      habeas deadlines ahr --as-of 2025-06-01

      habeas deadlines --status missed --status open --format json

      habeas deadlines --within 30 --format ics > deadlines.ics
    """
    ctx = context(db, user=user)
    day = day_option(as_of, "--as-of")
    assert day is not None
    with user_errors():
        found = service.deadlines(ctx, people or None, as_of=day, within=within, statuses=status or ())
        if fmt == CalendarFormat.ics:
            typer.echo(service.calendar(ctx, found, "habeas deadlines").decode(), nl=False)
            return
    if fmt == CalendarFormat.json:
        print_json([d.as_json() for d in found])
        return
    _print_deadlines(found, day)


def _hearing_what(hearing: Hearing) -> Text:
    text = Text("Hearing", style="bold")
    if hearing.proceeding:
        text.append(f" ({hearing.proceeding})", style="bold")
    if hearing.court:
        text.append(f"\n{hearing.court}")
    text.append(f"\nevidence: {hearing.event}", style="dim")
    return text


def _hearing_state(hearing: Hearing) -> Text:
    words = service.HEARING_WORDS[hearing.state].upper()
    text = Text(words, style=HEARING_STYLE[hearing.state.value])
    if hearing.state == HearingState.NOTHING_RECORDED:
        text.append("\nrecord the outcome", style="dim")
    return text


def _print_agenda(result: service.Agenda) -> None:
    span = f"{result.start} to {result.end}"
    if not result.items:
        console.print(f"Nothing on the agenda from {span} (as the record shows on {result.as_of}).")
        return
    table = Table(title=f"Agenda, {span}, as of {result.as_of}", title_justify="left", expand=True, show_lines=True)
    table.add_column("day", no_wrap=True)
    table.add_column("person", no_wrap=True)
    table.add_column("what", ratio=1)
    table.add_column("status", no_wrap=True)
    for day, items in result.by_day():
        for i, item in enumerate(items):
            shown = Text(f"{day:%a} {day}", style="bold") if i == 0 else Text("")
            if not item.days.exact or item.days.earliest != day:
                shown.append(f"\n({item.days.earliest} to {item.days.latest})", style="dim")
            if item.hearing is not None:
                table.add_row(shown, item.person, _hearing_what(item.hearing), _hearing_state(item.hearing))
            elif item.deadline is not None:
                table.add_row(shown, item.person, _what(item.deadline), _status(item.deadline))
    console.print(table)
    _print_bases([i.deadline.spec.id for i in result.items if i.deadline is not None])


@app.command("agenda")
def agenda_command(
    start: Annotated[str, typer.Option("--from", help="The first day (YYYY-MM-DD).", show_default=False)],
    end: Annotated[
        str, typer.Option("--to", help="The last day (YYYY-MM-DD), on or after --from.", show_default=False)
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Statuses as the record shows them on this day; default today.", show_default=False
        ),
    ] = None,
    fmt: CalendarFormatOption = CalendarFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Hearings and deadlines by day, for everyone you can reach.

    A hearing is listed when it was still set on its day ("nothing
    recorded" once its day passed with no hearing or decision on record).
    A deadline is listed on the earliest day it may fall due; those with
    no day are in `habeas deadlines`. The .ics file opens in Outlook,
    Google Calendar and Apple Calendar; it names people by id only.

    Examples:

      habeas agenda --from 2025-05-26 --to 2025-06-30

      habeas agenda --from 2025-06-02 --to 2025-06-08 --format ics > week.ics
    """
    first = day_option(start, "--from")
    last = day_option(end, "--to")
    assert first is not None and last is not None
    if last < first:
        raise typer.BadParameter(f"{last} is before --from ({first}); the agenda runs forwards", param_hint="'--to'")
    ctx = context(db, user=user)
    day = day_option(as_of, "--as-of")
    assert day is not None
    with user_errors():
        result = service.agenda(ctx, first, last, as_of=day)
        if fmt == CalendarFormat.ics:
            typer.echo(service.calendar(ctx, result.items, "habeas agenda").decode(), nl=False)
            return
    if fmt == CalendarFormat.json:
        print_json(result.as_json())
        return
    _print_agenda(result)


def _morning_table(title: str, first: str = "last day") -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", expand=True, show_lines=True)
    table.add_column(first, no_wrap=True)
    table.add_column("person", no_wrap=True)
    table.add_column("what", ratio=1)
    table.add_column("status", no_wrap=True)
    return table


def _morning_what(deadline: Deadline) -> Text:
    text = Text(deadline.spec.label, style="bold")
    text.append(f"\n{deadline.spec.basis}")
    text.append(f"\n{deadline.spec.id} · evidence: {', '.join(deadline.evidence) or 'none'}", style="dim")
    return text


def print_morning_deadlines(report: service.MorningDeadlines) -> None:
    """The morning report's three sections: due within a week, missed, hearings passed with nothing recorded."""
    sections: list[tuple[str, list[Deadline]]] = [
        (f"Due within {service.DUE_SOON_DAYS} days", list(report.due_soon)),
        ("Missed", list(report.missed)),
    ]
    for title, found in sections:
        if not found:
            console.print(f"\n[bold]{title}:[/] none", highlight=False)
            continue
        table = _morning_table(f"\n{title}: {len(found)}")
        for d in found:
            status = _status(d)
            if d.status == Status.MISSED and report.missed_since(d):
                status.append(f"\nnew since {report.since}", style="bold")
            table.add_row(_days(d.due, d.spec.period is None), d.person or "", _morning_what(d), status)
        console.print(table)
    title = "Hearing passed with nothing recorded"
    if not report.unrecorded:
        console.print(f"\n[bold]{title}:[/] none", highlight=False)
    else:
        table = _morning_table(f"\n{title}: {len(report.unrecorded)}", "day")
        for h in report.unrecorded:
            table.add_row(_days(h.scheduled_for, False), h.person or "", _hearing_what(h), _hearing_state(h))
        console.print(table)
    if report.due_soon or report.missed:
        _print_bases([d.spec.id for d in (*report.due_soon, *report.missed)])


@app.command("followups")
def followups_command(
    every: Annotated[
        int,
        typer.Option(
            "--every",
            min=1,
            help="Days between follow-ups of an unanswered inquiry, unless the inquiry records its own follow_up_days.",
            show_default=True,
        ),
    ] = 14,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Inquiries to agencies still unanswered and due a follow-up, for everyone you can reach.

    An inquiry (to DHS, a consulate, a facility) is followed up every --every days until an answer
    (`inquiry_answered`, answered or denied) names it. Record an unanswered follow-up as
    `inquiry_answered` with `outcome: no_response` and `inquiry: ID`: the clock restarts from it.
    An inquiry may carry the agency's `case_number`, the Privacy Act release it relies on
    (`privacy_release: on_file`, `privacy_release_date`, `privacy_release_scope`) and its own
    `follow_up_days`. A congressional inquiry with no release on file is marked: agencies answer a
    third party about a person only with the person's written consent (5 U.S.C. 552a(b)).

    [bold]Example[/]: habeas followups --every 14 --as-of 2025-07-01
    """
    day = day_option(as_of, "--as-of")
    assert day is not None
    ctx = context(db, user=user)
    with user_errors():
        due = service.followups(ctx, day, every)
    if fmt == OutputFormat.json:
        print_json([f.as_json() for f in due])
        return
    if not due:
        console.print(f"No inquiry is due a follow-up as of {day} (every {every} days).")
        return
    title = f"Follow-ups due as of {day} (every {every} days unless the inquiry says otherwise): {len(due)}"
    table = Table(title=title, title_justify="left")
    table.add_column("due", no_wrap=True)
    table.add_column("person", no_wrap=True)
    table.add_column("inquiry", no_wrap=True)
    table.add_column("by → to", ratio=1)
    table.add_column("case no.", ratio=1)
    table.add_column("last", no_wrap=True)
    table.add_column("note", ratio=1)
    for f in due:
        when = str(f.due.earliest) if f.due.earliest == f.due.latest else f"{f.due.earliest}/{f.due.latest}"
        notes = [f"every {f.every} days"] if f.every != every else []
        if f.needs_release:
            notes.append("no Privacy Act release on file" if f.release is None else f"Privacy Act release {f.release}")
        table.add_row(when, f.person, f.inquiry.id, f"{f.inquiry.get('by') or '?'} → {f.inquiry.get('to') or '?'}",
                      str(f.inquiry.get("case_number") or ""), str(f.last.date), "; ".join(notes))  # fmt: skip
    console.print(table)

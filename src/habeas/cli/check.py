"""Check commands: check (flags per person), rules (the catalogue), alerts (the morning report, with deadlines)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from habeas.cli.app import (
    AsOfOption,
    ConfigOption,
    DbOption,
    FormatOption,
    KnownOnOption,
    OutputFormat,
    UserOption,
    app,
    console,
    context,
    day_option,
    fail,
    print_json,
    user_errors,
)
from habeas.cli.deadlines import print_morning_deadlines
from habeas.rules.alerts import Alerts
from habeas.rules.flag import Flag, Severity
from habeas.rules.registry import RULE_BY_ID
from habeas.rules.timing import number
from habeas.services import ServiceError
from habeas.services import check as checks
from habeas.services import people as lists
from habeas.settings import default_config_path

SEVERITY_STYLE = {"critical": "bold white on red", "warning": "bold yellow", "info": "cyan"}
NOT_ADVICE = "Flags are prompts for review by counsel, not legal advice."
CHANGE_WORDS = {"new": "NEW", "more_severe": "WORSE", "now_certain": "NOW CERTAIN"}

PeopleArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Person ids to check (see `habeas people`); everyone when none are given.", show_default=False),
]
MinSeverityOption = Annotated[
    Severity | None,
    typer.Option("--min-severity", help="Only flags at least this severe.", show_default=False),
]


@contextmanager
def _user_errors() -> Iterator[None]:
    """As habeas.cli.app.user_errors, with the message escaped: "[rules.x]" in it is text, not Rich markup."""
    with user_errors():
        try:
            yield
        except ServiceError as exc:
            fail(escape(str(exc)))


def _existing_config(config: Path | None) -> None:
    # A file named with --config must exist; only the default location may be absent.
    if config is not None and not config.exists() and config != default_config_path():
        fail(f"--config: settings file {config} does not exist")


def _severity_label(flag: Flag) -> Text:
    label = Text(flag.severity.value.upper(), style=SEVERITY_STYLE[flag.severity.value])
    if flag.certainty.value == "possible":
        label.append("\npossible", style="italic")
    return label


def _flag_body(flag: Flag) -> Group:
    title = Text(flag.title, style="bold")
    title.append(f"  {flag.rule}", style="dim")
    return Group(
        title,
        Text(flag.explanation),
        Text(f"evidence: {', '.join(flag.evidence)}   sources: {', '.join(flag.sources) or 'none'}", style="dim"),
    )


def _print_legal_basis(flags: list[Flag]) -> None:
    """Each rule's legal basis once, under the table, rather than repeated in every row."""
    shown = dict.fromkeys(f.rule for f in flags)
    console.print("\n[bold]Legal basis[/]", highlight=False)
    for rule_id in shown:
        rule = RULE_BY_ID[rule_id]
        console.print(f"  [bold]{rule_id}[/]: {rule.legal_basis_text}", highlight=False)
    console.print(NOT_ADVICE, style="dim")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _summary(flags: list[Flag]) -> str:
    counts = Counter(f.severity for f in flags)
    parts = [f"{counts[s]} {s.value}" for s in (Severity.CRITICAL, Severity.WARNING, Severity.INFO) if counts[s]]
    people = len({f.person for f in flags})
    return f"{', '.join(parts)} — {_plural(len(flags), 'flag', 'flags')} for {_plural(people, 'person', 'people')}"


def _print_flags(flags: list[Flag], as_of: date, known_on: date | None) -> None:
    known = f", as known on {known_on}" if known_on else ""
    if not flags:
        console.print(f"No flags as of {as_of}{known}.")
        return
    table = Table(
        title=f"Flags as of {as_of}{known}: {_summary(flags)}", title_justify="left", expand=True, show_lines=True
    )
    table.add_column("severity", no_wrap=True)
    table.add_column("person", no_wrap=True)
    table.add_column("what the record shows", ratio=1)
    for flag in flags:
        table.add_row(_severity_label(flag), flag.person, _flag_body(flag))
    console.print(table)
    _print_legal_basis(flags)


@app.command("check")
def check_command(
    people: PeopleArgument = None,
    cohort: Annotated[str | None, typer.Option("--cohort", help="Only members of this cohort.")] = None,
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    min_severity: MinSeverityOption = None,
    fmt: FormatOption = OutputFormat.table,
    config: ConfigOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Check people's timelines against the due-process rules and explain every flag.

    Each flag names the events and sources behind it and the law that makes it a concern.
    A flag marked "possible" rests on the order of uncertain dates. Exits 0 whether or not
    anything is flagged; `habeas rules` lists the rules and their thresholds.

    Examples:

      habeas check                                  everyone, as of today

      habeas check ahr --as-of 2025-05-01           one person on a past day

      habeas check --cohort cecot-2025-03 --min-severity critical

      habeas check ahr --as-of 2025-07-01 --known-on 2025-04-01   what we could have known then

      habeas check --format json > flags.json       a list of flags for other programs

      habeas check --config thresholds.toml         with your own thresholds
    """
    _existing_config(config)
    ctx = context(db, config, user)
    day = day_option(as_of, "--as-of")
    assert day is not None
    known = day_option(known_on, "--known-on", False)
    with _user_errors():
        flags = checks.check(ctx, people or None, cohort, as_of=day, known_on=known, min_severity=min_severity)
    if fmt == OutputFormat.json:
        print_json([f.as_json() for f in flags])
        return
    _print_flags(flags, day, known)


@app.command("rules")
def rules_command(
    fmt: FormatOption = OutputFormat.table,
    config: ConfigOption = None,
) -> None:
    """List the due-process rules: what each flags, its thresholds, and its legal basis.

    Thresholds are shown as the settings file sets them. To change them, write a TOML file
    at the default location (~/.config/habeas/habeas.toml, or $HABEAS_CONFIG) or pass --config:

      [rules.no_proof_of_life]
      warning_days = 7
      critical_days = 30

      [rules.conflicting_accounts]
      enabled = false

    Examples:

      habeas rules

      habeas rules --format json
    """
    _existing_config(config)
    ctx = context(config=config)
    with _user_errors():
        catalogue = checks.rule_catalogue(ctx)
    if fmt == OutputFormat.json:
        print_json([entry.as_json() for entry in catalogue])
        return
    table = Table(title="Due-process rules", title_justify="left")
    table.add_column("rule", no_wrap=True)
    table.add_column("severity")
    table.add_column("title", ratio=2)
    table.add_column("thresholds", ratio=1, overflow="fold")
    for entry in catalogue:
        rule = entry.rule
        name = Text(rule.id, style="bold" if entry.enabled else "dim strike")
        if not entry.enabled:
            name.append(" (off)", style="dim")
        thresholds = [f"{t.name} = {number(entry.values[t.name])} {t.unit}" for t in rule.thresholds]
        thresholds += [f"uses {u}" for u in rule.uses]
        table.add_row(name, " / ".join(s.value for s in rule.severities), rule.title, "\n".join(thresholds))
    console.print(table)
    for entry in catalogue:
        console.print(f"\n[bold]{entry.rule.id}[/] — {entry.rule.title}", highlight=False)
        console.print(entry.rule.description, highlight=False)
        for citation in entry.rule.legal_basis:
            console.print(f"  • {citation.cite}: [dim]{citation.why}[/]", highlight=False)
    console.print(f"Settings: {ctx.settings.config_path}", style="dim", highlight=False)


def _print_alerts(result: Alerts) -> None:
    if not result.people:
        console.print(f"Nothing new or more severe since {result.since} (as of {result.today}).")
        return
    count = sum(len(p.alerts) for p in result.people)
    console.print(
        f"[bold]Since {result.since}:[/] {count} flag{'s' if count != 1 else ''} new or more severe "
        f"for {len(result.people)} {'person' if len(result.people) == 1 else 'people'} (as of {result.today})",
        highlight=False,
    )
    for group in result.people:
        table = Table(title=group.person, title_justify="left", title_style="bold", expand=True, show_lines=True)
        table.add_column("change", no_wrap=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("what the record shows", ratio=1)
        for alert in group.alerts:
            change = Text(CHANGE_WORDS[alert.change], style="bold")
            if alert.previous is not None:
                change.append(f"\nwas {alert.previous.severity.value}, {alert.previous.certainty.value}", style="dim")
            table.add_row(change, _severity_label(alert.flag), _flag_body(alert.flag))
        console.print(table)
    _print_legal_basis([a.flag for p in result.people for a in p.alerts])


@app.command("alerts")
def alerts_command(
    since: Annotated[str, typer.Option("--since", help="The earlier day to compare with (YYYY-MM-DD).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The day to report on (YYYY-MM-DD); default today.", show_default=False),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    config: ConfigOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """The morning report: flags new or more severe since a day, deadlines due or missed, hearings unrecorded.

    Compares the check as of today with what was known today, against the check as of
    --since with what was known then: newly reported events and clocks that crossed a
    threshold (days without proof of life, days in detention) both show. People with the
    gravest flags come first. Then, for everyone you can reach: open deadlines whose last
    day may come within 7 days (soonest first), deadlines missed (those missed since
    --since first), and hearings whose day passed with nothing recorded; see
    `habeas deadlines` and docs/deadlines.md. It leads with the people assigned to you
    (`habeas assign`), if any.

    Examples:

      habeas alerts --since 2025-04-30                   what changed since yesterday's report

      habeas alerts --since 2025-04-01 --as-of 2025-05-01 --format json
    """
    _existing_config(config)
    ctx = context(db, config, user)
    earlier = day_option(since, "--since")
    today = day_option(as_of, "--as-of")
    assert earlier is not None and today is not None
    with _user_errors():
        result = lists.morning_alerts(ctx, earlier, today)
    if fmt == OutputFormat.json:
        print_json(result.as_json())
        return
    _print_assigned(result)
    _print_alerts(result.alerts)
    print_morning_deadlines(result.deadlines)


def _print_assigned(result: lists.MorningAlerts) -> None:
    """The report leads with the people assigned to the reader: what is new, due or missed for each."""
    if not result.assigned:
        return
    alerts = {group.person: len(group.alerts) for group in result.alerts.people}
    due = result.deadlines
    table = Table(title=f"Assigned to you: {len(result.assigned)}", title_justify="left", title_style="bold")
    table.add_column("person", no_wrap=True)
    table.add_column("new or graver flags", justify="right")
    table.add_column("due within 7 days", justify="right")
    table.add_column("missed", justify="right")
    table.add_column("hearings unrecorded", justify="right")
    for person in result.assigned:
        table.add_row(
            person,
            str(alerts.get(person, 0)),
            str(sum(d.person == person for d in due.due_soon)),
            str(sum(d.person == person for d in due.missed)),
            str(sum(h.person == person for h in due.unrecorded)),
        )
    console.print(table)

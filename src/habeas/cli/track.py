"""Track commands: init, import, people, timeline, whereabouts, export, schema, demo."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
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
from habeas.cli.views import (
    CUSTODY_STYLE,
    brief,
    days_text,
    print_current_flags,
    print_timeline,
    print_whereabouts,
    timeline_json,
    where_text,
)
from habeas.domain.schema import casefile_schema
from habeas.domain.vocabulary import Custody

if TYPE_CHECKING:
    from habeas.services import Context, track

# Each command imports the services it calls (and they the database and the readers), so a
# command's --help, or a mistyped one, starts without them.


@app.command()
def init(db: DbOption = None, user: UserOption = None) -> None:
    """Create the database, or upgrade it to this version of habeas.

    A new database gets an encryption key and an audit signing key (files beside it, mode
    0600) and one admin: you (your login name, or --user). Safe to run again: an
    up-to-date database is left as it is.

    [bold]Example[/]: habeas init
    """
    from habeas.services import track

    ctx = context(db, user=user)
    with user_errors():
        result = track.init_database(ctx)
    _report_init(ctx, result)


def _report_init(ctx: Context, result: track.InitResult) -> None:
    where = ctx.engine.url.render_as_string(hide_password=True)
    if result.before == result.after:
        console.print(f"The database at {where} is up to date (schema {result.after}).")
    elif result.before is None:
        console.print(f"Created the habeas database at {where} (schema {result.after}).")
    else:
        console.print(f"Upgraded the database at {where} from schema {result.before} to {result.after}.")
    if result.first_admin:
        console.print(f"Its first user is the admin [bold]{result.first_admin}[/] (you).")
    if result.created_keys:
        keys = result.created_keys
        console.print(
            f"[bold yellow]Created the encryption key {keys.key_file} and the audit signing key "
            f"{keys.audit_key_file}.[/]\nIf the encryption key is lost, every name and sensitive field "
            "is lost with it: copy it now to two safe places, apart from the database (see the README's "
            "Security model)."
        )


class ImportFormat(StrEnum):
    casefile = "casefile"
    pfif = "pfif"


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Case files (.yaml, .yml or .json).", show_default=False)],
    fmt: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="casefile (YAML/JSON) or pfif (PFIF 1.4 XML).")
    ] = ImportFormat.casefile,
    pfif_domain: Annotated[str, typer.Option(help="Your PFIF home domain (pfif only).")] = "habeas.invalid",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import case files: validate every file first, then store all of them or nothing.

    Importing the same file twice stores nothing new. Problems are listed with the
    file, the line (YAML) or JSON pointer, and what is wrong. Bulk public datasets
    (ICE FOIA releases, journalists' lists) go through `habeas datasets import`.

    Examples:
      habeas import examples/hernandez-romero.yaml
      habeas import --format pfif records.xml
    """
    from habeas.services import track

    ctx = context(db, user=user)
    with user_errors():
        if fmt == ImportFormat.pfif:
            from habeas.services import reports

            result = reports.import_pfif(ctx, files, home_domain=pfif_domain)
            summary = result.summary
            for line in result.left_out:
                console.print(f"  left out: {line}", highlight=False)
        else:
            summary = track.import_casefiles(ctx, files)
    if summary.nothing_new:
        console.print("Nothing new: every record in these files is already stored.")
        return
    added = ", ".join(f"{n} {k}" for k, n in summary.added.items() if n)
    updated = ", ".join(f"{n} {k}" for k, n in summary.updated.items() if n)
    console.print(f"Imported {len(files)} file{'s' if len(files) != 1 else ''}: added {added or 'nothing'}.")
    if updated:
        console.print(f"Added to existing records: {updated}.")
    if summary.unchanged:
        console.print(f"{summary.unchanged} records were already stored and left as they were.")


@app.command()
def people(
    cohort: Annotated[str | None, typer.Option(help="Only members of this cohort.")] = None,
    custody: Annotated[Custody | None, typer.Option(help="Only people in this custody state.")] = None,
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List people with where they are and how long since the last proof of life.

    Example: habeas people --custody foreign_custody --as-of 2025-05-01
    """
    from habeas.services import track

    ctx = context(db, user=user)
    day = day_option(as_of, "--as-of")
    assert day is not None
    with user_errors():
        rows = track.people_with_whereabouts(
            ctx, day, cohort=cohort, custody=custody, known_on=day_option(known_on, "--known-on", False)
        )
    if fmt == OutputFormat.json:
        print_json([{"id": p.id, "name": p.name, "cohorts": list(p.cohorts), **brief(w)} for p, w in rows])
        return
    table = Table(title=f"People as of {day.isoformat()}", title_justify="left")
    for column in ("id", "name", "custody", "where", "since", "days without proof of life", "pending"):
        table.add_column(column, no_wrap=column in ("id", "custody"))  # ids and states whole; the rest wraps
    for person, w in rows:
        table.add_row(
            person.id,
            person.name or "",
            Text(w.custody.value, style=CUSTODY_STYLE[w.custody.value]),
            where_text(w),
            str(w.since) if w.since else "",
            days_text(w, missing="never"),
            str(len(w.pending)),
        )
    console.print(table)
    if not rows:
        console.print("No people match. `habeas import FILE` adds people from a case file.")


@app.command()
def timeline(
    person: Annotated[str, typer.Argument(help="The person's id (see `habeas people`).")],
    known_on: KnownOnOption = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Show a person's events in order, with sources, uncertain dates as written, corrections applied.

    A superseded or retracted event stays visible, struck through, with the correction that changed it.

    Example: habeas timeline ahr --known-on 2025-05-01
    """
    from habeas.services import track

    ctx = context(db, user=user)
    with user_errors():
        result = track.timeline(ctx, person, day_option(known_on, "--known-on", False))
    if fmt == OutputFormat.json:
        print_json(timeline_json(result))
        return
    print_timeline(result)


@app.command()
def whereabouts(
    person: Annotated[str, typer.Argument(help="The person's id (see `habeas people`).")],
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    fmt: FormatOption = OutputFormat.table,
    config: ConfigOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Where a person was on a day, since when, who last saw them alive, and what is pending.

    --as-of asks "where was the person on DATE"; --known-on asks "what did we know on DATE".
    Uncertain dates give ranges: "days without proof of life: 120–127", never a midpoint.

    Example: habeas whereabouts ahr --as-of 2025-05-01 --format json
    """
    from habeas.services import track

    ctx = context(db, config, user)
    day = day_option(as_of, "--as-of")
    assert day is not None
    with user_errors():
        result = track.whereabouts(ctx, person, day, day_option(known_on, "--known-on", False))
    if fmt == OutputFormat.json:
        print_json(result.as_json())
        return
    print_whereabouts(result)
    print_current_flags(ctx, person, day, day_option(known_on, "--known-on", False))


class ExportFormat(StrEnum):
    casefile = "casefile"
    json = "json"
    csv = "csv"
    parquet = "parquet"
    ftm = "ftm"
    pfif = "pfif"


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="casefile (YAML, re-imports to the same results), json (the same as JSON), "
            "csv (events to the screen, or a folder of tables with --out), parquet (a folder of tables), "
            "ftm (FollowTheMoney entities, JSON lines), pfif (PFIF 1.4 XML).",
        ),
    ] = ExportFormat.casefile,
    cohort: Annotated[str | None, typer.Option(help="Only this cohort's members and what they cite.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="A file (or, for csv/parquet, a folder).")] = None,
    include_sensitive: Annotated[
        bool,
        typer.Option(
            help="Include sensitive attributes, identifiers and notes (keep the file as safe as the database)."
        ),
    ] = False,
    pfif_domain: Annotated[str, typer.Option(help="Your PFIF home domain, for PFIF record ids.")] = "habeas.invalid",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Export records for backup, for another habeas, or for partners' tools.

    Without --include-sensitive, exports leave out sensitive attributes, identifiers and notes.

    Examples:
      habeas export --cohort cecot-2025-03 --out cecot.yaml
      habeas export --format parquet --out tables/
      habeas export --format ftm --out entities.jsonl
    """
    import yaml

    from habeas.ingest.casefile import casefile_document
    from habeas.services import track

    ctx = context(db, user=user)
    if fmt in (ExportFormat.ftm, ExportFormat.pfif, ExportFormat.parquet) or (fmt == ExportFormat.csv and out):
        _export_for_partners(ctx, fmt, cohort, out, include_sensitive, pfif_domain)
        return
    with user_errors():
        casefile = track.export_casefile(ctx, cohort, include_sensitive)
    document = casefile_document(casefile)
    if fmt == ExportFormat.casefile:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    elif fmt == ExportFormat.json:
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _events_csv(document["events"])
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"Wrote {len(document['people'])} people and {len(document['events'])} events to {out}.")


def _export_for_partners(
    ctx: Context, fmt: ExportFormat, cohort: str | None, out: Path | None, include_sensitive: bool, domain: str
) -> None:
    from habeas.services import reports

    with user_errors():
        if out is None:
            if fmt == ExportFormat.parquet:
                fail("--format parquet writes a folder of tables: give it with --out FOLDER")
            sys.stdout.buffer.write(reports.export_data(ctx, fmt.value, cohort, include_sensitive, pfif_domain=domain))
            return
        written = reports.export(ctx, fmt.value, out, cohort, include_sensitive, pfif_domain=domain)
    console.print(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''}: " + ", ".join(str(p) for p in written))


def _events_csv(events: list[dict[str, Any]]) -> str:
    columns = ["id", "person", "cohort", "kind", "date", "reported", "sources", "fields"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for event in events:
        fields = {k: v for k, v in event.items() if k not in columns and k != "note"}
        writer.writerow(
            {
                **{k: event.get(k, "") for k in columns[:6]},
                "sources": " ".join(event.get("sources", [])),
                "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields else "",
            }
        )
    return buffer.getvalue()


schema_app = typer.Typer(help="Print the JSON Schemas of habeas's formats.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


@schema_app.command("casefile")
def schema_casefile() -> None:
    """Print the JSON Schema of the case file (version 1), generated from the vocabulary.

    [bold]Example[/]: habeas schema casefile > casefile.schema.json
    """
    print_json(casefile_schema())


@app.command()
def demo(
    as_of: Annotated[list[str] | None, typer.Option("--as-of", help="Days to show (repeatable).")] = None,
    serve: Annotated[bool, typer.Option(help="Then start the web app on 127.0.0.1 (Ctrl-C stops it).")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
    db: DbOption = None,
) -> None:
    """Load the bundled examples into the database and show each person's whereabouts.

    Runs `habeas init`, imports every case file in examples/, then prints whereabouts on the
    days the reporting covers (2025-05-01 and 2025-07-20 unless --as-of is given). With
    --serve it then starts the web app and prints its address and a one-time admin password.

    [bold]Example[/]: habeas demo --as-of 2025-05-01
    """
    from habeas.services import track

    ctx = context(db)
    examples = _examples_dir()
    files = sorted(p for p in examples.glob("*.yaml"))
    if not files:
        fail(f"no example case files found in {examples}")
    with user_errors():
        _report_init(ctx, track.init_database(ctx))
        summary = track.import_casefiles(ctx, files)
        console.print(
            f"Database: {ctx.engine.url.render_as_string(hide_password=True)}\n"
            f"Examples: {', '.join(f.name for f in files)} "
            f"({'already loaded' if summary.nothing_new else 'added ' + str(sum(summary.added.values())) + ' records'})"
        )
        days = [day_option(d, "--as-of") for d in (as_of or ["2025-05-01", "2025-07-20"])]
        for day in days:
            assert day is not None
            rows = track.people_with_whereabouts(ctx, day)
            for _person, w in rows:
                print_whereabouts(w)
                print_current_flags(ctx, w.person, day, None)
    if serve:
        from habeas.cli.web import serve as serve_web

        # Plain http on the loopback address only: the demo is for this machine.
        serve_web(db=db, config=None, user=None, host="127.0.0.1", port=port, insecure_cookies=True)


def _examples_dir() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples"
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    return Path.cwd() / "examples"

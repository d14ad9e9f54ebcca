"""Dataset commands: `habeas datasets import|list|people`, `habeas stats …`, `habeas synth …`."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from habeas.cli.app import DbOption, app, console, context, day_option, err_console, fail, print_json, user_errors
from habeas.services import datasets as service

if TYPE_CHECKING:
    import polars as pl

datasets_app = typer.Typer(help="Import public datasets (ICE FOIA releases, facility lists, lists of people).",
                           no_args_is_help=True)  # fmt: skip
stats_app = typer.Typer(
    help="Figures from imported datasets: population, stays, shares, summaries.", no_args_is_help=True
)
synth_app = typer.Typer(help="Write synthetic ICE files (fictitious people) for tests and demos.", no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")
app.add_typer(stats_app, name="stats")
app.add_typer(synth_app, name="synth")


class DatasetFormatName(StrEnum):
    ice_detentions = "ice-detentions"
    ice_removals = "ice-removals"
    ice_facilities = "ice-facilities"
    mapped_list = "mapped-list"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


ReleaseOption = Annotated[
    str | None,
    typer.Option("--release", "-r", help="Release id (or a unique prefix); default: the latest of the kind needed."),
]
ByOption = Annotated[str | None, typer.Option("--by", help="Group by this column (see `habeas datasets list`).")]
TableFormatOption = Annotated[TableFormat, typer.Option("--format", "-f", help="table, csv or json")]
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Also draw a chart to FILE.png or FILE.svg.")]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where", "-w", metavar="COLUMN<OP>VALUE",
        help="Count only rows where COLUMN compares so with VALUE: = != < <= > >= on dates (YYYY-MM-DD) and "
        "numbers, = != on text. Repeat for AND, e.g. --where 'book_in>=2015-01-01' --where gender=Female.",
    ),
]  # fmt: skip


@datasets_app.command("import")
def import_command(
    fmt: Annotated[DatasetFormatName, typer.Argument(metavar="FORMAT", help="The file's format.")],
    file: Annotated[Path, typer.Argument(help="CSV, pipe- or tab-delimited text (optionally gzip), or XLSX.")],
    mapping: Annotated[Path | None, typer.Option(help="Mapping file (YAML) for mapped-list.")] = None,
    sheet: Annotated[str | None, typer.Option(help="The XLSX sheet to read, when there are several.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and check everything; store nothing.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Any rejected row stops the import.")] = False,
    max_rejected_share: Annotated[
        float | None,
        typer.Option(
            "--max-rejected-share",
            min=0.0,
            max=1.0,
            help="Store the release even with this share of its rows rejected (0 to 1; default: the format's).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import a dataset file as a release: all of it, or nothing if it fails.

    The header is found past title and note rows; FOIA redaction codes such as (b)(6) are
    read as redacted, never as values. Rows that cannot be read are rejected and listed
    with file, row and column; --strict makes any rejection fatal. A file with no row
    accepted, or with more rows rejected than its format allows (1% for ICE releases), is
    refused and nothing is stored. Importing the same file again changes nothing.

    Example: habeas datasets import ice-removals removals.csv
    """
    ctx = context(db)
    with user_errors(), _progress(file) as advance:
        try:
            report = service.import_dataset(
                ctx, fmt.value, file, mapping=mapping, sheet=sheet, dry_run=dry_run, strict=strict, progress=advance,
                max_rejected_share=max_rejected_share,
            )  # fmt: skip
        except service.DatasetImportError as exc:
            if exc.report is not None:
                _print_report(exc.report)
            else:
                _print_problems(exc.problems)
            raise
    _print_report(report)
    if report.refused:
        fail(f"{report.file}: this import would be refused and nothing would be stored: {report.refused}")


class _progress:
    """A progress bar on stderr while a file is read (rows, against an estimate of the total)."""

    def __init__(self, file: Path):
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
            TextColumn("{task.completed:,} rows"), TimeElapsedColumn(), console=err_console, transient=True,
        )  # fmt: skip
        self.task = self.bar.add_task(f"reading {file.name}", total=None)

    def __enter__(self) -> Any:
        self.bar.start()

        def advance(done: int, estimate: int | None) -> None:
            self.bar.update(self.task, completed=done, total=max(done, estimate) if estimate else None)

        return advance

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _print_report(report: service.ImportReport) -> None:
    tally = report.tally
    if report.already_imported:
        console.print(
            f"Already imported: {report.file} is release {report.release} ({tally.rows_imported:,} rows); "
            "nothing was changed."
        )
        return
    if report.refused and not report.dry_run:
        verb = "Refused, nothing stored:"
    elif report.dry_run:
        verb = "Checked (dry run, nothing stored)"
    else:
        verb = f"Imported release {report.release} from"
    where = f"sheet {report.sheet!r}, " if report.sheet else ""
    console.print(f"{verb} {report.file} ({report.format}; {where}header on row {report.header_row})")
    lines = [
        ("rows read", f"{tally.rows_read:,}"),
        ("imported", f"{tally.rows_imported:,}"),
        ("rejected", f"{tally.rows_rejected:,}"),
        ("title, note and blank rows skipped", f"{tally.notes:,}"),
    ]
    if tally.first_observed:
        lines.append(("observed", f"{tally.first_observed} to {tally.last_observed}"))
    if tally.redacted:
        shown = ", ".join(f"{report.headers.get(c, c)} {n:,}" for c, n in tally.redacted.most_common())
        lines.append(("redacted cells", shown))
    if tally.zoned:
        zone = report.time_zone
        reading = "local wall-clock times: kept as written" if zone == "local" else f"converted to {zone}"
        shown = ", ".join(f"{report.headers.get(c, c)} {n:,}" for c, n in tally.zoned.most_common())
        lines.append(("times with Z or an offset", f"{shown} ({reading})"))
    unused = list(report.unused_columns)
    shown = ", ".join(unused[:12]) + (
        f" and {len(unused) - 12} more (the manifest lists them)" if len(unused) > 12 else ""
    )
    lines.append(("unused columns", shown or "none"))
    for label, value in lines:
        console.print(f"  {label:<36} {value}", highlight=False)
    for (column, value), rows in tally.unmapped.most_common(10):
        console.print(f"  no lookup for {column} {value!r} ({rows:,} rows)", highlight=False)
    for (column, kind), rows in tally.problem_kinds.most_common():
        console.print(f"  rejected: {kind} in {column!r}: {rows:,}", highlight=False)
    # A refused file's rejected rows are what the user must fix: all of those kept are shown.
    _print_problems(tally.problems, len(tally.problems) if report.refused else 20, tally.rows_rejected)
    for warning in report.warnings:
        if not report.refused or report.refused not in warning:  # the refusal itself ends the output
            err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    for kind, count in report.stored.items():
        if count:
            console.print(f"  added to the database: {count:,} {kind}")


def _print_problems(problems: list[dict[str, Any]], limit: int = 20, rejected: int | None = None) -> None:
    if not problems:
        return
    err_console.print(f"Rejected rows (first {min(limit, len(problems))} of {len(problems):,} problems kept):")
    for p in problems[:limit]:
        err_console.print(f"  {p['file']}: row {p['row']}, column {p['column']!r}: {p['problem']}", highlight=False)
    listed = len({p["row"] for p in problems})
    if rejected is not None and rejected > listed and limit >= len(problems):
        err_console.print(f"  … and {rejected - listed:,} more rejected rows (the first {listed:,} are kept)")


@datasets_app.command("list")
def list_command(fmt: TableFormatOption = TableFormat.table, db: DbOption = None) -> None:
    """List imported releases: format, file, rows, dates observed, columns for --by.

    [bold]Example[/]: habeas datasets list --format json
    """
    import polars as pl

    ctx = context(db)
    with user_errors():
        found = service.list_releases(ctx)
    rows = [
        {
            "release": r.id,
            "format": r.format,
            "file": service.release_file(ctx, r),
            "imported": r.manifest.get("imported_at"),
            "rows": r.manifest.get("rows_imported"),
            "rejected": r.manifest.get("rows_rejected"),
            "observed": f"{r.manifest.get('first_observed') or ''} to {r.manifest.get('last_observed') or ''}",
            "columns": ", ".join(c for c in r.scan().collect_schema().names() if c not in ("row", "redacted")),
        }
        for r in found
    ]
    if not rows and fmt == TableFormat.table:
        console.print("No datasets imported yet: `habeas datasets import FORMAT FILE`.")
        return
    frame = pl.DataFrame(rows)
    if fmt == TableFormat.table:
        frame = frame.drop("columns", "imported")
    _emit(frame, fmt, "Imported dataset releases", "Columns for --by: `habeas datasets list --format json`.")


@datasets_app.command("people")
def people_command(
    release_id: ReleaseOption = None,
    limit: Annotated[int, typer.Option(help="How many people.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    fmt: TableFormatOption = TableFormat.table,
    db: DbOption = None,
) -> None:
    """List people in imported releases (ids are RELEASE:ID; anonymized ids do not cross releases).

    [bold]Example[/]: habeas datasets people --limit 10
    """
    import polars as pl

    ctx = context(db)
    with user_errors():
        found = service.dataset_people(ctx, release_id, limit=limit, offset=offset)
    rows = [{"id": p.id, "citizenship": p.citizenship, "gender": p.gender, "birth_year": p.birth_year} for p in found]
    _emit(pl.DataFrame(rows, schema={"id": pl.String, "citizenship": pl.String, "gender": pl.String,
                                     "birth_year": pl.Int64}), fmt, "People in dataset releases")  # fmt: skip


# -- stats ---------------------------------------------------------------------------------


class PopulationMeasure(StrEnum):
    midnight = "midnight"
    day = "24h"


@stats_app.command("population")
def population_command(
    release_id: ReleaseOption = None,
    by: ByOption = None,
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    daily: Annotated[bool, typer.Option("--daily", help="Every day's figure, not the per-group summary.")] = False,
    measure: Annotated[
        PopulationMeasure,
        typer.Option(
            "--measure",
            help="midnight (the default): people held at 00:00 of each day, the census ICE reports; "
            "24h: people held at any time of the day (same-day arrivals and departures count).",
        ),
    ] = PopulationMeasure.midnight,
    where: WhereOption = None,
    fmt: TableFormatOption = TableFormat.table,
    plot: PlotOption = None,
    db: DbOption = None,
) -> None:
    """Daily population in detention, overall or by facility (or any column).

    Two measures, as the Vera Institute's ICE detention trends data offers: the midnight
    census (the default: booked in at or before 00:00 and not yet booked out) and the
    24-hour population (held at any time of the day). Open placements count through the
    release's last observed day. The first days are marked undercounted: people already
    held when the data begin have no rows. The summary gives each group's average, peak
    (both without the undercounted days) and last-day population; --daily (or csv/json)
    gives every day. The output names its measure (a column; in JSON, "measure").
    --from and --to choose the days; --where the placements counted.

    Examples:

      habeas stats population --by facility_code --plot population.png

      habeas stats population --measure 24h --from 2019-01-01 --to 2019-12-31 --daily --format csv

      habeas stats population --where citizenship_country_iso=GT --where 'birth_year>=2000'
    """
    ctx = context(db)
    with user_errors():
        every_day, summary = service.population_figures(
            ctx, release_id, by, day_option(start, "--from", False), day_option(end, "--to", False), where,
            measure.value,
        )  # fmt: skip
    chosen = every_day if daily or fmt != TableFormat.table else summary
    if fmt == TableFormat.json:
        rows = chosen.table.to_dicts()
        print_json({"title": chosen.title, "note": chosen.note, "measure": measure.value, "rows": rows})
    else:
        _emit(chosen.table, fmt, chosen.title, chosen.note)
    if plot is not None:
        from habeas.analytics.charts import population_chart

        _draw(lambda: population_chart(every_day.table, every_day.key, plot, every_day.title, every_day.note), plot)


@stats_app.command("stays")
def stays_command(
    release_id: ReleaseOption = None,
    by: ByOption = None,
    where: WhereOption = None,
    fmt: TableFormatOption = TableFormat.table,
    plot: PlotOption = None,
    db: DbOption = None,
) -> None:
    """Length of stays in detention (days: median, quantiles), transfers and ongoing stays, by any column.

    Examples:

      habeas stats stays --by citizenship_country --plot stays.svg

      habeas stats stays --where 'stay_book_in>=2017-01-01' --where 'stay_book_in<2018-01-01'
    """
    ctx = context(db)
    with user_errors():
        figures = service.stay_figures(ctx, release_id, by, where)
    shown = figures.table.select(figures.brief) if fmt == TableFormat.table else figures.table
    _emit(shown, fmt, figures.title, figures.note)
    if plot is not None:
        from habeas.analytics.charts import distribution_chart

        _draw(lambda: distribution_chart(figures.table, figures.key, plot, figures.title, "Days in detention",
                                         figures.note), plot)  # fmt: skip


@stats_app.command("share")
def share_command(
    what: Annotated[
        str | None, typer.Argument(help=f"One of: {', '.join(service.SHARES)} (or use --where).", show_default=False)
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            metavar="COLUMN<OP>VALUE",
            help="Without a named share: the share of rows meeting it; with one: only the rows meeting it. "
            "= != < <= > >= on dates (YYYY-MM-DD) and numbers, = != on text; repeat for AND.",
        ),
    ] = None,
    release_id: ReleaseOption = None,
    by: ByOption = None,
    fmt: TableFormatOption = TableFormat.table,
    plot: PlotOption = None,
    db: DbOption = None,
) -> None:
    """A share with its 95% Wilson interval, overall or by any column.

    no_conviction counts people (or removals) with no conviction on record in the release:
    that is what the release records, not proof that the person has none. A redacted value
    is unknown and left out of the total.

    Examples:

      habeas stats share no_conviction --by citizenship_country

      habeas stats share --release ice_removals --where 'departed_date<2012-01-01'

      habeas stats share removed --where 'length_days>30' --where gender=Female
    """
    ctx = context(db)
    with user_errors():
        figures = service.share_figures(ctx, what, release_id, by, where)
    _emit(figures.table, fmt, figures.title, figures.note)
    if plot is not None:
        from habeas.analytics.charts import share_chart

        _draw(lambda: share_chart(figures.table, figures.key, plot, figures.title, figures.note), plot)


@stats_app.command("summary")
def summary_command(
    release_id: ReleaseOption = None,
    by: ByOption = None,
    where: WhereOption = None,
    fmt: TableFormatOption = TableFormat.table,
    plot: PlotOption = None,
    db: DbOption = None,
) -> None:
    """Rows and people in a release (and stays with their median length), overall or by any column.

    Examples:

      habeas stats summary --release ice_removals --by gender

      habeas stats summary --release ice_removals --where 'departed_date>=2015-10-01' --by citizenship_country_iso
    """
    ctx = context(db)
    with user_errors():
        figures = service.summary_figures(ctx, release_id, by, where)
    _emit(figures.table, fmt, figures.title, figures.note)
    if plot is not None:
        from habeas.analytics.charts import count_chart

        value = "people" if "people" in figures.table.columns else "rows"
        _draw(lambda: count_chart(figures.table, figures.key, value, plot, figures.title, figures.note), plot)


def _draw(render: Any, path: Path) -> None:
    try:
        render()
    except ValueError as exc:
        fail(str(exc))
    err_console.print(f"Chart written to {path}")


WHOLE_COLUMNS = frozenset({"release", "id", "person", "format", "custody"})


def _emit(frame: pl.DataFrame, fmt: TableFormat, title: str, note: str | None = None) -> None:
    if fmt == TableFormat.json:
        print_json({"title": title, "note": note, "rows": frame.to_dicts()})
        return
    if fmt == TableFormat.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(frame.columns)
        writer.writerows(frame.iter_rows())
        sys.stdout.write(out.getvalue())
        return
    table = Table(title=title, title_justify="left", caption=note, caption_justify="left")
    for name, dtype in frame.schema.items():
        # Ids stay whole, even at 80 columns (a cut release id cannot be typed back as --release): others wrap.
        whole = name in WHOLE_COLUMNS or name.endswith(("_id", "_code"))
        table.add_column(
            name,
            justify="right" if dtype.is_numeric() else "left",
            no_wrap=whole,
            overflow="ellipsis" if whole else "fold",
        )
    for row in frame.iter_rows():
        table.add_row(*(_cell(v) for v in row))
    console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# -- synth -----------------------------------------------------------------------------------

RowsOption = Annotated[int, typer.Option("--rows", "-n", help="How many rows.", min=0)]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="File to write (.csv, .xlsx; .psv.gz with --cleaned).")]
CleanedOption = Annotated[
    bool, typer.Option("--cleaned", help="snake_case headers, ISO dates, pipe-delimited, gzip (as researchers share).")
]


@synth_app.command("ice-detentions")
def synth_detentions(
    out: OutOption,
    rows: RowsOption = 1000,
    seed: SeedOption = 0,
    cleaned: CleanedOption = False,
    start: Annotated[str, typer.Option(help="First day of the span (YYYY-MM-DD).")] = "2012-01-01",
    years: Annotated[float, typer.Option(help="Length of the span in years.")] = 12.0,
) -> None:
    """Write a synthetic detention history: placements chained into stays, transfers, release reasons.

    Example: habeas synth ice-detentions --rows 100000 --seed 1 --out detentions.csv
    """
    from habeas.synth import detention_placements, write_detentions

    first = day_option(start, "--start", False)
    frame = detention_placements(rows, seed=seed, start=first or date(2012, 1, 1), years=years)
    write_detentions(frame, out, cleaned=cleaned, seed=seed)
    console.print(f"Wrote {frame.height:,} synthetic placements to {out}")


@synth_app.command("ice-removals")
def synth_removals(
    out: OutOption,
    rows: RowsOption = 1000,
    seed: SeedOption = 0,
    cleaned: CleanedOption = False,
    start: Annotated[str, typer.Option(help="First day of the span (YYYY-MM-DD).")] = "2012-01-01",
    years: Annotated[float, typer.Option(help="Length of the span in years.")] = 7.5,
) -> None:
    """Write synthetic removals with redacted birth dates and event numbers, as ICE releases them.

    Example: habeas synth ice-removals --rows 5000 --out removals.csv
    """
    from habeas.synth import removal_rows, write_removals

    first = day_option(start, "--start", False)
    frame = removal_rows(rows, seed=seed, start=first or date(2012, 1, 1), years=years)
    write_removals(frame, out, cleaned=cleaned, seed=seed)
    console.print(f"Wrote {frame.height:,} synthetic removals to {out}")

"""Linkage commands: `habeas link run|review|accept|reject|correct|show`, `synth lists`, `stats estimate`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from habeas.cli.app import (
    DbOption,
    FormatOption,
    OutputFormat,
    UserOption,
    app,
    console,
    context,
    err_console,
    fail,
    print_json,
    user_errors,
)
from habeas.cli.datasets import stats_app, synth_app

if TYPE_CHECKING:
    # The service (and the database layer under it) is imported when a command runs: `habeas --help` loads neither.
    from habeas.services.links import CandidateView, RecordView

link_app = typer.Typer(
    help="Find records that may be the same person, decide them (sourced, append-only), and combine them.",
    no_args_is_help=True,
)
app.add_typer(link_app, name="link")


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


class Criterion(StrEnum):
    aic = "aic"
    bic = "bic"


ListsOption = Annotated[
    str | None,
    typer.Option("--lists", help="Lists to link, by id or unique prefix, comma-separated (default: every list)."),
]
SourceOption = Annotated[
    str,
    typer.Option("--source", help="The source (already in habeas) that says whether the records are the same person."),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (sealed; shown to editors and admins only).")]
PLAIN_LEVEL = {"exact": "agree", "close": "nearly agree", "partial": "partly agree", "differs": "disagree",
               "missing": "missing on one side"}  # fmt: skip


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        fail("--lists: give list ids separated by commas (`habeas datasets list` shows them)")
    return names


class _progress:
    """A Rich progress display on stderr while the model runs, saying which step it is on."""

    def __init__(self) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(),
            console=err_console, transient=True,
        )  # fmt: skip
        self.task = self.bar.add_task("gathering the records in your reach", total=None)

    def __enter__(self) -> Any:
        self.bar.start()

        def advance(step: str) -> None:
            self.bar.update(self.task, description=step[:100])

        return advance

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


@link_app.command("run")
def run_command(
    lists: ListsOption = None,
    with_people: Annotated[
        bool, typer.Option("--with-people", help="Also link the tracked people that come from no list.")
    ] = False,
    release: Annotated[
        str | None, typer.Option("--release", help="Also link an anonymized ICE release's people (id or prefix).")
    ] = None,
    engine: Annotated[EngineName, typer.Option("--engine", help="duckdb (one machine) or spark.")] = EngineName.duckdb,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Keep pairs at least this probable (0 to 1).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Find pairs of records that may be the same person, among the records you may reach.

    Runs a probabilistic model (Splink, Fellegi–Sunter) over the lists' people and, if asked,
    tracked people and an anonymized release. The pairs found are stored sealed, pending a
    decision; running again replaces the pending pairs of the same lists, never a decision.
    Editors and admins only.

    Example: habeas link run --lists list-1,list-2,list-3 --threshold 0.8
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors(), _progress() as advance:
        found = service.run_linkage(
            ctx, _split(lists), with_people=with_people, release=release, engine=engine.value,
            threshold=threshold, progress=advance,
        )  # fmt: skip
    stored = found.stored
    console.print(
        f"Compared {found.pairs_compared:,} pairs among {found.records:,} records of {len(found.sources)} sources "
        f"({found.engine}, threshold {found.threshold:g}): {stored.added:,} candidates pending review, "
        f"{stored.decided:,} already decided kept, {stored.removed:,} earlier pending candidates no longer found."
    )
    for note in found.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print("Next: `habeas link review` lists them, highest first.")


def _record_text(record: RecordView) -> str:
    if not record.reachable:
        return f"a record of {record.source_title} out of your reach"
    said = ", ".join(x for x in (record.name, record.birth, record.citizenship, record.sex) if x)
    kind = "" if record.named else " (anonymized)"
    return f"{record.ref.record_id}{kind} — {said or 'nothing but its id'}\n[dim]{record.source_title}[/]"


def _why(view: CandidateView) -> str:
    return "\n".join(
        f"{c.field}: {PLAIN_LEVEL.get(c.level, c.level)} ({c.detail}; ×{c.bayes_factor:.3g})"
        for c in view.candidate.comparisons
    )


@link_app.command("review")
def review_command(
    min_probability: Annotated[float | None, typer.Option("--min", help="Only pairs at least this probable.")] = None,
    status: Annotated[str, typer.Option("--status", help="pending (default), same, different or all.")] = "pending",
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List pending candidates, highest probability first, each with why: the fields that agreed or not.

    Example: habeas link review --min 0.9
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors():
        shown = service.review(ctx, min_probability, status)
    if fmt is OutputFormat.json:
        print_json({"candidates": [v.as_json() for v in shown]})
        return
    if not shown:
        console.print(f"No {'' if status == 'all' else status + ' '}candidates in your reach.")
        return
    table = Table("candidate", "probability", "records", "why", show_lines=True)
    for view in shown:
        table.add_row(
            view.id[:12],
            f"{view.candidate.probability:.3f}",
            _record_text(view.left) + "\n" + _record_text(view.right),
            _why(view),
        )
    console.print(table)
    console.print(
        "Decide with `habeas link accept CANDIDATE --source SRC` or `habeas link reject CANDIDATE --source SRC` "
        "(the first characters of the candidate's id are enough)."
    )


def _decided(decision: Any) -> None:
    said = "the same person" if decision.verdict == "same" else "not the same person"
    corrects = f", correcting decision {decision.corrects}" if decision.corrects is not None else ""
    console.print(f"Recorded decision {decision.id}: {said}, on the authority of {decision.source}{corrects}.")


@link_app.command("accept")
def accept_command(
    candidate: Annotated[str, typer.Argument(help="The candidate's id (or its first characters).")],
    source: SourceOption,
    note: NoteOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record that a candidate's two records are the same person (sourced, audited, never edited).

    Example: habeas link accept 3f9c2a1b --source interview-2025-04-02 --note "confirmed by family"
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors():
        _decided(service.accept(ctx, candidate, source, note))


@link_app.command("reject")
def reject_command(
    candidate: Annotated[str, typer.Argument(help="The candidate's id (or its first characters).")],
    source: SourceOption,
    note: NoteOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record that a candidate's two records are not the same person (sourced, audited, never edited).

    Example: habeas link reject 3f9c2a1b --source interview-2025-04-02
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors():
        _decided(service.reject(ctx, candidate, source, note))


@link_app.command("correct")
def correct_command(
    decision: Annotated[int, typer.Argument(help="The decision's number (as accept or reject printed it).")],
    source: SourceOption,
    note: NoteOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a correction that reverses a decision; the decision itself stays, as it was.

    Example: habeas link correct 12 --source court-record-2025-05
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors():
        _decided(service.correct(ctx, decision, source, note))


@link_app.command("show")
def show_command(
    person: Annotated[str, typer.Argument(help="A person's id.")],
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """A person's combined view: every record linked to them by accepted links, each with its source.

    Example: habeas link show list-1-17
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors():
        combined = service.show(ctx, person)
    if fmt is OutputFormat.json:
        print_json(
            {
                "person": combined.person,
                "records": [r.as_json() for r in combined.records],
                "links": [v.as_json() for v in combined.links],
            }
        )
        return
    console.print(f"[bold]{combined.person}[/]: {len(combined.records)} record(s) of one person", highlight=False)
    table = Table("record", "source")
    for record in combined.records:
        table.add_row(_record_text(record).split("\n")[0], record.source_title)
    console.print(table)
    for view in combined.links:
        for d in view.candidate.decisions:
            said = "same person" if d.verdict == "same" else "not the same person"
            fix = f" (corrects {d.corrects})" if d.corrects is not None else ""
            console.print(
                f"decision {d.id}: {view.left.ref.record_id} and {view.right.ref.record_id}: {said}{fix}; "
                f"source {d.source}, by {d.actor}, {d.recorded_at:%Y-%m-%d}",
                highlight=False,
            )


@synth_app.command("lists")
def synth_lists_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the lists, their mappings and truth.csv.")],
    people: Annotated[int, typer.Option("--people", min=1, help="Fictitious people to draw.")] = 500,
    lists: Annotated[int, typer.Option("--lists", min=1, max=6, help="How many lists record them.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the same seed, the same files).")] = 0,
    release: Annotated[bool, typer.Option("--release", help="Also an anonymized release (no names).")] = False,
) -> None:
    """Write synthetic lists of the same fictitious people (CECOT-like), with the mistakes real lists make.

    Each list is a CSV with a mapping for `habeas datasets import mapped-list`; truth.csv says
    which person each row is, for measuring linkage and estimates.

    Example: habeas synth lists --people 500 --lists 3 --seed 1 --out lists/
    """
    from habeas.synth.lists import synthetic_lists, write_lists

    made = synthetic_lists(people, lists, seed=seed, release=release)
    written = write_lists(made, out)
    console.print(
        f"Wrote {len(made.records):,} records of {made.people:,} fictitious people in {len(made.lists)} lists"
        f"{' and a release' if made.release else ''} to {out} ({len(written)} files)."
    )
    first = made.lists[0] if made.lists else "list-1"
    console.print(f"Import each: habeas datasets import mapped-list {out / (first + '.csv')} "
                  f"--mapping {out / (first + '.mapping.yaml')}", highlight=False)  # fmt: skip


@stats_app.command("estimate")
def estimate_command(
    lists: Annotated[str, typer.Option("--lists", help="Three to six lists, by id or unique prefix, comma-separated.")],
    criterion: Annotated[Criterion, typer.Option("--criterion", help="aic or bic (default).")] = Criterion.bic,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Estimate how many people the lists missed (multiple systems estimation over accepted links).

    Each cluster of records joined by accepted links is one person, on every list one of its
    records comes from. Log-linear models of the lists' overlaps are averaged by AIC or BIC.
    The figure rests on assumptions printed beside it: read them.

    Example: habeas stats estimate --lists list-1,list-2,list-3
    """
    ctx = context(db, user=user)
    from habeas.services import links as service

    with user_errors():
        view = service.estimate(ctx, _split(lists) or [], criterion.value)
    e = view.estimate
    if fmt is OutputFormat.json:
        print_json(
            {
                "lists": [{"id": rid, "title": view.titles[rid]} for rid in view.lists],
                "histories": [
                    {"lists": sorted(h), "people": n}
                    for h, n in sorted(view.histories.items(), key=lambda i: sorted(i[0]))
                ],
                "records": view.records,
                "accepted_links": view.links,
                "documented": e.documented,
                "total": e.total,
                "undocumented": e.undocumented,
                "interval": {"low": e.low, "high": e.high, "level": e.level},
                "criterion": e.criterion,
                "models": [{"terms": list(m.terms), "weight": m.weight, "total": m.total} for m in e.models],
                "assumptions": list(e.assumptions),
                "warnings": list(e.warnings),
            }
        )
        return
    console.print(
        f"[bold]{e.total:,.0f}[/] people in all (a {e.level:.0%} interval of {e.low:,.0f} to {e.high:,.0f}): "
        f"{e.documented:,} documented on the lists, about {e.undocumented:,.0f} on none of them.",
        highlight=False,
    )
    console.print(
        f"From {view.records:,} records on {len(view.lists)} lists and {view.links:,} accepted links; "
        f"{len(e.models)} models averaged by {e.criterion.upper()}.",
        highlight=False,
    )
    console.print("[bold]Assumptions[/] (the figure holds only as far as they do):")
    for line in e.assumptions:
        console.print(f"  • {line}", highlight=False)
    for line in e.warnings:
        console.print(f"[yellow]warning:[/] {line}", highlight=False)

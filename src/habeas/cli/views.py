"""How the track commands show things on a terminal: timelines, whereabouts cards, flags."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from habeas.cli.app import console, user_errors
from habeas.domain.codec import attrs_to_written, event_to_written
from habeas.domain.timeline import Timeline, TimelineEntry
from habeas.domain.vocabulary import KIND_BY_NAME, Kind
from habeas.domain.whereabouts import Whereabouts

if TYPE_CHECKING:
    from habeas.services import Context

CUSTODY_STYLE = {
    "us_custody": "bold yellow",
    "foreign_custody": "bold red",
    "removed": "red",
    "released": "green",
    "deceased": "bold white on red",
    "unknown": "dim",
}


def brief(w: Whereabouts) -> dict[str, Any]:
    data = w.as_json()
    keys = ("custody", "country", "facility", "since", "days_without_proof_of_life", "proof_of_life_clock")
    return {k: data[k] for k in keys}


def days_text(w: Whereabouts, missing: str = "—") -> Text:
    """The days without proof of life as a table shows them: no longer a count to alarm once the clock stopped."""
    if not w.clock_running:
        return Text(f"stopped ({w.custody.value})", style="dim")
    return Text(str(w.days_without_proof_of_life) if w.days_without_proof_of_life else missing)


def where_text(w: Whereabouts) -> str:
    return ", ".join(x for x in (w.facility, w.country) if x)


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe(entry: TimelineEntry) -> str:
    event = entry.event
    spec = KIND_BY_NAME.get(event.kind)
    fields = attrs_to_written({k: v for k, v in event.attrs.items() if k != "replacement"})
    details = "; ".join(f"{k}: {shown(v)}" for k, v in fields.items())
    text = event.kind.replace("_", " ")
    if spec and event.kind != Kind.CORRECTION:
        text = f"{text} — {details}" if details else text
    elif event.kind == Kind.CORRECTION:
        action = "retracts" if event.get("retract") else "replaces"
        text = f"correction: {action} {event.get('supersedes')} ({event.get('reason')})"
    return text


def timeline_json(result: Timeline) -> dict[str, Any]:
    return {
        "person": result.person.id,
        "known_on": result.known_on.isoformat() if result.known_on else None,
        "events": [
            {**event_to_written(e.event), "status": e.status, "changed_by": e.changed_by, "replaces": e.replaces}
            for e in result.entries
        ],
    }


def print_timeline(result: Timeline) -> None:
    title = f"Timeline of {result.person.id}"
    if result.known_on:
        title += f" as known on {result.known_on.isoformat()}"
    numbers: dict[str, int] = {}
    for entry in result.entries:
        for sid in entry.event.sources:
            numbers.setdefault(sid, len(numbers) + 1)
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("date", no_wrap=True)
    table.add_column("what happened", ratio=1)
    table.add_column("sources", no_wrap=True)
    for entry in result.entries:
        label = Text(describe(entry), style=ENTRY_STYLE.get(entry.status, ""))
        tags = [entry.event.id]
        if entry.status in ("superseded", "retracted"):
            tags.append(f"{entry.status} by {entry.changed_by}")
        if entry.replaces:
            tags.append(f"replaces {entry.replaces}")
        if entry.event.cohort:
            tags.append(f"cohort {entry.event.cohort}")
        label.append("\n" + " · ".join(tags), style="dim")
        cited = " ".join(f"[{numbers[s]}]" for s in entry.event.sources)
        table.add_row(str(entry.event.date), label, cited)
    console.print(table)
    for sid, number in numbers.items():
        source = result.sources.get(sid)
        detail = (
            f"{source.title or sid} — {source.publisher or source.kind}, {source.date or 'undated'}" if source else sid
        )
        console.print(f"  [{number}] {detail}  ({sid})", highlight=False)


ENTRY_STYLE = {"superseded": "strike dim", "retracted": "strike dim", "correction": "italic cyan"}


def print_whereabouts(w: Whereabouts) -> None:
    table = Table(title=f"Whereabouts of {w.person} on {w.as_of.isoformat()}", title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("custody", Text(w.custody.value, style=CUSTODY_STYLE[w.custody.value]))
    table.add_row("where", where_text(w) or "unknown")
    table.add_row("since", str(w.since) if w.since else "unknown")
    table.add_row("last proof of life", str(w.last_proof_of_life) if w.last_proof_of_life else "none on record")
    table.add_row("days without proof of life", days_text(w))
    pending = "; ".join(
        f"{p.kind.replace('_', ' ')} {p.event}"
        + (f" ({', '.join(str(v) for v in p.detail.values())})" if p.detail else "")
        for p in w.pending
    )
    table.add_row("pending", pending or "nothing")
    table.add_row("evidence", ", ".join(w.evidence))
    console.print(table)


def print_current_flags(ctx: Context, person: str, as_of: date, known_on: date | None) -> None:
    try:
        from habeas.services import check
    except ImportError:  # the rules engine is an optional part of this build
        return
    with user_errors():
        flags = check.flags_for(ctx, person, as_of, known_on)
    if not flags:
        console.print("No flags.")
        return
    table = Table(title="Flags (prompts for review by counsel, not legal advice)", title_justify="left", expand=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("what the record shows", ratio=1)
    for flag in flags:
        data = flag if isinstance(flag, dict) else flag.as_json()
        style = {"critical": "bold red", "warning": "yellow"}.get(data["severity"], "")
        certainty = "" if data.get("certainty") == "certain" else "\n(possible)"
        body = Text(data["title"], style="bold")
        body.append("\n" + data["explanation"])
        body.append(f"\n{data['rule']} · evidence: {', '.join(data['evidence'])}", style="dim")
        table.add_row(Text(data["severity"] + certainty, style=style), body)
    console.print(table)

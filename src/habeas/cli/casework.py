"""Casework commands: `habeas add` (one event without writing YAML), `habeas assign`, `habeas unassign`."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import typer

from habeas.cli.app import (
    DbOption,
    FormatOption,
    OutputFormat,
    UserOption,
    app,
    console,
    context,
    fail,
    print_json,
    user_errors,
)
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType
from habeas.services import ServiceError

# What `habeas add` calls the document it writes; the importer's problems name it, and are then
# said in the command's own words (--date, --field NAME) instead of a file and a pointer.
ORIGIN = "habeas-add.json"
_POINTER = re.compile(rf"^{re.escape(ORIGIN)}(?::\d+)?(?: at /events/0(?P<at>/[^:]*)?)?: (?P<message>.*)$", re.S)
_OPTION = {"date": "--date", "reported": "--reported", "sources": "--source", "note": "--note", "person": "PERSON"}


def _value(kind: str, name: str, text: str) -> Any:
    """A --field value as the case file would hold it: numbers, booleans and lists by the field's type."""
    spec = KIND_BY_NAME[kind].field(name) if kind in KIND_BY_NAME else None
    if spec is None:
        return text  # the importer names the unknown field
    if spec.type == FieldType.BOOL:
        return {"true": True, "yes": True, "false": False, "no": False}.get(text.lower(), text)
    if spec.type == FieldType.DAYS:
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if spec.type == FieldType.ENUM_LIST:
        return [part.strip() for part in text.split(",") if part.strip()]
    if spec.type == FieldType.COUNTRY:
        return text.upper()
    return text


def _fields(kind: str, written: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for item in written:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            fail(f"--field {item!r}: write NAME=VALUE, e.g. --field to='ICE ERO'")
        if name in fields:
            fail(f"--field {name} is given twice")
        if name in ("id", "person", "cohort", "kind", "date", "reported", "sources", "note"):
            fail(f"--field {name}: use the command's own argument or option for {name}")
        fields[name] = _value(kind, name, text)
    return fields


def _said_as_options(problem: str, kind: str) -> str:
    """An importer problem about the one event, in the command's words."""
    found = _POINTER.match(problem)
    if found is None:
        return problem
    at, message = found.group("at"), found.group("message")
    if not at:
        unknown = re.match(r"unknown key '([^']*)'; allowed here: (.*)$", message, re.S)
        if unknown is not None:
            fields = [f for f in unknown.group(2).split(", ") if f not in _OPTION and f not in ("id", "kind", "cohort")]
            return f"--field {unknown.group(1)}: not a field of {kind}; its fields are {', '.join(fields)}"
        return f"{kind}: {message}"
    top = at.strip("/").split("/")[0]
    option = _OPTION.get(top, f"--field {top}")
    return f"{option}: {message}"


@app.command("add")
def add_command(
    person: Annotated[str, typer.Argument(help="The person's id (see `habeas people`).", show_default=False)],
    kind: Annotated[str, typer.Argument(help="The kind of event (see `habeas schema kinds`).", show_default=False)],
    date: Annotated[
        str,
        typer.Option("--date", help="When it happened (EDTF: 2025-03-15, 2025-03, 2025-03-15/2025-03-16, 2025-03~)."),
    ],
    source: Annotated[
        list[str],
        typer.Option(
            "--source", help="The id of a stored source that reports it (repeat for several).", show_default=False
        ),
    ],
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="A field of the kind, NAME=VALUE (repeat for several).", show_default=False),
    ] = None,
    reported: Annotated[
        str | None, typer.Option("--reported", help="When it was first reported, if later (EDTF).", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text (sensitive: encrypted at rest).")] = None,
    event_id: Annotated[
        str | None,
        typer.Option("--id", help="An id for the event (default: one made from its content).", show_default=False),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record one event without writing a case file, checked exactly as a case file's would be.

    The event is stored through the case-file import: the same schema, dates, countries,
    references, reach and audit. Nothing is stored when anything is wrong, and every problem
    is said at once, named by the option that gave it. Sources must already be stored
    (import a case file with the source first, or use the web form, which can add one).

    [bold]Examples[/]:

      habeas add ve-0042 inquiry --date 2025-06-02 --source caseworker-log --field by=congress \\
        --field to="ICE ERO" --field case_number=CW-2025-0193 --field privacy_release=on_file

      habeas add ve-0042 proof_of_life --date 2025-06-10 --source call-log --field evidence=call --field by=counsel
    """
    written: dict[str, Any] = {"person": person, "kind": kind, "date": date, **_fields(kind, field or [])}
    if event_id:
        written["id"] = event_id
    if reported:
        written["reported"] = reported
    written["sources"] = list(dict.fromkeys(source))
    if note:
        written["note"] = note
    document = {"habeas": 1, "events": [written]}
    ctx = context(db, user=user)
    from habeas.services import track

    with user_errors():
        try:
            summary = track.import_casefile_data(ctx, [(ORIGIN, json.dumps(document, indent=1).encode())])
        except track.InvalidInput as exc:
            problems = [_said_as_options(p, kind) for p in exc.problems]
            head = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was recorded"
            raise ServiceError(head + "\n" + "\n".join(f"  {p}" for p in problems)) from exc
    added = summary.added.get("events", 0)
    if fmt == OutputFormat.json:
        print_json({"person": person, "kind": kind, "date": date, "added": bool(added)})
        return
    if added:
        console.print(f"Recorded {kind} for {person} on {date}.", highlight=False)
    else:
        console.print(f"Nothing new: this {kind} for {person} is already stored.", highlight=False)


@app.command("assign")
def assign_command(
    person: Annotated[str, typer.Argument(help="The person's id.", show_default=False)],
    assignee: Annotated[str, typer.Argument(help="The habeas user who works on them.", show_default=False)],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Assign a person to a user: their morning report (`habeas alerts`, the web) leads with them.

    One assignee a person; assigning again replaces the earlier one. The assignee must be able to
    reach the person (an access group). Editors and admins assign; every change is audited.

    [bold]Example[/]: habeas assign ve-0042 maria
    """
    from habeas.services import assignments

    ctx = context(db, user=user)
    with user_errors():
        change = assignments.assign(ctx, person, assignee)
    was = f" (was {change.previous})" if change.previous and change.previous != assignee else ""
    console.print(f"{person} is assigned to {assignee}{was}.", highlight=False)


@app.command("unassign")
def unassign_command(
    person: Annotated[str, typer.Argument(help="The person's id.", show_default=False)],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """End a person's assignment (audited).

    [bold]Example[/]: habeas unassign ve-0042
    """
    from habeas.services import assignments

    ctx = context(db, user=user)
    with user_errors():
        change = assignments.unassign(ctx, person)
    if change.previous is None:
        console.print(f"{person} was not assigned to anyone.", highlight=False)
    else:
        console.print(f"{person} is no longer assigned to {change.previous}.", highlight=False)

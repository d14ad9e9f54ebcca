"""Security commands: keys, users and access groups, the audit log, backup and restore, publish."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from habeas.cli.app import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    UserOption,
    app,
    console,
    context,
    day_option,
    err_console,
    fail,
    print_json,
    user_errors,
)
from habeas.security.crypto import KeyringError
from habeas.security.files import SecretFileError
from habeas.security.keyfiles import AUDIT_KEY_FILE_ENV, KEY_FILE_ENV, init_keys
from habeas.settings import Settings
from habeas.stats.disclosure import DEFAULT_THRESHOLD

keys_app = typer.Typer(help="The keys that protect the database: create them; keep them safe.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        envvar=KEY_FILE_ENV,
        help="Encryption key file (default: habeas.key in $HABEAS_HOME, ~/.local/share/habeas).",
        show_default=False,
    ),
]
AuditKeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--audit-key-file",
        envvar=AUDIT_KEY_FILE_ENV,
        help="Audit signing key file (default: habeas-audit.key beside the encryption key's default).",
        show_default=False,
    ),
]


@keys_app.command("init")
def keys_init(
    key_file: KeyFileOption = None,
    audit_key_file: AuditKeyFileOption = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Create the encryption key file and the audit signing key file (mode 0600).

    Refuses to overwrite either file. Back both up somewhere safe and offline right away:
    without the encryption key, nobody (you included) can read the names, identifiers,
    sensitive attributes and notes in the database or its backups.

    [bold]Example[/]: habeas keys init --key-file ~/habeas.key --audit-key-file ~/habeas-audit.key
    """
    settings = Settings.load(database_url=db, config_path=config)
    try:
        created = init_keys(settings, key_file, audit_key_file)
    except (SecretFileError, KeyringError, OSError) as exc:
        fail(str(exc))
    if fmt is OutputFormat.json:
        print_json(
            {
                "key_file": str(created.key_file),
                "key_id": created.key_id,
                "audit_key_file": str(created.audit_key_file),
                "audit_key_id": created.audit_key_id,
                "audit_public_key": created.audit_public_key,
            }
        )
    else:
        console.print(f"Created the encryption key file {created.key_file} (key {created.key_id}).")
        console.print(f"Created the audit signing key file {created.audit_key_file}.")
        console.print(f"Audit public key (write it down somewhere else): {created.audit_public_key}")
        console.print(
            "Back up both files now, offline and away from the database: a lost encryption key "
            "cannot be recovered, and neither can what it encrypted."
        )
    if created.environment_key_set:
        err_console.print(
            "[bold yellow]warning:[/] HABEAS_KEY is set, and habeas uses it instead of the new key file "
            "until you unset it."
        )


@keys_app.command("rotate")
def keys_rotate(db: DbOption = None, user: UserOption = None) -> None:
    """Re-encrypt every name, identifier, sensitive attribute and note under a new key.

    Adds a new key to the key file, re-encrypts everything and rebuilds the search indexes
    in one transaction, then removes the old key once no value needs it. Safe to run again
    after an interruption: it finishes the rotation it started. Stop `habeas serve` (and any
    other habeas process) first; backups made before the rotation still need the old key.

    [bold]Example[/]: habeas keys rotate
    """
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        result = security.rotate_keys(ctx)
    done = sum(result.reencrypted.values())
    what = "Finished the interrupted rotation" if result.finished_earlier_rotation else "Rotated"
    console.print(
        f"{what} to key {result.key_id}: re-encrypted {done} values; rebuilt {result.identifier_index} "
        f"identifier index entries and {result.name_tokens} name tokens."
    )
    if result.removed:
        where = result.key_file or "HABEAS_KEY"
        verb = "Removed" if result.key_file else "No value needs; remove them from"
        console.print(f"{verb} the old key{'s' if len(result.removed) > 1 else ''} {', '.join(result.removed)} "
                      f"{'from ' if result.key_file else ''}{where}.")  # fmt: skip
        console.print(
            "Backups made before now open only with the old key: keep your offline copy of the old key "
            "file until they expire, and replace your copies of the key file with the new one now."
        )
    if result.still_used:
        fail(
            f"{sum(result.still_used.values())} values were written under an old key during the rotation "
            "(another habeas process is running); stop it and run `habeas keys rotate` again"
        )


# --- users and access groups ----------------------------------------------------------------

users_app = typer.Typer(help="Who may use habeas, with which role, over which records.", no_args_is_help=True)
app.add_typer(users_app, name="users")
groups_app = typer.Typer(help="Access groups: the people and cohorts a user may reach.", no_args_is_help=True)
app.add_typer(groups_app, name="groups")

PasswordStdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]


def _interactive() -> bool:
    return sys.stdin.isatty()


def _read_password(from_stdin: bool, required: bool) -> str | None:
    """From stdin when asked, else typed twice without echo; never from the command line."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("--password-stdin: no password on standard input")
        return line
    if not _interactive():
        if required:
            fail("there is no terminal to ask for the password: pipe it in with --password-stdin")
        return None
    hint = "" if required else " (for signing in on the web; Enter for none)"
    value = typer.prompt(f"Password{hint}", default="", show_default=False, hide_input=True, confirmation_prompt=True)
    if required and not value:
        fail("no password given; nothing was changed")
    return value or None


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name (letters, digits, . _ - @).")],
    role: Annotated[str, typer.Option("--role", help="admin, editor or viewer.")],
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add a user. Asks for a password twice when run in a terminal; a user without one can
    use the command line but cannot sign in on the web until `habeas users passwd NAME`.

    A new editor or viewer reaches no record until granted an access group
    (`habeas users grant NAME --group G`).

    [bold]Example[/]: habeas users add paralegal --role editor
    """
    from habeas.services import security

    ctx = context(db, user=user)
    password = _read_password(password_stdin, required=False)
    with user_errors():
        security.add_user(ctx, name, role, password)
    console.print(f"Added the {role} {name}{'' if password else ' (no password: command line only)'}.")
    if role != "admin":
        console.print(f"{name} reaches no record until granted a group: habeas users grant {name} --group GROUP")


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="The user whose password to set.")],
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set a user's password (admins for anyone; every user for themselves).

    [bold]Example[/]: habeas users passwd paralegal
    """
    from habeas.services import security

    ctx = context(db, user=user)
    password = _read_password(password_stdin, required=True)
    assert password is not None
    with user_errors():
        security.change_password(ctx, name, password)
    console.print(f"Set the password of {name}.")


@users_app.command("list")
def users_list(fmt: FormatOption = OutputFormat.table, db: DbOption = None, user: UserOption = None) -> None:
    """List users with their role, access groups, and whether they can sign in on the web.

    [bold]Example[/]: habeas users list --format json
    """
    from habeas.services import access

    ctx = context(db, user=user)
    with user_errors():
        users = access.list_users(ctx)
    rows: list[dict[str, Any]] = [
        {"name": u.name, "role": str(u.role), "active": u.active, "groups": [g.name for g in u.groups],
         "password": has}
        for u, has in users
    ]  # fmt: skip
    if fmt is OutputFormat.json:
        print_json(rows)
        return
    table = Table(title="Users", title_justify="left")
    for column in ("name", "role", "groups", "active", "web sign-in"):
        table.add_column(column)
    for row in rows:
        reach = "every record (admin)" if row["role"] == "admin" else "none: reaches no record"
        active, web = ("yes" if row["active"] else "no"), ("yes" if row["password"] else "no")
        table.add_row(row["name"], row["role"], ", ".join(row["groups"]) or reach, active, web)
    console.print(table)


@users_app.command("grant")
def users_grant(
    name: Annotated[str, typer.Argument(help="The user.")],
    group: Annotated[str, typer.Option("--group", help="The access group (`habeas groups add`).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Let a user reach the people and cohorts of an access group.

    [bold]Example[/]: habeas users grant paralegal --group cecot-team
    """
    from habeas.services import access

    ctx = context(db, user=user)
    with user_errors():
        access.grant(ctx, name, group)
    console.print(f"{name} now reaches the records of the group {group}.")


@users_app.command("revoke")
def users_revoke(
    name: Annotated[str, typer.Argument(help="The user.")],
    group: Annotated[str, typer.Option("--group", help="The access group.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Take an access group away from a user.

    [bold]Example[/]: habeas users revoke paralegal --group cecot-team
    """
    from habeas.services import access

    ctx = context(db, user=user)
    with user_errors():
        access.revoke(ctx, name, group)
    console.print(f"{name} no longer reaches the records of the group {group} (other groups still apply).")


@users_app.command("deactivate")
def users_deactivate(
    name: Annotated[str, typer.Argument(help="The user.")], db: DbOption = None, user: UserOption = None
) -> None:
    """Stop a user from acting at all; the audit log keeps what they did.

    [bold]Example[/]: habeas users deactivate paralegal
    """
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        security.deactivate_user(ctx, name)
    console.print(f"Deactivated {name}.")


@users_app.command("reset-second-factor")
def users_reset_second_factor(
    name: Annotated[str, typer.Argument(help="The user whose authenticator is lost.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Forget a user's authenticator app (a lost or stolen phone) and end their web sessions.

    At their next sign-in, after the password, they enrol a new authenticator. Admins only; audited.

    [bold]Example[/]: habeas users reset-second-factor desk
    """
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        security.reset_second_factor(ctx, name)
    console.print(f"Reset the second factor of {name}: they enrol a new authenticator at their next sign-in.")


@groups_app.command("add")
def groups_add(
    name: Annotated[str, typer.Argument(help="The group's name.")],
    person: Annotated[list[str] | None, typer.Option("--person", help="A person id (repeatable).")] = None,
    cohort: Annotated[list[str] | None, typer.Option("--cohort", help="A cohort id: all its members.")] = None,
    all_records: Annotated[bool, typer.Option("--all-records", help="Every record in the database.")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create an access group, or add people and cohorts to an existing one.

    Example: habeas groups add cecot-team --cohort cecot-2025-03 --person p-017
    """
    from habeas.services import access

    ctx = context(db, user=user)
    with user_errors():
        access.define_group(ctx, name, person or (), cohort or (), all_records)
    console.print(f"The group {name} covers {'every record' if all_records else 'the people and cohorts given'}.")


# --- the audit log --------------------------------------------------------------------------

audit_app = typer.Typer(help="The tamper-evident record of who saw and changed what.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            help="Checkpoints exported earlier (`habeas audit export-checkpoints`), kept "
            "off the server: also catches the newest entries deleted with their checkpoints.",
        ),
    ] = None,
    audit_key_file: AuditKeyFileOption = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Recompute the audit chain, check for gaps and check the signed checkpoints.

    Exits non-zero naming the first entry that was changed, deleted, moved or cut off, or
    where checkpoints were deleted (more entries unsigned than habeas ever leaves), and
    reports how many of the newest entries no checkpoint has signed yet. The log is also
    checked against the newest checkpoint signed on this machine (kept beside the audit key).

    [bold]Example[/]: habeas audit verify --anchor checkpoints.jsonl
    """  # fmt: skip
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        check = security.verify_audit(ctx, anchor, audit_key_file)
    result = check.result
    if fmt is OutputFormat.json:
        print_json({"ok": result.ok, "entries": result.entries, "checkpoints": result.checkpoints,
                    "last_signed_seq": result.last_signed_seq, "unsigned": check.unsigned,
                    "first_bad_seq": result.first_bad_seq, "problem": result.problem, "message": result.message,
                    "key": check.key_source, "high_water_seq": check.high_water_seq})  # fmt: skip
        if not result.ok:
            raise typer.Exit(1)
        return
    if not result.ok:
        fail(f"the audit log does not verify: first bad entry {result.first_bad_seq} ({result.problem}): "
             f"{result.message}")  # fmt: skip
    if check.key_source is None:
        console.print(f"The hash chain of {result.entries} entries is intact.")
        err_console.print("[bold yellow]warning:[/] no audit key file here and no --anchor: the signed checkpoints "
                          "were not checked, so a chain rewritten whole would pass.")  # fmt: skip
        return
    console.print(
        f"The audit chain is intact: {result.entries} entries; {result.checkpoints} checkpoints checked with "
        f"{check.key_source}."
    )
    if check.high_water_seq is not None:
        console.print(f"It still holds entry {check.high_water_seq}, the newest this machine signed.")
    else:
        console.print("This machine has signed no checkpoint of this log: a log cut short since cannot be told "
                      "from a shorter one here (use --anchor).")  # fmt: skip
    if check.unsigned:
        newest = "entry is" if check.unsigned == 1 else f"{check.unsigned} entries are"
        console.print(f"The newest {newest} not yet signed by a checkpoint.")


@audit_app.command("log")
def audit_log(
    person: Annotated[str | None, typer.Option("--person", help="Only entries about this person.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only what this user did.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only from this day (YYYY-MM-DD).")] = None,
    fmt: FormatOption = OutputFormat.table,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Who saw or changed what, and who was refused (admins only; reading the log is logged).

    --actor filters by who acted; --user is, as in every command, who you act as.

    Example: habeas audit log --person p-017 --since 2025-05-01
    """
    from habeas.services import security

    ctx = context(db, user=user)
    day = day_option(since, "--since", default_today=False)
    with user_errors():
        entries = security.audit_log(ctx, person, actor, day)
    if fmt is OutputFormat.json:
        print_json([{k: v for k, v in e.to_dict().items() if k not in ("prev_hash", "hash")} for e in entries])
        return
    table = Table(title="Audit log", title_justify="left")
    for column in ("#", "when (UTC)", "who", "did", "record", "outcome"):
        table.add_column(column)
    for e in entries:
        record = f"{e.record_type} {e.record_id or ''}".strip() if e.record_type else ""
        outcome = Text(e.outcome, style="" if e.outcome == "allowed" else "bold red")
        table.add_row(str(e.seq), e.at[:19].replace("T", " "), e.actor, e.action, record, outcome)
    console.print(table)
    if not entries:
        console.print("No entries match.")


@audit_app.command("export-checkpoints")
def audit_export_checkpoints(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the anchor (JSON lines).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Sign the newest entry and write every checkpoint with the audit public key to a file.

    Keep that file where the server's admins cannot change it (another machine, a printout):
    `habeas audit verify --anchor FILE` then catches a log rewritten or cut short since.

    [bold]Example[/]: habeas audit export-checkpoints --out checkpoints.jsonl
    """
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        newest = security.export_checkpoints(ctx, out)
    console.print(f"Wrote the audit anchor {out}: checkpoints up to entry {newest.seq}, signed by {newest.key_id}.")


# --- backup, restore, publish ---------------------------------------------------------------


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="The sealed backup to write (never overwritten).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Back up the database into one file sealed with the encryption key.

    A consistent copy (SQLite's backup API, or pg_dump for PostgreSQL), checked (integrity
    and audit chain) before it is sealed. Without the key the file is unreadable; with it,
    it holds everything: never store the key beside it.

    [bold]Example[/]: habeas backup habeas-2025-05-01.backup
    """
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        result = security.backup(ctx, file)
    counts = result.manifest.counts
    console.print(
        f"Wrote the sealed backup {file}: {counts.get('people', 0)} people, {counts.get('events', 0)} events, "
        f"{result.manifest.audit_entries} audit entries (chain verified); sealed with key {ctx.keyring.primary_id}."
    )


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A sealed backup written by `habeas backup`.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Restore a sealed backup into an empty database (a new SQLite file, or a new PostgreSQL database).

    Needs the key that sealed it, and you must be an admin in the backup. Checks every
    chunk's seal, then the restored database's integrity, row counts and audit chain.

    [bold]Example[/]: habeas restore habeas-2025-05-01.backup --db sqlite:///restored.db
    """
    from habeas.services import security

    ctx = context(db, user=user)
    with user_errors():
        result = security.restore(ctx, file)
    counts = result.manifest.counts
    console.print(
        f"Restored {file} into {ctx.engine.url.render_as_string(hide_password=True)}: {counts.get('people', 0)} "
        f"people, {counts.get('events', 0)} events; integrity, row counts and the audit chain "
        f"({result.manifest.audit_entries} entries) verified."
    )


@app.command("publish")
def publish(
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write (an earlier publication is replaced).")],
    threshold: Annotated[
        int, typer.Option("--threshold", help="Suppress counts from 1 to this (at least 5).")
    ] = DEFAULT_THRESHOLD,
    cohort: Annotated[str | None, typer.Option("--cohort", help="Only this cohort's members.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day counted (YYYY-MM-DD); default today.")] = None,
    suppress_differences: Annotated[
        bool,
        typer.Option(
            "--suppress-differences",
            help="Suppress the counts an earlier publication would give away by difference, instead of refusing.",
        ),
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="The page's language: en (the default) or es.")] = "en",
    publisher: Annotated[
        str | None,
        typer.Option("--publisher", help="Who publishes, as the page names them; default: [publish] publisher."),
    ] = None,
    licence: Annotated[
        str | None,
        typer.Option(
            "--licence",
            help="The licence the figures are published under, e.g. 'CC BY-SA 4.0'; default: [publish] licence, "
            "else CC BY 4.0.",
        ),
    ] = None,
    licence_url: Annotated[
        str | None,
        typer.Option("--licence-url", help="Where the licence is read (https://…); known licences have one."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Write safe aggregate tables for the public: CSV, JSON and a static page with charts.

    Counts of distinct people by custody and citizenship, by days without proof of life,
    and by due-process flag (a person flagged by two rules is in two rows, and once in the
    total). Never names, identifiers, free text or sensitive attributes; counts from 1 to
    the threshold, and any that would give them away, are suppressed and the page says so
    in words. Every count shown is recorded; a count that differs from an earlier
    publication's by 1 to the threshold (another cohort, another day) is refused, naming
    where. The page names the publisher, the day counted, the method and the licence: the
    options, else the settings file's [publish] table (publisher, licence, licence_url,
    method), else CC BY 4.0 and no publisher. It reads on a phone, in English or Spanish.

    [bold]Example[/]: habeas publish --out public/ --as-of 2025-05-01 --lang es --publisher "Example Coalition"
    """
    from habeas.publish.colophon import Colophon, ColophonError
    from habeas.services import security

    ctx = context(db, user=user)
    day = day_option(as_of, "--as-of")
    try:
        colophon = Colophon.load(ctx.settings.config_path).chosen(publisher, licence, licence_url)
    except ColophonError as exc:
        fail(f"nothing was published: {exc}")
    with user_errors():
        result = security.publish(ctx, out, threshold, cohort, day, suppress_differences, lang, colophon)
    hidden = sum(len(t.suppressed) for t in result.tables)
    because = f" ({result.withheld} of them because of earlier publications)" if result.withheld else ""
    console.print(
        f"Published {len(result.tables)} tables to {out} ({', '.join(p.name for p in result.files)}); "
        f"{hidden} counts suppressed{because}."
    )

"""Security commands: keys init (users, audit and backup commands join once the store holds them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from habeas.cli.app import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    app,
    console,
    err_console,
    fail,
    print_json,
)
from habeas.security.crypto import KeyringError
from habeas.security.files import SecretFileError
from habeas.security.keyfiles import AUDIT_KEY_FILE_ENV, KEY_FILE_ENV, init_keys
from habeas.settings import Settings

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

"""Key rotation in the store: every envelope re-encrypted and the keyed indexes rebuilt, in one transaction.

The keyring passed in holds the new primary key and the old keys. Envelopes already
under the primary key are checked and left alone, so a rotation that was interrupted
runs again from the start and finishes. The identifier index and the name tokens are
HMACs under the primary key, so they are recomputed from the decrypted values.
Events are append-only; re-encrypting their notes is the one update they allow, made
with the database's guard suspended inside the same transaction, so a crash leaves the
guard in place.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, insert, or_, select, text, update

from habeas.security.crypto import FieldContext, Keyring, envelope_key_id, rotate
from habeas.security.search import blind_index, name_tokens
from habeas.store import links as _links  # noqa: F401  (its tables hold envelopes: they must be in Base.metadata)
from habeas.store import shared_state as _shared_state  # noqa: F401  (the same: import jobs are sealed)
from habeas.store.tables import Base

BATCH = 500


@dataclass(frozen=True)
class EnvelopeColumns:
    """Encrypted columns of one table. A value's FieldContext is (table, column without ``_enc``, row id)."""

    table: str
    id_column: str
    columns: tuple[str, ...]


# Every encrypted column in the schema; a test checks that no `*_enc` column is missing.
ENVELOPES: tuple[EnvelopeColumns, ...] = (
    EnvelopeColumns("people", "id", ("name_enc", "aliases_enc", "birth_date_enc", "identifiers_enc", "sensitive_enc")),
    EnvelopeColumns("events", "id", ("notes_enc",)),
    EnvelopeColumns("users", "name", ("totp_secret_enc",)),
    EnvelopeColumns("link_candidates", "id", ("pair_enc", "explanation_enc")),
    EnvelopeColumns("link_decision_notes", "decision_id", ("note_enc",)),  # its decisions are append-only, not it
    EnvelopeColumns("import_jobs", "digest", ("filename_enc", "outcome_enc")),  # the web's dataset imports
)


@dataclass
class RotationCounts:
    reencrypted: dict[str, int] = field(default_factory=dict)  # table -> values re-encrypted
    already_current: int = 0  # values that were under the primary key already
    identifier_index: int = 0
    name_tokens: int = 0


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def key_usage(connection: Connection) -> Counter[str]:
    """How many envelopes each key id encrypted, read from the envelopes' clear key ids."""
    usage: Counter[str] = Counter()
    for spec in ENVELOPES:
        table = _table(spec.table)
        for column in spec.columns:
            for (envelope,) in connection.execute(select(table.c[column]).where(table.c[column].is_not(None))):
                usage[envelope_key_id(envelope)] += 1
    return usage


def reencrypt_all(engine: Engine, keyring: Keyring) -> RotationCounts:
    """Re-encrypt every envelope under ``keyring``'s primary key and rebuild the indexes; all or nothing."""
    counts = RotationCounts()
    with _write_transaction(engine) as connection, _events_writable(connection):
        for spec in ENVELOPES:
            _reencrypt_table(connection, keyring, spec, counts)
        _rebuild_indexes(connection, keyring, counts)
        _rekey_event_digests(connection, keyring)
        _reseal_import_files(connection, keyring)
    return counts


def _reseal_import_files(connection: Connection, keyring: Keyring) -> None:
    """Each import's sealed list of files (kept inside its JSON column) re-encrypted under the primary key."""
    table = _table("imports")
    for import_id, files in connection.execute(select(table.c.id, table.c.files)).all():
        envelope = files[0].get("sealed") if isinstance(files, list) and len(files) == 1 else None
        if not envelope:
            continue
        context = FieldContext("imports", "files", str(import_id))
        ((_, new),) = rotate([(context, envelope)], keyring, keyring)
        if new != envelope:
            connection.execute(update(table).where(table.c.id == import_id).values(files=[{"sealed": new}]))


def _rekey_event_digests(connection: Connection, keyring: Keyring) -> None:
    """Content digests written before they were keyed (plain SHA-256) replaced by keyed ones."""
    from habeas.store.repository import content_digest, event_from_stored

    table = _table("events")
    statement = update(table).where(table.c.id == bindparam("_row_id"))
    columns = ("written", "notes_enc", "content_sha256")
    for rows in _batches(connection, table, "id", columns):
        changed = []
        for event_id, written, notes_enc, stored in rows:
            digest = content_digest(keyring, event_from_stored(keyring, event_id, written, notes_enc))
            if digest != stored:
                changed.append({"_row_id": event_id, "_digest": digest})
        if changed:
            connection.execute(statement.values(content_sha256=bindparam("_digest")), changed)


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the write lock from its first statement.

    SQLite's Python driver opens a transaction only before INSERT, UPDATE or DELETE; the
    trigger statements below must fall inside it too, so the transaction is begun by hand.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


@contextmanager
def _events_writable(connection: Connection) -> Iterator[None]:
    """Suspend the append-only guard on events inside the current transaction, then restore it."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        found = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_no_update'")
        ).first()
        if found is not None:
            connection.exec_driver_sql("DROP TRIGGER events_no_update")
        yield
        if found is not None:
            connection.exec_driver_sql(found[0])
    elif dialect == "postgresql":
        found = connection.execute(
            text("SELECT 1 FROM pg_trigger WHERE tgname = 'events_append_only' AND tgrelid = 'events'::regclass")
        ).first()
        if found is not None:
            connection.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER events_append_only")
        yield
        if found is not None:
            connection.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER events_append_only")
    else:
        yield


def _batches(connection: Connection, table: Table, id_column: str, columns: tuple[str, ...]) -> Iterator[list[Any]]:
    """Rows that hold at least one envelope, in id order, a batch at a time (keyset pagination)."""
    key = table.c[id_column]
    last: str | None = None
    while True:
        query = select(key, *(table.c[c] for c in columns)).where(or_(*(table.c[c].is_not(None) for c in columns)))
        if last is not None:
            query = query.where(key > last)
        rows = list(connection.execute(query.order_by(key).limit(BATCH)).all())
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _reencrypt_table(connection: Connection, keyring: Keyring, spec: EnvelopeColumns, counts: RotationCounts) -> None:
    table = _table(spec.table)
    statement = update(table).where(table.c[spec.id_column] == bindparam("_row_id"))
    done = 0
    for rows in _batches(connection, table, spec.id_column, spec.columns):
        for column in spec.columns:
            items = _items(rows, spec, column)
            changed = []
            for (context, new), (_, old) in zip(rotate(items, keyring, keyring), items, strict=True):
                if new == old:
                    counts.already_current += 1
                else:
                    changed.append({"_row_id": context.row_id, "_envelope": new})
            if changed:
                connection.execute(statement.values({column: bindparam("_envelope")}), changed)
                done += len(changed)
    counts.reencrypted[spec.table] = done


def _items(rows: list[Any], spec: EnvelopeColumns, column: str) -> list[tuple[FieldContext, str]]:
    position = 1 + spec.columns.index(column)
    name = column.removesuffix("_enc")
    return [(FieldContext(spec.table, name, str(row[0])), row[position]) for row in rows if row[position] is not None]


def _open(keyring: Keyring, column: str, person_id: str, envelope: str | None, empty: Any) -> Any:
    if envelope is None:
        return empty
    return json.loads(keyring.decrypt(envelope, FieldContext("people", column, person_id)))


def _rebuild_indexes(connection: Connection, keyring: Keyring, counts: RotationCounts) -> None:
    """The identifier index and name tokens, recomputed under the primary key (as the repository writes them)."""
    connection.execute(delete(_table("identifier_index")))
    connection.execute(delete(_table("name_tokens")))
    columns = ("name_enc", "aliases_enc", "identifiers_enc")
    for rows in _batches(connection, _table("people"), "id", columns):
        digests, tokens = [], []
        for person_id, name_enc, aliases_enc, identifiers_enc in rows:
            identifiers = _open(keyring, "identifiers", person_id, identifiers_enc, {})
            for kind, value in identifiers.items():
                digests.append({"person_id": person_id, "kind": kind, "digest": blind_index(keyring, kind, str(value))})
            names = [n for n in [_open(keyring, "name", person_id, name_enc, None),
                                 *_open(keyring, "aliases", person_id, aliases_enc, [])] if n]  # fmt: skip
            tokens += [{"person_id": person_id, "token": t} for t in (name_tokens(keyring, *names) if names else ())]
        if digests:
            connection.execute(insert(_table("identifier_index")), digests)
        if tokens:
            connection.execute(insert(_table("name_tokens")), tokens)
        counts.identifier_index += len(digests)
        counts.name_tokens += len(tokens)

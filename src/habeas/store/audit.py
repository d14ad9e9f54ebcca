"""The audit chain kept in the database: an AuditSink over two append-only tables."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from habeas.security.audit import AuditEntry, Checkpoint, SequenceConflict, next_entry
from habeas.store.tables import AuditCheckpointRow, AuditEntryRow


class SqlAuditSink:
    """Each append is its own short transaction, so a denial is recorded even when the command fails."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # Writers in one process take turns, so concurrent requests do not race for the next sequence number.
        self.lock = threading.Lock()
        # The newest entry this process knows to be committed (only ever behind the table, never ahead:
        # the table is append-only and entries written in a caller's transaction are not remembered).
        self._head: AuditEntry | None = None
        self._head_known = False
        self._signed_seq: int | None = None  # the newest checkpoint's sequence number, as last read

    def head(self) -> AuditEntry | None:
        """The newest committed entry as this process last saw it (read once, then followed); hold ``lock``."""
        if not self._head_known:
            self._head, self._head_known = self.last_entry(), True
        return self._head

    def _remember(self, entry: AuditEntry | None) -> None:
        self._head, self._head_known = entry, entry is not None

    def forget(self) -> None:
        """Another writer appended (or a caller's transaction may): read the newest entry again next time."""
        self._head_known = False

    def signed_seq(self) -> int:
        """The sequence number of the newest checkpoint, read from the table once and then kept."""
        if self._signed_seq is None:
            last = self.last_checkpoint()
            self._signed_seq = last.seq if last is not None else 0
        return self._signed_seq

    def note_signed(self, seq: int | None = None) -> None:
        """A checkpoint was written (``seq``), or may have been by another process (None: read it again)."""
        self._signed_seq = seq

    def append(self, entry: AuditEntry) -> None:
        self.append_many([entry])

    def append_many(self, entries: Sequence[AuditEntry], connection: Connection | None = None) -> None:
        """Append in a short transaction of its own, or inside the caller's (``connection``)."""
        try:
            if connection is not None:
                self._insert(connection, entries)
                return
            with self.engine.begin() as own:
                self._insert(own, entries)
        except IntegrityError as exc:
            raise SequenceConflict("another writer took the next audit sequence number") from exc

    @staticmethod
    def _insert(connection: Connection, entries: Sequence[AuditEntry]) -> None:
        last = connection.execute(select(AuditEntryRow.seq).order_by(AuditEntryRow.seq.desc()).limit(1))
        last_seq = last.scalar() or 0
        if entries and entries[0].seq != last_seq + 1:
            raise SequenceConflict(f"expected audit entry {last_seq + 1}, got {entries[0].seq}")
        connection.execute(AuditEntryRow.__table__.insert(), [asdict(e) for e in entries])

    def append_checkpoint(self, checkpoint: Checkpoint) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(AuditCheckpointRow.__table__.insert(), [asdict(checkpoint)])
        except IntegrityError:
            pass  # another process signed the same entry first: the chain is already vouched for
        self.note_signed(checkpoint.seq)

    def last_entry(self, connection: Connection | None = None) -> AuditEntry | None:
        query = select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1)
        if connection is not None:
            row = connection.execute(query).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        return AuditEntry(**row._mapping) if row is not None else None

    def last_checkpoint(self) -> Checkpoint | None:
        with self.engine.connect() as connection:
            query = select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq.desc()).limit(1)
            row = connection.execute(query).first()
        return Checkpoint(**row._mapping) if row is not None else None

    def entries(self) -> Iterator[AuditEntry]:
        with self.engine.connect() as connection:
            for row in connection.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq)):
                yield AuditEntry(**row._mapping)

    def checkpoints(self) -> Iterator[Checkpoint]:
        with self.engine.connect() as connection:
            for row in connection.execute(select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq)):
                yield Checkpoint(**row._mapping)


def record_many(
    sink: SqlAuditSink,
    actor: str,
    action: str,
    outcome: str,
    records: Sequence[tuple[str | None, str | None]],
    connection: Connection | None = None,
) -> list[AuditEntry]:
    """Append one entry per (record type, record id) in a single transaction (a list of 5,000 reads).

    With ``connection`` the entries join the caller's transaction: they commit or vanish with it.
    """
    for attempt in range(1 if connection is not None else 10):
        if attempt > 1:  # the first retry follows the head read again; later ones back off
            time.sleep(random.uniform(0.005, 0.05) * attempt)
        with sink.lock:
            chain = _append_chain(sink, actor, action, outcome, records, connection)
        if chain is not None:
            return chain
    raise SequenceConflict("could not append to the audit log: other writers kept taking the next sequence number")


def _append_chain(
    sink: SqlAuditSink,
    actor: str,
    action: str,
    outcome: str,
    records: Sequence[tuple[str | None, str | None]],
    connection: Connection | None,
) -> list[AuditEntry] | None:
    """Chain one entry a record after the newest entry and append them; None when another writer came first.

    In its own transaction the chain follows the newest entry this process remembers; when another
    process appended meanwhile, the insert finds the sequence number taken and the head is read again.
    """
    previous = sink.last_entry(connection) if connection is not None else sink.head()
    at = datetime.now(UTC)
    chain: list[AuditEntry] = []
    for record_type, record_id in records:
        previous = next_entry(
            previous, at=at, actor=actor, action=action, outcome=outcome, record_type=record_type,
            record_id=record_id,
        )  # fmt: skip
        chain.append(previous)
    try:
        sink.append_many(chain, connection)
    except SequenceConflict:
        sink.forget()
        if connection is not None:
            raise
        return None
    if connection is not None:
        sink.forget()  # the caller's transaction may still roll back: do not follow entries it holds
    else:
        sink._remember(chain[-1])
    return chain

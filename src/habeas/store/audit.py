"""The audit chain kept in the database: an AuditSink over two append-only tables.

Many writers share one chain: the threads of a web server and, through the database,
other processes (a second server worker, a command run meanwhile). An entry must follow
the newest entry exactly, so appending takes the database's write lock first (SQLite's
``BEGIN IMMEDIATE``, a PostgreSQL transaction-level advisory lock), then reads the newest
entry, chains after it and commits: writers wait their turn instead of colliding.

Within one process, appends that arrive while another is being written are written
together in the next transaction (a group commit): a busy server pays one commit for
many reads, and every caller still returns only once its own entries are committed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

try:
    import fcntl
except ImportError:  # Windows: SQLite's own lock orders the processes
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows; callers check for None

from sqlalchemy import Connection, Engine, Table, select, text
from sqlalchemy.exc import IntegrityError

from habeas.security.audit import AuditEntry, Checkpoint, SequenceConflict, next_entry
from habeas.store.tables import AuditCheckpointRow, AuditEntryRow

# The tables behind the rows, for bulk inserts (an ORM class's __table__ is typed as any FROM clause).
_ENTRIES = cast(Table, AuditEntryRow.__table__)
_CHECKPOINTS = cast(Table, AuditCheckpointRow.__table__)

Records = Sequence[tuple[str | None, str | None]]
# The key of the PostgreSQL advisory lock that orders audit writers (any fixed number: "habeas" in ASCII).
POSTGRES_AUDIT_LOCK = 0x686162656173
_COLUMNS = ("seq", "at", "actor", "action", "record_type", "record_id", "outcome", "prev_hash", "hash")
_NEWEST = f"SELECT {', '.join(_COLUMNS)} FROM audit_entries ORDER BY seq DESC LIMIT 1"
_CHECKPOINT_COLUMNS = ("seq", "hash", "at", "key_id", "signature")
_INSERT = f"INSERT INTO audit_entries ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


@dataclass
class _Request:
    """One caller's entries waiting to be written (with others that arrived meanwhile)."""

    actor: str
    action: str
    outcome: str
    records: Records
    chain: list[AuditEntry] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


class SqlAuditSink:
    """Each append is its own short transaction, so a denial is recorded even when the command fails."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # Writers in one process take turns here; the one holding it writes everything queued meanwhile.
        self.lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Request] = []
        self._signed_seq: int | None = None  # the newest checkpoint's sequence number, as last read
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self._lock_path = f"{database}.audit-lock" if database and database != ":memory:" else None
        self._lock_file: IO[bytes] | None = None
        self.identity = database_identity(engine)

    # -- appending chains of entries (what the services do) ---------------------------------

    def record(self, actor: str, action: str, outcome: str, records: Records) -> list[AuditEntry]:
        """Append one entry per record, after the newest entry, and return them once committed."""
        return self.record_all(actor, [(action, outcome, records)])

    def record_all(self, actor: str, actions: Sequence[tuple[str, str, Records]]) -> list[AuditEntry]:
        """Append the entries of several (action, outcome, records) in one transaction; return them once committed."""
        mine = [_Request(actor, action, outcome, list(records)) for action, outcome, records in actions]
        with self._queue_lock:
            self._queue.extend(mine)
        with self.lock:
            if not all(request.done for request in mine):
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    self._write(batch)
                except BaseException as exc:
                    for waiting in batch:
                        waiting.error, waiting.done = exc, True
                    raise
        for request in mine:
            if request.error is not None:
                raise request.error
        return [entry for request in mine for entry in request.chain]

    def _write(self, batch: list[_Request]) -> None:
        """Chain every queued request after the newest entry, in one transaction under the write lock."""
        if self.engine.dialect.name == "sqlite":
            self._write_sqlite(batch)
            return
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_AUDIT_LOCK})
            previous = self.last_entry(connection)
            rows = _chain(batch, previous)
            connection.execute(_ENTRIES.insert(), [asdict(e) for e in rows])
        _finish(batch)

    def _write_sqlite(self, batch: list[_Request]) -> None:
        with self._between_processes():
            self._write_sqlite_locked(batch)

    @contextmanager
    def _between_processes(self) -> Iterator[None]:
        """Audit writers of several processes (server workers) queue on a lock file beside the database.

        SQLite's own lock would do, but a writer that finds it taken sleeps for milliseconds before
        looking again; a waiter on the lock file wakes the moment it is released.
        """
        if fcntl is None or self._lock_path is None:
            yield
            return
        if self._lock_file is None:
            self._lock_file = open(self._lock_path, "a+b")  # noqa: SIM115 -- kept open for the sink's life
        fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)

    def _write_sqlite_locked(self, batch: list[_Request]) -> None:
        # The driver's own connection: BEGIN IMMEDIATE takes the write lock before the newest entry is
        # read (waiting for other processes up to the busy timeout), so no other writer can slip in.
        raw: Any = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                row = cursor.execute(_NEWEST).fetchone()
                previous = AuditEntry(*row) if row is not None else None
                rows = _chain(batch, previous)
                cursor.executemany(_INSERT, [tuple(getattr(e, c) for c in _COLUMNS) for e in rows])
                raw.commit()
            except BaseException:
                raw.rollback()
                raise
        finally:
            raw.close()
        _finish(batch)

    # -- the AuditSink protocol (prebuilt entries, checked to follow the newest) -------------

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
        connection.execute(_ENTRIES.insert(), [asdict(e) for e in entries])

    # -- checkpoints ---------------------------------------------------------------------------

    def signed_seq(self) -> int:
        """The sequence number of the newest checkpoint, read from the table once and then kept."""
        if self._signed_seq is None:
            last = self.last_checkpoint()
            self._signed_seq = last.seq if last is not None else 0
        return self._signed_seq

    def note_signed(self, seq: int | None = None) -> None:
        """A checkpoint was written (``seq``), or may have been by another process (None: read it again)."""
        self._signed_seq = seq

    def append_checkpoint(self, checkpoint: Checkpoint) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(_CHECKPOINTS.insert(), [asdict(checkpoint)])
        except IntegrityError:
            pass  # another process signed the same entry first: the chain is already vouched for
        self.note_signed(checkpoint.seq)

    # -- reading ---------------------------------------------------------------------------------

    def last_entry(self, connection: Connection | None = None) -> AuditEntry | None:
        query = select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1)
        if connection is not None:
            row = connection.execute(query).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        return AuditEntry(**row._mapping) if row is not None else None

    def entry(self, seq: int) -> AuditEntry | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(AuditEntryRow).where(AuditEntryRow.seq == seq)).first()
        return AuditEntry(**row._mapping) if row is not None else None

    def snapshot(self) -> tuple[list[AuditEntry], list[Checkpoint]]:
        """Every entry and checkpoint as of one moment: a checkpoint signed meanwhile never comes without its entry."""
        if self.engine.dialect.name == "sqlite":
            raw: Any = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("BEGIN")  # one read transaction: WAL readers see one moment
                rows = cursor.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_entries ORDER BY seq").fetchall()
                signed = cursor.execute(f"SELECT {', '.join(_CHECKPOINT_COLUMNS)} FROM audit_checkpoints ORDER BY seq")
                checkpoints = [Checkpoint(*row) for row in signed.fetchall()]
                raw.rollback()
            finally:
                raw.close()
            return [AuditEntry(*row) for row in rows], checkpoints
        with self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            entries = [
                AuditEntry(**r._mapping) for r in connection.execute(select(AuditEntryRow).order_by(AuditEntryRow.seq))
            ]
            query = select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq)
            return entries, [Checkpoint(**r._mapping) for r in connection.execute(query)]

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


def database_identity(engine: Engine) -> str | None:
    """The name a database's checkpoint marks go by: its file, or its server and name (never a password)."""
    url = engine.url
    if engine.dialect.name == "sqlite":
        if not url.database or url.database == ":memory:":
            return None  # gone with the process: nothing to compare later
        return f"sqlite:{Path(url.database).resolve()}"
    return f"{engine.dialect.name}://{url.host or 'localhost'}:{url.port or ''}/{url.database}"


def _chain(batch: list[_Request], previous: AuditEntry | None) -> list[AuditEntry]:
    """Every request's entries, one per record, each following the one before; kept on the request."""
    at = datetime.now(UTC)
    rows: list[AuditEntry] = []
    for request in batch:
        request.chain = []
        for record_type, record_id in request.records:
            previous = next_entry(
                previous, at=at, actor=request.actor, action=request.action, outcome=request.outcome,
                record_type=record_type, record_id=record_id,
            )  # fmt: skip
            request.chain.append(previous)
        rows.extend(request.chain)
    return rows


def _finish(batch: list[_Request]) -> None:
    for request in batch:
        request.done = True


def record_many(
    sink: SqlAuditSink,
    actor: str,
    action: str,
    outcome: str,
    records: Records,
    connection: Connection | None = None,
) -> list[AuditEntry]:
    """Append one entry per (record type, record id), committed before this returns (a list of 5,000 reads).

    With ``connection`` the entries join the caller's transaction instead: they commit or vanish
    with it (an import and its audit). A writer that got in first then makes it fail with
    :class:`SequenceConflict`, and the caller's whole transaction with it.
    """
    if connection is None:
        return sink.record(actor, action, outcome, records)
    if connection.dialect.name == "postgresql":  # held until the caller's transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_AUDIT_LOCK})
    request = _Request(actor, action, outcome, list(records))
    chain = _chain([request], sink.last_entry(connection))
    sink.append_many(chain, connection)
    return chain

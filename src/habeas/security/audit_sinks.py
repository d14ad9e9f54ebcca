"""Audit records kept outside a database: sinks in memory (tests) and JSON-lines files, and the checkpoint marks.

The marks file keeps, beside the audit signing key, the newest checkpoint signed on this
machine for each database: a high-water mark that someone who can only change the
database cannot move back.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from habeas.security.audit import AuditEntry, AuditError, Checkpoint, SequenceConflict
from habeas.security.files import write_secret_file

try:
    import fcntl
except ImportError:  # Windows: a single writer is assumed there
    fcntl = None  # type: ignore[assignment]


class MemoryAuditSink:
    """Entries and checkpoints in lists; tests reach into them to play the attacker."""

    def __init__(self, identity: str | None = None) -> None:
        self.identity = identity  # the name its checkpoint marks go by; None: no marks
        self.entry_list: list[AuditEntry] = []
        self.checkpoint_list: list[Checkpoint] = []

    def append(self, entry: AuditEntry) -> None:
        last = self.entry_list[-1].seq if self.entry_list else 0
        if entry.seq != last + 1:
            raise SequenceConflict(f"entry {entry.seq} does not follow entry {last}")
        self.entry_list.append(entry)

    def append_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.checkpoint_list.append(checkpoint)

    def last_entry(self) -> AuditEntry | None:
        return self.entry_list[-1] if self.entry_list else None

    def entry(self, seq: int) -> AuditEntry | None:
        return next((e for e in self.entry_list if e.seq == seq), None)

    def last_checkpoint(self) -> Checkpoint | None:
        return max(self.checkpoint_list, key=lambda c: c.seq, default=None)

    def entries(self) -> Iterator[AuditEntry]:
        return iter(list(self.entry_list))

    def checkpoints(self) -> Iterator[Checkpoint]:
        return iter(list(self.checkpoint_list))


class JsonLinesAuditSink:
    """Entries in ``PATH`` and checkpoints in ``PATH.checkpoints``, one JSON object a line.

    Appends take an exclusive lock on the file and are flushed to disk before returning,
    so several processes can share the log and a crash loses no acknowledged entry.
    """

    TAIL_BYTES = 64 * 1024

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.checkpoint_path = self.path.with_name(self.path.name + ".checkpoints")
        self.identity = f"file:{self.path.resolve()}"

    def append(self, entry: AuditEntry) -> None:
        with self._locked(self.path) as handle:
            last = _last_record(handle, self.TAIL_BYTES)
            last_seq = last["seq"] if last else 0
            if entry.seq != last_seq + 1:
                raise SequenceConflict(f"entry {entry.seq} does not follow entry {last_seq}")
            _write_line(handle, entry.to_dict())

    def append_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self._locked(self.checkpoint_path) as handle:
            _write_line(handle, checkpoint.to_dict())

    def last_entry(self) -> AuditEntry | None:
        if not self.path.exists():
            return None
        with self.path.open("rb") as handle:
            last = _last_record(handle, self.TAIL_BYTES)
        return AuditEntry.from_dict(last) if last else None

    def last_checkpoint(self) -> Checkpoint | None:
        return max(self.checkpoints(), key=lambda c: c.seq, default=None)

    def entry(self, seq: int) -> AuditEntry | None:
        return next((e for e in self.entries() if e.seq == seq), None)

    def entries(self) -> Iterator[AuditEntry]:
        for record in _read_lines(self.path):
            yield AuditEntry.from_dict(record)

    def checkpoints(self) -> Iterator[Checkpoint]:
        for record in _read_lines(self.checkpoint_path):
            yield Checkpoint.from_dict(record)

    @contextlib.contextmanager
    def _locked(self, path: Path) -> Iterator[Any]:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _write_line(handle: Any, record: dict[str, Any]) -> None:
    handle.write((json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    handle.flush()
    os.fsync(handle.fileno())


def _last_record(handle: Any, tail_bytes: int) -> dict[str, Any] | None:
    """The last complete line of an open file, read from its end (entries are far shorter than the tail)."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - tail_bytes))
    lines = [line for line in handle.read().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                raise AuditError(f"{path} line {number} is not a JSON object: the file was damaged") from None


class CheckpointMarks:
    """The newest checkpoint signed on this machine, per database, in one small 0600 JSON file.

    Kept beside the audit signing key, outside the database: a log cut short, rolled back or
    rewritten before that checkpoint no longer contains it, and ``verify`` says so even
    when every checkpoint in the database went with it. A mark only moves forward. Writers
    of several processes take turns on ``PATH.lock``; the file is replaced whole, so a crash
    leaves the old marks or the new ones.
    """

    FORMAT = 1

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    def newest(self, database: str) -> Checkpoint | None:
        record = self._read().get(database)
        return Checkpoint.from_dict(record) if record is not None else None

    def raise_to(self, database: str, checkpoint: Checkpoint) -> None:
        """Record ``checkpoint`` unless a later one is recorded already (another process signed meanwhile)."""
        with self._locked():
            marks = self._read()
            known = marks.get(database)
            if known is None or known["seq"] < checkpoint.seq:
                marks[database] = checkpoint.to_dict()
                self._write(marks)

    def forget(self, database: str) -> None:
        """Drop a database's mark: a restore put another log in its place, on an admin's word."""
        with self._locked():
            marks = self._read()
            if marks.pop(database, None) is not None:
                self._write(marks)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise AuditError(f"{self.path} is not a habeas checkpoint marks file ({exc.__class__.__name__})") from None
        if not isinstance(doc, dict) or doc.get("habeas_checkpoint_marks") != self.FORMAT:
            raise AuditError(f"{self.path} is not a habeas checkpoint marks file")
        return dict(doc.get("databases", {}))

    def _write(self, marks: dict[str, dict[str, Any]]) -> None:
        doc = {"habeas_checkpoint_marks": self.FORMAT, "databases": marks}
        write_secret_file(self.path, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode(), replace=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

"""Audit sinks that need no database: in memory (tests) and JSON-lines files (exports, tools)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from habeas.security.audit import AuditEntry, AuditError, Checkpoint, SequenceConflict

try:
    import fcntl
except ImportError:  # Windows: a single writer is assumed there
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows; callers check for None


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

"""The tamper-evident audit log: a SHA-256 hash chain of entries, Ed25519-signed checkpoints, verification.

Each entry says who did what to which record, when, and with what outcome; it never
holds the values of a record. Its hash is SHA-256 over the previous entry's hash and
the entry's canonical form, so changing, removing or moving an entry breaks every hash
after it. Someone who can write to the database can still recompute the whole chain;
checkpoints stop that: they sign (sequence number, hash) with a key kept outside the
database, so a rewritten chain no longer matches them. Deleting the checkpoints too is
caught two ways: habeas never leaves more than a known number of entries unsigned, and
the newest checkpoint signed on a machine is also kept beside its signing key (the
checkpoint marks), where the database's owner cannot reach it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from habeas.security.files import read_secret_file, write_secret_file

try:
    import fcntl
except ImportError:  # Windows: one signing process is assumed there
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows; callers check for None

GENESIS_HASH = "0" * 64
ENTRY_FORMAT = "habeas-audit/1"
MAX_FIELD_LENGTH = 200


class Outcome(StrEnum):
    ALLOWED = "allowed"  # done, or read
    DENIED = "denied"  # refused by the access model
    FAILED = "failed"  # attempted and failed for another reason


class AuditError(Exception):
    """An audit entry that cannot be written as asked, or a signing key that cannot be used."""


class SequenceConflict(AuditError):
    """Another writer appended first: the entry's sequence number is taken. Rebuild it and retry."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str  # UTC, ISO 8601 with microseconds and a Z
    actor: str
    action: str
    record_type: str | None
    record_id: str | None
    outcome: str
    prev_hash: str
    hash: str

    def canonical(self) -> bytes:
        return canonical_entry(
            self.seq, self.at, self.actor, self.action, self.record_type, self.record_id, self.outcome
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def canonical_entry(
    seq: int, at: str, actor: str, action: str, record_type: str | None, record_id: str | None, outcome: str
) -> bytes:
    """The bytes that are hashed: a JSON array, so no field can bleed into the next."""
    fields = [ENTRY_FORMAT, seq, at, actor, action, record_type, record_id, outcome]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()


def utc_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise AuditError("audit times must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > MAX_FIELD_LENGTH or any(ord(c) < 32 for c in value):
        raise AuditError(f"audit {name} must be a short identifier (at most {MAX_FIELD_LENGTH} printable characters)")
    return value


def _required(name: str, value: str) -> str:
    if (checked := _text(name, value)) is None:
        raise AuditError(f"an audit entry needs {name}")
    return checked


def next_entry(
    prev: AuditEntry | None,
    *,
    at: datetime,
    actor: str,
    action: str,
    outcome: Outcome | str,
    record_type: str | None = None,
    record_id: str | None = None,
) -> AuditEntry:
    """The entry that follows ``prev`` (``None`` for the first), with its hash. Pure."""
    seq = 1 if prev is None else prev.seq + 1
    prev_hash = GENESIS_HASH if prev is None else prev.hash
    stamp = utc_timestamp(at)
    who, what = _required("actor", actor), _required("action", action)
    rtype, rid = _text("record type", record_type), _text("record id", record_id)
    result = Outcome(outcome).value
    digest = chain_hash(prev_hash, canonical_entry(seq, stamp, who, what, rtype, rid, result))
    return AuditEntry(seq, stamp, who, what, rtype, rid, result, prev_hash, digest)


# --- checkpoints ----------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A signature over the chain up to ``seq``: whoever holds the signing key vouches for it."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str  # base64

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def checkpoint_message(seq: int, entry_hash: str) -> bytes:
    return f"habeas-audit-checkpoint/1\n{seq}\n{entry_hash}\n".encode()


def public_key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "s" + hashlib.sha256(raw).hexdigest()[:12]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """The public key as base64, to print, export and keep somewhere the database's owner cannot reach."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError:
        raise AuditError("not an Ed25519 public key (expected 32 bytes in base64)") from None


class AuditSigner:
    """The Ed25519 key that signs checkpoints; it lives in a 0600 file, never in the database."""

    def __init__(self, private_key: Ed25519PrivateKey, marks_path: Path | None = None) -> None:
        self._private = private_key
        self.public_key = private_key.public_key()
        self.key_id = public_key_id(self.public_key)
        # Where the newest checkpoint this key signed is kept, per database (beside the key file).
        self.marks_path = marks_path

    def __repr__(self) -> str:
        return f"AuditSigner(key_id={self.key_id!r})"

    @classmethod
    def generate(cls) -> AuditSigner:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_file(cls, path: Path) -> AuditSigner:
        data = read_secret_file(path)
        try:
            doc = json.loads(data)
            raw = base64.b64decode(doc["ed25519_private_key"], validate=True)
            return cls(Ed25519PrivateKey.from_private_bytes(raw), marks_path_beside(path))
        except (ValueError, KeyError, TypeError):
            raise AuditError(f"{path} is not a habeas audit signing key file") from None

    def save(self, path: Path) -> None:
        raw = self._private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        doc = {
            "habeas_audit_key": 1,
            "key_id": self.key_id,
            "public_key": public_key_text(self.public_key),
            "ed25519_private_key": base64.b64encode(raw).decode(),
        }
        write_secret_file(path, (json.dumps(doc, indent=2) + "\n").encode())

    def sign(self, entry: AuditEntry, at: datetime) -> Checkpoint:
        signature = self._private.sign(checkpoint_message(entry.seq, entry.hash))
        return Checkpoint(entry.seq, entry.hash, utc_timestamp(at), self.key_id, base64.b64encode(signature).decode())


def marks_path_beside(key_file: Path) -> Path:
    """The checkpoint marks file that goes with an audit signing key file."""
    return Path(key_file).with_name(Path(key_file).name + ".marks")


def checkpoint_is_genuine(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        public_key.verify(signature, checkpoint_message(checkpoint.seq, checkpoint.hash))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- verification ---------------------------------------------------------------------


class Problem(StrEnum):
    EDITED = "edited"  # an entry's content no longer matches its hash
    BROKEN_LINK = "broken_link"  # an entry does not point at the hash of the one before
    SEQUENCE = "sequence"  # an entry missing, duplicated or out of order
    REWRITTEN = "rewritten"  # the chain was recomputed: a checkpoint no longer matches it
    TRUNCATED = "truncated"  # entries a checkpoint vouches for are gone
    FORGED_CHECKPOINT = "forged_checkpoint"  # a checkpoint whose signature does not verify
    UNSIGNED = "unsigned"  # more entries without a checkpoint than habeas ever leaves: checkpoints deleted


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int  # entries checked before the first problem
    checkpoints: int  # genuine checkpoints that matched the chain
    last_signed_seq: int  # the latest entry a matching checkpoint vouches for
    first_bad_seq: int | None = None  # the first entry that can no longer be trusted
    problem: Problem | None = None
    message: str = "the audit chain is intact"


_Failure = tuple[int, Problem, str]


@dataclass
class _Walk:
    expected: int = 1
    prev_hash: str = GENESIS_HASH
    last_signed: int = 0
    matched: int = 0


def verify(
    entries: Iterable[AuditEntry],
    checkpoints: Iterable[Checkpoint],
    public_key: Ed25519PublicKey,
    *,
    anchor: Checkpoint | None = None,
    high_water: Checkpoint | None = None,
    max_unsigned: int | None = None,
) -> VerifyResult:
    """Recompute the chain and check it against the checkpoints; name the first entry that fails.

    ``anchor`` is a checkpoint kept outside the database (an export, a printout) and
    ``high_water`` the newest one signed on this machine (the checkpoint marks): with
    either, deleting the newest entries together with their checkpoints is caught too.
    ``max_unsigned`` is the most entries habeas ever leaves after the newest checkpoint;
    a longer unsigned tail means checkpoints were deleted.
    """
    outside = {c.seq: name for c, name in ((anchor, "the anchor"), (high_water, "this machine's mark")) if c}
    listed = [*checkpoints, *(c for c in (anchor, high_water) if c is not None)]
    signed, forged = _genuine_checkpoints(listed, public_key)
    walk = _Walk()
    failure = _walk_chain(entries, signed, walk)
    last_seq = walk.expected - 1
    if failure is None and (beyond := [seq for seq in signed if seq > last_seq]):
        where = f" ({outside[max(beyond)]})" if max(beyond) in outside else ""
        failure = (
            last_seq + 1,
            Problem.TRUNCATED,
            f"entries after {last_seq} are missing: checkpoint {max(beyond)}{where} vouches for them",
        )
    if failure is None and max_unsigned is not None and last_seq - walk.last_signed > max_unsigned:
        failure = _unsigned_tail(walk.last_signed, last_seq, max_unsigned)
    if forged is not None and (failure is None or forged[0] <= failure[0]):
        failure = forged
    if failure is not None:
        seq, problem, message = failure
        return VerifyResult(False, seq - 1, walk.matched, walk.last_signed, seq, problem, message)
    message = "the audit chain is intact"
    if last_seq > walk.last_signed:
        message += f"; the newest {last_seq - walk.last_signed} entries are not yet covered by a checkpoint"
    return VerifyResult(True, last_seq, walk.matched, walk.last_signed, message=message)


def _unsigned_tail(last_signed: int, last_seq: int, max_unsigned: int) -> _Failure:
    first = last_signed + 1
    return (
        first,
        Problem.UNSIGNED,
        f"no checkpoint signs entries {first} to {last_seq} ({last_seq - last_signed} entries), and habeas "
        f"leaves at most {max_unsigned} unsigned: checkpoints were deleted and the log may have been "
        "rewritten, or habeas wrote them without the audit signing key",
    )


def _genuine_checkpoints(
    checkpoints: Iterable[Checkpoint], public_key: Ed25519PublicKey
) -> tuple[dict[int, str], _Failure | None]:
    """The hash each genuine checkpoint vouches for by seq, and the earliest forged one."""
    signed: dict[int, str] = {}
    forged: _Failure | None = None
    for cp in sorted(checkpoints, key=lambda c: c.seq):
        if not checkpoint_is_genuine(cp, public_key):
            if forged is None or cp.seq < forged[0]:
                forged = (cp.seq, Problem.FORGED_CHECKPOINT, f"checkpoint {cp.seq} is not signed by the audit key")
        elif signed.setdefault(cp.seq, cp.hash) != cp.hash and (forged is None or cp.seq < forged[0]):
            forged = (cp.seq, Problem.FORGED_CHECKPOINT, f"two signed checkpoints disagree about entry {cp.seq}")
    return signed, forged


def _walk_chain(entries: Iterable[AuditEntry], signed: dict[int, str], walk: _Walk) -> _Failure | None:
    for entry in entries:
        seq = walk.expected
        if entry.seq != seq:
            how = "missing or moved" if entry.seq > seq else "duplicated or moved"
            return seq, Problem.SEQUENCE, f"expected entry {seq} but found entry {entry.seq}: entries {how}"
        if entry.prev_hash != walk.prev_hash:
            return seq, Problem.BROKEN_LINK, f"entry {seq} does not follow the entry before it"
        if chain_hash(walk.prev_hash, entry.canonical()) != entry.hash:
            return seq, Problem.EDITED, f"entry {seq} was changed after it was written"
        if seq in signed:
            if signed[seq] != entry.hash:
                first = walk.last_signed + 1
                return first, Problem.REWRITTEN, f"entries {first} to {seq} were rewritten: checkpoint {seq} differs"
            walk.last_signed, walk.matched = seq, walk.matched + 1
        walk.prev_hash, walk.expected = entry.hash, seq + 1
    return None


# --- where entries are kept -----------------------------------------------------------


class AuditSink(Protocol):
    """Where the audit log is kept. The store implements it over a table; tests use memory.

    ``append`` must refuse (with :class:`SequenceConflict`) an entry whose ``seq`` is not
    one more than the last stored entry's, atomically, so two writers cannot fork the chain.
    """

    def append(self, entry: AuditEntry) -> None: ...

    def append_checkpoint(self, checkpoint: Checkpoint) -> None: ...

    def last_entry(self) -> AuditEntry | None: ...

    def last_checkpoint(self) -> Checkpoint | None: ...

    def entries(self) -> Iterable[AuditEntry]:
        """Every entry in the order it was stored."""
        ...

    def checkpoints(self) -> Iterable[Checkpoint]: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """Appends entries to a sink and signs a checkpoint every ``checkpoint_every`` entries."""

    def __init__(
        self,
        sink: AuditSink,
        signer: AuditSigner | None = None,
        *,
        checkpoint_every: int = 100,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if checkpoint_every < 1:
            raise AuditError("checkpoint_every must be at least 1")
        self.sink, self.signer, self.checkpoint_every, self.clock = sink, signer, checkpoint_every, clock

    def record(
        self,
        actor: str,
        action: str,
        outcome: Outcome | str,
        record_type: str | None = None,
        record_id: str | None = None,
    ) -> AuditEntry:
        for _attempt in range(10):
            entry = next_entry(
                self.sink.last_entry(),
                at=self.clock(),
                actor=actor,
                action=action,
                outcome=outcome,
                record_type=record_type,
                record_id=record_id,
            )
            try:
                self.sink.append(entry)
            except SequenceConflict:
                continue
            if self.signer is not None and entry.seq % self.checkpoint_every == 0:
                self.checkpoint()
            return entry
        raise AuditError("could not append to the audit log: other writers kept taking the next sequence number")

    def checkpoint(self) -> Checkpoint | None:
        """Sign the latest entry (at the end of a command, say); nothing when it is already signed.

        Nothing either when the log no longer holds the checkpoint this machine signed last
        (its mark): signing the newest entry then would vouch for a log cut short or rewritten,
        and `habeas audit verify` names what changed instead.
        """
        if self.signer is None:
            raise AuditError("no audit signing key: create one with `habeas keys init`")
        last = self.sink.last_entry()
        done = self.sink.last_checkpoint()
        if last is None or (done is not None and done.seq >= last.seq):
            return None
        marks, database = self._marks()
        try:
            mark = marks.newest(database) if marks is not None and database is not None else None
        except AuditError:
            return None  # what this machine signed cannot be read: vouch for nothing; verify says why
        if mark is not None and not _still_holds(self.sink, mark, last):
            return None
        checkpoint = self.signer.sign(last, self.clock())
        self.sink.append_checkpoint(checkpoint)
        if marks is not None and database is not None:
            marks.raise_to(database, checkpoint)
        return checkpoint

    def _marks(self) -> tuple[CheckpointMarks | None, str | None]:
        """The checkpoint marks beside the signing key, and the name this sink's database goes by there."""
        path = self.signer.marks_path if self.signer is not None else None
        database = getattr(self.sink, "identity", None)
        if path is None or database is None:
            return None, None
        return CheckpointMarks(path), database


def _still_holds(sink: AuditSink, mark: Checkpoint, last: AuditEntry) -> bool:
    """Whether the log still holds the entry ``mark`` vouches for, unchanged (a sink that cannot look it up: yes)."""
    if mark.seq > last.seq:
        return False
    lookup = getattr(sink, "entry", None)
    if lookup is None:
        return True
    found = lookup(mark.seq)
    return found is not None and found.hash == mark.hash


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


def iter_checkpoints_json(lines: Iterable[str]) -> Iterator[Checkpoint]:
    """Checkpoints from exported JSON lines (one object a line), e.g. a copy kept off the server."""
    for line in lines:
        if line.strip():
            yield Checkpoint.from_dict(json.loads(line))

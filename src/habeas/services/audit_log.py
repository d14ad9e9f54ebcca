"""The audit log as a use case: verify it (checkpoints, an anchor, this machine's mark), read it, export checkpoints."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from habeas.security.access import Action
from habeas.security.audit import (
    AuditEntry,
    AuditError,
    AuditLog,
    AuditSigner,
    Checkpoint,
    CheckpointMarks,
    Problem,
    VerifyResult,
    iter_checkpoints_json,
    load_public_key,
    marks_path_beside,
    public_key_id,
    public_key_text,
    verify,
)
from habeas.security.files import SecretFileError
from habeas.security.keyfiles import audit_key_file_path
from habeas.services import Context, ServiceError, access
from habeas.store.tables import AuditEntryRow

ANCHOR_FORMAT = 1


@dataclass(frozen=True)
class Anchor:
    """Checkpoints and the audit public key, exported to be kept where the server's admins cannot change them."""

    public_key: Ed25519PublicKey
    checkpoints: list[Checkpoint]


@dataclass(frozen=True)
class AuditCheck:
    result: VerifyResult
    key_source: str | None  # where the public key came from; None when no checkpoint could be checked
    high_water_seq: int | None = None  # the entry of this machine's checkpoint mark it was checked against

    @property
    def unsigned(self) -> int:
        return self.result.entries - self.result.last_signed_seq if self.result.ok else 0


def read_anchor(path: Path) -> Anchor:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        if header.get("habeas_audit_anchor") != ANCHOR_FORMAT:
            raise ValueError("not an anchor")
        return Anchor(load_public_key(header["public_key"]), list(iter_checkpoints_json(lines[1:])))
    except (OSError, IndexError, KeyError, TypeError, ValueError, AuditError) as exc:
        raise ServiceError(
            f"{path} is not an audit anchor written by `habeas audit export-checkpoints` ({exc})"
        ) from None


def _signer(ctx: Context, path: Path | None = None) -> AuditSigner | None:
    try:
        return AuditSigner.from_file(audit_key_file_path(ctx.settings, path))
    except SecretFileError:
        return None
    except AuditError as exc:
        raise ServiceError(str(exc)) from exc


# Each writer signs once its own append leaves CHECKPOINT_EVERY entries unsigned (see access._maybe_sign),
# so a log at rest has fewer than that unsigned. More only for a moment, while a write's checkpoint is
# on its way (one per writing thread, of any size: a list of 5,000 people is one write): verify reads
# again after these pauses before it calls a long unsigned tail deleted checkpoints.
UNSIGNED_AT_MOST = access.CHECKPOINT_EVERY - 1
IN_FLIGHT_PAUSES = (0.05, 0.5)


def check_chain(
    ctx: Context,
    entries: Sequence[AuditEntry],
    checkpoints: Sequence[Checkpoint],
    anchor: Anchor | None = None,
    audit_key_file: Path | None = None,
    database: str | None = None,
    max_unsigned: int | None = None,
) -> AuditCheck:
    """Verify a chain against the anchor's public key, else the audit key file's; the hash chain alone without.

    ``database`` names the database whose checkpoint mark on this machine (beside the audit
    key) is checked too; ``max_unsigned`` fails a longer unsigned tail.
    """
    signer = _signer(ctx, audit_key_file)
    if anchor is not None:
        key, source = anchor.public_key, "the anchor"
        checkpoints = [*checkpoints, *anchor.checkpoints]
    elif signer is not None:
        key, source = signer.public_key, f"the audit key file ({signer.key_id})"
    else:
        # No key to check signatures with: the hash chain and the sequence are still checked.
        return AuditCheck(verify(entries, [], AuditSigner.generate().public_key), None)
    newest = max(anchor.checkpoints, key=lambda c: c.seq) if anchor and anchor.checkpoints else None
    mark = _mark(ctx, audit_key_file, database, public_key_id(key))
    result = verify(entries, checkpoints, key, anchor=newest, high_water=mark, max_unsigned=max_unsigned)
    return AuditCheck(result, source, mark.seq if mark else None)


def _mark(ctx: Context, audit_key_file: Path | None, database: str | None, key_id: str) -> Checkpoint | None:
    """The newest checkpoint signed on this machine for ``database`` by that key, if any."""
    if database is None:
        return None
    marks = CheckpointMarks(marks_path_beside(audit_key_file_path(ctx.settings, audit_key_file)))
    try:
        mark = marks.newest(database)
    except AuditError as exc:
        raise ServiceError(
            f"{exc}; it records the newest checkpoint signed here, and is only ever written by habeas"
        ) from exc
    return mark if mark is not None and mark.key_id == key_id else None


def verify_audit(ctx: Context, anchor_path: Path | None = None, audit_key_file: Path | None = None) -> AuditCheck:
    """Recompute the audit chain, check the sequence and the signed checkpoints; name the first bad entry."""
    access.require(ctx, Action.READ_AUDIT)
    anchor = read_anchor(anchor_path) if anchor_path else None
    check = _check_stored_chain(ctx, anchor, audit_key_file)
    access.audit(ctx, "verify_audit", outcome="allowed" if check.result.ok else "failed")
    return check


def _check_stored_chain(ctx: Context, anchor: Anchor | None = None, audit_key_file: Path | None = None) -> AuditCheck:
    """The stored chain, read as of one moment, checked with every rule; a long unsigned tail is read again."""
    sink = ctx.audit_sink
    for pause in (*IN_FLIGHT_PAUSES, None):
        entries, checkpoints = sink.snapshot()
        check = check_chain(ctx, entries, checkpoints, anchor, audit_key_file, sink.identity, UNSIGNED_AT_MOST)
        if check.result.problem is not Problem.UNSIGNED or pause is None:
            return check
        time.sleep(pause)  # a writer may be signing the entries it just wrote
    raise AssertionError("unreachable")


def audit_log(
    ctx: Context,
    person: str | None = None,
    user: str | None = None,
    since: date | None = None,
    newest: int | None = None,
) -> list[AuditEntry]:
    """Who did what to which record, oldest first (only the ``newest`` entries if given); reading it is audited."""
    access.require(ctx, Action.READ_AUDIT)
    query = select(AuditEntryRow).order_by(AuditEntryRow.seq.desc() if newest else AuditEntryRow.seq)
    if newest:
        query = query.limit(newest)
    if person is not None:
        query = query.where(AuditEntryRow.record_type == "person", AuditEntryRow.record_id == person)
    if user is not None:
        query = query.where(AuditEntryRow.actor == user)
    if since is not None:
        query = query.where(AuditEntryRow.at >= since.isoformat())  # ISO text sorts as time
    with ctx.engine.connect() as connection:
        entries = [AuditEntry(**row._mapping) for row in connection.execute(query)]
    if newest:
        entries.reverse()
    records: list[tuple[str | None, str | None]] = [(k, v) for k, v in (("person", person), ("user", user)) if v]
    records = records or [(None, None)]
    access.audit(ctx, "read_audit", records=records)
    return entries


def export_checkpoints(ctx: Context, out: Path) -> Checkpoint:
    """Sign the newest entry and write every checkpoint with the public key to ``out``: the anchor for verify."""
    access.require(ctx, Action.READ_AUDIT)
    signer = _signer(ctx)
    if signer is None:
        raise ServiceError(f"no audit signing key at {audit_key_file_path(ctx.settings)}; it signs the checkpoints")
    sink = ctx.audit_sink
    check = _check_stored_chain(ctx)
    # An unsigned tail is what signing is for, once it follows this machine's mark: entries after the
    # mark were never vouched for here. Without a mark, signing it could vouch for a log re-chained whole.
    followed_mark = check.high_water_seq is not None and check.result.last_signed_seq >= check.high_water_seq
    if not check.result.ok and not (check.result.problem is Problem.UNSIGNED and followed_mark):
        raise ServiceError(f"not signing a damaged chain: {check.result.message} (entry {check.result.first_bad_seq})")
    access.audit(ctx, "export_checkpoints")
    AuditLog(sink, signer).checkpoint()
    checkpoints = list(sink.checkpoints())
    header = {
        "habeas_audit_anchor": ANCHOR_FORMAT,
        "public_key": public_key_text(signer.public_key),
        "key_id": public_key_id(signer.public_key),
        "exported_at": ctx.clock.now().isoformat(timespec="seconds"),
    }
    lines = [json.dumps(header), *(json.dumps(c.to_dict()) for c in checkpoints)]
    _write_text(out, "\n".join(lines) + "\n")
    return checkpoints[-1]


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)

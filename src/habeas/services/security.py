"""Security use cases: users, the audit log (verify, read, anchor), key rotation, backup and restore, publishing."""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from habeas.domain.dates import DayCount
from habeas.domain.model import Person
from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import derive_whereabouts
from habeas.publish import (
    AggregateRow,
    DifferencingError,
    Publication,
    PublicationError,
    PublicationTable,
    check_out_dir,
    prepare_publication,
    write_publication,
)
from habeas.security.access import Action, Role, User, decide
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
from habeas.security.crypto import KEY_ENV, DecryptionError, Keyring, KeyringError
from habeas.security.files import SecretFileError
from habeas.security.keyfiles import audit_key_file_path, key_file_path
from habeas.security.passwords import password_problems
from habeas.services import Context, NotFound, ServiceError, access, track
from habeas.stats.disclosure import DEFAULT_THRESHOLD
from habeas.store import backup as store_backup
from habeas.store.db import head_revision
from habeas.store.publications import earlier_publications, record_publication
from habeas.store.rotation import key_usage, reencrypt_all
from habeas.store.tables import AuditEntryRow, UserRow

USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
ANCHOR_FORMAT = 1

# --- users ----------------------------------------------------------------------------------


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ServiceError(f"unknown role {value!r}; use admin, editor or viewer") from None


def _check_password(password: str | None) -> None:
    if password is not None and (problems := password_problems(password)):
        raise ServiceError("the password was refused: " + "; ".join(problems))


def add_user(ctx: Context, name: str, role: str, password: str | None = None) -> None:
    """A new user; without a password they can use the command line but not sign in on the web."""
    if not USER_NAME.fullmatch(name):
        raise ServiceError(f"{name!r} is not a user name: use letters, digits, dots, dashes, @ (at most 64)")
    checked = _role(role)
    _check_password(password)
    access.add_user(ctx, name, checked, password)


def change_password(ctx: Context, name: str, password: str) -> None:
    _check_password(password)
    access.set_password(ctx, name, password)


def deactivate_user(ctx: Context, name: str) -> None:
    """The user can no longer act (the record of what they did stays); never the last active admin."""
    access.require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        row = session.get(UserRow, name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        admins = session.scalars(select(UserRow.name).where(UserRow.role == Role.ADMIN.value, UserRow.active)).all()
        if row.role == Role.ADMIN.value and list(admins) == [name]:
            raise ServiceError(f"{name} is the last active admin; make another admin first")
        session.execute(update(UserRow).where(UserRow.name == name).values(active=False))
    access.audit(ctx, "deactivate_user", records=[("user", name)])


# --- the audit log --------------------------------------------------------------------------


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
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
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


# --- keys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationResult:
    key_id: str
    finished_earlier_rotation: bool
    reencrypted: dict[str, int]
    identifier_index: int
    name_tokens: int
    removed: tuple[str, ...]  # old keys taken out of the key file
    still_used: dict[str, int]  # old keys that some values still name (a writer during rotation)
    key_file: Path | None  # None when the keys come from HABEAS_KEY


def _rotation_keyring(ctx: Context) -> tuple[Keyring, Path | None, bool]:
    """The keyring to rotate to, the key file it lives in, and whether an earlier rotation is being finished."""
    try:
        from_env = Keyring.from_env()
        if from_env is not None:
            if len(from_env.key_ids) < 2:
                raise ServiceError(
                    f"the keys come from {KEY_ENV}, which habeas cannot change: put a new key first in {KEY_ENV} "
                    "(the old one after it, separated by a comma), then run `habeas keys rotate` again"
                )
            return from_env, None, False
        path = key_file_path(ctx.settings)
        keyring = Keyring.from_file(path)
    except (KeyringError, SecretFileError) as exc:
        raise ServiceError(str(exc)) from exc
    if len(keyring.key_ids) > 1:
        return keyring, path, True  # an interrupted rotation: finish it rather than add a third key
    rotated = keyring.with_new_primary()
    rotated.save(path, replace=True)  # first: the new key is on disk before anything is encrypted with it
    return rotated, path, False


def rotate_keys(ctx: Context) -> RotationResult:
    """Re-encrypt everything under a new primary key; drop the old key once no value names it."""
    access.require(ctx, Action.MANAGE_KEYS)
    keyring, path, finishing = _rotation_keyring(ctx)
    try:
        counts = reencrypt_all(ctx.engine, keyring)
    except DecryptionError as exc:
        access.audit(ctx, "rotate_keys", "failed", [("key", keyring.primary_id)])
        raise ServiceError(f"nothing was re-encrypted: {exc}") from exc
    except SQLAlchemyError as exc:
        raise ServiceError(f"nothing was re-encrypted: the database refused ({exc.__class__.__name__})") from exc
    with ctx.engine.connect() as connection:
        usage = key_usage(connection)
    old = [k for k in keyring.key_ids if k != keyring.primary_id]
    removed = tuple(k for k in old if not usage.get(k))
    if path is not None and removed:
        keyring.without(removed).save(path, replace=True)
    ctx.__dict__.pop("keyring", None)  # this context's cached keyring is the old one
    access.audit(ctx, "rotate_keys", records=[("key", keyring.primary_id)])
    return RotationResult(
        key_id=keyring.primary_id,
        finished_earlier_rotation=finishing,
        reencrypted=counts.reencrypted,
        identifier_index=counts.identifier_index,
        name_tokens=counts.name_tokens,
        removed=removed,
        still_used={k: n for k, n in usage.items() if k != keyring.primary_id},
        key_file=path,
    )


# --- backup and restore ---------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: store_backup.Manifest
    audit: AuditCheck


@contextmanager
def _workdir(near: Path | None) -> Iterator[Path]:
    """A private (0700) scratch directory, on the same disk as ``near`` when given; removed afterwards."""
    if near is not None:
        near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".habeas-backup-", dir=near) as name:
        yield Path(name)


def _snapshot_problems(ctx: Context, snapshot: store_backup.Snapshot) -> tuple[list[str], AuditCheck]:
    check = check_chain(ctx, snapshot.entries, snapshot.checkpoints)
    problems = [f"integrity check: {p}" for p in snapshot.integrity[:5]]
    if not check.result.ok:
        problems.append(f"audit chain, entry {check.result.first_bad_seq}: {check.result.message}")
    return problems, check


def backup(ctx: Context, target: Path) -> BackupResult:
    """A consistent copy of the database, checked, then sealed with the key into ``target``."""
    access.require(ctx, Action.BACKUP)
    if target.exists():
        raise ServiceError(f"{target} exists; backups are never overwritten: choose a new file name")
    keyring, engine = ctx.keyring, ctx.engine
    with _workdir(target.parent) as work:
        copy = work / store_backup.MEMBERS.get(engine.dialect.name, "database")
        try:
            if engine.dialect.name == "sqlite":
                snapshot = store_backup.copy_sqlite(engine, copy)
            else:
                snapshot = store_backup.dump_postgres(engine, copy)
        except store_backup.BackupError as exc:
            raise ServiceError(f"no backup was written: {exc}") from exc
        problems, check = _snapshot_problems(ctx, snapshot)
        if problems:
            access.audit(ctx, "backup", "failed", [("backup", None)])
            raise ServiceError("no backup was written; the database failed its checks:\n  " + "\n  ".join(problems))
        store_backup.seal_archive(keyring, snapshot.manifest, copy, target, work)
    access.audit(ctx, "backup", records=[("backup", None)])
    return BackupResult(target, snapshot.manifest, check)


def _may_restore(ctx: Context, manifest: store_backup.Manifest) -> None:
    """Only an active admin of the backed-up database may restore it (checked before anything is written)."""
    found = next((u for u in manifest.users if u["name"] == ctx.actor.name), None)
    user = User(found["name"], found["role"], active=found["active"]) if found else None
    decision = decide(user, Action.BACKUP)
    if not decision:
        raise access.Forbidden(f"{ctx.actor.name} may not restore this backup: {decision.reason} in it")


def _refuse_unless_empty(ctx: Context) -> None:
    tables = store_backup.database_tables(ctx.engine)
    if tables:
        where = ctx.engine.url.render_as_string(hide_password=True)
        raise ServiceError(
            f"refusing to restore into {where}: it is not empty (it has {len(tables)} tables, e.g. "
            f"{', '.join(tables[:3])}). Restore into a new database: a SQLite path that does not exist yet, "
            "or a PostgreSQL database just made with createdb"
        )


def restore(ctx: Context, source: Path) -> BackupResult:
    """Open a sealed backup, check it, restore it into an empty database, and check the result."""
    engine = ctx.engine
    _refuse_unless_empty(ctx)
    sqlite_target = store_backup.sqlite_path(engine)
    with _workdir(sqlite_target.parent if sqlite_target else None) as work:
        try:
            manifest, copy = store_backup.open_archive(ctx.keyring, source, work)
        except (DecryptionError, store_backup.BackupError, OSError) as exc:
            raise ServiceError(f"{source} cannot be restored: {exc}") from exc
        _check_manifest(manifest, engine.dialect.name)
        _may_restore(ctx, manifest)
        if sqlite_target is not None:
            with store_backup.open_copy(copy) as connection:
                problems, _ = _snapshot_problems(ctx, store_backup.read_snapshot(connection))
            if problems:
                raise ServiceError("the backup failed its checks; nothing was restored:\n  " + "\n  ".join(problems))
            store_backup.restore_sqlite(copy, engine)
        else:
            try:
                store_backup.restore_postgres(copy, engine)
            except store_backup.BackupError as exc:
                raise ServiceError(f"nothing was restored: {exc}") from exc
    with engine.connect() as connection:
        restored = store_backup.read_snapshot(connection)
    problems, check = _snapshot_problems(ctx, restored)
    problems += [f"{t}: {n} rows, the backup has {manifest.counts.get(t)}"
                 for t, n in restored.manifest.counts.items() if manifest.counts.get(t) != n]  # fmt: skip
    if problems:
        raise ServiceError("the restored database failed its checks; do not use it:\n  " + "\n  ".join(problems))
    access.require(ctx, Action.BACKUP)
    _forget_mark(ctx)
    access.audit(ctx, "restore", records=[("backup", None)])
    return BackupResult(source, manifest, check)


def _forget_mark(ctx: Context) -> None:
    """A restored log replaces whatever this machine signed for the database before (a PostgreSQL name reused)."""
    identity = ctx.audit_sink.identity
    marks = CheckpointMarks(marks_path_beside(audit_key_file_path(ctx.settings)))
    if identity is not None and marks.path.exists():
        marks.forget(identity)


def _check_manifest(manifest: store_backup.Manifest, dialect: str) -> None:
    if manifest.dialect != dialect:
        raise ServiceError(f"this is a {manifest.dialect} backup; restore it into a {manifest.dialect} database")
    if manifest.schema != head_revision():
        raise ServiceError(
            f"this backup is at schema {manifest.schema} and this habeas expects {head_revision()}: restore it "
            "with the habeas version that made it, then upgrade with `habeas init`"
        )


# --- publishing -----------------------------------------------------------------------------

IN_CUSTODY = (Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY)
DAY_BANDS = ((30, "0-30"), (90, "31-90"), (180, "91-180"), (365, "181-365"))
NO_PROOF = "none on record"
UNCERTAIN_BAND = "uncertain"


def publish(
    ctx: Context,
    out: Path,
    threshold: int = DEFAULT_THRESHOLD,
    cohort: str | None = None,
    as_of: date | None = None,
    suppress_differences: bool = False,
) -> Publication:
    """Aggregate tables for the public (CSV, JSON, a static page), with small and derivable counts suppressed.

    Every count shown is recorded in the database with the cohort and the day, in the same
    transaction as the files are written; a count that would differ from an earlier
    publication's by 1 to the threshold is refused, or with ``suppress_differences`` suppressed.
    """
    access.require(ctx, Action.PUBLISH)
    day = as_of or date.today()
    timelines = track.timelines(ctx, cohort=cohort)
    tables = publication_tables(timelines, day, _flag_rules(ctx, timelines, day))
    population = f"cohort:{cohort}" if cohort else "all"
    try:
        check_out_dir(out)
        with ctx.engine.begin() as connection:
            earlier = earlier_publications(connection)
            prepared = prepare_publication(tables, threshold, day, earlier, suppress_differences)
            record_publication(connection, actor=ctx.actor.name, population=population, as_of=day,
                               threshold=threshold, published_at=datetime.now(UTC), cells=prepared.cells)  # fmt: skip
            published = write_publication(prepared, out)  # a failed write takes the record back with it
    except DifferencingError as exc:
        access.audit(ctx, "publish", "failed", [("cohort", cohort)] if cohort else [("publication", None)])
        raise ServiceError(f"nothing was published: {exc} (--suppress-differences)") from exc
    except (PublicationError, ValueError) as exc:
        raise ServiceError(f"nothing was published: {exc}") from exc
    access.audit(ctx, "publish", records=[("cohort", cohort)] if cohort else [("publication", None)])
    return published


def _flag_rules(ctx: Context, timelines: Sequence[Timeline], day: date) -> dict[str, set[str]] | None:
    """For each enabled rule, the people it flags; None when the rules are not part of this build."""
    try:
        from habeas.rules.engine import check_timeline
        from habeas.rules.registry import RULES
        from habeas.services import check
    except ImportError:
        return None
    settings = check.rule_settings(ctx)
    flagged: dict[str, set[str]] = {rule.id: set() for rule in RULES if settings.enabled(rule.id)}
    for timeline in timelines:
        for flag in check_timeline(timeline, day, settings):
            flagged.setdefault(flag.rule, set()).add(flag.person)
    return flagged


def days_band(days: DayCount | None) -> str:
    """The band of days without proof of life; a range that spans two bands is "uncertain", never guessed."""
    if days is None:
        return NO_PROOF
    low, high = (next((label for limit, label in DAY_BANDS if n <= limit), "over 365") for n in (days.min, days.max))
    return low if low == high else UNCERTAIN_BAND


def _sensitive_values(person: Person) -> list[str]:
    """Each sensitive value of a person as ``key=value``: used to withhold groups that all share one, never shown."""
    values = []
    for key, value in person.sensitive.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            values.append(f"{key}={item}")
    return values


def _aggregate(cells: dict[tuple[str, str | None], list[Person]]) -> list[AggregateRow]:
    rows = []
    for (row, column), people in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        shared: dict[str, int] = {}
        for person in people:
            for value in set(_sensitive_values(person)):
                shared[value] = shared.get(value, 0) + 1
        rows.append(AggregateRow(row=row, column=column, count=len(people), sensitive=shared))
    return rows


def publication_tables(
    timelines: Sequence[Timeline], day: date, flagged: dict[str, set[str]] | None
) -> list[PublicationTable]:
    """The published tables: custody by citizenship, days without proof of life, flags by rule."""
    by_custody: dict[tuple[str, str | None], list[Person]] = {}
    by_days: dict[tuple[str, str | None], list[Person]] = {}
    for timeline in timelines:
        person, where = timeline.person, derive_whereabouts(timeline, day)
        by_custody.setdefault((where.custody.value, person.citizenship or "unknown"), []).append(person)
        if where.custody in IN_CUSTODY:
            by_days.setdefault((days_band(where.days_without_proof_of_life), where.custody.value), []).append(person)
    custody_order = [c.value for c in Custody if any(key[0] == c.value for key in by_custody)]
    tables = [
        PublicationTable(
            "custody-by-citizenship", f"People by custody on {day.isoformat()} and citizenship", "custody",
            _aggregate(by_custody) or [AggregateRow("unknown", 0, "unknown")], "citizenship",
            description="Custody as derived from each person's sourced timeline.", row_order=custody_order or None,
        )
    ]  # fmt: skip
    if by_days:
        bands = [label for _, label in DAY_BANDS] + ["over 365", UNCERTAIN_BAND, NO_PROOF]
        tables.append(
            PublicationTable(
                "days-without-proof-of-life", f"People in custody on {day.isoformat()}, by days without proof of life",
                "days_without_proof_of_life", _aggregate(by_days), "custody",
                description="Days since the latest event that needed the person there in body; a span that "
                "uncertain dates leave across two bands is counted as uncertain.",
                row_order=[b for b in bands if any(key[0] == b for key in by_days)],
            )
        )  # fmt: skip
    if flagged:
        people = {t.person.id: t.person for t in timelines}
        cells: dict[tuple[str, str | None], list[Person]] = {
            (rule, None): [people[p] for p in sorted(ids)] for rule, ids in flagged.items()
        }
        tables.append(
            PublicationTable(
                "flags-by-rule", f"People flagged on {day.isoformat()}, by due-process rule", "rule",
                _aggregate(cells), description="Flags are prompts for review by counsel, not findings.",
                row_order=list(flagged),
            )
        )  # fmt: skip
    return tables

"""What someone with the database but not the audit signing key can do to the log, and what `audit verify` catches.

Each case edits a real database behind habeas's back (the append-only triggers dropped)
and runs the service behind `habeas audit verify`. ``caught`` False pins a documented
limit (docs/security.md, "What is not protected"), so that a change in what is caught
shows here either way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from habeas.security.audit import GENESIS_HASH, AuditEntry, AuditSigner, Checkpoint, chain_hash, marks_path_beside
from habeas.security.keyfiles import audit_key_file_path, load_audit_signer
from habeas.services import Actor, Context, ServiceError, access, security, track
from habeas.settings import Settings

OTHER_KEY = AuditSigner.generate()
START = datetime(2025, 3, 15, tzinfo=UTC)
Stored = tuple[list[AuditEntry], list[Checkpoint]]


@dataclass(frozen=True)
class Log:
    """What the attacker starts from: the stored log, and genuine checkpoints of another log by the same key."""

    entries: list[AuditEntry]
    checkpoints: list[Checkpoint]
    elsewhere: list[Checkpoint] = field(default_factory=list)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.entries, self.checkpoints))


@dataclass(frozen=True)
class Case:
    name: str
    attack: Callable[[Log], Stored]
    caught: bool
    problem: str | None = None  # what verify names, when caught
    without_mark: bool = False  # verified on a machine that never signed this log


def rechain(entries: list[AuditEntry], start: int = 0) -> list[AuditEntry]:
    """Renumber from 1 and recompute every hash from index ``start`` on, as an attacker can."""
    out: list[AuditEntry] = []
    for index, entry in enumerate(entries):
        entry = dataclasses.replace(entry, seq=index + 1)
        if index >= start:
            prev = out[-1].hash if out else GENESIS_HASH
            entry = dataclasses.replace(entry, prev_hash=prev, hash=chain_hash(prev, entry.canonical()))
        out.append(entry)
    return out


def made_up(after: AuditEntry, n: int) -> list[AuditEntry]:
    entries = [after]
    for _ in range(n):
        fake = dataclasses.replace(entries[-1], seq=entries[-1].seq + 1, actor="someone", record_id="p-made-up")
        digest = chain_hash(entries[-1].hash, fake.canonical())
        entries.append(dataclasses.replace(fake, prev_hash=entries[-1].hash, hash=digest))
    return entries[1:]


def signed_seqs(log: Log) -> list[int]:
    return sorted(c.seq for c in log.checkpoints)


def _delete_entries_rechain_drop_checkpoints(log: Log) -> Stored:
    entries, _ = log
    return rechain([e for e in entries if e.seq not in (30, 31, 32)], start=29), []


def _rechain_from_a_point(log: Log) -> Stored:
    entries, checkpoints = log
    first = signed_seqs(log)[0]
    cut = [dataclasses.replace(e, actor="someone") if e.seq == first + 5 else e for e in entries]
    return rechain(cut, start=first + 4), [c for c in checkpoints if c.seq <= first]


def _rechain_from_a_point_short_tail(log: Log) -> Stored:
    entries, checkpoints = _rechain_from_a_point(log)
    first = signed_seqs(log)[0]
    return entries[: first + 40], checkpoints


def _truncate(log: Log) -> Stored:
    entries, checkpoints = log
    newest = signed_seqs(log)[-1]
    return entries[: newest - 3], [c for c in checkpoints if c.seq < newest - 3]


def _roll_back(log: Log) -> Stored:
    """An older copy of the whole database put back: old entries, old (genuine) checkpoints."""
    entries, checkpoints = log
    first = signed_seqs(log)[0]
    return entries[:first], [c for c in checkpoints if c.seq <= first]


def _replace_checkpoint(log: Log, forge: Callable[[Checkpoint, AuditEntry], Checkpoint]) -> Stored:
    entries, checkpoints = log
    target = checkpoints[0]
    forged = forge(target, entries[target.seq - 1])
    return entries, [forged if c is target else c for c in checkpoints]


def _replay_old_checkpoint_later(log: Log) -> Stored:
    """The oldest checkpoint's row put in place of the newest, as if it had signed the later entry."""
    oldest, newest = log.checkpoints[0], log.checkpoints[-1]
    return log.entries, [*log.checkpoints[:-1], dataclasses.replace(oldest, seq=newest.seq)][1:]


def _replay_from_another_log(log: Log) -> Stored:
    """A genuine checkpoint, signed by the same key, for another log (another database) at the same number."""
    replayed = log.elsewhere[0]
    return log.entries, [c for c in log.checkpoints if c.seq != replayed.seq] + [replayed]


def _append(n: int) -> Callable[[Log], Stored]:
    return lambda log: (log.entries + made_up(log.entries[-1], n), log.checkpoints)


def _delete_unsigned_tail(log: Log) -> Stored:
    entries, checkpoints = log
    return entries[: signed_seqs(log)[-1]], checkpoints


CASES = [
    Case("delete an entry", lambda log: ([e for e in log.entries if e.seq != 10], log.checkpoints), True, "sequence"),
    Case(
        "edit an entry",
        lambda log: (
            [dataclasses.replace(e, actor="someone") if e.seq == 20 else e for e in log.entries],
            log.checkpoints,
        ),
        True,
        "edited",
    ),
    Case(
        "turn a denial into allowed, re-chained",
        lambda log: (
            rechain([dataclasses.replace(e, outcome="allowed") if e.outcome == "denied" else e for e in log.entries]),
            log.checkpoints,
        ),
        True,
        "rewritten",
    ),
    Case(
        "move an entry to the end",
        lambda log: (
            [dataclasses.replace(e, seq=e.seq + 1000) if e.seq == 6 else e for e in log.entries],
            log.checkpoints,
        ),
        True,
        "sequence",
    ),
    Case(
        "delete entries, re-chain the whole log and delete every checkpoint",
        _delete_entries_rechain_drop_checkpoints,
        True,
        "rewritten",
    ),
    Case(
        "delete entries, re-chain the whole log and delete every checkpoint, on a machine without the mark",
        _delete_entries_rechain_drop_checkpoints,
        True,
        "unsigned",
        without_mark=True,
    ),
    Case(
        "delete every checkpoint, on a machine without the mark",
        lambda log: (log.entries, []),
        True,
        "unsigned",
        without_mark=True,
    ),
    Case("re-chain from a chosen point and delete the later checkpoints", _rechain_from_a_point, True, "rewritten"),
    Case(
        "re-chain from a chosen point, delete the later checkpoints, on a machine without the mark",
        _rechain_from_a_point,
        True,
        "unsigned",
        without_mark=True,
    ),
    Case(
        "re-chain from a chosen point, keep the tail short, on a machine without the mark",
        _rechain_from_a_point_short_tail,
        False,
        without_mark=True,
    ),
    Case("truncate the tail and its checkpoint", _truncate, True, "truncated"),
    Case("truncate the tail and its checkpoint, on a machine without the mark", _truncate, False, without_mark=True),
    Case("roll the database back to an older copy", _roll_back, True, "truncated"),
    Case(
        "forge a checkpoint with another key",
        lambda log: _replace_checkpoint(log, lambda c, e: OTHER_KEY.sign(e, START)),
        True,
        "forged_checkpoint",
    ),
    Case(
        "forge a checkpoint's signature",
        lambda log: _replace_checkpoint(log, lambda c, e: dataclasses.replace(c, signature="AAAA")),
        True,
        "forged_checkpoint",
    ),
    Case(
        "replay an old checkpoint at a later entry",
        _replay_old_checkpoint_later,
        True,
        "forged_checkpoint",
    ),
    Case("replay a checkpoint signed for another log", _replay_from_another_log, True, "rewritten"),
    Case("append made-up entries, more than habeas leaves unsigned", _append(120), True, "unsigned"),
    Case("append a few made-up entries after the newest checkpoint", _append(5), False),
    Case("delete the unsigned entries after the newest checkpoint", _delete_unsigned_tail, False),
]


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    """A database whose log has 271 entries, two checkpoints signed on the way, and an unsigned tail."""
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    context = Context(Settings.load(database_url=f"sqlite:///{tmp_path / 'habeas.db'}"), Actor("tamper-admin"))
    track.init_database(context)
    for batch in range(5):
        access.audit(context, "read_person", records=[("person", f"p-{batch}-{i}") for i in range(50)])
        access.audit(context, "read_person", "denied", [("person", f"p-{batch}-x")])
    for i in range(15):
        access.audit(context, "read_person", records=[("person", f"p-tail-{i}")])
    return context


def stored_log(ctx: Context) -> Log:
    entries, checkpoints = ctx.audit_sink.snapshot()
    # What a copy of another database signed with the same key would hold: the same numbers, other hashes.
    signer = load_audit_signer(ctx.settings)
    elsewhere = [signer.sign(dataclasses.replace(entries[c.seq - 1], hash="ab" * 32), START) for c in checkpoints]
    return Log(entries, checkpoints, elsewhere)


def behind_habeas_back(ctx: Context, log: Stored) -> None:
    """Replace the stored log with ``log``, as someone with the database file could."""
    engine = sa.create_engine(ctx.settings.database_url)
    with engine.begin() as connection:
        for table in ("audit_entries", "audit_checkpoints"):
            connection.execute(sa.text(f"DROP TRIGGER {table}_no_update"))
            connection.execute(sa.text(f"DROP TRIGGER {table}_no_delete"))
            connection.execute(sa.text(f"DELETE FROM {table}"))
        entries, checkpoints = log
        if entries:
            columns = ":seq, :at, :actor, :action, :record_type, :record_id, :outcome, :prev_hash, :hash"
            connection.execute(sa.text(f"INSERT INTO audit_entries VALUES ({columns})"), [e.to_dict() for e in entries])
        if checkpoints:
            connection.execute(sa.text("INSERT INTO audit_checkpoints VALUES (:seq, :hash, :at, :key_id, :signature)"),
                               [c.to_dict() for c in checkpoints])  # fmt: skip
    engine.dispose()


def test_the_untouched_log_verifies_against_this_machines_mark(ctx: Context) -> None:
    entries, checkpoints = stored_log(ctx)
    assert len(entries) > 250 and len(checkpoints) >= 2
    check = security.verify_audit(ctx)
    assert check.result.ok, check.result.message
    assert check.high_water_seq == max(c.seq for c in checkpoints)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_tamper_case(ctx: Context, case: Case) -> None:
    behind_habeas_back(ctx, case.attack(stored_log(ctx)))
    if case.without_mark:
        marks_path_beside(audit_key_file_path(ctx.settings)).unlink()
    result = security.verify_audit(ctx).result
    assert result.ok is not case.caught, result.message
    if case.caught:
        assert result.problem == case.problem, result.message


def test_the_tamper_cases_caught_out_of_those_tried() -> None:
    caught = sum(case.caught for case in CASES)
    assert (caught, len(CASES)) == (16, 20), "update docs/security.md with the new count"


def test_the_log_rechained_whole_with_its_checkpoints_deleted_stays_caught_after_habeas_signs_again(
    ctx: Context,
) -> None:
    """Every command signs the newest entry once 100 are unsigned: it must not vouch for the rewritten log."""
    behind_habeas_back(ctx, _delete_entries_rechain_drop_checkpoints(stored_log(ctx)))
    assert not security.verify_audit(ctx).result.ok
    for i in range(120):
        access.audit(ctx, "read_person", records=[("person", f"p-after-{i}")])
    access.sign_checkpoint(ctx)
    result = security.verify_audit(ctx).result
    assert (result.ok, result.problem) == (False, "rewritten"), result.message
    assert stored_log(ctx).checkpoints == [], "habeas signed nothing over the rewritten log"


def test_a_damaged_marks_file_stops_signing_and_verify_says_which_file(ctx: Context) -> None:
    marks = marks_path_beside(audit_key_file_path(ctx.settings))
    marks.write_text("{not json")
    signed = stored_log(ctx).checkpoints
    for i in range(120):
        access.audit(ctx, "read_person", records=[("person", f"p-after-{i}")])
    assert stored_log(ctx).checkpoints == signed, "nothing signed while the mark cannot be read"
    with pytest.raises(ServiceError, match="marks file"):
        security.verify_audit(ctx)

"""The audit chain catches any edit, deletion, reordering or truncation, at the right entry; forged checkpoints fail."""

from __future__ import annotations

import dataclasses
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.security.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditError,
    AuditLog,
    AuditSigner,
    Checkpoint,
    Outcome,
    Problem,
    chain_hash,
    load_public_key,
    next_entry,
    public_key_text,
    verify,
)
from habeas.security.audit_sinks import JsonLinesAuditSink, MemoryAuditSink
from habeas.security.files import SecretFileError

SIGNER = AuditSigner.generate()
START = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)


def clock_from(start: datetime):
    ticks = iter(range(10**9))
    return lambda: start + timedelta(seconds=next(ticks))


def build_log(n: int, every: int, seal: bool = True) -> MemoryAuditSink:
    sink = MemoryAuditSink()
    log = AuditLog(sink, SIGNER, checkpoint_every=every, clock=clock_from(START))
    actions = ["read_person", "write_event", "export", "read_person"]
    for i in range(n):
        outcome = Outcome.DENIED if i % 7 == 3 else Outcome.ALLOWED
        log.record(f"user{i % 3}", actions[i % 4], outcome, record_type="person", record_id=f"p{i % 5}")
    if seal:
        log.checkpoint()
    return sink


def check(entries, checkpoints, **kwargs):
    return verify(entries, checkpoints, SIGNER.public_key, **kwargs)


def rechain(entries: list[AuditEntry], start: int) -> list[AuditEntry]:
    """What an attacker with database access does: recompute every hash from ``start`` on."""
    out = entries[:start]
    for entry in entries[start:]:
        prev = out[-1].hash if out else GENESIS_HASH
        out.append(dataclasses.replace(entry, prev_hash=prev, hash=chain_hash(prev, entry.canonical())))
    return out


logs = st.tuples(st.integers(2, 40), st.integers(1, 8)).map(lambda t: build_log(*t))


# --- an intact log ------------------------------------------------------------------------


def test_an_intact_log_verifies():
    sink = build_log(25, every=10)
    result = check(sink.entries(), sink.checkpoints())
    assert result.ok and result.problem is None
    assert (result.entries, result.checkpoints, result.last_signed_seq) == (25, 3, 25)


def test_an_empty_log_verifies():
    assert check([], []).ok


def test_entries_after_the_last_checkpoint_are_reported_as_not_yet_signed():
    sink = build_log(25, every=10, seal=False)
    result = check(sink.entries(), sink.checkpoints())
    assert result.ok and result.last_signed_seq == 20
    assert "newest 5 entries" in result.message


def test_entries_chain_from_the_genesis_hash_with_utc_times():
    first, second = build_log(2, every=5).entries()
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    assert first.at == "2025-03-15T12:00:00.000000Z"
    assert first.hash == chain_hash(GENESIS_HASH, first.canonical())


# --- tampering (Hypothesis) --------------------------------------------------------------------

FIELDS = ["seq", "at", "actor", "action", "record_type", "record_id", "outcome", "prev_hash", "hash"]


def altered(entry: AuditEntry, field: str) -> AuditEntry:
    value = getattr(entry, field)
    if field == "seq":
        return dataclasses.replace(entry, seq=value + 1000)
    if field in ("prev_hash", "hash"):
        return dataclasses.replace(entry, **{field: ("f" if value[0] != "f" else "e") + value[1:]})
    if field == "record_type":
        return dataclasses.replace(entry, record_type="cohort")
    if field == "outcome":
        return dataclasses.replace(entry, outcome="denied" if value != "denied" else "allowed")
    return dataclasses.replace(entry, **{field: value + "x"})


@settings(max_examples=150, deadline=None)
@given(sink=logs, data=st.data())
def test_any_edit_of_an_entry_fails_at_that_entry(sink, data):
    entries = list(sink.entries())
    k = data.draw(st.integers(0, len(entries) - 1))
    entries[k] = altered(entries[k], data.draw(st.sampled_from(FIELDS)))
    result = check(entries, sink.checkpoints())
    assert not result.ok
    assert result.first_bad_seq == k + 1, result.message


@settings(max_examples=150, deadline=None)
@given(sink=logs, data=st.data())
def test_any_deletion_fails_at_the_deleted_entry(sink, data):
    entries = list(sink.entries())
    k = data.draw(st.integers(0, len(entries) - 1))
    del entries[k]
    result = check(entries, sink.checkpoints())
    assert not result.ok
    assert result.first_bad_seq == k + 1, result.message


@settings(max_examples=150, deadline=None)
@given(sink=logs, data=st.data())
def test_any_reordering_fails_at_the_first_moved_entry(sink, data):
    entries = list(sink.entries())
    i = data.draw(st.integers(0, len(entries) - 2))
    j = data.draw(st.integers(i + 1, len(entries) - 1))
    entries[i], entries[j] = entries[j], entries[i]
    result = check(entries, sink.checkpoints())
    assert (result.ok, result.first_bad_seq, result.problem) == (False, i + 1, Problem.SEQUENCE)


@settings(max_examples=150, deadline=None)
@given(sink=logs, data=st.data())
def test_any_truncation_fails_at_the_first_missing_entry(sink, data):
    entries = list(sink.entries())
    keep = data.draw(st.integers(0, len(entries) - 1))
    result = check(entries[:keep], sink.checkpoints())
    assert (result.ok, result.first_bad_seq, result.problem) == (False, keep + 1, Problem.TRUNCATED)


@settings(max_examples=150, deadline=None)
@given(sink=logs, data=st.data())
def test_a_recomputed_chain_fails_at_the_checkpoint_before_the_edit(sink, data):
    entries = list(sink.entries())
    k = data.draw(st.integers(0, len(entries) - 1))
    entries[k] = dataclasses.replace(entries[k], actor="someone else")
    result = check(rechain(entries, k), sink.checkpoints())
    signed_before = max((c.seq for c in sink.checkpoints() if c.seq <= k), default=0)
    assert (result.ok, result.problem) == (False, Problem.REWRITTEN)
    assert result.first_bad_seq == signed_before + 1 <= k + 1


@settings(max_examples=100, deadline=None)
@given(sink=logs, data=st.data())
def test_a_checkpoint_not_signed_by_the_audit_key_is_rejected(sink, data):
    checkpoints = list(sink.checkpoints())
    k = data.draw(st.integers(0, len(checkpoints) - 1))
    how = data.draw(st.sampled_from(["other key", "moved", "other hash", "bad signature"]))
    cp = checkpoints[k]
    entry = list(sink.entries())[cp.seq - 1]
    forged = {
        "other key": lambda: AuditSigner.generate().sign(entry, START),
        "moved": lambda: dataclasses.replace(cp, seq=cp.seq - 1),
        "other hash": lambda: dataclasses.replace(cp, hash="0" * 64),
        "bad signature": lambda: dataclasses.replace(cp, signature="AAAA"),
    }[how]()
    checkpoints[k] = forged
    result = check(sink.entries(), checkpoints)
    assert (result.ok, result.problem, result.first_bad_seq) == (False, Problem.FORGED_CHECKPOINT, forged.seq)


def test_a_rewritten_log_resigned_with_another_key_is_rejected():
    sink = build_log(10, every=5)
    entries = rechain([dataclasses.replace(e, actor="mallory") for e in sink.entries()], 0)
    attacker = AuditSigner.generate()
    forged = [attacker.sign(entries[4], START), attacker.sign(entries[9], START)]
    result = check(entries, forged)
    assert (result.ok, result.problem, result.first_bad_seq) == (False, Problem.FORGED_CHECKPOINT, 5)


def test_deleting_the_newest_entries_with_their_checkpoints_is_caught_by_an_exported_anchor():
    sink = build_log(30, every=10)
    anchor = list(sink.checkpoints())[-1]
    entries = list(sink.entries())[:15]
    checkpoints = [c for c in sink.checkpoints() if c.seq <= 15]
    assert check(entries, checkpoints).ok, "without an anchor the shorter log looks whole"
    result = check(entries, checkpoints, anchor=anchor)
    assert (result.ok, result.problem, result.first_bad_seq) == (False, Problem.TRUNCATED, 16)


# --- writing entries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor", ""), ("action", ""), ("actor", "line\nbreak"), ("record_id", "x" * 201)],
)
def test_entries_hold_short_identifiers_only(field, value):
    kwargs = {"actor": "ada", "action": "read_person", "outcome": "allowed", field: value}
    with pytest.raises(AuditError):
        next_entry(None, at=START, **kwargs)


def test_an_entry_needs_a_time_zone():
    with pytest.raises(AuditError, match="time zone"):
        next_entry(None, at=datetime(2025, 1, 1), actor="ada", action="read_person", outcome="allowed")


def test_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError):
        next_entry(None, at=START, actor="ada", action="read_person", outcome="maybe")


def test_a_checkpoint_is_signed_every_n_entries_and_not_twice():
    sink = build_log(12, every=5, seal=False)
    assert [c.seq for c in sink.checkpoints()] == [5, 10]
    log = AuditLog(sink, SIGNER)
    assert log.checkpoint() is not None
    assert log.checkpoint() is None
    assert [c.seq for c in sink.checkpoints()] == [5, 10, 12]


def test_without_a_signing_key_checkpoints_say_how_to_get_one():
    with pytest.raises(AuditError, match="keys init"):
        AuditLog(MemoryAuditSink()).checkpoint()


def test_two_writers_on_one_sink_never_fork_the_chain(tmp_path):
    path = tmp_path / "audit.jsonl"
    first = AuditLog(JsonLinesAuditSink(path), SIGNER, checkpoint_every=4)
    second = AuditLog(JsonLinesAuditSink(path), SIGNER, checkpoint_every=4)
    for i in range(10):
        (first if i % 2 else second).record("ada", "read_person", "allowed", "person", f"p{i}")
    sink = JsonLinesAuditSink(path)
    assert [e.seq for e in sink.entries()] == list(range(1, 11))
    assert check(sink.entries(), sink.checkpoints()).ok


def test_a_stale_entry_is_refused_by_the_sink(tmp_path):
    sink = JsonLinesAuditSink(tmp_path / "audit.jsonl")
    entry = next_entry(None, at=START, actor="ada", action="read_person", outcome="allowed")
    sink.append(entry)
    with pytest.raises(AuditError, match="does not follow"):
        sink.append(entry)


def test_the_json_lines_log_is_owner_only_and_reads_back(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(JsonLinesAuditSink(path), SIGNER, checkpoint_every=3)
    for i in range(7):
        log.record("ada", "read_person", "allowed", "person", f"p{i}")
    log.checkpoint()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    sink = JsonLinesAuditSink(path)
    assert sink.last_entry() == list(sink.entries())[-1]
    assert [c.seq for c in sink.checkpoints()] == [3, 6, 7]
    assert check(sink.entries(), sink.checkpoints()).ok


def test_a_damaged_json_lines_log_names_the_line(tmp_path):
    path = tmp_path / "audit.jsonl"
    AuditLog(JsonLinesAuditSink(path), SIGNER).record("ada", "read_person", "allowed")
    with path.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(AuditError, match="line 2"):
        list(JsonLinesAuditSink(path).entries())


def test_an_edit_in_the_json_lines_file_is_caught(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(JsonLinesAuditSink(path), SIGNER, checkpoint_every=2)
    for i in range(6):
        log.record("ada", "read_person", "allowed", "person", f"p{i}")
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace('"p3"', '"p9"')
    path.write_text("\n".join(lines) + "\n")
    sink = JsonLinesAuditSink(path)
    result = check(sink.entries(), sink.checkpoints())
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 4, Problem.EDITED)


# --- the signing key ------------------------------------------------------------------------


def test_the_signing_key_file_is_owner_only_and_loads_back(tmp_path):
    path = tmp_path / "habeas-audit.key"
    SIGNER.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = AuditSigner.from_file(path)
    assert loaded.key_id == SIGNER.key_id
    entry = next_entry(None, at=START, actor="ada", action="read_person", outcome="allowed")
    assert check([entry], [loaded.sign(entry, START)]).ok


def test_the_signing_key_file_is_never_overwritten_and_refused_when_readable_by_others(tmp_path):
    path = tmp_path / "habeas-audit.key"
    SIGNER.save(path)
    with pytest.raises(SecretFileError, match="will not overwrite"):
        AuditSigner.generate().save(path)
    os.chmod(path, 0o644)
    with pytest.raises(SecretFileError, match="chmod 600"):
        AuditSigner.from_file(path)


def test_the_public_key_exports_as_text_and_verifies():
    public = load_public_key(public_key_text(SIGNER.public_key))
    sink = build_log(5, every=2)
    assert verify(sink.entries(), sink.checkpoints(), public).ok


@pytest.mark.parametrize("text", ["", "not base64!", "AAAA"])
def test_a_malformed_public_key_is_refused(text):
    with pytest.raises(AuditError):
        load_public_key(text)


def test_checkpoints_round_trip_through_json():
    cp = next(iter(build_log(3, every=3).checkpoints()))
    assert Checkpoint.from_dict(cp.to_dict()) == cp

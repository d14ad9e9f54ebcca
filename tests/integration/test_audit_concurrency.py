"""Concurrent readers all get their reads audited: writers take turns, and the chain stays whole."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from habeas.security.audit import verify
from habeas.services import access
from habeas.store.audit import record_many


def test_concurrent_audit_writes_all_land_in_one_valid_chain(ctx) -> None:  # type: ignore[no-untyped-def]
    sink = ctx.audit_sink
    before = sum(1 for _ in sink.entries())

    def read(i: int) -> None:
        record_many(sink, "tester", "read_person", "allowed", [("person", f"p{i}")])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(read, range(40)))
    entries = list(sink.entries())
    assert len(entries) == before + 40
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    access.sign_checkpoint(ctx)
    from habeas.security.keyfiles import load_audit_signer

    public = load_audit_signer(ctx.settings).public_key
    assert verify(list(sink.entries()), list(sink.checkpoints()), public).ok


WRITER = """
import sys
from habeas.store.audit import SqlAuditSink, record_many
from habeas.store.db import make_engine

url, actor, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
sink = SqlAuditSink(make_engine(url))
for i in range(count):
    record_many(sink, actor, "read_person", "allowed", [("person", f"{actor}-{i}"), ("person", f"{actor}-{i}b")])
"""


def test_processes_writing_at_once_take_turns_and_leave_one_whole_chain(ctx) -> None:  # type: ignore[no-untyped-def]
    """Two other processes (server workers, a command) and this one's threads append at once: none fails or is lost."""
    url = ctx.settings.database_url
    sink = ctx.audit_sink
    before = sum(1 for _ in sink.entries())
    others = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"worker{n}", "150"]) for n in range(4)]
    with ThreadPoolExecutor(max_workers=4) as threads:
        list(threads.map(lambda i: record_many(sink, "tester", "list_people", "allowed", [("person", f"t{i}")]),
                         range(60)))  # fmt: skip
    assert [o.wait(timeout=120) for o in others] == [0, 0, 0, 0]
    entries = list(sink.entries())
    assert len(entries) == before + 4 * 150 * 2 + 60
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert {e.record_id for e in entries} >= {f"worker1-{i}b" for i in range(150)} | {f"t{i}" for i in range(60)}
    access.sign_checkpoint(ctx)
    from habeas.security.keyfiles import load_audit_signer

    assert verify(entries, list(sink.checkpoints()), load_audit_signer(ctx.settings).public_key).ok


def test_a_pages_audits_are_written_together_when_it_ends_even_when_it_fails(ctx) -> None:  # type: ignore[no-untyped-def]
    sink = ctx.audit_sink
    before = len(list(sink.entries()))
    with pytest.raises(RuntimeError), access.audits_together(ctx):
        access.audit(ctx, "read_person", records=[("person", "a")])
        with access.audits_together(ctx):  # an inner block leaves the writing to the outer one
            access.audit(ctx, "read_audit", records=[("person", "a")])
        assert len(list(sink.entries())) == before  # nothing written before the page is done
        raise RuntimeError("the page failed after reading")
    written = list(sink.entries())[before:]
    assert [(e.actor, e.action, e.record_id) for e in written] == [
        ("tester", "read_person", "a"),
        ("tester", "read_audit", "a"),
    ]
    assert len({e.at for e in written}) == 1  # one transaction

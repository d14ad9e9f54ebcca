"""Concurrent readers all get their reads audited: writers take turns, and the chain stays whole."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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

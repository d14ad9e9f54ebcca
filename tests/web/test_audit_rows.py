"""The person page's audit table: a visit (the person and its log read together) is one row, a change its own."""

from __future__ import annotations

from habeas.security.audit import AuditEntry
from habeas.web.routes.pages import fold_audit


def entry(seq: int, at: str, actor: str, action: str, outcome: str = "allowed") -> AuditEntry:
    return AuditEntry(seq, at, actor, action, "person", "p-1", outcome, "0" * 64, f"{seq:064d}")


def test_reads_in_one_minute_fold_into_a_row_and_changes_stand_alone() -> None:
    entries = [
        entry(1, "2025-06-01T09:00:05Z", "editor", "import"),
        entry(2, "2025-06-01T09:00:10Z", "editor", "read_person"),
        entry(3, "2025-06-01T09:00:10Z", "editor", "read_audit"),
        entry(4, "2025-06-01T09:00:40Z", "editor", "read_person"),
        entry(5, "2025-06-01T09:00:40Z", "editor", "read_audit"),
        entry(6, "2025-06-01T09:00:50Z", "viewer", "read_person", "denied"),
        entry(7, "2025-06-01T09:01:02Z", "editor", "read_person"),
        entry(8, "2025-06-01T09:01:09Z", "editor", "add_event"),
        entry(9, "2025-06-01T09:01:09Z", "editor", "add_event"),
    ]
    rows = [(r.actor, r.actions, r.outcome, r.times) for r in fold_audit(entries)]
    assert rows == [
        ("editor", ("import",), "allowed", 1),
        ("editor", ("read_person", "read_audit"), "allowed", 2),  # two visits in the same minute
        ("viewer", ("read_person",), "denied", 1),  # a denial is never folded into someone's reads
        ("editor", ("read_person",), "allowed", 1),  # the next minute
        ("editor", ("add_event",), "allowed", 1),  # every change on its own row
        ("editor", ("add_event",), "allowed", 1),
    ]

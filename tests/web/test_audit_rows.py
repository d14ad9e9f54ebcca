"""The person page's audit table: one row per request (a visit reads the person and its log), newest first, paged."""

from __future__ import annotations

from habeas.security.audit import AuditEntry
from habeas.web.routes.pages import AUDIT_PAGE, audit_page, audit_rows


def entry(seq: int, at: str, actor: str, action: str, outcome: str = "allowed") -> AuditEntry:
    return AuditEntry(seq, at, actor, action, "person", "p-1", outcome, "0" * 64, f"{seq:064d}")


def test_each_visit_is_a_row_and_each_change_its_own() -> None:
    entries = [
        entry(1, "2025-06-01T09:00:05Z", "editor", "import"),
        entry(2, "2025-06-01T09:00:10Z", "editor", "read_person"),
        entry(3, "2025-06-01T09:00:10Z", "editor", "read_audit"),
        entry(4, "2025-06-01T09:00:40Z", "editor", "read_person"),
        entry(5, "2025-06-01T09:00:40Z", "editor", "read_audit"),
        entry(6, "2025-06-01T09:00:50Z", "viewer", "read_person", "denied"),
        entry(7, "2025-06-01T09:01:09Z", "editor", "add_event"),
        entry(8, "2025-06-01T09:01:09Z", "editor", "add_event"),
    ]
    rows = [(r.at[11:19], r.actor, r.actions, r.outcome) for r in audit_rows(entries)]
    assert rows == [
        ("09:00:05", "editor", ("import",), "allowed"),
        ("09:00:10", "editor", ("read_person", "read_audit"), "allowed"),  # one visit: the page and its log
        ("09:00:40", "editor", ("read_person", "read_audit"), "allowed"),  # the next visit, not folded into the first
        ("09:00:50", "viewer", ("read_person",), "denied"),
        ("09:01:09", "editor", ("add_event",), "allowed"),  # every change on its own row
        ("09:01:09", "editor", ("add_event",), "allowed"),
    ]


def test_the_table_is_paged_newest_first() -> None:
    visits = [entry(i, f"2025-06-01T09:{i // 60:02d}:{i % 60:02d}Z", "editor", "read_person") for i in range(45)]
    first, second, third = (audit_page(visits, n) for n in (1, 2, 3))
    assert [len(p.rows) for p in (first, second, third)] == [AUDIT_PAGE, AUDIT_PAGE, 45 - 2 * AUDIT_PAGE]
    assert (first.more, second.more, third.more) == (True, True, False)
    assert first.rows[0].at == visits[-1].at and third.rows[-1].at == visits[0].at


def test_an_entrys_time_reads_in_the_readers_language_on_a_24_hour_clock() -> None:
    from habeas.web.i18n import Language

    assert Language("en").moment("2025-06-01T14:54:05.123456Z") == "Jun 1, 2025, 14:54 UTC"
    assert Language("es").moment("2025-06-01T09:05:00Z") == "1 jun 2025, 09:05 UTC"

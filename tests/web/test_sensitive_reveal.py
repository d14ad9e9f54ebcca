"""Sensitive attributes stay off the person page until asked for, and asking is written to the audit log."""

from __future__ import annotations

from web_helpers import CANARY_ID, Site, csrf_of

from habeas.services import Actor, Context, security


def _sensitive_reads(site: Site, actor: str, person: str = CANARY_ID) -> int:
    log = security.audit_log(Context(site.settings, Actor("admin")), person=person)
    return sum(1 for e in log if e.action == "read_sensitive" and e.actor == actor)


def test_the_reveal_shows_the_values_and_is_audited(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    page = editor.get(f"/people/{CANARY_ID}").text
    assert "political opinion" not in page and "Show what only counsel should see" in page
    assert _sensitive_reads(fresh_site, "editor") == 0
    shown = editor.post(f"/people/{CANARY_ID}/sensitive", data={"csrf": csrf_of(page)})
    assert shown.status_code == 200
    assert "Asylum basis: political opinion" in shown.text
    assert _sensitive_reads(fresh_site, "editor") == 1
    assert "political opinion" not in editor.get(f"/people/{CANARY_ID}").text  # closed again on the next visit


def test_the_reveal_speaks_spanish(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    editor.cookies.set("habeas-lang", "es")
    page = editor.get(f"/people/{CANARY_ID}").text
    shown = editor.post(f"/people/{CANARY_ID}/sensitive", data={"csrf": csrf_of(page)}).text
    assert "Fundamento del asilo: opinión política" in shown


def test_a_reveal_without_the_form_token_is_refused_and_shows_nothing(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    refused = editor.post(f"/people/{CANARY_ID}/sensitive", data={"csrf": "forged"})
    assert refused.status_code in (400, 403) and "political opinion" not in refused.text
    assert _sensitive_reads(fresh_site, "editor") == 0


def test_a_viewer_without_the_right_to_sensitive_values_is_never_shown_them(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    reader = client_for("reader")  # a viewer of the case "ahr", which has sensitive attributes; viewers see none
    page = reader.get("/people/ahr").text
    assert "Show what only counsel should see" not in page
    answer = reader.post("/people/ahr/sensitive", data={"csrf": csrf_of(page)})
    assert answer.status_code == 200 and 'data-testid="sensitive"' not in answer.text
    assert _sensitive_reads(fresh_site, "reader", "ahr") == 0

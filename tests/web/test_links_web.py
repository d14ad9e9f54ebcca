"""The link review queue on the web: editors and admins only, CSRF-checked decisions and corrections, combined views.

The candidates come from the real linkage model run over synthetic lists (fictitious people).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import Site, build_site, csrf_of, sign_in

from habeas.services import Actor, Context, datasets
from habeas.services import links as service
from habeas.services.audit_log import audit_log
from habeas.synth.lists import synthetic_lists, write_lists


def build_linked_site(folder: Path) -> tuple[Site, dict[str, str]]:
    """The web test site, plus three synthetic lists imported and linked by the admin."""
    site = build_site(folder)
    admin = Context(site.settings, Actor("admin"))
    made = synthetic_lists(40, 3, seed=11)
    write_lists(made, folder / "lists")
    ids = {}
    for name in made.lists:
        csv, mapping = folder / "lists" / f"{name}.csv", folder / "lists" / f"{name}.mapping.yaml"
        ids[name] = datasets.import_dataset(admin, "mapped_list", csv, mapping=mapping).release
    service.run_linkage(admin, list(ids.values()))
    return site, ids


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, str]]:
    return build_linked_site(tmp_path_factory.mktemp("links-web"))


def client_of(site: Site, name: str | None) -> TestClient:
    client = site.client()
    if name is not None:
        assert sign_in(client, name).status_code == 303
    return client


def pending(site: Site) -> list[service.CandidateView]:
    return service.review(Context(site.settings, Actor("admin")))


def without(text: str, *words: str) -> str:
    for word in words:
        text = text.replace(word, "{PATH}")
    return text


@pytest.mark.parametrize("path", ["/links", "/links/{id}"])
def test_a_viewer_gets_what_a_missing_page_gets(linked_site, path: str) -> None:
    site, _ids = linked_site
    viewer = client_of(site, "viewer")
    path = path.replace("{id}", pending(site)[0].id)
    queue, missing = viewer.get(path), viewer.get("/no-such-page")
    assert queue.status_code == missing.status_code == 404
    assert without(queue.text, path) == without(missing.text, "/no-such-page")
    assert 'href="/links"' not in viewer.get("/rules").text  # nor is the queue in the viewer's navigation


def test_a_viewer_cannot_decide_even_with_a_valid_form(linked_site) -> None:
    site, ids = linked_site
    viewer = client_of(site, "viewer")
    candidate = pending(site)[0].id
    token = csrf_of(viewer.get("/rules").text)
    answer = viewer.post(f"/links/{candidate}/accept", data={"csrf": token, "source": ids["list-1"]})
    assert answer.status_code == 404
    assert service.candidate(Context(site.settings, Actor("admin")), candidate).candidate.decisions == ()


def test_an_editor_reviews_and_accepts_with_a_source(linked_site) -> None:
    site, ids = linked_site
    editor = client_of(site, "editor")
    queue = editor.get("/links")
    assert queue.status_code == 200 and 'href="/links"' in queue.text
    first = pending(site)[0]
    assert first.id[:12] in queue.text and first.candidate.comparisons[0].detail in queue.text
    page = editor.get(f"/links/{first.id}")
    assert page.status_code == 200 and ids["list-1"] in page.text
    answer = editor.post(
        f"/links/{first.id}/accept",
        data={"csrf": csrf_of(page.text), "source": ids["list-1"], "note": "synthetic note"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/links?decided=")
    decided = service.candidate(Context(site.settings, Actor("admin")), first.id).candidate
    assert decided.status == "same" and decided.decisions[0].actor == "editor"
    assert decided.decisions[0].note == "synthetic note"
    assert first.id[:12] not in editor.get("/links").text  # decided: out of the queue
    notice = editor.get(answer.headers["location"]).text  # ... and one link away from its correction
    assert f'href="/links/{first.id}#correct-heading">Correct decision {decided.decisions[0].id}</a>' in notice
    again = editor.post(f"/links/{first.id}/reject", data={"csrf": csrf_of(page.text), "source": ids["list-1"]})
    assert again.status_code == 400 and "already decided" in again.text  # the candidate page again, saying why


def test_a_decision_without_the_forms_token_or_a_source_is_refused(linked_site) -> None:
    site, ids = linked_site
    editor = client_of(site, "editor")
    candidate = pending(site)[-1].id
    page = editor.get(f"/links/{candidate}")
    forged = editor.post(f"/links/{candidate}/accept", data={"source": ids["list-1"]})
    assert forged.status_code == 403
    stale = editor.post(f"/links/{candidate}/accept", data={"csrf": "x" * 43, "source": ids["list-1"]})
    assert stale.status_code == 403
    sourceless = editor.post(f"/links/{candidate}/accept", data={"csrf": csrf_of(page.text), "source": ""})
    assert sourceless.status_code == 400 and "Nothing was saved" in sourceless.text
    assert service.candidate(Context(site.settings, Actor("admin")), candidate).candidate.decisions == ()


def test_an_editor_of_one_case_sees_no_candidate_of_people_out_of_reach(linked_site) -> None:
    site, _ids = linked_site
    outsider = client_of(site, "outsider")
    candidate = pending(site)[0].id
    assert outsider.get("/links").status_code == 200
    assert candidate[:12] not in outsider.get("/links").text
    assert outsider.get(f"/links/{candidate}").status_code == 404
    assert client_of(site, None).get("/links", follow_redirects=False).status_code == 303  # signed out: sign in


def untouched(site: Site) -> service.CandidateView:
    """A pending candidate whose records are in no decided candidate: its cluster is its own."""
    admin = Context(site.settings, Actor("admin"))
    decided = {ref for view in service.review(admin, status="all") if view.in_force for ref in view.candidate.refs}
    return next(v for v in pending(site) if not set(v.candidate.refs) & decided)


def decision_item(page: str, decision: int) -> str:
    """The list item of one decision on a candidate's or a person's page."""
    return page.split(f'id="decision-{decision}"', 1)[1].split("</li>", 1)[0]


def test_an_editor_corrects_a_decision_on_its_page_and_the_earlier_one_stays_marked(linked_site) -> None:
    site, ids = linked_site
    admin = Context(site.settings, Actor("admin"))
    editor = client_of(site, "editor")
    chosen = untouched(site).id
    first = service.accept(admin, chosen, ids["list-1"], "synthetic reason")
    page = editor.get(f"/links/{chosen}")
    assert f'action="/links/{chosen}/correct"' in page.text and f'name="decision" value="{first.id}"' in page.text
    assert 'formaction="/links/' not in page.text  # decided: no accept or reject buttons, only the correction
    answer = editor.post(
        f"/links/{chosen}/correct",
        data={"csrf": csrf_of(page.text), "decision": str(first.id), "source": ids["list-2"], "note": "synthetic fix"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    decisions = service.candidate(admin, chosen).candidate.decisions
    assert decisions[0] == first  # the earlier decision, exactly as it was
    fix = decisions[1]
    assert (fix.verdict, fix.corrects, fix.source, fix.actor, fix.note) == (
        "different",
        first.id,
        ids["list-2"],
        "editor",
        "synthetic fix",
    )
    assert answer.headers["location"] == f"/links/{chosen}?decided={fix.id}"
    shown = editor.get(answer.headers["location"]).text
    struck = decision_item(shown, first.id)
    assert "<s>" in struck and f"by editor (decision {fix.id})" in struck and "Corrected on" in struck
    assert "<s>" not in decision_item(shown, fix.id) and "in force" in decision_item(shown, fix.id)
    assert f'name="decision" value="{fix.id}"' in shown  # a correction can be corrected in turn
    corrections = [e for e in audit_log(admin) if e.action == "link_correct" and e.actor == "editor"]
    assert {("link_candidate", chosen), ("link_decision", str(fix.id))} <= {
        (e.record_type, e.record_id) for e in corrections
    }


def test_a_correction_is_refused_without_the_token_for_a_stale_decision_or_from_a_viewer(linked_site) -> None:
    site, ids = linked_site
    admin = Context(site.settings, Actor("admin"))
    editor, viewer = client_of(site, "editor"), client_of(site, "viewer")
    chosen, other = untouched(site).id, pending(site)[-1].id
    first = service.reject(admin, chosen, ids["list-1"])
    fix = service.correct(admin, first.id, ids["list-1"])
    token = csrf_of(editor.get(f"/links/{chosen}").text)
    form = {"csrf": token, "decision": str(fix.id), "source": ids["list-1"]}
    assert editor.post(f"/links/{chosen}/correct", data={**form, "csrf": ""}).status_code == 403
    stale = editor.post(f"/links/{chosen}/correct", data={**form, "decision": str(first.id)})
    assert stale.status_code == 400 and "already corrected" in stale.text and "Nothing was saved" in stale.text
    sourceless = editor.post(f"/links/{chosen}/correct", data={**form, "source": ""})
    assert sourceless.status_code == 400 and "Nothing was saved" in sourceless.text
    unnamed = editor.post(f"/links/{chosen}/correct", data={**form, "decision": "x"})
    assert unnamed.status_code == 400 and "which decision" in unnamed.text
    assert editor.post(f"/links/{other}/correct", data=form).status_code == 404  # a decision of another candidate
    viewer_form = {**form, "csrf": csrf_of(viewer.get("/rules").text)}
    assert viewer.post(f"/links/{chosen}/correct", data=viewer_form).status_code == 404
    assert service.candidate(admin, chosen).candidate.decisions == (first, fix)


def test_the_combined_view_keeps_every_record_with_its_source_and_a_correction_takes_one_out(linked_site) -> None:
    site, ids = linked_site
    admin = Context(site.settings, Actor("admin"))
    editor = client_of(site, "editor")
    view = untouched(site)
    decision = service.accept(admin, view.id, ids["list-3"])
    person, other = view.left.ref.record_id, view.right.ref.record_id
    assert f'href="/links/people/{person}"' in editor.get(f"/links/{view.id}").text
    page = editor.get(f"/links/people/{person}")
    assert page.status_code == 200
    for record in (view.left, view.right):
        assert f"<code>{record.ref.record_id}</code>" in page.text and f"<code>{record.ref.source}</code>" in page.text
        assert record.source_title in page.text and record.name is not None and record.name in page.text
    assert f'href="/links/{view.id}"' in page.text and "in force" in decision_item(page.text, decision.id)
    assert view.id[:12] in editor.get("/links?status=same").text and view.id[:12] not in editor.get("/links").text
    service.correct(admin, decision.id, ids["list-3"])
    after = editor.get(f"/links/people/{person}").text
    records = after.split('id="links-heading"')[0]
    assert f"<code>{person}</code>" in records and f"<code>{other}</code>" not in records
    assert "<s>" in decision_item(after, decision.id)  # the reversed link stays in view, struck through
    missing = client_of(site, "viewer").get(f"/links/people/{person}")
    assert missing.status_code == 404 and view.left.name not in missing.text
    assert client_of(site, "outsider").get(f"/links/people/{person}").status_code == 404

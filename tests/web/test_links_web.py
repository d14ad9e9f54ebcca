"""The link review queue on the web: editors and admins only, CSRF-checked decisions, and no page wider than the screen.

The candidates come from the real linkage model run over synthetic lists (fictitious people).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, Site, build_site, csrf_of, sign_in

from habeas.services import Actor, Context, datasets
from habeas.services import links as service
from habeas.synth.lists import synthetic_lists, write_lists

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, str]]:
    """The web test site, plus three synthetic lists imported and linked by the admin."""
    folder = tmp_path_factory.mktemp("links-web")
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


@pytest.fixture(scope="module")
def server(linked_site) -> Iterator[str]:
    import uvicorn

    site, _ids = linked_site
    config = uvicorn.Config(site.app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20  # a start-up guard, not a speed check: a server that never starts fails
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{running.servers[0].sockets[0].getsockname()[1]}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's Chromium at /usr/bin/chromium")
def test_the_queue_and_a_candidate_fit_a_phone_and_a_laptop(server: str, linked_site) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    site, _ids = linked_site
    candidate = pending(site)[0].id
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            for width in (390, 1280):
                context = browser.new_context(viewport={"width": width, "height": 900})
                tab = context.new_page()
                errors: list[str] = []
                tab.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                tab.goto(server + "/sign-in")
                tab.fill("#username", "editor")
                tab.fill("#password", PASSWORD)
                tab.click("button.primary")
                playwright.expect(tab).to_have_url(f"{server}/morning")
                for path in ("/links", f"/links/{candidate}"):
                    tab.goto(server + path)
                    assert tab.locator("h1").count() == 1
                    assert tab.evaluate("document.documentElement.scrollWidth") <= width, f"{path} at {width} px"
                assert errors == []
                context.close()
        finally:
            browser.close()

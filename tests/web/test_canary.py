"""A person out of a user's reach leaves no trace in anything that user can fetch: pages, fragments, API, counts."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

import pytest
from fastapi.testclient import TestClient
from web_helpers import CANARY_ID, CANARY_WORDS, Site, csrf_of

# Searches aimed at the canary: exact, folded, reordered, with a typo, by id, by a prefix.
SEARCHES = [
    "Qwertzy Canarinowski",
    "canarinowski qwertzy",
    "Qwertsy",
    "Plumbag",
    "zebulon vantablack",
    CANARY_ID,
    "Qwe",
]
PAGES = [
    "/morning",
    "/morning?since=2025-01-01",
    "/people",
    "/people?sort=days",
    "/people?custody=removed",
    "/people?country=SV",
    "/people?cohort=canary-cohort-x7q",
    "/people?flag=no_proof_of_life",
    f"/people/{CANARY_ID}",
    "/cohorts",
    "/cohorts/canary-cohort-x7q",
    "/rules",
    "/account",
    *(f"/people?q={q}" for q in SEARCHES),
    *(f"/people?q={q}&fragment=1" for q in SEARCHES),
]
API = [
    "/api/v1/people",
    "/api/v1/people?custody=removed",
    "/api/v1/people?cohort=canary-cohort-x7q",
    f"/api/v1/people/{CANARY_ID}",
    f"/api/v1/people/{CANARY_ID}/whereabouts",
    f"/api/v1/people/{CANARY_ID}/flags",
    "/api/v1/alerts?since=2025-01-01",
    *(f"/api/v1/people?q={q}" for q in SEARCHES),
]


def _leaks(text: str, typed: str) -> list[str]:
    """Canary words in ``text`` that the user did not type themselves (a search box shows its own query)."""
    asked = unquote_plus(typed).casefold()
    return [word for word in CANARY_WORDS if word.casefold() in text.casefold() and word.casefold() not in asked]


@pytest.mark.parametrize("role", ["viewer", "outsider", "reader"])
@pytest.mark.parametrize("path", PAGES)
def test_no_page_shows_a_trace_of_the_canary(clients: dict[str, TestClient], role: str, path: str) -> None:
    client = clients.get(role) or clients["viewer"]
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert _leaks(response.text, path) == []
    if "q=" in path:
        assert re.search(r'class="result-count">0 people<', response.text)


@pytest.fixture(scope="module")
def tokens(site: Site) -> dict[str, str]:
    return {role: site.accounts.tokens.issue(role, "test")[1] for role in ("viewer", "outsider", "editor")}


@pytest.mark.parametrize("role", ["viewer", "outsider"])
@pytest.mark.parametrize("path", API)
def test_no_api_answer_shows_a_trace_of_the_canary(site: Site, tokens: dict[str, str], role: str, path: str) -> None:
    with site.client() as client:
        response = client.get(path, headers={"Authorization": f"Bearer {tokens[role]}"})
    assert response.status_code in (200, 404)
    assert _leaks(response.text, path) == []
    if "q=" in path:
        assert response.json()["total"] == 0


def test_the_canary_is_found_by_those_who_may_see_it(site: Site, tokens: dict[str, str]) -> None:
    """The searches above do find the canary for an editor of every record, so the tests above could fail."""
    with site.client() as client:
        for query in SEARCHES:
            found = client.get(f"/api/v1/people?q={query}", headers={"Authorization": f"Bearer {tokens['editor']}"})
            assert CANARY_ID in [p["id"] for p in found.json()["people"]], query


def test_counts_cover_only_the_people_in_reach(clients: dict[str, TestClient]) -> None:
    page = clients["viewer"].get("/morning").text
    tiles = [int(n) for n in re.findall(r'class="tile-number">(\d+)<', page)]
    assert sum(tiles) == 2  # demo-a and demo-b, the viewer's cohort
    listing = clients["viewer"].get("/people").text
    assert re.search(r'class="result-count">2 people<', listing)
    everyone = clients["editor"].get("/people").text
    assert re.search(r'class="result-count">4 people<', everyone)


def test_a_viewer_sees_no_notes_and_no_sensitive_attributes(clients: dict[str, TestClient]) -> None:
    as_viewer = clients["reader"].get("/people/ahr").text
    editor = clients["outsider"]
    as_editor = editor.get("/people/ahr").text
    revealed = editor.post("/people/ahr/sensitive", data={"csrf": csrf_of(as_editor)}).text
    assert "credible fear interview" in as_editor and "sexual orientation" in revealed
    viewer_revealed = clients["reader"].post("/people/ahr/sensitive", data={"csrf": csrf_of(as_viewer)}).text
    for secret in ("credible fear interview", "sexual orientation"):
        assert secret not in as_viewer and secret not in viewer_revealed


def test_sensitive_attributes_wait_behind_a_reveal_step(clients: dict[str, TestClient]) -> None:
    """Not in the page at all until asked for (a closed <details> still sends them): asking is a POST, audited."""
    page = clients["outsider"].get("/people/ahr").text
    reveal = page.split('data-testid="sensitive">')[1].split("</div>")[0]
    assert 'action="/people/ahr/sensitive"' in reveal and "sexual orientation" not in page
    assert "Asylum basis" not in page

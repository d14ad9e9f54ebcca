"""The JSON API: per-user tokens, the same access model as the pages, case-file validation, OpenAPI.

Generated requests against every operation are in test_schemathesis.py."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_helpers import Site, csrf_of


@pytest.fixture(scope="module")
def tokens(site: Site) -> dict[str, str]:
    return {role: site.accounts.tokens.issue(role, "test")[1] for role in ("viewer", "outsider", "editor", "admin")}


def _get(site: Site, path: str, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with site.client() as client:
        return client.get(path, headers=headers)


@pytest.mark.parametrize("token", [None, "habeas_not-a-real-token", ""])
def test_no_token_no_answer(site: Site, token: str | None) -> None:
    response = _get(site, "/api/v1/people", token)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_a_browser_session_does_not_open_the_api(clients: dict[str, TestClient]) -> None:
    assert clients["editor"].get("/api/v1/people").status_code == 401


def test_a_token_made_on_the_account_page_works_until_revoked(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    browser = client_for("outsider")
    made = browser.post("/account/tokens", data={"csrf": csrf_of(browser.get("/account").text), "label": "script"})
    token = re.search(r'data-testid="new-token">([^<]+)<', made.text).group(1)  # type: ignore[union-attr]
    assert "habeas_" in token and token not in browser.get("/account").text  # shown once
    assert _get(fresh_site, "/api/v1/people", token).json()["total"] == 1  # the outsider reaches one person
    token_id = re.search(r"/account/tokens/([0-9a-f]+)/revoke", made.text).group(1)  # type: ignore[union-attr]
    browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf": csrf_of(made.text)})
    assert _get(fresh_site, "/api/v1/people", token).status_code == 401


def test_whereabouts_and_flags_have_the_shapes_of_the_case_file_contract(site: Site, tokens: dict[str, str]) -> None:
    where = _get(site, "/api/v1/people/ahr/whereabouts?as_of=2025-05-01", tokens["editor"]).json()
    assert set(where) == {"person", "as_of", "custody", "country", "facility", "since", "last_proof_of_life",
                          "days_without_proof_of_life", "pending", "evidence", "proof_of_life_clock"}  # fmt: skip
    assert where["custody"] == "foreign_custody" and where["days_without_proof_of_life"] == {"min": 46, "max": 46}
    flags = _get(site, "/api/v1/people/ahr/flags?as_of=2025-05-01", tokens["editor"]).json()
    assert flags and set(flags[0]) == {"rule", "severity", "certainty", "person", "as_of", "title", "explanation",
                                       "evidence", "sources", "legal_basis"}  # fmt: skip


def test_the_person_record_leaves_out_sensitive_fields_for_a_viewer(site: Site, tokens: dict[str, str]) -> None:
    as_viewer = _get(site, "/api/v1/people/demo-a", tokens["viewer"]).json()["person"]
    as_editor = _get(site, "/api/v1/people/demo-a", tokens["editor"]).json()["person"]
    assert "sensitive" not in as_viewer and "identifiers" not in as_viewer
    assert "sensitive" in as_editor


def test_an_event_posted_to_the_api_is_validated_like_a_case_file(fresh_site: Site) -> None:
    _, token = fresh_site.accounts.tokens.issue("editor", "t")
    _, viewer = fresh_site.accounts.tokens.issue("viewer", "t")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    good = {"event": {"kind": "proof_of_life", "date": "2025-05-30", "evidence": "call", "sources": ["bar-2025-07-21"]}}
    bad = {"event": {"kind": "proof_of_life", "date": "yesterday"}}
    with fresh_site.client() as client:
        assert client.post("/api/v1/people/ahr/events", json=good, headers=headers).json()["added"]["events"] == 1
        refused = client.post("/api/v1/people/ahr/events", json=bad, headers=headers)
        assert refused.status_code == 422 and "request.json at /events/0/date" in refused.json()["problems"][0]
        days = client.get("/api/v1/people/ahr/whereabouts", headers=headers).json()["days_without_proof_of_life"]
        assert days == {"min": 2, "max": 2}
        as_viewer = client.post(
            "/api/v1/people/demo-a/events", json=good, headers={"Authorization": f"Bearer {viewer}"}
        )
        assert as_viewer.status_code == 403


def test_a_case_file_posted_to_the_api_is_imported_whole(fresh_site: Site) -> None:
    _, token = fresh_site.accounts.tokens.issue("editor", "t")
    headers = {"Authorization": f"Bearer {token}"}
    document = {"habeas": 1, "people": [{"id": "api-p", "name": "Persona Sintética"}],
                "events": [{"person": "api-p", "kind": "booked_in", "date": "2025-05-01"}]}  # fmt: skip
    with fresh_site.client() as client:
        assert client.post("/api/v1/import", json=document, headers=headers).json()["added"]["people"] == 1
        found = client.get("/api/v1/people?q=persona+sintetica", headers=headers).json()
        assert [p["id"] for p in found["people"]] == ["api-p"]


def test_the_openapi_document_describes_only_the_api_with_token_auth(site: Site) -> None:
    document = _get(site, "/api/v1/openapi.json", None).json()
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert "/api/v1/people/{person_id}" in document["paths"]


@pytest.mark.parametrize("query", ["as_of=", "as_of=2025-02-30", "known_on=%20", "known_on=yesterday"])
def test_a_day_that_is_not_a_day_is_refused_in_the_documented_shape(
    site: Site, tokens: dict[str, str], query: str
) -> None:
    response = _get(site, f"/api/v1/people/demo-a?{query}", tokens["viewer"])
    assert response.status_code == 400 and set(response.json()) == {"error"}


def test_a_method_the_api_does_not_offer_says_which_it_does(site: Site, tokens: dict[str, str]) -> None:
    with site.client() as client:
        response = client.delete("/api/v1/people", headers={"Authorization": f"Bearer {tokens['viewer']}"})
    assert response.status_code == 405 and response.headers["allow"] == "GET"

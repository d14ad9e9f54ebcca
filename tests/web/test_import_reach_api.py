"""POST /api/v1/import is held to the importer's reach like every other import.

An editor whose group names one person sends case files that name the restricted
(canary) person: re-declared, guessed at, written to. Each must be refused the same
way whether the guess is right or wrong, and the person must stay out of reach.
"""

from __future__ import annotations

import pytest
from web_helpers import CANARY_ID, Site

GUESSES = {
    "right": {"sensitive": {"asylum_basis": ["political_opinion"]}},
    "wrong": {"sensitive": {"asylum_basis": ["sexual_orientation"]}},
}


def _api(site: Site, user: str):  # type: ignore[no-untyped-def]
    _info, token = site.accounts.tokens.issue(user, "script")
    client = site.client()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_an_api_import_cannot_open_or_test_a_guess_about_a_person_out_of_reach(fresh_site: Site) -> None:
    with _api(fresh_site, "outsider") as api:
        answers = {}
        for guess, fields in GUESSES.items():
            answer = api.post("/api/v1/import", json={"habeas": 1, "people": [{"id": CANARY_ID, **fields}]})
            answers[guess] = (answer.status_code, answer.text)
        assert answers["right"] == answers["wrong"]
        assert answers["right"][0] == 422 and "already taken" in answers["right"][1]
        assert api.get(f"/api/v1/people/{CANARY_ID}").status_code == 404


@pytest.mark.parametrize("event", [
    {"person": CANARY_ID, "kind": "released", "date": "2025-06-01"},
    {"person": "ahr", "kind": "correction", "date": "2025-06-01", "supersedes": "canary-removed",
     "retract": True, "reason": "synthetic"},
], ids=["an event onto the person", "a correction of the person's event"])  # fmt: skip
def test_an_api_import_cannot_write_to_a_person_out_of_reach(fresh_site: Site, event: dict[str, object]) -> None:
    with _api(fresh_site, "outsider") as api:
        answer = api.post("/api/v1/import", json={"habeas": 1, "events": [event]})
        assert answer.status_code == 422 and "unknown" in answer.text
    with _api(fresh_site, "editor") as full:
        where = full.get(f"/api/v1/people/{CANARY_ID}/whereabouts", params={"as_of": "2025-07-01"}).json()
    assert where["custody"] == "removed", "neither a release nor a retraction of the removal may have landed"

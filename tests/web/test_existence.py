"""A person out of reach and an id that does not exist get the same answer, byte for byte, everywhere.

Each comparison uses two ids of the same length (the canary, planted out of the user's reach,
and one that no record has), and replaces the id by a placeholder: what is left of the
answers (status, body, every header but the date) must be identical.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from web_helpers import CANARY_COHORT, CANARY_ID, CANARY_WORDS, Site, csrf_of

GONE_ID = "nobody-x7q"  # as long as CANARY_ID
GONE_COHORT = "nobody-cohort-x7q"  # as long as CANARY_COHORT
assert len(GONE_ID) == len(CANARY_ID) and len(GONE_COHORT) == len(CANARY_COHORT)
USERS = ("outsider", "viewer")  # an editor of one case, a viewer of one cohort: neither reaches the canary

Ask = Callable[[TestClient, str], Response]


def shape(answer: Response, ident: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted((k, v.replace(ident, "{ID}")) for k, v in answer.headers.items() if k.lower() != "date")
    return answer.status_code, answer.content.replace(ident.encode(), b"{ID}"), headers


def assert_alike(ask: Ask, client: TestClient, present: str = CANARY_ID, absent: str = GONE_ID) -> None:
    out_of_reach, missing = ask(client, present), ask(client, absent)
    assert shape(out_of_reach, present) == shape(missing, absent)
    assert not any(word in out_of_reach.text for word in CANARY_WORDS if word != present)


@pytest.fixture(scope="module")
def api_clients(site: Site) -> dict[str, TestClient]:
    made = {}
    for name in USERS:
        _info, token = site.accounts.tokens.issue(name, "existence tests")
        client = site.client()
        client.headers["Authorization"] = f"Bearer {token}"
        made[name] = client
    return made


PAGES: dict[str, Ask] = {
    "person page": lambda c, i: c.get(f"/people/{i}"),
    "person page as of a day, as known on a day": lambda c, i: c.get(
        f"/people/{i}", params={"as_of": "2025-05-01", "known_on": "2025-05-15"}
    ),
    "exhibit (md)": lambda c, i: c.get(f"/people/{i}/exhibit.md"),
    "exhibit (html)": lambda c, i: c.get(f"/people/{i}/exhibit.html"),
    "exhibit (pdf)": lambda c, i: c.get(f"/people/{i}/exhibit.pdf", params={"as_of": "2025-05-01"}),
    "exhibit of an unknown format": lambda c, i: c.get(f"/people/{i}/exhibit.docx"),
}
API: dict[str, Ask] = {
    "person": lambda c, i: c.get(f"/api/v1/people/{i}"),
    "person as of a day": lambda c, i: c.get(f"/api/v1/people/{i}", params={"as_of": "2025-05-01"}),
    "whereabouts": lambda c, i: c.get(f"/api/v1/people/{i}/whereabouts"),
    "whereabouts as known on a day": lambda c, i: c.get(f"/api/v1/people/{i}/whereabouts?known_on=2025-05-15"),
    "flags": lambda c, i: c.get(f"/api/v1/people/{i}/flags"),
    "an event": lambda c, i: c.post(
        f"/api/v1/people/{i}/events", json={"event": {"kind": "proof_of_life", "date": "2025-05-30"}}
    ),
    "a correction": lambda c, i: c.post(
        f"/api/v1/people/{i}/events",
        json={"event": {"kind": "correction", "date": "2025-05-30", "supersedes": "canary-booked", "reason": "x"}},
    ),
    "an import naming the person": lambda c, i: c.post(
        "/api/v1/import",
        json={"habeas": 1, "events": [{"person": i, "kind": "proof_of_life", "date": "2025-05-30"}]},
    ),
}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_answers_a_person_out_of_reach_as_one_that_does_not_exist(
    clients: dict[str, TestClient], user: str, page: str
) -> None:
    assert_alike(PAGES[page], clients[user])


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("operation", list(API))
def test_the_api_answers_a_person_out_of_reach_as_one_that_does_not_exist(
    api_clients: dict[str, TestClient], user: str, operation: str
) -> None:
    assert_alike(API[operation], api_clients[user])


def _form_post(fields: dict[str, str]) -> Ask:
    def ask(client: TestClient, ident: str) -> Response:
        csrf = csrf_of(client.get("/people/ahr").text)
        return client.post(f"/people/{ident}/events", data={"csrf": csrf, **fields})

    return ask


FORMS = {
    "an event": {"mode": "event", "kind": "proof_of_life", "date": "2025-05-30", "source": ""},
    "a correction": {"mode": "correction", "kind": "proof_of_life", "date": "2025-05-30", "supersedes": "canary-booked",
                     "reason": "misread"},
    "a withdrawal": {"mode": "correction", "supersedes": "canary-removed", "reason": "wrong person", "retract": "true"},
    "an event with a problem": {"mode": "event", "kind": "proof_of_life", "date": "not a day"},
}  # fmt: skip


@pytest.mark.parametrize("form", list(FORMS))
def test_the_event_form_posted_against_a_person_out_of_reach_answers_as_for_none(
    clients: dict[str, TestClient], form: str
) -> None:
    assert_alike(_form_post(FORMS[form]), clients["outsider"])


def test_an_uploaded_case_file_naming_a_person_out_of_reach_answers_as_for_none(
    clients: dict[str, TestClient],
) -> None:
    def ask(client: TestClient, ident: str) -> Response:
        csrf = csrf_of(client.get("/import").text)
        content = f"habeas: 1\nevents:\n- person: {ident}\n  kind: proof_of_life\n  date: 2025-05-30\n".encode()
        return client.post("/import", data={"csrf": csrf}, files={"file": ("case.yaml", content)})

    assert_alike(ask, clients["outsider"])


def test_a_cohort_out_of_reach_answers_as_one_that_does_not_exist(clients: dict[str, TestClient]) -> None:
    assert_alike(lambda c, i: c.get(f"/cohorts/{i}"), clients["viewer"], CANARY_COHORT, GONE_COHORT)


@pytest.mark.parametrize("ident", ["bad\r\nid", "x" * 300, "-starts-with-a-dash", "ünïcode"])
def test_an_id_no_record_can_have_is_answered_as_not_found(
    clients: dict[str, TestClient], api_clients: dict[str, TestClient], ident: str
) -> None:
    path = quote(ident, safe="")
    page = clients["outsider"].get(f"/people/{path}")
    assert page.status_code == 404
    answer = api_clients["outsider"].get(f"/api/v1/people/{path}")
    assert answer.status_code == 404
    assert answer.json()["error"].startswith("no person with id")
    assert api_clients["outsider"].get(f"/api/v1/people/{path}/whereabouts").status_code == 404
    assert clients["outsider"].get(f"/people/{path}/exhibit.md").status_code == 404

"""An error never repeats the sensitive value it refuses: names, aliases, identifiers, sensitive attributes, notes.

Each field gets a distinctive synthetic canary in a wrong type or shape; the answer (a page or the
API's JSON) must say what is wrong without containing the canary. The event form alone shows the
user's own typing back in its fields, as typed; its problems must not quote it either.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from fastapi.testclient import TestClient
from web_helpers import Site, csrf_of

CANARY = "Vexlorind"  # synthetic; in no record, no message and no page of habeas

# (what is wrong, a person or an event holding the canary there)
PEOPLE = {
    "name as a list": {"id": "refused-1", "name": [CANARY + "Name"]},
    "name as a mapping": {"id": "refused-2", "name": {"given": CANARY + "Name"}},
    "aliases as a string": {"id": "refused-3", "aliases": CANARY + "Alias"},
    "an alias as a list": {"id": "refused-4", "aliases": [[CANARY + "Alias"]]},
    "identifiers as a string": {"id": "refused-6", "identifiers": CANARY + "A123"},
    "an A-number as a list": {"id": "refused-7", "identifiers": {"a_number": [CANARY + "A987"]}},
    "an A-number as a mapping": {"id": "refused-8", "identifiers": {"a_number": {"n": CANARY + "A987"}}},
    "sensitive as a string": {"id": "refused-9", "sensitive": CANARY + "Basis"},
    "a name with a control character": {"id": "refused-11", "name": CANARY + "\u0007Name"},
}
EVENTS = {
    "a note as a list": {"note": [CANARY + "Note"]},
    "a note as a mapping": {"note": {"text": CANARY + "Note"}},
    "a note with a control character": {"note": CANARY + "\u0001Note"},
    "a note and a bad date": {"note": CANARY + "Note", "date": "not a day"},
}


def _event(person: str, **fields: object) -> dict[str, object]:
    return {"person": person, "kind": "proof_of_life", "date": "2025-05-30", **fields}


def _documents() -> dict[str, dict[str, object]]:
    documents: dict[str, dict[str, object]] = {k: {"habeas": 1, "people": [p]} for k, p in PEOPLE.items()}
    for k, fields in EVENTS.items():
        documents[k] = {"habeas": 1, "events": [_event("ahr", **fields)]}
    correction = {"person": "ahr", "kind": "correction", "date": "2025-05-30", "supersedes": "x", "reason": "r"}
    documents["a replacement's note as a list"] = {
        "habeas": 1, "events": [{**correction, "replacement": _event("ahr", note=[CANARY + "Note"])}]
    }  # fmt: skip
    return documents


DOCUMENTS = _documents()


@pytest.fixture(scope="module")
def api(site: Site) -> TestClient:
    _info, token = site.accounts.tokens.issue("editor", "refused values")
    client = site.client()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def assert_refused_without_the_canary(answer) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code in (400, 413, 422), answer.text[:500]
    assert CANARY not in answer.text
    assert CANARY.lower() not in answer.text.lower()


@pytest.mark.parametrize("case", list(DOCUMENTS))
def test_the_api_import_refuses_a_wrong_value_without_repeating_it(api: TestClient, case: str) -> None:
    assert_refused_without_the_canary(api.post("/api/v1/import", json=DOCUMENTS[case]))


@pytest.mark.parametrize("case", list(EVENTS))
def test_the_api_event_refuses_a_wrong_value_without_repeating_it(api: TestClient, case: str) -> None:
    event = {k: v for k, v in _event("ahr", **EVENTS[case]).items() if k != "person"}
    assert_refused_without_the_canary(api.post("/api/v1/people/ahr/events", json={"event": event}))


@pytest.mark.parametrize(
    "body",
    [
        {"event": CANARY + "Note"},
        {"event": {"kind": "proof_of_life"}, "sources": CANARY + "Source"},
        {"event": {"kind": "proof_of_life"}, "sources": [CANARY + "Source"]},
        [CANARY + "Name"],
    ],
)
def test_an_event_request_of_the_wrong_shape_is_refused_without_repeating_it(api: TestClient, body: object) -> None:
    assert_refused_without_the_canary(api.post("/api/v1/people/ahr/events", json=body))


@pytest.mark.parametrize("body", [[CANARY + "Name"], CANARY + "Name", {"habeas": 1, "people": CANARY + "Name"}])
def test_an_import_request_of_the_wrong_shape_is_refused_without_repeating_it(api: TestClient, body: object) -> None:
    assert_refused_without_the_canary(api.post("/api/v1/import", json=body))


def test_a_name_search_too_long_is_refused_without_repeating_it(
    api: TestClient, clients: dict[str, TestClient]
) -> None:
    assert_refused_without_the_canary(api.get("/api/v1/people", params={"q": CANARY * 30}))


def test_an_api_body_that_is_not_json_is_refused_without_repeating_it(api: TestClient) -> None:
    broken = b'{"habeas": 1, "people": [{"name": "' + CANARY.encode() + b'"'
    answer = api.post("/api/v1/import", content=broken, headers={"content-type": "application/json"})
    assert_refused_without_the_canary(answer)


@pytest.mark.parametrize("suffix", ["yaml", "json"])
@pytest.mark.parametrize("case", list(DOCUMENTS))
def test_an_uploaded_case_file_is_refused_without_repeating_its_values(
    clients: dict[str, TestClient], case: str, suffix: str
) -> None:
    editor = clients["editor"]
    document = DOCUMENTS[case]
    content = json.dumps(document) if suffix == "json" else yaml.safe_dump(document, allow_unicode=True)
    csrf = csrf_of(editor.get("/import").text)
    answer = editor.post("/import", data={"csrf": csrf}, files={"file": (f"case.{suffix}", content.encode())})
    assert_refused_without_the_canary(answer)


def _without_what_was_typed(page: str) -> str:
    """The page less the form's fields as typed (shown back on purpose): what is left holds the problems."""
    page = re.sub(r"<textarea([^>]*)>.*?</textarea>", r"<textarea\1></textarea>", page, flags=re.DOTALL)
    return re.sub(r'value="[^"]*"', 'value=""', page)


@pytest.mark.parametrize(
    "fields",
    [
        {"note": CANARY + "\u0001Note", "date": "2025-05-30"},
        {"note": CANARY + "Note", "date": "not a day"},
    ],
)
def test_the_event_form_names_the_problem_without_quoting_the_note(
    clients: dict[str, TestClient], fields: dict[str, str]
) -> None:
    editor = clients["editor"]
    csrf = csrf_of(editor.get("/people/ahr").text)
    form = {"csrf": csrf, "mode": "event", "kind": "proof_of_life", "source": "", **fields}
    answer = editor.post("/people/ahr/events", data=form)
    assert answer.status_code == 400
    assert 'id="form-problems"' in answer.text
    assert CANARY not in _without_what_was_typed(answer.text)

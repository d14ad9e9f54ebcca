"""Schemathesis against the OpenAPI document, with a low-privilege token: no server error, no canary.

Every operation of the document (GETs and POSTs) gets generated requests, valid and invalid, sent
in-process with a viewer's API token. Each answer must not be a server error, must have a status,
content type, headers and body the document declares, and must hold no word of the canary person
the viewer may not see unless the request itself carried it (an id the caller typed comes back in a 404).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import schemathesis
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from web_helpers import CANARY_ID, CANARY_WORDS, Site, build_site

from habeas.settings import Settings
from habeas.web.app import create_app

# The operations are generated when the module is collected, from the document of an app over no
# database (making the app reads none); the requests go to the module's site with the examples and canary.
_NOWHERE = Path("/nonexistent/habeas")
_document_app = create_app(
    Settings(data_dir=_NOWHERE, database_url=f"sqlite:///{_NOWHERE}/habeas.db", config_path=_NOWHERE / "habeas.toml")
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _document_app)

# People the generated requests also ask for: two in the viewer's reach, one outside it, and the canary.
KNOWN_PEOPLE = ("demo-a", "demo-b", "ahr", CANARY_ID)


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy:
    """Half the person ids generated become real ones, so the fuzz reaches timelines, not only 404s."""
    if not path_parameters or "person_id" not in path_parameters:
        return st.just(path_parameters)
    known = st.sampled_from(KNOWN_PEOPLE).map(lambda person: {**path_parameters, "person_id": person})
    return st.one_of(st.just(path_parameters), known)


@schemathesis.check
def no_canary_words(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """The viewer's answer holds no word of the canary person, unless the request itself sent that word."""
    body = response.content.decode("utf-8", errors="replace").lower()
    request = response.request
    sent = unquote(request.url or "").lower()
    raw = request.body or b""
    sent += (raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw).lower()
    leaked = [word for word in CANARY_WORDS if word.lower() in body and word.lower() not in sent]
    assert not leaked, f"the answer shows the canary: {leaked}"


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,  # a valid request is not refused as invalid (401/403/404 are allowed answers)
    unsupported_method,  # a method the document does not list gets a 405 with `Allow`
    ignored_auth,  # without the token, the same request is refused
    no_canary_words,
]
# Not `negative_data_rejection`: the API ignores query parameters it does not know, as most HTTP APIs do.


@pytest.fixture(scope="module")
def viewer_token(site: Site) -> str:
    """A token of the lowest-privilege role that reads: a viewer whose reach is one cohort, not the canary."""
    return site.accounts.tokens.issue("viewer", "schemathesis")[1]


@schema.parametrize()
@settings(max_examples=50, deadline=None, derandomize=True)
def test_no_request_a_viewer_can_make_breaks_the_server_or_shows_the_canary(
    case: schemathesis.Case, site: Site, viewer_token: str
) -> None:
    case.call_and_validate(app=site.app, headers={"Authorization": f"Bearer {viewer_token}"}, checks=CHECKS)


@pytest.fixture(scope="module")
def written_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A site of its own for the editor's writes, so the viewer's run reads the examples as they are."""
    return build_site(tmp_path_factory.mktemp("written"))


@pytest.fixture(scope="module")
def editor_token(written_site: Site) -> str:
    return written_site.accounts.tokens.issue("editor", "schemathesis")[1]


@schema.include(method="POST").parametrize()
@settings(max_examples=50, deadline=None, derandomize=True)
def test_no_write_an_editor_can_send_breaks_the_server(
    case: schemathesis.Case, written_site: Site, editor_token: str
) -> None:
    """The writes refuse a viewer before reading the body; an editor's token takes them through validation."""
    headers = {"Authorization": f"Bearer {editor_token}"}
    case.call_and_validate(app=written_site.app, headers=headers, checks=[not_a_server_error])

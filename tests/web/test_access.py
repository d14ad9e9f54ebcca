"""Every route declares an access policy, and each role gets exactly what the access model allows."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route
from web_helpers import ROLES, Site, csrf_of

from habeas.web.app import check_policies
from habeas.web.policy import Gate, Policy, flat_routes, policy_of

# What each route declares. A new route fails this test until it is added here, with its policy.
POLICIES = {
    ("GET", "/"): "signed_in",
    ("GET", "/sign-in"): "public",
    ("POST", "/sign-in"): "public",
    ("GET", "/sign-in/code"): "second_factor",
    ("POST", "/sign-in/code"): "second_factor",
    ("POST", "/sign-out"): "public",
    ("POST", "/language"): "public",
    ("GET", "/morning"): "read_person",
    ("GET", "/people"): "read_person",
    ("GET", "/people/{person_id}"): "read_person",
    ("GET", "/people/{person_id}/exhibit.{fmt}"): "read_person",
    ("POST", "/people/{person_id}/sensitive"): "read_person",
    ("GET", "/cohorts"): "read_person",
    ("GET", "/cohorts/{cohort_id}"): "read_person",
    ("POST", "/people/{person_id}/events"): "write_event",
    ("GET", "/rules"): "signed_in",
    ("GET", "/import"): "import",
    ("POST", "/import"): "import",
    ("POST", "/import/datasets"): "import",
    ("GET", "/import/jobs/{job_id}"): "import",
    ("GET", "/import/jobs/{job_id}/status"): "import",
    ("GET", "/import/jobs/{job_id}/rejected.csv"): "import",
    ("GET", "/account"): "signed_in",
    ("POST", "/account/tokens"): "signed_in",
    ("POST", "/account/tokens/{token_id}/revoke"): "signed_in",
    ("GET", "/users"): "manage_users",
    ("GET", "/api/v1/people"): "api:read_person",
    ("GET", "/api/v1/people/{person_id}"): "api:read_person",
    ("GET", "/api/v1/people/{person_id}/whereabouts"): "api:read_person",
    ("GET", "/api/v1/people/{person_id}/flags"): "api:read_person",
    ("POST", "/api/v1/people/{person_id}/events"): "api:write_event",
    ("POST", "/api/v1/import"): "api:import",
    ("GET", "/api/v1/rules"): "api:signed_in",
    ("GET", "/api/v1/alerts"): "api:read_person",
    ("GET", "/calendar/{secret}.ics"): "public",
    # The link queue: signed in, then only editors and admins; anyone else gets a missing page's 404.
    ("GET", "/links"): "signed_in",
    ("GET", "/links/{candidate_id}"): "signed_in",
    ("POST", "/links/{candidate_id}/accept"): "signed_in",
    ("POST", "/links/{candidate_id}/reject"): "signed_in",
    ("POST", "/links/{candidate_id}/correct"): "signed_in",
    ("GET", "/links/people/{person_id}"): "signed_in",
    ("POST", "/account/calendar-feed"): "signed_in",
    ("POST", "/account/calendar-feed/revoke"): "signed_in",
}
# Not routes of the app's own: the OpenAPI document and the static files, public by design.
PUBLIC_EXTRAS = {"/api/v1/openapi.json", "/static"}


def _describe(policy: Policy) -> str:
    name = policy.action.value if policy.gate is Gate.ACTION and policy.action else policy.gate.value
    return f"api:{name}" if policy.api else name


def _routes(app: FastAPI) -> dict[tuple[str, str], str]:
    found = {}
    for route in flat_routes(app.routes):
        if isinstance(route, APIRoute):
            policy = policy_of(route)
            for method in route.methods:
                found[(method, route.path)] = _describe(policy) if policy else "NONE"
    return found


def test_every_route_declares_the_policy_listed_here(site: Site) -> None:
    assert _routes(site.app) == POLICIES


def test_nothing_but_the_openapi_document_and_static_files_escapes_the_policies(site: Site) -> None:
    routes = flat_routes(site.app.routes)
    others = {r.path for r in routes if isinstance(r, (Route, Mount)) and not isinstance(r, APIRoute)}
    assert others == PUBLIC_EXTRAS


def test_a_route_without_a_policy_stops_the_app(site: Site) -> None:
    router = APIRouter()

    @router.get("/forgotten")
    def forgotten() -> str:
        return "reachable by anyone"

    @router.get("/declared")
    def declared(viewer: object = Depends(Policy.signed_in())) -> str:
        return "fine"

    app = FastAPI()
    app.include_router(router)
    with pytest.raises(RuntimeError, match="/forgotten"):
        check_policies(app)


# (method, path, data?) → status per role: anonymous, viewer, outsider, editor, admin.
# viewer: viewer of the demo flight cohort (demo-a, demo-b); outsider: editor of ahr only.
# 303 to sign-in for the anonymous; 404 for a person out of reach (same as one that does not exist);
# 400 for an empty event form that passed the access checks and failed validation (nothing stored).
MATRIX = [
    ("GET", "/", {"anonymous": 303, "viewer": 303, "outsider": 303, "editor": 303, "admin": 303}),
    ("GET", "/morning", {"anonymous": 303, "viewer": 200, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/people", {"anonymous": 303, "viewer": 200, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/people/ahr", {"anonymous": 303, "viewer": 404, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/people/demo-a", {"anonymous": 303, "viewer": 200, "outsider": 404, "editor": 200, "admin": 200}),
    ("GET", "/people/nobody", {"anonymous": 303, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404}),
    ("GET", "/people/ahr/exhibit.md", {"anonymous": 303, "viewer": 404, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/cohorts", {"anonymous": 303, "viewer": 200, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/cohorts/cecot-2025-03", {"anonymous": 303, "viewer": 404, "outsider": 200, "editor": 200, "admin": 200}),
    ("POST", "/people/ahr/sensitive", {"anonymous": 303, "viewer": 404, "outsider": 200, "editor": 200, "admin": 200}),
    ("POST", "/people/ahr/events", {"anonymous": 303, "viewer": 403, "outsider": 400, "editor": 400, "admin": 400}),
    ("POST", "/people/demo-a/events", {"anonymous": 303, "viewer": 403, "outsider": 404, "editor": 400, "admin": 400}),
    ("GET", "/rules", {"anonymous": 303, "viewer": 200, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/import", {"anonymous": 303, "viewer": 403, "outsider": 200, "editor": 200, "admin": 200}),
    ("POST", "/import", {"anonymous": 303, "viewer": 403, "outsider": 400, "editor": 400, "admin": 400}),
    ("POST", "/import/datasets", {"anonymous": 303, "viewer": 403, "outsider": 400, "editor": 400, "admin": 400}),
    ("GET", "/import/jobs/nojob", {"anonymous": 303, "viewer": 403, "outsider": 404, "editor": 404, "admin": 404}),
    (
        "GET",
        "/import/jobs/nojob/status",
        {"anonymous": 303, "viewer": 403, "outsider": 404, "editor": 404, "admin": 404},
    ),
    (
        "GET",
        "/import/jobs/nojob/rejected.csv",
        {"anonymous": 303, "viewer": 403, "outsider": 404, "editor": 404, "admin": 404},
    ),
    ("GET", "/account", {"anonymous": 303, "viewer": 200, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/users", {"anonymous": 303, "viewer": 403, "outsider": 403, "editor": 403, "admin": 200}),
    ("GET", "/links", {"anonymous": 303, "viewer": 404, "outsider": 200, "editor": 200, "admin": 200}),
    # "{candidate_id}" is sent as it stands: no candidate has that id (this site has none at all).
    ("GET", "/links/{candidate_id}", {"anonymous": 303, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404}),
    (
        "POST",
        "/links/{candidate_id}/accept",
        {"anonymous": 303, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404},
    ),
    (
        "POST",
        "/links/{candidate_id}/reject",
        {"anonymous": 303, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404},
    ),
    (
        "POST",
        "/links/{candidate_id}/correct",
        {"anonymous": 303, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404},
    ),
    ("GET", "/links/people/ahr", {"anonymous": 303, "viewer": 404, "outsider": 200, "editor": 200, "admin": 200}),
    ("GET", "/links/people/nobody", {"anonymous": 303, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404}),
    ("GET", "/sign-in", {"anonymous": 200, "viewer": 303, "outsider": 303, "editor": 303, "admin": 303}),
    ("GET", "/sign-in/code", {"anonymous": 303, "viewer": 303, "outsider": 303, "editor": 303, "admin": 303}),
    # The calendar feed: its secret, not a cookie, is the credential; an unknown one is a 404 for everyone.
    ("GET", "/calendar/nofeed.ics", {"anonymous": 404, "viewer": 404, "outsider": 404, "editor": 404, "admin": 404}),
    ("POST", "/account/calendar-feed", {"anonymous": 303, "viewer": 200, "outsider": 200, "editor": 200, "admin": 200}),
    (
        "POST",
        "/account/calendar-feed/revoke",
        {"anonymous": 303, "viewer": 303, "outsider": 303, "editor": 303, "admin": 303},
    ),
]


def _call(client: TestClient, method: str, path: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(path, follow_redirects=False)
    token = csrf_of(client.get("/rules" if "habeas-session" in client.cookies else "/sign-in").text)
    return client.post(path, data={"csrf": token}, follow_redirects=False)


@pytest.mark.parametrize(("method", "path", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_roles_get_what_the_access_model_allows(
    clients: dict[str, TestClient], role: str, method: str, path: str, expected: dict[str, int]
) -> None:
    response = _call(clients[role], method, path)
    assert response.status_code == expected[role], response.text[:500]
    if response.status_code == 303 and role == "anonymous" and path != "/sign-in/code":
        assert response.headers["location"].startswith("/sign-in?next=")


def test_the_matrix_covers_every_page_route(site: Site) -> None:
    covered = {(m, p.replace("cecot-2025-03", "{cohort_id}")
                .replace("ahr", "{person_id}").replace("demo-a", "{person_id}").replace("nobody", "{person_id}")
                .replace("exhibit.md", "exhibit.{fmt}").replace("nojob", "{job_id}"))
               for m, p, _ in MATRIX}  # fmt: skip
    pages = {key for key, policy in POLICIES.items() if not policy.startswith("api:") and policy != "public"}
    exempt = {("POST", "/sign-in/code"), ("POST", "/account/tokens"), ("POST", "/account/tokens/{token_id}/revoke")}
    assert pages - covered - exempt == set()


def test_a_deactivated_user_cannot_sign_in(site: Site) -> None:
    from web_helpers import sign_in

    with site.client() as client:
        assert sign_in(client, "retired").status_code == 401
        assert client.get("/people", follow_redirects=False).status_code == 303

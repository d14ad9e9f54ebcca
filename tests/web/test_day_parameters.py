"""Every page and API operation that takes a day answers a bad or extreme one with a 400 naming the parameter."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_helpers import Site

PAGES = (
    ("/people/ahr", "as_of"),
    ("/people/ahr", "known_on"),
    ("/people/ahr/exhibit.md", "as_of"),
    ("/people/ahr/exhibit.html", "known_on"),
    ("/morning", "since"),
)
API = (
    ("/api/v1/people/ahr", "as_of"),
    ("/api/v1/people/ahr", "known_on"),
    ("/api/v1/people/ahr/whereabouts", "as_of"),
    ("/api/v1/people/ahr/whereabouts", "known_on"),
    ("/api/v1/people/ahr/flags", "as_of"),
    ("/api/v1/people/ahr/flags", "known_on"),
    ("/api/v1/alerts", "since"),
)
# The day that gave a 500 on the person page, the ends of Python's dates, and days that are not days.
BAD_DAYS = ("9999-12-31", "0001-01-01", "0000-01-01", "9999-12~", "2025-13-01", "1899-12-31", "2200-01-01", "x" * 300)
ALLOWED = "from 1900-01-01 to 2199-12-31"


@pytest.fixture(scope="module")
def api(site: Site) -> TestClient:
    _info, token = site.accounts.tokens.issue("editor", "day tests")
    client = site.client()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize(("path", "name"), PAGES)
def test_an_extreme_or_malformed_day_on_a_page_is_a_400_naming_the_parameter_and_the_range(
    clients: dict[str, TestClient], path: str, name: str, day: str
) -> None:
    answer = clients["editor"].get(path, params={name: day})
    assert answer.status_code == 400
    assert f"{name}: write a day as YYYY-MM-DD, {ALLOWED}" in answer.text


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize(("path", "name"), API)
def test_an_extreme_or_malformed_day_in_the_api_is_a_400_naming_the_parameter_and_the_range(
    api: TestClient, path: str, name: str, day: str
) -> None:
    answer = api.get(path, params={name: day})
    assert answer.status_code == 400
    assert answer.json() == {"error": f"{name}: write a day as YYYY-MM-DD, {ALLOWED}"}


@pytest.mark.parametrize("day", ("1900-01-01", "2199-12-31", "today"))
def test_the_first_and_last_allowed_days_are_answered(
    clients: dict[str, TestClient], api: TestClient, day: str
) -> None:
    assert clients["editor"].get("/people/ahr", params={"as_of": day}).status_code == 200
    assert clients["editor"].get("/people/ahr", params={"known_on": day}).status_code == 200
    assert api.get("/api/v1/people/ahr", params={"as_of": day}).status_code == 200
    assert api.get("/api/v1/alerts", params={"since": day}).status_code == 200


def test_an_empty_day_in_the_api_names_its_parameter(api: TestClient) -> None:
    answer = api.get("/api/v1/people/ahr/whereabouts", params={"known_on": " "})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("known_on: an empty day")

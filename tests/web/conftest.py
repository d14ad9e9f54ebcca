"""Web fixtures: one site per module for reading, a fresh site per test for writing, signed-in clients."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

# importlib mode does not put test folders on sys.path; the helpers are imported by the test modules.
sys.path.insert(0, str(Path(__file__).parent))

from web_helpers import OTHER_USERS, ROLES, Site, build_site, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One database and app per test module, for tests that only read."""
    return build_site(tmp_path_factory.mktemp("web"))


@pytest.fixture
def fresh_site(tmp_path: Path) -> Site:
    """A database and app of its own, for tests that write or count sign-in failures."""
    return build_site(tmp_path)


@pytest.fixture(scope="module")
def clients(site: Site) -> Iterator[dict[str, TestClient]]:
    """A client per role, signed in once for the module (an admin's TOTP code may be spent only once)."""
    made = {}
    for role in (*ROLES, *OTHER_USERS):
        client = site.client()
        if role != "anonymous":
            assert sign_in(client, role).status_code == 303
        made[role] = client
    yield made
    for client in made.values():
        client.close()


@pytest.fixture
def client_for(fresh_site: Site) -> Callable[[str], TestClient]:
    def make(role: str) -> TestClient:
        client = fresh_site.client()
        if role != "anonymous":
            assert sign_in(client, role).status_code == 303
        return client

    return make

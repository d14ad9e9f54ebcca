"""Security headers on every response; no inline script or style anywhere, so the CSP needs no exception."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

PAGES = ["/sign-in", "/morning", "/people", "/people/ahr", "/people/demo-a", "/rules", "/import", "/account", "/users"]


@pytest.mark.parametrize("path", [*PAGES, "/api/v1/openapi.json", "/people/nobody", "/no-such-page"])
def test_every_response_carries_the_security_headers(clients: dict[str, TestClient], path: str) -> None:
    response = clients["admin"].get(path)
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(clients: dict[str, TestClient]) -> None:
    response = clients["anonymous"].get("/static/habeas.css")
    assert response.status_code == 200 and "max-age" in response.headers["cache-control"]


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_style(clients: dict[str, TestClient], path: str) -> None:
    finder = _InlineFinder()
    finder.feed(clients["admin"].get(path).text)
    assert finder.found == []

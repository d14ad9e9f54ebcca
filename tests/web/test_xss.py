"""Markup typed into names, events, sources, forms, searches and uploads is shown as text, never run."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from web_helpers import Site, build_site, csrf_of, sign_in

from habeas.services import Actor, Context, track

PAYLOADS = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</title><script>alert(5)</script>",
    "</textarea><script>alert(6)</script>",
    "{{ 7*191 }}",
    "<a href='javascript:alert(7)'>x</a>",
]
JOINED = " ".join(PAYLOADS)

CASEFILE = {
    "habeas": 1,
    "sources": [
        {"id": "xss-src", "kind": "article", "title": JOINED, "publisher": JOINED, "url": "javascript:alert(8)"},
    ],
    "cohorts": [{"id": "xss-cohort", "name": JOINED}],
    "people": [{"id": "xss-person", "name": PAYLOADS[0], "aliases": PAYLOADS[1:], "cohorts": ["xss-cohort"]}],
    "events": [
        {"id": "xss-booked", "person": "xss-person", "kind": "booked_in", "date": "2025-01-02",
         "facility": JOINED, "note": JOINED, "sources": ["xss-src"]},
        {"id": "xss-allegation", "person": "xss-person", "kind": "allegation", "date": "2025-01-05",
         "claim": "gang_membership", "by": JOINED, "sources": ["xss-src"]},
        {"id": "xss-access", "person": "xss-person", "kind": "access_denied", "date": "2025-02-01",
         "who": JOINED, "where": JOINED},
    ],
}  # fmt: skip


class _Executable(HTMLParser):
    """Collects whatever a browser would run: scripts not from /static, event handlers, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.found.append(f"<script src={values.get('src')!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript"
            ):
                self.found.append(f"<{tag} {name}={value}>")


def assert_inert(page: str) -> None:
    finder = _Executable()
    finder.feed(page)
    assert finder.found == []
    assert "1337" not in page  # the template-injection payload was not evaluated
    assert "<script>alert" not in page


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("xss")
    site = build_site(folder)
    path = folder / "xss.yaml"
    path.write_text(yaml.safe_dump(CASEFILE, allow_unicode=True), encoding="utf-8")
    track.import_casefiles(Context(site.settings, Actor("admin")), [path])
    return site


@pytest.fixture(scope="module")
def editor(xss_site: Site) -> TestClient:
    client = xss_site.client()
    sign_in(client, "editor")
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/people",
        "/people/xss-person",
        "/people?cohort=xss-cohort",
        "/cohorts",
        "/cohorts/xss-cohort",
        f"/cohorts/{PAYLOADS[0]}",
        "/people?q=script+alert",
        f"/people?q={PAYLOADS[1]}",
        f"/people?q={PAYLOADS[0]}&fragment=1",
        "/morning?since=2024-01-01",
        f"/people/{PAYLOADS[0]}",
        f"/people/xss-person?as_of={PAYLOADS[2]}",
    ],
)
def test_stored_and_echoed_markup_is_inert(editor: TestClient, path: str) -> None:
    response = editor.get(path)
    assert response.status_code in (200, 400, 404)
    assert_inert(response.text)


def test_the_stored_payload_is_shown_as_text(editor: TestClient) -> None:
    page = editor.get("/people/xss-person").text
    assert "&lt;script&gt;alert(&#39;x1&#39;)&lt;/script&gt;" in page  # visible to the reader, escaped


def test_a_cohort_name_with_markup_is_shown_as_text(editor: TestClient) -> None:
    for path in ("/cohorts", "/cohorts/xss-cohort"):
        page = editor.get(path).text
        assert "&lt;script&gt;alert(&#39;x1&#39;)&lt;/script&gt;" in page, path


def test_a_rejected_form_echoes_its_values_inertly(editor: TestClient) -> None:
    csrf = csrf_of(editor.get("/people/xss-person").text)
    data = {"csrf": csrf, "mode": "event", "kind": "access_denied", "date": PAYLOADS[3], "note": JOINED}
    data |= {"access_denied.who": JOINED, "source": "new", "source_title": JOINED, "source_url": PAYLOADS[6]}
    response = editor.post("/people/xss-person/events", data=data)
    assert response.status_code == 400
    assert "is not a valid EDTF date" in response.text or "not a date" in response.text
    assert_inert(response.text)


def test_an_uploaded_file_with_markup_in_its_keys_and_name_reports_inertly(editor: TestClient, tmp_path: Path) -> None:
    csrf = csrf_of(editor.get("/import").text)
    document = {"habeas": 1, PAYLOADS[0]: 1, "people": [{"id": "ok", "name": PAYLOADS[1], PAYLOADS[3]: 1}]}
    content = yaml.safe_dump(document, allow_unicode=True)
    files = {"file": (f"{PAYLOADS[2]}.yaml", content.encode(), "application/yaml")}
    response = editor.post("/import", data={"csrf": csrf}, files=files)
    assert response.status_code == 400
    assert "unknown key" in response.text
    assert_inert(response.text)


def test_api_answers_are_json_not_html(xss_site: Site) -> None:
    _, token = xss_site.accounts.tokens.issue("editor", "xss")
    with xss_site.client() as client:
        response = client.get("/api/v1/people/xss-person", headers={"Authorization": f"Bearer {token}"})
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["person"]["name"] == PAYLOADS[0]


def test_backticked_names_in_rule_texts_are_code_and_nothing_else_is_markup() -> None:
    from habeas.web.rendering import inline_code

    assert (
        str(inline_code("past `warning_days` & <b>bold</b>"))
        == "past <code>warning_days</code> &amp; &lt;b&gt;bold&lt;/b&gt;"
    )

"""The person page offers the court exhibit of `habeas report` as a download, within the access model."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_an_admin_downloads_the_exhibit_as_a_pdf(clients: dict[str, TestClient]) -> None:
    page = clients["admin"].get("/people/ahr")
    assert "/people/ahr/exhibit.pdf" in page.text
    response = clients["admin"].get("/people/ahr/exhibit.pdf?as_of=2025-05-01")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")


def test_the_markdown_exhibit_names_the_events(clients: dict[str, TestClient]) -> None:
    response = clients["admin"].get("/people/ahr/exhibit.md?as_of=2025-05-01")
    assert response.status_code == 200 and "2025-03-15/2025-03-16" in response.text


def test_someone_out_of_reach_gets_no_exhibit(clients: dict[str, TestClient]) -> None:
    response = clients["outsider"].get("/people/demo-a/exhibit.pdf")  # the outsider's group holds ahr only
    assert response.status_code in (403, 404)
    assert not response.content.startswith(b"%PDF-")
    assert not clients["anonymous"].get("/people/ahr/exhibit.pdf").content.startswith(b"%PDF-")
    assert clients["admin"].get("/people/ahr/exhibit.docx").status_code == 404

"""The morning page leads with the people assigned to the reader (`habeas assign`)."""

from __future__ import annotations

import pytest
from web_helpers import Site, build_site, csrf_of, sign_in

from habeas.services import Actor, Context, assignments


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    built = build_site(tmp_path_factory.mktemp("assigned"))
    assignments.assign(Context(built.settings, Actor("admin")), "ahr", "editor")
    return built


def _page(site: Site, user: str, lang: str = "en") -> str:
    with site.client() as client:
        assert sign_in(client, user).status_code == 303
        if lang == "en":
            return client.get("/morning?since=2025-06-20").text
        csrf = csrf_of(client.get("/morning").text)
        return client.post("/language", data={"csrf": csrf, "lang": lang, "next": "/morning?since=2025-06-20"}).text


def test_the_assignees_page_leads_with_their_people(site: Site) -> None:
    page = _page(site, "editor")
    assert page.index('id="assigned-heading"') < page.index('id="counts-heading"')
    section = page[page.index('id="assigned-heading"') : page.index("</section>", page.index('id="assigned-heading"'))]
    assert '<a href="/people/ahr">Andry José Hernández Romero</a>' in section
    assert "missed" in section


def test_a_reader_with_no_one_assigned_sees_no_such_section(site: Site) -> None:
    assert 'id="assigned-heading"' not in _page(site, "viewer")


def test_the_section_is_in_spanish(site: Site) -> None:
    page = _page(site, "editor", "es")
    assert "Asignadas a usted" in page

"""The link pages in a real Chromium, on a phone (390 px) and a laptop (1280 px), in English and Spanish.

The queue, a pending candidate, a corrected one and a person's combined view: none is wider than
the screen and axe-core finds nothing wrong (WCAG 2.1 A/AA and its best practices); a reviewer
corrects a decision through the form. Screenshots go to /tmp/shots/links-<page>-<width>-<lang>.png.
The candidates come from the real linkage model run over synthetic lists (fictitious people).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe import summary, violations
from test_links_web import build_linked_site
from web_helpers import PASSWORD, Site, served

from habeas.services import Actor, Context
from habeas.services import links as service

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/shots")
WIDTHS = (390, 1280)
LANGUAGES = ("en", "es")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's Chromium at /usr/bin/chromium"),
]
playwright = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, str], dict[str, str]]:
    """The linked site, with one candidate accepted then corrected: the pages to visit, by screenshot name."""
    site, ids = build_linked_site(tmp_path_factory.mktemp("links-browser"))
    admin = Context(site.settings, Actor("admin"))
    waiting = service.review(admin)
    corrected, accepted = waiting[0], waiting[1]
    service.correct(admin, service.accept(admin, corrected.id, ids["list-1"], "synthetic reason").id, ids["list-2"])
    service.accept(admin, accepted.id, ids["list-2"])
    pages = {
        "queue": "/links",
        "decided": "/links?status=all",
        "candidate": f"/links/{waiting[2].id}",
        "corrected": f"/links/{corrected.id}",
        "person": f"/links/people/{accepted.left.ref.record_id}",
    }
    return site, ids, pages


@pytest.fixture(scope="module")
def server(linked) -> Iterator[str]:
    site = linked[0]
    with served(site.app) as address:
        yield address


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def signed_in_tab(browser: Any, server: str, width: int, lang: str) -> Any:
    """A new tab of the editor (signed in), in ``lang``, on a screen ``width`` pixels wide."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    host = server.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "habeas-lang", "value": lang, "domain": host, "path": "/"}])
    tab = context.new_page()
    tab.goto(server + "/sign-in")
    tab.fill("#username", "editor")
    tab.fill("#password", PASSWORD)
    tab.click("button.primary")
    playwright.expect(tab).to_have_url(f"{server}/morning")
    return tab


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_link_pages_fit_the_screen_and_axe_finds_nothing(server: str, browser, linked, width: int, lang: str):  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab = signed_in_tab(browser, server, width, lang)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    problems: list[str] = []
    for name, path in linked[2].items():
        tab.goto(server + path)
        assert tab.locator("html").get_attribute("lang") == lang, f"{path} is not in {lang}"
        assert tab.locator("h1").count() == 1, path
        scroll = tab.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{path}: {scroll} px wide on a {width} px screen")
        found = violations(tab)
        if found:
            problems.append(f"{path}:\n{summary(found)}")
        tab.screenshot(path=str(SHOTS / f"links-{name}-{width}-{lang}.png"), full_page=True)
    tab.context.close()
    assert problems == [], "\n".join(problems)
    assert errors == [], f"the browser reported errors: {errors}"


def test_a_reviewer_corrects_a_decision_through_the_form(server: str, browser, linked) -> None:
    site, ids, _pages = linked
    admin = Context(site.settings, Actor("admin"))
    chosen = service.review(admin)[-1]
    decision = service.accept(admin, chosen.id, ids["list-1"])
    tab = signed_in_tab(browser, server, 390, "en")
    tab.goto(f"{server}/links/{chosen.id}")
    tab.select_option("#source", ids["list-3"])
    tab.fill("#note", "synthetic correction")
    tab.get_by_role("button", name="Correct: they are not the same person").click()
    playwright.expect(tab).to_have_url(f"{server}/links/{chosen.id}?decided={decision.id + 1}")
    playwright.expect(tab.locator(f"#decision-{decision.id} s")).to_have_count(1)  # struck through, still there
    playwright.expect(tab.locator(f"#decision-{decision.id}")).to_contain_text("Corrected on")
    playwright.expect(tab.get_by_role("button", name="Correct: they are the same person")).to_be_visible()
    tab.context.close()
    fix = service.candidate(admin, chosen.id).candidate.decisions[-1]
    assert (fix.corrects, fix.verdict, fix.source, fix.actor) == (decision.id, "different", ids["list-3"], "editor")

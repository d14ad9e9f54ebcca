"""Every page in a real Chromium, on a phone (390 px) and a desktop (1280 px), in English and Spanish.

No page is wider than the screen and axe-core finds nothing wrong (WCAG 2.1 A/AA and its best
practices). Screenshots of the main pages go to /tmp/shots/web-<page>-<width>-<lang>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from axe import summary, violations
from web_helpers import ADMIN_TOTP, PASSWORD, build_site, served

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/shots")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's Chromium at /usr/bin/chromium (scripts/ensure-chromium.sh installs it)",
    ),
]
playwright = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")

# Every page a signed-in admin can open, by the name its screenshot takes (None: no screenshot).
PAGES: tuple[tuple[str, str | None], ...] = (
    ("/morning", "morning"),
    ("/people", "people"),
    ("/people?custody=removed&sort=days", None),
    ("/people/ahr", "person"),
    ("/people/ahr?as_of=2025-09-01&known_on=2025-05-01", None),
    ("/people/demo-b", None),
    ("/cohorts", "cohorts"),
    ("/cohorts/demo-flight-2025-04", "cohort"),
    ("/rules", "rules"),
    ("/import", "import"),
    ("/account", "account"),
    ("/users", "users"),
    ("/people/nobody-here", None),  # the page for a person who does not exist (or is out of reach)
)
SIGNED_OUT_PAGES = (("/sign-in", "sign-in"),)
WIDTHS = (390, 1280)
LANGUAGES = ("en", "es")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_site(tmp_path_factory.mktemp("every-page"))
    with served(site.app) as address:
        yield address


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def admin_state(server: str, browser: Any) -> dict[str, Any]:
    """An admin's signed-in cookies, kept for every context (a TOTP code may be spent only once)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(server + "/sign-in")
    tab.fill("#username", "admin")
    tab.fill("#password", PASSWORD)
    tab.click("button.primary")
    tab.fill("#code", pyotp.TOTP(ADMIN_TOTP).now())
    tab.click("button.primary")
    playwright.expect(tab).to_have_url(f"{server}/morning")
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


def _visit(tab: Any, server: str, path: str, shot: str | None, width: int, lang: str) -> list[str]:
    """What is wrong with one page: wider than the screen, errors in the console, axe-core's findings."""
    tab.goto(server + path)
    problems = []
    assert tab.locator("html").get_attribute("lang") == lang, f"{path} is not in {lang}"
    scroll = tab.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{path}: {scroll} px wide on a {width} px screen")
    found = violations(tab)
    if found:
        problems.append(f"{path}:\n{summary(found)}")
    if shot:
        tab.screenshot(path=str(SHOTS / f"web-{shot}-{width}-{lang}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_axe_finds_nothing(  # type: ignore[no-untyped-def]
    server: str, browser, admin_state: dict[str, Any], width: int, lang: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    host = server.split("//")[1].split(":")[0]
    language = {"name": "habeas-lang", "value": lang, "domain": host, "path": "/"}
    problems: list[str] = []
    errors: list[str] = []
    for state, pages in ((admin_state, PAGES), ({"cookies": [], "origins": []}, SIGNED_OUT_PAGES)):
        context = browser.new_context(viewport={"width": width, "height": 900}, storage_state=state)
        context.add_cookies([language])
        tab = context.new_page()
        # The missing person answers 404 on purpose; any other console error is a fault of a page.
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        for path, shot in pages:
            problems += _visit(tab, server, path, shot, width, lang)
        context.close()
    assert problems == [], "\n".join(problems)
    assert errors == [], f"the browser reported errors: {errors}"

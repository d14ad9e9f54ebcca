"""The public page of 400 synthetic people in a real headless Chromium: no sideways scroll at 390 or 1280 px,
tables that scroll inside a labelled, focusable region, and no axe-core violation, in English and Spanish.

Screenshots go to test-artifacts/publish/ (kept by CI, ignored by git), and to $HABEAS_SHOTS when it is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "publish"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's Chromium at /usr/bin/chromium (scripts/ensure-chromium.sh installs it)",
    ),
]
playwright = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")
# The shared axe-core helper of the browser tests (importlib mode puts no test folder on sys.path).
sys.path.insert(0, str(ROOT / "tests" / "web"))
from axe import summary, violations  # noqa: E402  (the helper's folder is added just above)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def shot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if folder := os.environ.get("HABEAS_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_public_page_fits_the_screen_and_breaks_no_accessibility_rule(  # type: ignore[no-untyped-def]
    published, browser, lang: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto((published[lang] / "index.html").as_uri())
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    regions = tab.locator('div.scroll[role="region"]')
    assert regions.count() == 4
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
        box = region.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, "a table's region stays inside the screen"
    for svg in tab.locator("svg").all():
        box = svg.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    found = violations(tab)
    assert found == [], summary(found)
    shot(tab, f"public-{lang}-{width}" if lang == "es" else f"public-{width}")
    context.close()
    assert errors == []

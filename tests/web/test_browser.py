"""End to end in a real headless Chromium: sign in, search with a typo, add a proof of life, correct, switch language.

Screenshots go to test-artifacts/web/ (kept by CI, ignored by git).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import uvicorn
from web_helpers import ADMIN_TOTP, PASSWORD, ROOT, build_site

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "web"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's Chromium at /usr/bin/chromium (scripts/ensure-chromium.sh installs it)",
    ),
]
playwright = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_site(tmp_path_factory.mktemp("browser"))
    config = uvicorn.Config(site.app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        tab = context.new_page()
        errors: list[str] = []
        # The rejected form answers 400 on purpose; any other error in the console is a fault of the page.
        expected = "the server responded with a status of 400"
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" and expected not in m.text else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        assert errors == [], f"the browser reported errors: {errors}"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def clock(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="clock"]').inner_text().strip()


def test_an_advocate_goes_through_the_day(server: str, page) -> None:  # type: ignore[no-untyped-def]
    expect = playwright.expect

    # Sign in: password, then the admin's second factor.
    page.goto(server + "/people")
    expect(page).to_have_url(f"{server}/sign-in?next=/people")
    shot(page, "01-sign-in")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("Second step")
    page.fill("#code", pyotp.TOTP(ADMIN_TOTP).now())
    page.click("button.primary")
    expect(page).to_have_url(f"{server}/people")

    # Search with a typo and without accents; the list narrows as one types.
    page.fill("#q", "andri hernandes")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody a")).to_have_text("Andry José Hernández Romero")
    shot(page, "02-search-with-a-typo")

    # Open the person: 77 days without proof of life, and the flag that says so.
    page.click("#results tbody a")
    expect(page.locator("h1")).to_have_text("Andry José Hernández Romero")
    assert clock(page) == "77"
    expect(page.locator('.flag[data-rule="no_proof_of_life"]')).to_have_count(1)
    expect(page.locator("svg.timeline-svg.timeline-wide")).to_be_visible()  # at 1280 px, the desktop drawing
    shot(page, "03-person")

    # Add a proof of life from two days ago: the clock and the flags change.
    page.select_option("#kind", "proof_of_life")
    expect(page.locator('.kind-fields[data-kind="contact"]')).to_be_hidden()
    page.fill("#date", "2025-05-30")
    page.select_option("#f-proof_of_life-evidence", "call")
    page.fill("#f-proof_of_life-by", "counsel")
    page.select_option("#source", "new")
    page.fill("#source_title", "Call log of counsel (synthetic)")
    page.select_option("#source_kind", "document")
    page.fill("#source_date", "2025-05-30")
    shot(page, "04-adding-a-proof-of-life")
    page.click(".event-form button.primary")
    expect(page.locator(".notice-ok")).to_be_visible()
    assert clock(page) == "2"
    expect(page.locator('.flag[data-rule="no_proof_of_life"]')).to_have_count(0)
    shot(page, "05-clock-reset")

    # A mistake is not saved, and the form says where it is.
    page.select_option("#kind", "contact")
    page.fill("#date", "2025-02-31")
    page.click(".event-form button.primary")
    expect(page.locator(".field-problem").first).to_be_visible()
    assert page.locator("#problem-date-1").count() == 1
    shot(page, "06-problem-shown-by-the-field")

    # Correct the hand-over date: the old event stays, struck through, and the replacement takes effect.
    page.check('input[name="mode"][value="correction"]')
    page.select_option("#supersedes", "ahr-handed-over")
    page.fill("#reason", "The hand-over was a day later")
    page.select_option("#kind", "handed_over")
    page.fill("#date", "2025-03-17")
    page.fill("#f-handed_over-country", "SV")
    page.fill("#f-handed_over-facility", "CECOT")
    page.select_option("#source", "bar-2025-07-21")
    page.click(".event-form button.primary")
    expect(page.locator(".notice-ok")).to_be_visible()
    expect(page.locator("#event-ahr-handed-over")).to_have_class("event status-superseded kind-handed_over")
    page.locator("#event-ahr-handed-over").scroll_into_view_if_needed()
    shot(page, "07-correction")

    # Switch to Spanish: words, dates and numbers change.
    page.click('button[name="lang"][value="es"]')
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(".clock-card h2")).to_have_text("Días sin prueba de vida")
    expect(page.locator(".clock-since")).to_contain_text("30 may 2025")
    shot(page, "08-spanish")
    page.goto(server + "/morning")
    expect(page.locator("h1")).to_have_text("Informe matutino")
    shot(page, "09-morning-report-es")

    # A cohort: its members with their flags, custody day by day and the lengths of stays, drawn by the server.
    page.goto(server + "/cohorts")
    page.click('a[href="/cohorts/demo-flight-2025-04"]')
    expect(page.locator(".people-table tbody tr")).to_have_count(2)
    expect(page.locator("svg.chart-svg.chart-wide")).to_have_count(2)
    expect(page.locator("svg.chart-svg.chart-wide").first).to_be_visible()
    shot(page, "12-cohort-es")


def test_a_dataset_upload_shows_its_progress_then_the_rejected_rows(  # type: ignore[no-untyped-def]
    server: str, page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_dataset_upload import BAD_ROWS, detentions_csv

    from habeas.web import jobs

    real_import = jobs.import_dataset

    def unhurried_import(*args, progress, **options):  # type: ignore[no-untyped-def]
        progress(0, None)
        time.sleep(1.5)  # long enough for the page to show the running import and ask for its status
        return real_import(*args, progress=progress, **options)

    monkeypatch.setattr(jobs, "import_dataset", unhurried_import)
    expect = playwright.expect
    dataset = tmp_path / "detentions.csv"
    dataset.write_bytes(detentions_csv(tmp_path, BAD_ROWS))
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(server + "/import")
        tab.fill("#username", "editor")
        tab.fill("#password", PASSWORD)
        tab.click("button.primary")
        expect(tab.locator("#dataset-mapping")).to_be_hidden()
        tab.select_option("#dataset-format", "ice-detentions")
        tab.set_input_files("#dataset-file", str(dataset))
        tab.click('form[action="/import/datasets"] button.primary')
        expect(tab.locator("progress[data-job-progress]")).to_be_visible()
        shot(tab, "10-dataset-import-running")
        expect(tab.locator("text=Rows rejected: 3")).to_be_visible(timeout=20_000)
        expect(tab.locator(".rejected-rows tbody tr")).to_have_count(3)
        shot(tab, "11-dataset-import-report")
    finally:
        context.close()
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_is_wider_than_the_screen(server: str, page, width: int) -> None:  # type: ignore[no-untyped-def]
    """A long source title in the add-event form once pushed the person page to 1,600 px."""
    context = page.context.browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(server + "/sign-in")
    tab.fill("#username", "editor")
    tab.fill("#password", PASSWORD)
    tab.click("button.primary")
    playwright.expect(tab).to_have_url(f"{server}/morning")
    for path in ("/people/ahr", "/people/ahr?as_of=2025-09-01", "/morning", "/people", "/rules", "/cohorts"):
        tab.goto(server + path)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, f"{path} at {width} px"
    shot(tab, f"13-person-{width}")
    context.close()

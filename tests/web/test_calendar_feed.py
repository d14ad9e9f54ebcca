"""Each user's private calendar feed: their agenda as iCalendar at a secret URL, revocable, audited, in reach only.

The site holds the examples and the canary; a further file gives the canary a removal order (a
BIA appeal due) and a hearing, whose court and note carry canary words, and gives demo-a a
hearing. On the site's today (10 July 2025) the feed covers 26 June to 7 November. Every person
is fictional.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import icalendar
import ics
import pytest
import sqlalchemy as sa
import yaml
from web_helpers import CANARY_A_NUMBER, CANARY_ID, CANARY_WORDS, PASSWORD, Site, build_site, csrf_of, sign_in

from habeas.security.accounts import digest
from habeas.services import Actor, Context, feeds, security, track
from habeas.services.directory import acting

TODAY = date(2025, 7, 10)
CANARY_COURT = "Synthetic Court Vantablack"
CANARY_NOTE = "Plumbago hearing note"
EXTRA_CASEFILE = {
    "habeas": 1,
    "sources": [{"id": "feed-src-x7q", "kind": "court_record", "title": "Synthetic docket", "date": "2025-07-01"}],
    "events": [
        {"id": "canary-order", "person": CANARY_ID, "kind": "decision", "date": "2025-07-03",
         "outcome": "removal_order", "decided_by": "immigration_judge", "court": CANARY_COURT,
         "sources": ["feed-src-x7q"]},
        {"id": "canary-hearing", "person": CANARY_ID, "kind": "hearing_scheduled", "date": "2025-07-05",
         "scheduled_for": "2025-07-21", "proceeding": "bond", "court": CANARY_COURT, "note": CANARY_NOTE,
         "sources": ["feed-src-x7q"]},
        {"id": "demo-a-hearing", "person": "demo-a", "kind": "hearing_scheduled", "date": "2025-07-01",
         "scheduled_for": "2025-08-15", "proceeding": "removal", "court": "Example Immigration Court",
         "sources": ["feed-src-x7q"]},
    ],
}  # fmt: skip
# Names, aliases, identifiers, courts, notes and sensitive fields: none of these may reach any feed.
NEVER_IN_A_FEED = (
    "Qwertzy", "Canarinowski", "Plumbago", "Zebulon", "Vantablack", "987654321", CANARY_A_NUMBER,
    "political_opinion", "Andry", "Hernández", "Persona Ficticia", "P. F. Uno", "San Diego", "Example Immigration",
)  # fmt: skip


def _add_events(site: Site, folder: Path) -> None:
    path = folder / "feed-events.yaml"
    path.write_text(yaml.safe_dump(EXTRA_CASEFILE, allow_unicode=True), encoding="utf-8")
    track.import_casefiles(Context(site.settings, Actor("admin")), [path])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("feeds")
    built = build_site(folder, today=lambda: TODAY)
    _add_events(built, folder)
    return built


@pytest.fixture
def fresh(tmp_path: Path) -> Site:
    built = build_site(tmp_path, today=lambda: TODAY)
    _add_events(built, tmp_path)
    return built


def _as(site: Site, user: str) -> Context:
    return acting(site.app.state.habeas.base, user)


def _fetch(site: Site, secret: str):  # type: ignore[no-untyped-def]
    with site.client() as client:  # no cookie: a calendar app never signs in
        return client.get(f"/calendar/{secret}.ics")


def _feed(site: Site, user: str) -> str:
    response = _fetch(site, feeds.create_feed(_as(site, user)))
    assert response.status_code == 200, response.text[:300]
    return response.text


def _summaries(body: str) -> set[str]:
    return {str(e["summary"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _audit(site: Site, action: str) -> list[tuple[str, str, str | None, str | None]]:
    engine = site.app.state.habeas.base.engine
    query = sa.text("SELECT actor, outcome, record_type, record_id FROM audit_entries WHERE action = :a ORDER BY seq")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query, {"a": action})]  # type: ignore[misc]


def test_the_feed_is_icalendar_that_both_parsers_read_with_all_day_events(site: Site) -> None:
    body = _feed(site, "editor")
    parsed = icalendar.Calendar.from_ical(body)
    events = parsed.walk("VEVENT")
    assert events and all(isinstance(e.decoded("dtstart"), date) for e in events)
    independent = ics.Calendar(body)
    assert {e.name for e in independent.events} == _summaries(body)
    hearing = next(e for e in independent.events if e.name == "demo-a: hearing")
    assert hearing.all_day and hearing.begin.date() == date(2025, 8, 15)


def test_the_feed_covers_two_weeks_back_and_four_months_ahead_of_the_apps_today(site: Site) -> None:
    summaries = _summaries(_feed(site, "editor"))
    # The missed BIA appeal of 26 June is the window's first day; demo-b's hearing of 20 April is long before.
    assert {"ahr: BIA appeal (missed)", "canary-x7q: BIA appeal", "canary-x7q: hearing", "demo-a: hearing"} <= summaries
    assert not any(s.startswith("demo-b") for s in summaries)
    assert feeds.window(TODAY) == (date(2025, 6, 26), date(2025, 11, 7))


@pytest.mark.parametrize(
    ("user", "people"),
    [("viewer", {"demo-a"}), ("outsider", {"ahr"}), ("reader", {"ahr"}), ("editor", {"ahr", "demo-a", CANARY_ID})],
)
def test_a_feed_carries_only_the_people_its_user_may_reach(site: Site, user: str, people: set[str]) -> None:
    body = _feed(site, user)
    assert {s.split(":", 1)[0] for s in _summaries(body)} == people
    if CANARY_ID not in people:
        assert not [w for w in CANARY_WORDS if w.lower() in body.lower()]


def test_no_name_alias_identifier_court_note_or_sensitive_field_reaches_any_feed(site: Site) -> None:
    bodies = {user: _feed(site, user) for user in ("admin", "editor", "viewer", "outsider")}
    assert CANARY_ID in bodies["admin"]  # the admin's feed does carry the canary, by id
    for user, body in bodies.items():
        unfolded = body.replace("\r\n ", "").lower()  # a long line is folded; a word must not hide in the fold
        assert [w for w in NEVER_IN_A_FEED if w.lower() in unfolded] == [], user
        assert CANARY_NOTE.lower() not in unfolded and "bond" not in unfolded


def test_the_feed_needs_no_cookie_and_is_served_as_a_private_calendar(site: Site) -> None:
    response = _fetch(site, feeds.create_feed(_as(site, "outsider")))
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    assert "set-cookie" not in response.headers


def test_an_unknown_token_is_a_404_like_any_unknown_path_and_is_audited_without_the_token(fresh: Site) -> None:
    with fresh.client() as client:
        wrong = "hcal_" + "x" * 43
        feed = client.get(f"/calendar/{wrong}.ics")
        other = client.get("/no-such-page")
    assert feed.status_code == other.status_code == 404
    # The same page, but for the address it names (as "next" of the language switch).
    assert feed.text.replace(f"/calendar/{wrong}.ics", "/no-such-page") == other.text
    denied = _audit(fresh, feeds.READ_FEED)
    assert denied == [("anonymous", "denied", "calendar_feed", None)]
    assert not [row for row in denied if wrong in repr(row) or digest(wrong)[:12] in repr(row)]


def test_revoking_makes_the_url_404(fresh: Site) -> None:
    ctx = _as(fresh, "outsider")
    secret = feeds.create_feed(ctx)
    assert _fetch(fresh, secret).status_code == 200
    assert feeds.revoke_feed(ctx) is True
    assert _fetch(fresh, secret).status_code == 404
    assert feeds.feed(ctx) is None and feeds.revoke_feed(ctx) is False


def test_a_second_feed_replaces_the_first(fresh: Site) -> None:
    ctx = _as(fresh, "viewer")
    first, second = feeds.create_feed(ctx), feeds.create_feed(ctx)
    assert first != second
    assert _fetch(fresh, first).status_code == 404
    assert _fetch(fresh, second).status_code == 200


def test_a_deactivated_users_feed_is_a_404_like_an_unknown_token(fresh: Site) -> None:
    secret = feeds.create_feed(_as(fresh, "outsider"))
    security.deactivate_user(Context(fresh.settings, Actor("admin")), "outsider")
    with fresh.client() as client:
        response = client.get(f"/calendar/{secret}.ics")
        unknown = client.get(f"/calendar/{feeds.FEED_PREFIX}{'x' * 43}.ics")
    assert response.status_code == unknown.status_code == 404
    assert response.text.replace(secret, "") == unknown.text.replace(f"{feeds.FEED_PREFIX}{'x' * 43}", "")
    assert [row[:2] for row in _audit(fresh, feeds.READ_FEED)] == [("outsider", "denied"), ("anonymous", "denied")]


def test_the_stored_row_holds_the_secrets_digest_and_never_the_secret(fresh: Site) -> None:
    secret = feeds.create_feed(_as(fresh, "editor"))
    engine = fresh.app.state.habeas.base.engine
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM calendar_feeds")).all()
    assert len(rows) == 1 and rows[0].digest == digest(secret) and rows[0].user_name == "editor"
    stored = repr(rows)
    assert secret not in stored and secret.removeprefix(feeds.FEED_PREFIX) not in stored


def test_every_fetch_is_audited_as_the_feeds_user(fresh: Site) -> None:
    secret = feeds.create_feed(_as(fresh, "viewer"))
    for _ in range(3):
        assert _fetch(fresh, secret).status_code == 200
    key = digest(secret)[:12]
    assert _audit(fresh, feeds.READ_FEED) == [("viewer", "allowed", "calendar_feed", key)] * 3
    assert _audit(fresh, "create_calendar_feed") == [("viewer", "allowed", "calendar_feed", key)]
    reads = _audit(fresh, "read_person")
    assert ("viewer", "allowed", "person", "demo-a") in reads


def _new_feed_url(page: str) -> str | None:
    found = re.search(r'data-testid="new-feed-url">([^<]+)<', page)
    return found.group(1) if found else None


def test_the_account_page_creates_shows_once_replaces_and_revokes_the_feed(fresh: Site) -> None:
    with fresh.client() as client:
        assert sign_in(client, "outsider").status_code == 303
        page = client.get("/account").text
        assert "Calendar feed" in page and "You have no calendar feed." in page
        created = client.post("/account/calendar-feed", data={"csrf": csrf_of(page)})
        url = _new_feed_url(created.text)
        assert created.status_code == 200 and url and url.startswith("http://testserver/calendar/hcal_")
        again = client.get("/account").text
        assert _new_feed_url(again) is None and url not in again  # shown once only
        assert "Revoke the feed" in again and "Replace the feed" in again
        replaced = _new_feed_url(client.post("/account/calendar-feed", data={"csrf": csrf_of(again)}).text)
        assert replaced and replaced != url
        assert client.get(url.removeprefix("http://testserver")).status_code == 404
        revoked = client.post("/account/calendar-feed/revoke", data={"csrf": csrf_of(again)}, follow_redirects=False)
        assert revoked.status_code == 303 and revoked.headers["location"] == "/account"
        assert client.get(replaced.removeprefix("http://testserver")).status_code == 404
        assert "You have no calendar feed." in client.get("/account").text


def test_the_feed_forms_need_the_csrf_token(fresh: Site) -> None:
    with fresh.client() as client:
        assert sign_in(client, "outsider").status_code == 303
        assert client.post("/account/calendar-feed", data={"csrf": "wrong"}).status_code == 403
        assert feeds.feed(_as(fresh, "outsider")) is None


def test_the_calendar_feed_section_is_in_spanish(fresh: Site) -> None:
    with fresh.client() as client:
        assert sign_in(client, "outsider").status_code == 303
        client.cookies.set("habeas-lang", "es")
        page = client.get("/account").text
        assert "Calendario" in page and "Calendar feed" not in page


def test_a_signed_in_browser_gets_the_same_feed_as_a_calendar_app(site: Site) -> None:
    secret = feeds.create_feed(_as(site, "reader"))
    with site.client() as browser:
        assert sign_in(browser, "viewer").status_code == 303
        # The secret decides whose agenda it is, not the cookie of whoever opens the URL.
        assert _summaries(browser.get(f"/calendar/{secret}.ics").text) == _summaries(_fetch(site, secret).text)


def test_an_anonymous_client_cannot_create_a_feed(site: Site) -> None:
    with site.client() as client:
        page = client.get("/sign-in").text
        response = client.post("/account/calendar-feed", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")


# -- in a real browser --------------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's Chromium at /usr/bin/chromium")
def test_in_a_browser_a_user_makes_a_feed_and_a_calendar_app_reads_an_event_from_it(tmp_path: Path) -> None:
    import threading
    import time
    import urllib.request

    import uvicorn

    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")
    built = build_site(tmp_path, today=lambda: TODAY)
    _add_events(built, tmp_path)
    server = uvicorn.Server(uvicorn.Config(built.app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        with sync_api.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            page = browser.new_page()
            page.goto(base + "/account")
            page.fill("#username", "viewer")
            page.fill("#password", PASSWORD)
            page.click("button.primary")
            sync_api.expect(page.locator("#feed-heading")).to_have_text("Calendar feed")
            page.click("text=Create a calendar feed")
            url = page.locator('[data-testid="new-feed-url"]').inner_text().strip()
            browser.close()
        assert url.startswith(base + "/calendar/hcal_")
        with urllib.request.urlopen(url) as answer:  # a calendar app: no cookie, no session
            body = answer.read().decode()
            assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
        (event,) = ics.Calendar(body).events
        assert event.name == "demo-a: hearing" and event.begin.date() == date(2025, 8, 15)
    finally:
        server.should_exit = True
        thread.join(timeout=10)

"""What the person page keeps between requests stays its own: each person's form, each session's token; the
name index read at start misses no write made while it was read. Every person is synthetic (the examples)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from web_helpers import Site, build_site, sign_in

from habeas.security.access import Scope
from habeas.services import Actor, Context, track
from habeas.services.directory import Directory

EVERYONE = Scope(all_records=True)


def _event_form(page: str) -> str:
    match = re.search(r'<section class="add-event".*?</section>', page, re.S)
    assert match, "the page has no add-event form"
    return match.group(0)


def _listed_events(page: str) -> list[str]:
    """The ids of the events the page lists (its events section), in order."""
    return re.findall(r'<li id="event-([^"]+)" class="event ', page)


def test_each_person_page_has_its_own_event_form_and_each_session_its_own_token(client_for) -> None:  # type: ignore[no-untyped-def]
    editor, admin = client_for("editor"), client_for("admin")
    pages = {(who, person): c.get(f"/people/{person}").text
             for who, c in (("editor", editor), ("admin", admin)) for person in ("ahr", "demo-a")}  # fmt: skip
    for (_who, person), page in pages.items():
        form = _event_form(page)
        assert f'action="/people/{person}/events#add-event"' in form
        tokens = set(re.findall(r'name="csrf" value="([^"]+)"', page))
        assert len(tokens) == 1 and f'name="csrf" value="{tokens.pop()}"' in form  # the session's, once
        corrected = re.search(r'<select id="supersedes".*?</select>', form, re.S)
        assert corrected is not None
        offered = re.findall(r'<option value="([^"]+)"', corrected.group(0))
        assert offered and set(offered) <= set(_listed_events(page))  # events of this page, no one else's
        datalist = re.search(r'<datalist id="event-ids">(.*?)</datalist>', form, re.S)
        assert datalist is not None and re.findall(r'value="([^"]+)"', datalist.group(1)) == offered
    assert set(_listed_events(pages["editor", "ahr"])).isdisjoint(_listed_events(pages["editor", "demo-a"]))
    editor_token = re.findall(r'name="csrf" value="([^"]+)"', pages["editor", "ahr"])
    admin_token = re.findall(r'name="csrf" value="([^"]+)"', pages["admin", "ahr"])
    assert editor_token != admin_token


def test_a_form_sent_back_with_problems_keeps_the_event_chosen_for_correction(client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    page = editor.get("/people/ahr").text
    chosen = _listed_events(page)[1]
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    sent = editor.post("/people/ahr/events", data={"csrf": csrf, "mode": "correction", "supersedes": chosen})
    assert sent.status_code == 400
    form = _event_form(sent.text)
    assert re.findall(r'<option value="([^"]+)" selected>', form)[0] == chosen
    assert 'class="problems"' in form


def test_a_viewer_sees_no_event_form(clients: dict[str, TestClient]) -> None:
    page = clients["viewer"].get("/people/demo-a")
    assert page.status_code == 200 and 'class="add-event"' not in page.text


def test_a_write_made_while_the_name_index_is_read_is_found_by_the_next_search(fresh_site: Site) -> None:
    settings = fresh_site.settings
    directory = Directory(Context(settings, Actor("admin")))
    more = settings.data_dir.parent / "more.yaml"
    more.write_text(yaml.safe_dump({"habeas": 1, "people": [{"id": "late-p", "name": "Persona Tardía Sintética"}]}))
    read_cards = directory._read_cards

    def cards_then_a_write(person_ids=None):  # type: ignore[no-untyped-def]
        cards = read_cards(person_ids)
        if person_ids is None:  # everybody's: the write lands after they were read, and a request looks meanwhile
            track.import_casefiles(Context(settings, Actor("admin")), [more])
            directory._fresh()
        return cards

    directory._read_cards = cards_then_a_write  # type: ignore[method-assign]
    directory.read_index()
    assert [m.card.id for m in directory.search(EVERYONE, "tardia")] == ["late-p"]


def test_a_started_server_reads_the_name_index_before_the_first_search(tmp_path: Path) -> None:
    site = build_site(tmp_path)
    directory: Directory = site.app.state.habeas.directory  # type: ignore[attr-defined]
    with site.client() as client:  # the app's start-up runs
        reading = [t for t in threading.enumerate() if t.name == "habeas-name-index"]
        for thread in reading:
            thread.join()
        index = directory._cache.index
        assert index is not None and "ahr" in index.cards
        assert sign_in(client, "editor").status_code == 303
        found = client.get("/people", params={"q": "hernandez"})
        assert found.status_code == 200 and "/people/ahr" in found.text
        assert directory._index() is index  # the search read nobody again

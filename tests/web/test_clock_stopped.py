"""After a release the proof-of-life clock is a fact, not an alarm: pages stop drawing it as one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from web_helpers import build_site, sign_in

STOPPED = "not counted: out of custody or deceased"


def _clock_card(page: str) -> str:
    return (
        page.split('id="proof-of-life-clock"')[0].rsplit("<article", 1)[1]
        + page.split('id="proof-of-life-clock"')[1].split("</article>")[0]
    )


def test_the_person_page_stops_counting_after_the_release(clients: dict[str, TestClient]) -> None:
    # The example's man was handed over in Venezuela on 18 July 2025 and released there by 23 July.
    held = clients["editor"].get("/people/ahr?as_of=2025-07-01")
    released = clients["editor"].get("/people/ahr?as_of=2025-09-01")
    assert held.status_code == released.status_code == 200
    assert STOPPED not in _clock_card(held.text) and "level-stopped" not in _clock_card(held.text)
    card = _clock_card(released.text)
    assert STOPPED in card and "level-stopped" in card
    assert "clock-critical" not in card and "clock-warning" not in card and "Warning after" not in card


def test_a_released_person_is_not_among_the_longest_without_proof_of_life(tmp_path: Path) -> None:
    site = build_site(tmp_path, today=lambda: date(2025, 9, 1))
    client = site.client()
    assert sign_in(client, "editor").status_code == 303
    page = client.get("/morning?since=2025-08-25")
    assert page.status_code == 200
    silent = page.text.split('id="silent-heading"')[1].split("</section>")[0]
    assert 'href="/people/ahr"' not in silent
    where = client.get("/people/ahr")
    assert STOPPED in _clock_card(where.text)

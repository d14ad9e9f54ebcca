"""The event form is a one-event case file: stored whole when valid, problems shown by the field when not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import EXAMPLES, Site, csrf_of

from habeas.services import Actor, Context, track
from habeas.web.forms import _field_for


def _post(client: TestClient, person: str, **fields: str):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get(f"/people/{person}").text)
    data = {"csrf": csrf, "mode": "event", **{k.replace("__", "."): v for k, v in fields.items()}}
    return client.post(f"/people/{person}/events", data=data)


def _clock(page: str) -> str:
    match = re.search(r'data-testid="clock"><span class="clock[^"]*">([^<]+)<', page)
    assert match, "no proof-of-life clock on the page"
    return match.group(1)


def _event_count(site: Site) -> int:
    return track.database_counts(Context(site.settings, Actor("admin")))["events"]


def test_a_proof_of_life_resets_the_clock_and_clears_the_flag(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    before = editor.get("/people/ahr").text
    assert _clock(before) == "77" and 'data-rule="no_proof_of_life"' in before
    response = _post(editor, "ahr", kind="proof_of_life", date="2025-05-30", proof_of_life__evidence="call",
                     source="bar-2025-07-21")  # fmt: skip
    assert response.status_code == 200 and "saved=added" in str(response.url)
    after = response.text
    assert _clock(after) == "2"
    assert 'data-rule="no_proof_of_life"' not in after
    assert "Proof of life" in after and "call" in after


def test_an_invalid_date_is_reported_next_to_the_date_and_nothing_is_stored(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    events = _event_count(fresh_site)
    response = _post(editor, "ahr", kind="proof_of_life", date="2025-13-45")
    assert response.status_code == 400
    assert re.search(r'id="problem-date-1">[^<]*2025-13-45', response.text)
    assert 'value="2025-13-45"' in response.text  # what was typed stays in the form
    assert re.search(r'<input id="date"[^>]*problem-date-1"[^>]* aria-invalid="true"', response.text)
    assert _event_count(fresh_site) == events


def test_a_missing_required_field_is_reported_next_to_that_field(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _post(client_for("editor"), "ahr", kind="claim_filed", date="2025-05-01")
    assert response.status_code == 400
    assert re.search(r'id="problem-claim_filed-claim-1">missing required field', response.text)


def test_an_unknown_source_is_reported_next_to_the_source(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _post(client_for("editor"), "ahr", kind="contact", date="2025-05-01", source="no-such-source")
    assert response.status_code == 400
    assert 'id="problem-source-1"' in response.text


def test_an_event_with_a_new_source_stores_both(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    response = _post(editor, "demo-b", kind="contact", date="2025-05-28", contact__party="attorney",
                     contact__direct="true", source="new", source_title="Call notes (synthetic)",
                     source_kind="interview", source_date="2025-05-28", source_id="synthetic-call-notes")  # fmt: skip
    assert response.status_code == 200
    assert 'id="source-synthetic-call-notes"' in response.text
    assert _clock(response.text) == "4"


def test_a_correction_supersedes_without_erasing(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    response = _post(editor, "ahr", mode="correction", supersedes="ahr-handed-over", reason="The date was wrong",
                     kind="handed_over", date="2025-03-17", handed_over__country="SV", handed_over__facility="CECOT",
                     source="bar-2025-07-21")  # fmt: skip
    assert response.status_code == 200
    page = response.text
    assert re.search(r'id="event-ahr-handed-over" class="event status-superseded', page)
    assert "The date was wrong" in page
    assert re.search(r'class="event status-in_effect kind-handed_over"', page)
    assert _clock(page) == "76"


def test_a_retraction_takes_the_event_out_of_the_derivations(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    response = _post(editor, "demo-b", mode="correction", supersedes="demo-b-call-from-abroad", retract="true",
                     reason="The call was from someone else", source="demo-family-calls")  # fmt: skip
    assert response.status_code == 200
    assert re.search(r'id="event-demo-b-call-from-abroad" class="event status-retracted', response.text)


def test_the_same_event_twice_is_stored_once(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    fields = {"kind": "proof_of_life", "date": "2025-05-30", "source": "bar-2025-07-21"}
    _post(editor, "ahr", **fields)
    count = _event_count(fresh_site)
    again = _post(editor, "ahr", **fields)
    assert "saved=unchanged" in str(again.url)
    assert _event_count(fresh_site) == count


@pytest.mark.parametrize(
    ("pointer", "message", "correction", "field"),
    [
        ("/events/0/date", "bad date", False, "date"),
        ("/events/0/evidence", "not one of", False, "proof_of_life.evidence"),
        ("/events/0", "missing required field 'claim'", False, "proof_of_life.claim"),
        ("/events/0/sources/0", "unknown source", False, "source"),
        ("/sources/0/url", "bad url", False, "source_url"),
        ("/events/0/replacement/date", "bad date", True, "date"),
        ("/events/0/replacement/evidence", "bad", True, "proof_of_life.evidence"),
        ("/events/0/supersedes", "unknown event", True, "supersedes"),
        ("/events/0/reason", "missing", True, "reason"),
        ("/habeas", "version", False, ""),
    ],
)
def test_each_problem_lands_on_the_field_its_pointer_names(
    pointer: str, message: str, correction: bool, field: str
) -> None:
    assert _field_for(pointer, message, "proof_of_life", correction) == field


def test_an_uploaded_case_file_is_imported_whole(fresh_site: Site, client_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    content = (EXAMPLES / "fictional-cohort.yaml").read_text().replace("demo-", "up-")
    csrf = csrf_of(editor.get("/import").text)
    response = editor.post("/import", data={"csrf": csrf}, files={"file": ("more.yaml", content.encode(), "text/yaml")})
    assert response.status_code == 200
    assert "People added: 2" in response.text
    assert "Persona Ficticia Uno" in editor.get("/people?q=ficticia+uno").text


def test_every_problem_of_an_upload_is_listed_and_nothing_is_stored(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    events = _event_count(fresh_site)
    bad = "habeas: 1\npeople:\n  - id: p-x\n    hometown: X\nevents:\n  - {person: p-x, kind: flew, date: 2025-01}\n"
    csrf = csrf_of(editor.get("/import").text)
    response = editor.post("/import", data={"csrf": csrf}, files={"file": ("bad.yaml", bad.encode(), "text/yaml")})
    assert response.status_code == 400
    problems = re.findall(r"<li><code>(bad\.yaml:\d+[^<]*)</code></li>", response.text)
    assert len(problems) >= 2 and all(p.startswith("bad.yaml:") for p in problems)
    assert _event_count(fresh_site) == events


def test_the_person_page_answers_as_of_a_day_and_as_known_on_a_day(clients: dict[str, TestClient]) -> None:
    editor = clients["editor"]
    assert _clock(editor.get("/people/ahr?as_of=2025-04-01").text) == "16"
    early = editor.get("/people/ahr?known_on=2025-03-01").text
    assert "ahr-removed" not in early  # reported later than 1 March 2025
    assert editor.get("/people/ahr?as_of=not-a-day").status_code == 400

"""PFIF notes: each status only where the record supports it, sentences without JSON, dates from the records.

Every person here is fictional.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from habeas.ingest.casefile import CaseFile, load_document, parse_documents
from habeas.interop.pfif import NS, export_pfif, pfif_problems
from habeas.settings import PfifSettings, PfifSettingsError

AS_OF = date(2025, 5, 1)
DOMAIN = "habeas.example.org"
_PFIF = f"{{{NS}}}"
SOURCES = [
    {"id": "src-court", "kind": "court_record", "title": "Synthetic docket", "date": "2025-01-10",
     "reliability": "confirmed"},
    {"id": "src-rumour", "kind": "testimony", "title": "Synthetic hearsay", "date": "2025-04-25",
     "reliability": "unverified"},
]  # fmt: skip


def _casefile(events: list[dict[str, Any]], citizenship: str = "VE") -> CaseFile:
    person = {"id": "syn-p", "name": "Persona Inventada", "citizenship": citizenship}
    for i, event in enumerate(events):
        event.setdefault("id", f"syn-e{i}")
        event.setdefault("person", "syn-p")
        event.setdefault("sources", ["src-court"])
    document = {"habeas": 1, "sources": SOURCES, "people": [person], "events": events}
    data, lines = load_document("case.json", json.dumps(document).encode())
    return parse_documents([("case.json", data, lines)])


def _notes(data: bytes) -> list[dict[str, str]]:
    root = ElementTree.fromstring(data)
    return [{child.tag.removeprefix(_PFIF): (child.text or "") for child in note} for note in root.iter(f"{_PFIF}note")]


def _whereabouts(data: bytes) -> dict[str, str]:
    (note,) = [n for n in _notes(data) if "/whereabouts." in n["note_record_id"]]
    return note


BOOKED = {"kind": "booked_in", "date": "2025-03-01", "facility": "Synthetic Processing Center"}
HANDED = {"kind": "handed_over", "date": "2025-03-16", "to": "Synthetic authorities", "facility": "Synthetic Prison",
          "country": "SV"}  # fmt: skip


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([BOOKED], "", id="us-custody-past-the-threshold"),
        pytest.param([BOOKED, HANDED], "believed_missing", id="foreign-custody-past-the-threshold"),
        pytest.param([BOOKED, {**HANDED, "date": "2025-04-20"}], "", id="foreign-custody-before-the-threshold"),
        pytest.param(
            [{"kind": "contact", "date": "2025-03-01", "party": "family", "direct": True}],
            "believed_missing",
            id="unknown-custody-past-the-threshold",
        ),
        pytest.param([{"kind": "claim_filed", "date": "2025-01", "claim": "asylum"}], "", id="unknown-no-proof-at-all"),
        pytest.param([BOOKED, {"kind": "released", "date": "2025-03-02", "reason": "parole"}], "", id="released"),
        pytest.param([BOOKED, {"kind": "died", "date": "2025-03-05"}], "believed_dead", id="deceased"),
        pytest.param(
            [BOOKED, {"kind": "removed", "date": "2025-03-10", "destination": "SV"}],
            "believed_missing",
            id="removed-to-a-third-country-past-the-threshold",
        ),
        pytest.param([BOOKED, {"kind": "removed", "date": "2025-03-10", "destination": "VE"}], "", id="removed-home"),
        # Handed over some day in March: 31 to 61 days on 1 May, certainly past 30.
        pytest.param([BOOKED, {**HANDED, "date": "2025-03"}], "believed_missing", id="foreign-custody-in-a-month"),
    ],
)
def test_the_whereabouts_note_status_follows_custody_and_the_proof_of_life_clock(
    events: list[dict[str, Any]], expected: str
) -> None:
    data = export_pfif(_casefile(events), as_of=AS_OF, domain=DOMAIN)
    assert pfif_problems(data) == []
    assert _whereabouts(data).get("status", "") == expected


def test_an_uncertain_date_that_may_be_within_the_threshold_is_not_called_missing() -> None:
    # Handed over somewhere in March; on 15 April that is 15 to 45 days: perhaps within 30, so no belief.
    data = export_pfif(_casefile([BOOKED, {**HANDED, "date": "2025-03"}]), as_of=date(2025, 4, 15), domain=DOMAIN)
    note = _whereabouts(data)
    assert "status" not in note
    assert "15–45 days" in note["text"]


def test_the_threshold_is_the_one_given() -> None:
    records = _casefile([BOOKED, HANDED])  # 46 days without proof of life on 1 May
    assert _whereabouts(export_pfif(records, as_of=AS_OF, missing_after_days=60)).get("status") is None
    assert _whereabouts(export_pfif(records, as_of=AS_OF, missing_after_days=45))["status"] == "believed_missing"


def test_event_notes_say_what_each_event_shows_and_never_that_the_person_wrote_them() -> None:
    events = [
        BOOKED,
        {"kind": "inquiry", "date": "2025-03-20", "by": "attorney", "to": "Synthetic agency"},
        {"kind": "proof_of_life", "date": "2025-04-25", "evidence": "call", "sources": ["src-rumour"]},
        {"kind": "died", "date": "2025-04-28"},
    ]
    data = export_pfif(_casefile(events), as_of=AS_OF, domain=DOMAIN)
    statuses = {n["note_record_id"].rsplit(".", 1)[-1]: n.get("status", "") for n in _notes(data)}
    assert statuses["syn-e0"] == "believed_alive"  # a book-in needed the person there in body
    assert statuses["syn-e1"] == "information_sought"
    assert statuses["syn-e2"] == ""  # a sign of life resting only on an unverified source
    assert statuses["syn-e3"] == "believed_dead"
    assert b"is_note_author" not in data


def test_note_text_is_sentences_without_json(casefile: CaseFile) -> None:
    for sensitive in (False, True):
        data = export_pfif(casefile, as_of=AS_OF, domain=DOMAIN, include_sensitive=sensitive)
        root = ElementTree.fromstring(data)
        texts = [e.text or "" for e in root.iter() if e.tag in (f"{_PFIF}text", f"{_PFIF}description")]
        assert texts
        for text in texts:
            assert "{" not in text and "}" not in text and "habeas-event" not in text and "habeas-person" not in text


def test_two_exports_of_the_same_records_are_byte_identical(casefile: CaseFile) -> None:
    first = export_pfif(casefile, as_of=AS_OF, domain=DOMAIN)
    again = export_pfif(casefile, as_of=AS_OF, domain=DOMAIN)
    assert first == again


def test_entry_dates_are_when_habeas_stored_the_event_never_the_export_time(casefile: CaseFile) -> None:
    stored = datetime(2025, 4, 3, 14, 5, 9, tzinfo=UTC)
    records = replace(casefile, events=[replace(e, recorded=stored) for e in casefile.events])
    notes = _notes(export_pfif(records, as_of=AS_OF, domain=DOMAIN))
    events = [n for n in notes if "/note." in n["note_record_id"]]
    assert events and {n["entry_date"] for n in events} == {"2025-04-03T14:05:09Z"}
    # source_date is when the event became known (its sources' date), not when it was typed in
    assert {n["source_date"] for n in events} == {"2025-02-10T00:00:00Z", "2025-04-02T00:00:00Z"}
    assert _whereabouts(export_pfif(records, as_of=AS_OF))["entry_date"] == "2025-05-01T00:00:00Z"


def test_author_and_source_names_are_the_ones_given(casefile: CaseFile) -> None:
    data = export_pfif(casefile, as_of=AS_OF, author_name="Synthetic Legal Aid", source_name="Synthetic Tracker")
    root = ElementTree.fromstring(data)
    assert {e.text for e in root.iter(f"{_PFIF}author_name")} == {"Synthetic Legal Aid"}
    assert {e.text for e in root.iter(f"{_PFIF}source_name")} == {"Synthetic Tracker"}


def test_the_pfif_settings_table_names_the_author_and_the_source(tmp_path: Path) -> None:
    path = tmp_path / "habeas.toml"
    assert PfifSettings.load(path) == PfifSettings()
    path.write_text('[pfif]\nauthor_name = "Synthetic Legal Aid"\nsource_name = "Synthetic Tracker"\n', "utf-8")
    assert PfifSettings.load(path) == PfifSettings("Synthetic Legal Aid", "Synthetic Tracker")
    path.write_text("[rules.no_proof_of_life]\nwarning_days = 3\n", "utf-8")
    assert PfifSettings.load(path) == PfifSettings()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[pfif]\nauthor = "x"\n', "[pfif] author: no such setting"),
        ("[pfif]\nauthor_name = 3\n", "[pfif] author_name: give a name in quotes"),
        ('pfif = "x"\n', "`pfif` must be a table"),
        ("[pfif\n", "cannot read the settings file"),
    ],
)
def test_a_bad_pfif_settings_table_is_named_with_its_file(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "habeas.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(PfifSettingsError) as raised:
        PfifSettings.load(path)
    assert str(path) in str(raised.value) and problem in str(raised.value)


def test_the_pfif_checker_finds_foreign_elements_repeated_fields_and_misfiled_notes() -> None:
    document = (
        f'<pfif:pfif xmlns:pfif="{NS}" xmlns:x="urn:example"><pfif:person>'
        "<pfif:person_record_id>a.org/p1</pfif:person_record_id><pfif:entry_date>2025-01-01T00:00:00Z</pfif:entry_date>"
        "<pfif:source_date>2025-01-01T00:00:00Z</pfif:source_date><pfif:full_name>A</pfif:full_name>"
        "<pfif:full_name>B</pfif:full_name><x:extra>data</x:extra>"
        "<pfif:note><pfif:note_record_id>a.org/n1</pfif:note_record_id><pfif:person_record_id>a.org/p2"
        "</pfif:person_record_id><pfif:entry_date>2025-01-01T00:00:00Z</pfif:entry_date><pfif:author_name>A"
        "</pfif:author_name><pfif:source_date>2025-01-01T00:00:00Z</pfif:source_date><pfif:author_made_contact>yes"
        "</pfif:author_made_contact><pfif:text>t</pfif:text></pfif:note>"
        "</pfif:person></pfif:pfif>"
    ).encode()
    problems = "\n".join(pfif_problems(document))
    for expected in (
        "element {urn:example}extra is not part of PFIF 1.4",
        "field full_name is given more than once",
        "note a.org/n1: filed under a.org/p1",
        "author_made_contact is not true or false",
    ):
        assert expected in problems

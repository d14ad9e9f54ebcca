"""A flag's explanation in Spanish where its rule gives it as a message; the CLI's JSON keeps the rule's English."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from habeas.domain.dates import DateRange, DayCount
from habeas.rules.flag import Certainty, Country, Flag, Severity, say
from habeas.rules.registry import RULE_BY_ID
from habeas.services import Actor, Context, track
from habeas.web.i18n import Language
from habeas.web.rendering import said

ENGLISH = (
    "No proof of life for 77 days as of 2025-06-01: the last was the hand-over on 2025-03-16 (CECOT, SV). "
    "The person is held in the custody of another state (CECOT, SV) since 2025-03-16."
)
SPANISH = (
    "Sin prueba de vida desde hace 77 días a fecha de 1 jun 2025: la última fue la entrega el 16 mar 2025 "
    "(CECOT, El Salvador). La persona está detenida bajo la custodia de otro Estado (CECOT, El Salvador) "
    "desde el 16 mar 2025."
)


def test_a_phrase_reads_as_english_in_the_core_and_in_the_readers_words_on_a_page() -> None:
    day = DateRange(date(2025, 3, 16), date(2025, 3, 16), "2025-03-16")
    words = say("the hand-over on %(date)s%(place)s", date=day, place=say(" (%(country)s)", country=Country("SV")))
    assert str(words) == "the hand-over on 2025-03-16 (SV)"
    assert said(Language("es"), words) == "la entrega el 16 mar 2025 (El Salvador)"
    count = say("%(days)s days", days=DayCount(36, 52))
    assert said(Language("en"), count) == "36–52 days"  # no catalogue entry: the English message, formatted


def test_the_person_page_explains_the_silence_in_spanish(clients: dict[str, TestClient]) -> None:
    client = clients["outsider"]
    client.cookies.set("habeas-lang", "es")
    try:
        page = client.get("/people/ahr").text
    finally:
        client.cookies.set("habeas-lang", "en")
    assert SPANISH in page
    assert ENGLISH not in page
    assert ENGLISH in client.get("/people/ahr").text


def test_the_json_of_a_flag_keeps_its_shape_and_its_english() -> None:
    """CASEFILE.md is a contract: the message behind an explanation never reaches `habeas check --format json`."""
    words = say("No proof of life for %(days)s days", days=DayCount(77, 77))
    flag = Flag("no_proof_of_life", Severity.CRITICAL, Certainty.CERTAIN, "p-1", date(2025, 6, 1), "No proof of life",
                str(words), ("e-1",), ("s-1",), "basis", words)  # fmt: skip
    shown = flag.as_json()
    assert list(shown) == ["rule", "severity", "certainty", "person", "as_of", "title", "explanation", "evidence",
                           "sources", "legal_basis"]  # fmt: skip
    assert shown["explanation"] == "No proof of life for 77 days"


# Every rule gives its explanation as a message; a flag shows the rule's English, marked, only when its words
# hold English the core has no message for (rules/flag.py, english()).
IN_SPANISH = set(RULE_BY_ID)


def _flags_on_spanish_page(client: TestClient, person: str) -> list[tuple[str, str]]:
    client.cookies.set("habeas-lang", "es")
    try:
        page = client.get(f"/people/{person}").text
    finally:
        client.cookies.set("habeas-lang", "en")
    return re.findall(r'<article class="flag[^"]*" data-rule="(\w+)">(.*?)</article>', page, re.S)


def _in_spanish_or_marked_english(flags: list[tuple[str, str]]) -> None:
    for rule, body in flags:
        english = '<p lang="en">' in body
        assert english == (rule not in IN_SPANISH), rule
        assert english == ("en inglés tal como la escribe la regla" in body), rule


def test_each_flag_is_in_spanish_or_marked_english_and_said_so(clients: dict[str, TestClient]) -> None:
    flags = _flags_on_spanish_page(clients["outsider"], "ahr")
    # The removal's pending proceedings, the third country and the decision after removal are all in Spanish now.
    assert {"removed_with_pending_proceedings", "third_country_removal", "decided_after_removal"} <= {
        r for r, _ in flags
    }
    _in_spanish_or_marked_english(flags)


SILENT_IN_DETENTION = {
    "habeas": 1,
    "sources": [{"id": "sx-src", "kind": "document", "title": "Synthetic record", "date": "2024-09-01"}],
    "people": [{"id": "sx-held", "name": "Synthetic Held Person", "citizenship": "VE"}],
    "events": [
        {"id": "sx-booked", "person": "sx-held", "kind": "booked_in", "date": "2024-09-01",
         "facility": "Synthetic Facility", "sources": ["sx-src"]},
        {"id": "sx-call", "person": "sx-held", "kind": "proof_of_life", "date": "2024-09-10", "evidence": "call",
         "sources": ["sx-src"]},
    ],
}  # fmt: skip


def test_prolonged_detention_reads_in_spanish_beside_the_silence(
    fresh_site: Any, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    """Prolonged detention, once the last rule in English only, explains itself in Spanish too: nothing is marked."""
    casefile = tmp_path / "silent.yaml"
    casefile.write_text(yaml.safe_dump(SILENT_IN_DETENTION, allow_unicode=True), encoding="utf-8")
    track.import_casefiles(Context(fresh_site.settings, Actor("admin")), [casefile])
    flags = _flags_on_spanish_page(client_for("editor"), "sx-held")
    assert {r for r, _ in flags} == {"no_proof_of_life", "prolonged_detention"}
    _in_spanish_or_marked_english(flags)
    held = dict(flags)["prolonged_detention"]
    assert "La persona está detenida bajo custodia de EE. UU. sin interrupción desde el ingreso el 1 sept 2024" in held

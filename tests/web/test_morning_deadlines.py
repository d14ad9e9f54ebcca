"""The morning report's deadlines on the web and in the API: due this week, missed, hearings with nothing recorded.

The site holds the examples (a BIA appeal in ahr's case missed on 26 June 2025, hearings of ahr and
demo-b whose day passed with nothing recorded) and a synthetic restricted cohort whose people have a
deadline due this week, a missed one and an unrecorded hearing. Nobody outside that cohort may learn
of them: not their names, their ids, their court, nor how many rows there are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from web_helpers import Site, build_site, csrf_of, make_database, sign_in

from habeas.services import Actor, Context, security, track
from habeas.services.directory import Directory
from habeas.services.people import morning_alerts, morning_report
from habeas.settings import Settings

TODAY = date(2025, 8, 1)
HIDDEN_COHORT = "dlc-cohort-x7q"
HIDDEN_WORDS = ("Qwertzy", "Plazo", "Canarinowski", "Plumbago", "dlc-x7q", "dlc2-x7q", HIDDEN_COHORT)

# Fictional people in a cohort only admins and all-records users reach.
HIDDEN_CASEFILE = {
    "habeas": 1,
    "sources": [{"id": "dlc-src-x7q", "kind": "court_record", "title": "Synthetic docket", "date": "2025-07-15"}],
    "cohorts": [{"id": HIDDEN_COHORT, "name": "Synthetic restricted cohort for deadlines"}],
    "people": [
        {"id": "dlc-x7q", "name": "Qwertzy Plazo Canarinowski", "cohorts": [HIDDEN_COHORT]},
        {"id": "dlc2-x7q", "name": "Qwertzy Plazo Segundo", "cohorts": [HIDDEN_COHORT]},
    ],
    "events": [
        {"id": "dlc-booked", "person": "dlc-x7q", "kind": "booked_in", "date": "2025-06-01",
         "facility": "Synthetic Facility Plumbago", "sources": ["dlc-src-x7q"]},
        # 30 days from 3 July is Saturday 2 August, moved to Monday 4 August (8 CFR 1003.38(b)).
        {"id": "dlc-order", "person": "dlc-x7q", "kind": "decision", "date": "2025-07-03",
         "outcome": "removal_order", "decided_by": "immigration_judge", "sources": ["dlc-src-x7q"]},
        {"id": "dlc-hearing", "person": "dlc-x7q", "kind": "hearing_scheduled", "date": "2025-07-05",
         "scheduled_for": "2025-07-21", "proceeding": "bond", "court": "Synthetic Court Plumbago",
         "sources": ["dlc-src-x7q"]},
        # 30 days from 2 May is Sunday 1 June, moved to Monday 2 June: missed before 20 June.
        {"id": "dlc2-claim", "person": "dlc2-x7q", "kind": "claim_filed", "date": "2025-01-10", "claim": "asylum",
         "sources": ["dlc-src-x7q"]},
        {"id": "dlc2-dismissed", "person": "dlc2-x7q", "kind": "decision", "date": "2025-05-02",
         "outcome": "dismissed", "claim": "asylum", "court": "Synthetic Court Plumbago", "sources": ["dlc-src-x7q"]},
    ],
}  # fmt: skip


def _add_hidden_people(settings: Settings, folder: Path) -> None:
    path = folder / "hidden.yaml"
    path.write_text(yaml.safe_dump(HIDDEN_CASEFILE, allow_unicode=True), encoding="utf-8")
    admin = Context(settings, Actor("admin"))
    track.import_casefiles(admin, [path])
    security.add_user(admin, "nobody-granted", "viewer")  # a user in no group: reaches nobody


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("morning")
    built = build_site(folder, today=lambda: TODAY)
    _add_hidden_people(built.settings, folder)
    return built


@pytest.fixture(scope="module")
def clients(site: Site) -> Iterator[dict[str, TestClient]]:
    made = {}
    for role in ("editor", "viewer", "outsider"):
        client = site.client()
        assert sign_in(client, role).status_code == 303
        made[role] = client
    yield made
    for client in made.values():
        client.close()


def _section(page: str, heading: str) -> str:
    start = page.index(f'<section aria-labelledby="{heading}">')
    return page[start : page.index("</section>", start)]


def _rows(section: str) -> list[str]:
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in section else ""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]]


def test_the_missed_bia_appeal_is_listed_with_its_day_basis_and_a_mark_when_missed_since_the_last_report(
    clients: dict[str, TestClient],
) -> None:
    page = clients["editor"].get("/morning?since=2025-06-20").text
    missed = _section(page, "missed-heading")
    rows = _rows(missed)
    ahr = [r for r in rows if r.startswith("Andry José Hernández Romero")]
    assert ahr == ["Andry José Hernández Romero BIA appeal Jun 26, 2025 missed since Jun 20, 2025 8 CFR 1003.38(b)"]
    assert '<a href="/people/ahr">' in missed
    # Newest first, and missed since the last report before any missed earlier.
    assert rows.index(ahr[0]) == 0 and len(rows) == 2 and "Qwertzy Plazo Segundo" in rows[1]
    assert "since" not in rows[1].split("missed", 1)[1]
    later = _rows(_section(clients["editor"].get("/morning?since=2025-07-01").text, "missed-heading"))
    assert "missed since" not in " ".join(later)  # both were already missed on 1 July


def test_a_deadline_due_this_week_is_listed_and_one_further_off_is_not(clients: dict[str, TestClient]) -> None:
    due = _section(clients["editor"].get("/morning").text, "due-heading")
    assert "Due within 7 days" in due
    assert _rows(due) == ["Qwertzy Plazo Canarinowski BIA appeal Aug 4, 2025 open 8 CFR 1003.38(b)"]


def test_hearings_whose_day_passed_with_nothing_recorded_are_listed_newest_first(
    clients: dict[str, TestClient],
) -> None:
    unrecorded = _section(clients["editor"].get("/morning").text, "unrecorded-heading")
    assert _rows(unrecorded) == [
        "Qwertzy Plazo Canarinowski Hearing (bond) Jul 21, 2025 nothing recorded Synthetic Court Plumbago",
        "Andry José Hernández Romero Hearing (asylum) May 28, 2025 nothing recorded San Diego immigration court",
        "Persona Ficticia Dos Hearing (removal) Apr 20, 2025 nothing recorded Example Immigration Court",
    ]
    assert '<span class="count">3</span>' in unrecorded


@pytest.mark.parametrize(("role", "people"), [("viewer", {"demo-b"}), ("outsider", {"ahr"})])
def test_a_narrow_scope_sees_and_counts_only_its_own_people(
    clients: dict[str, TestClient], role: str, people: set[str]
) -> None:
    page = clients[role].get("/morning?since=2025-01-01").text
    for word in HIDDEN_WORDS:
        assert word not in page
    sections = [_section(page, h) for h in ("due-heading", "missed-heading", "unrecorded-heading")]
    linked = {p for s in sections for p in re.findall(r'href="/people/([^"?]+)"', s)}
    assert linked == people
    assert '<span class="count">0</span>' in sections[0]  # the hidden deadline due this week is not counted
    assert f'<span class="count">{1 if role == "outsider" else 0}</span>' in sections[1]
    assert '<span class="count">1</span>' in sections[2]


def test_the_page_in_spanish_translates_the_new_sections(site: Site) -> None:
    with site.client() as client:
        assert sign_in(client, "editor").status_code == 303
        csrf = csrf_of(client.get("/morning").text)
        page = client.post("/language", data={"csrf": csrf, "lang": "es", "next": "/morning?since=2025-06-20"}).text
    assert '<html lang="es">' in page
    for words in ("Vencen en los próximos 7 días", "Vencidos", "Audiencias pasadas sin nada registrado",
                  "Último día", "vencido", "nada registrado", "desde el 20 jun 2025", "26 jun 2025"):  # fmt: skip
        assert words in page, words
    assert ">Apelación ante la BIA</td>" in page  # the deadline's name, from the core, through the catalogue


class _Structure(HTMLParser):
    """Ids on the page, and per table the cells of the header row and of every body row."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tables: list[list[int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append(0)
        elif tag in ("td", "th") and self.tables:
            self.tables[-1][-1] += 1


def test_the_page_is_well_formed_every_row_as_wide_as_its_header(clients: dict[str, TestClient]) -> None:
    page = clients["editor"].get("/morning?since=2025-06-20").text
    found = _Structure()
    found.feed(page)
    assert len(found.ids) == len(set(found.ids))
    assert len(found.tables) == 4  # due, missed, hearings, longest without proof of life
    for widths in found.tables:
        assert len(set(widths)) == 1
    for heading in ("due-heading", "missed-heading", "unrecorded-heading"):
        assert f'<h2 id="{heading}">' in page
    assert 'style="' not in page


def test_the_api_adds_the_sections_after_the_alerts_keys(site: Site) -> None:
    token = site.accounts.tokens.issue("editor", "test")[1]
    with site.client() as client:
        answer = client.get("/api/v1/alerts?since=2025-06-20", headers={"Authorization": f"Bearer {token}"}).json()
    assert list(answer)[:3] == ["since", "today", "people"]
    assert {"due_within_days", "due_soon", "missed", "hearings_nothing_recorded"} <= set(answer)
    assert answer["due_within_days"] == 7
    assert [(d["person"], d["deadline"], d["due"]["latest"], d["status"]) for d in answer["due_soon"]] == [
        ("dlc-x7q", "bia_appeal", "2025-08-04", "open")
    ]
    first = answer["missed"][0]
    assert (first["person"], first["deadline"], first["due"], first["legal_basis"]) == (
        "ahr", "bia_appeal", {"earliest": "2025-06-26", "latest": "2025-06-26"}, "8 CFR 1003.38(b)"
    )  # fmt: skip
    assert [d["missed_since_last_report"] for d in answer["missed"]] == [True, False]
    hearings = answer["hearings_nothing_recorded"]
    assert [(h["person"], h["state"]) for h in hearings] == [
        ("dlc-x7q", "nothing_recorded"), ("ahr", "nothing_recorded"), ("demo-b", "nothing_recorded")
    ]  # fmt: skip


def test_the_api_tells_a_narrow_scope_only_of_its_own_people(site: Site) -> None:
    token = site.accounts.tokens.issue("viewer", "test")[1]
    with site.client() as client:
        response = client.get("/api/v1/alerts?since=2025-01-01", headers={"Authorization": f"Bearer {token}"})
    for word in HIDDEN_WORDS:
        assert word not in response.text
    answer = response.json()
    assert answer["due_soon"] == [] and answer["missed"] == []
    assert [h["person"] for h in answer["hearings_nothing_recorded"]] == ["demo-b"]


# -- the service, asked with narrow scopes -----------------------------------------------------------------------

REACH = {"outsider": {"ahr"}, "viewer": {"demo-a", "demo-b"}, "nobody-granted": set()}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Directory, dict[str, Context]]:
    folder = tmp_path_factory.mktemp("morning-scope")
    settings = make_database(folder)
    _add_hidden_people(settings, folder)
    directory = Directory(Context(settings, Actor("admin")))
    return directory, {name: Context(settings, Actor(name)) for name in (*REACH, "admin")}


@pytest.mark.parametrize("name", list(REACH))
def test_the_service_names_and_counts_only_people_in_reach(
    world: tuple[Directory, dict[str, Context]], name: str
) -> None:
    directory, contexts = world
    report = morning_report(contexts[name], date(2025, 6, 20), TODAY, directory)
    due = report.deadlines
    named = {d.person for d in (*due.due_soon, *due.missed)} | {h.person for h in due.unrecorded}
    assert named <= REACH[name] and set(due.people) <= REACH[name]
    assert set(report.cards) <= REACH[name]
    together = morning_alerts(contexts[name], date(2025, 6, 20), TODAY, directory)
    assert together.deadlines == due and together.alerts.as_json() == report.alerts.as_json()
    everyone = morning_report(contexts["admin"], date(2025, 6, 20), TODAY, directory).deadlines
    assert {"dlc-x7q", "dlc2-x7q"} <= set(everyone.people)  # the hidden people have rows the others are not told

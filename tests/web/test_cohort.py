"""Cohort pages: the cohorts in reach, one cohort's members with their flags, its population and stays charts."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
import yaml
from fastapi.testclient import TestClient
from web_helpers import CANARY_COHORT, TODAY, Site, build_site

from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import derive_whereabouts
from habeas.security.access import Scope
from habeas.services import Actor, Context, track
from habeas.web.cohort_charts import population

SYNTHETIC = "synthetic-cohort-t1"
D = date.fromisoformat

# FICTIONAL people: four members whose custody differs, one date known only to the month.
CASEFILE = {
    "habeas": 1,
    "sources": [{"id": "t1-src", "kind": "document", "title": "Synthetic record", "date": "2025-05-01"}],
    "cohorts": [{"id": SYNTHETIC, "name": "Synthetic test cohort", "description": "Made up for the tests."}],
    "people": [
        {"id": f"t1-{n}", "name": f"Sintético {name}", "cohorts": [SYNTHETIC]}
        for n, name in ((1, "Uno"), (2, "Dos"), (3, "Tres"), (4, "Cuatro"))
    ],
    "events": [
        {**e, "sources": ["t1-src"]}
        for e in [
        {"id": "t1-1a", "person": "t1-1", "kind": "booked_in", "date": "2025-01-10", "facility": "F1"},
        {"id": "t1-1b", "person": "t1-1", "kind": "transferred", "date": "2025-02-01", "facility": "F2"},
        {"id": "t1-1c", "person": "t1-1", "kind": "removed", "date": "2025-03-01", "destination": "SV"},
        {"id": "t1-2a", "person": "t1-2", "kind": "apprehended", "date": "2025-01"},
        {"id": "t1-2b", "person": "t1-2", "kind": "released", "date": "2025-04-15"},
        {"id": "t1-3a", "person": "t1-3", "kind": "booked_in", "date": "2025-02-03", "facility": "F1"},
        {"id": "t1-3b", "person": "t1-3", "kind": "removed", "date": "2025-03-01/2025-03-05", "destination": "SV"},
        {"id": "t1-3c", "person": "t1-3", "kind": "handed_over", "date": "2025-03-06", "country": "SV",
         "facility": "C"},
        {"id": "t1-4a", "person": "t1-4", "kind": "contact", "date": "2025-02-10", "party": "family",
         "channel": "phone", "direct": True},
        ]
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The shared test database plus the synthetic cohort, imported before any page is asked for."""
    folder = tmp_path_factory.mktemp("cohort")
    made = build_site(folder)
    path = folder / "synthetic.yaml"
    path.write_text(yaml.safe_dump(CASEFILE, allow_unicode=True), encoding="utf-8")
    track.import_casefiles(Context(made.settings, Actor("admin")), [path])
    return made


def _rows(page: str) -> dict[str, dict[str, int]]:
    """The population table: day → custody state (and "uncertain") → count."""
    found = {}
    for day, cells in re.findall(r'<tr data-day="([\d-]+)">(.*?)</tr>', page, re.S):
        found[day] = {state: int(n) for state, n in re.findall(r'data-custody="(\w+)">(\d+)<', cells)}
    return found


def test_the_example_cohort_page_shows_its_members_with_flags_and_both_charts(
    site: Site, clients: dict[str, TestClient]
) -> None:
    response = clients["viewer"].get("/cohorts/demo-flight-2025-04")
    assert response.status_code == 200
    page = response.text
    assert "Fictional charter flight, April 2025" in page
    for person, name in (("demo-a", "Persona Ficticia Uno"), ("demo-b", "Persona Ficticia Dos")):
        assert f'<a href="/people/{person}">{name}</a>' in page
    directory = site.app.state.habeas.directory
    flags = [f.rule for s in directory.summaries(Scope(all_records=True), ["demo-a", "demo-b"], TODAY) for f in s.flags]
    assert flags, "the example cohort's members are flagged"
    assert Counter(re.findall(r'<li data-rule="(\w+)">', page)) == Counter(flags)
    # Each chart twice: drawn for a desktop and again for a phone (CSS shows one).
    assert (
        page.count('<svg class="chart-svg chart-wide"') == 2 and page.count('<svg class="chart-svg chart-phone"') == 2
    )
    assert 'id="population-title-wide"' in page and 'id="stays-title-phone"' in page
    assert "demo-flight" in page  # the cohort's flight, listed as an event of the whole cohort
    days = _rows(page)
    on_today = {state: n for state, n in days[TODAY.isoformat()].items() if n}
    assert on_today == {"removed": 2}  # both on the flight by 1 June, and surely so
    assert days["2025-01-01"]["us_custody"] == 1 and days["2025-01-01"]["uncertain"] == 1  # demo-a: "2025-01~"


def test_population_numbers_agree_with_whereabouts_derived_on_each_day(
    site: Site, clients: dict[str, TestClient]
) -> None:
    page = clients["editor"].get(f"/cohorts/{SYNTHETIC}").text
    admin = Context(site.settings, Actor("admin"))
    timelines = track.timelines(admin, cohort=SYNTHETIC)
    table = _rows(page)
    assert set(table) == {"2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"}
    for day, counts in table.items():
        derived = Counter(derive_whereabouts(t, D(day)).custody.value for t in timelines)
        assert {k: v for k, v in counts.items() if k != "uncertain"} == {
            state: derived.get(state, 0) for state in counts if state != "uncertain"
        }, day
        assert sum(derived.values()) == 4
    assert table["2025-01-01"] == {"us_custody": 1, "removed": 0, "foreign_custody": 0, "released": 0,
                                   "unknown": 3, "uncertain": 1}  # fmt: skip
    drawn = population(timelines, TODAY)
    for day in ("2025-01-09", "2025-01-10", "2025-02-02", "2025-03-03", "2025-03-06", "2025-04-15", "2025-05-31"):
        derived = Counter(derive_whereabouts(t, D(day)).custody for t in timelines)
        assert drawn.daily.on(D(day)) == {c: derived.get(c, 0) for c in Custody}, day


def test_stays_are_measured_and_the_median_shown(clients: dict[str, TestClient]) -> None:
    page = clients["editor"].get(f"/cohorts/{SYNTHETIC}").text
    # US detention: t1-1 10 Jan–1 Mar (50 days), t1-2 Jan–15 Apr (74–104), t1-3 3 Feb–1/5 Mar (26–30).
    medians = re.findall(r"<td class=\"num\" data-median[^>]*>([^<]*)</td>", page)
    assert medians == ["50", "87"]  # foreign custody: t1-3 since 6 March, still held on 1 June
    assert "Sintético Cuatro" in page  # a member with no custody event is listed, not dropped


def test_the_cohorts_list_counts_only_members_in_reach(clients: dict[str, TestClient]) -> None:
    everyone = clients["editor"].get("/cohorts").text
    assert CANARY_COHORT in everyone and "Synthetic restricted cohort" in everyone
    assert SYNTHETIC in everyone
    mine = clients["viewer"].get("/cohorts")
    assert mine.status_code == 200
    for hidden in (CANARY_COHORT, "Synthetic restricted cohort", SYNTHETIC, "cecot-2025-03"):
        assert hidden not in mine.text
    row = re.search(r'<a href="/cohorts/demo-flight-2025-04">.*?</tr>', mine.text, re.S)
    assert row is not None
    assert re.findall(r'<td class="num"[^>]*>(\d+)</td>', row.group(0))[0] == "2"


@pytest.mark.parametrize("cohort", [CANARY_COHORT, SYNTHETIC, "cecot-2025-03"])
def test_a_cohort_out_of_reach_answers_exactly_like_one_that_does_not_exist(
    clients: dict[str, TestClient], cohort: str
) -> None:
    assert clients["editor"].get(f"/cohorts/{cohort}").status_code == 200  # it exists
    hidden = clients["viewer"].get(f"/cohorts/{cohort}")
    missing = clients["viewer"].get("/cohorts/no-such-cohort-zz")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(cohort, "ID") == missing.text.replace("no-such-cohort-zz", "ID")


def test_cohort_ids_link_to_their_pages(clients: dict[str, TestClient]) -> None:
    person = clients["viewer"].get("/people/demo-a").text
    assert '<a href="/cohorts/demo-flight-2025-04">' in person
    listing = clients["viewer"].get("/people?cohort=demo-flight-2025-04").text
    assert 'href="/cohorts/demo-flight-2025-04"' in listing
    assert 'href="/cohorts"' in listing  # in the navigation


def test_the_cohort_page_speaks_spanish(site: Site) -> None:
    from web_helpers import sign_in

    with site.client() as client:
        assert sign_in(client, "viewer").status_code == 303
        page = client.get("/cohorts/demo-flight-2025-04", headers={"Accept-Language": "es"}).text
    assert '<html lang="es">' in page
    assert "Length of stays in custody" not in page and "Members of the cohort by custody state" not in page
    assert "Duración de las estancias bajo custodia" in page
    assert "1 jun 2025" in page  # dates per locale


def test_a_large_cohort_draws_quickly() -> None:
    """Three hundred members over a year: the charts come from spans, not a derivation per member per day."""
    import time

    from habeas.domain.model import Person
    from habeas.testing import event, timeline_of
    from habeas.web.cohort_charts import stay_lengths

    timelines = []
    for i in range(300):
        pid = f"p{i}"
        start = date(2024, 6, 1 + i % 28)
        events = [
            event("booked_in", start.isoformat(), person=pid, facility="A", id=f"{pid}-a"),
            event("transferred", f"2024-{7 + i % 5:02d}", person=pid, facility="B", id=f"{pid}-b"),
            event("removed", f"2025-0{1 + i % 5}-1{i % 9}", person=pid, destination="SV", id=f"{pid}-c"),
        ]
        timelines.append(timeline_of(events, person=Person(id=pid)))
    began = time.perf_counter()
    drawn, stays = population(timelines, TODAY), stay_lengths(timelines, TODAY)
    assert time.perf_counter() - began < 1.0
    assert drawn.members == 300 and stays.count == 300
    assert sum(drawn.daily.on(TODAY).values()) == 300

"""Country names: current ones to ISO 3166-1, former ones to their own ISO 3166-3 code, ambiguous ones to none."""

from __future__ import annotations

from importlib import resources

import pycountry
import pytest
import yaml

from habeas.ingest.datasets import load_format
from habeas.ingest.datasets.lookups import lookup_entry, person_citizenship
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER, detention_row

COUNTRIES = yaml.safe_load(
    resources.files("habeas.ingest.datasets").joinpath("lookups.yaml").read_text(encoding="utf-8")
)["countries"]
CURRENT = {c.alpha_2 for c in pycountry.countries} | {"XK"}  # XK: Kosovo, user-assigned, in wide use
FORMER = {c.alpha_4 for c in pycountry.historic_countries}


@pytest.mark.parametrize(("name", "code"), sorted(COUNTRIES.items(), key=lambda item: item[0]))
def test_every_country_entry_is_a_real_current_or_former_code_or_says_why_not(name: str, code: object) -> None:
    found = lookup_entry(load_format("ice_detentions"), "countries", name)
    if code is None:  # STATELESS, UNKNOWN: deliberately no country
        assert found is None
    elif isinstance(code, dict):  # ambiguous: never merged with any one country
        assert set(code) == {"ambiguous"} and set(code["ambiguous"]) <= CURRENT and found is None
    elif len(code) == 4:
        assert code in FORMER and found == code
    else:
        assert code in CURRENT and found == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("CZECHOSLOVAKIA", "CSHH"),
        ("SERBIA AND MONTENEGRO", "CSXX"),
        ("YUGOSLAVIA", "YUCS"),
        ("USSR", "SUHH"),
        ("SOVIET UNION", "SUHH"),
        ("EAST GERMANY", "DDDE"),
        ("German Democratic Republic", "DDDE"),  # known to pycountry by this name: no entry needed
        ("ZAIRE", "ZRCD"),
        ("SOUTH KOREA", "KR"),
        ("KOREA, SOUTH", "KR"),
        ("NORTH KOREA", "KP"),
        ("SERBIA", "RS"),
        ("CZECH REPUBLIC", "CZ"),
        ("KOREA", None),
        ("CS", None),  # a bare former code names two countries
    ],
)
def test_former_countries_keep_their_own_codes_and_korea_alone_maps_to_none(name: str, code: str | None) -> None:
    assert lookup_entry(load_format("ice_detentions"), "countries", name) == code


def test_former_and_ambiguous_countries_are_counted_apart_in_figures(dctx, write_release) -> None:
    countries = ["CZECHOSLOVAKIA", "SERBIA AND MONTENEGRO", "KOREA", "SOUTH KOREA", "SOUTH KOREA", "USSR"]
    rows = [
        detention_row(f"p{i}", "01/02/2019 10:00", "01/02/2019 10:00", "01/09/2019 08:30", "01/09/2019 08:30",
                      country=country)
        for i, country in enumerate(countries)
    ]  # fmt: skip
    report = service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows))
    assert report.tally.rows_imported == 6
    assert dict(report.tally.unmapped) == {("Citizenship Country", "KOREA"): 1}
    stored = service.get_release(dctx, report.release).scan().sort("row").collect()
    assert stored["citizenship_country_iso"].to_list() == ["CSHH", "CSXX", None, "KR", "KR", "SUHH"]
    by_country = service.summary_figures(dctx, report.release, "citizenship_country_iso").table
    counted = dict(zip(by_country["citizenship_country_iso"], by_country["rows"], strict=True))
    assert counted == {"CSHH": 1, "CSXX": 1, "(not recorded)": 1, "KR": 2, "SUHH": 1}
    stays = service.stay_figures(dctx, report.release, "citizenship_country_iso").table
    assert set(stays["citizenship_country_iso"]) == set(counted)
    share = service.share_figures(dctx, "no_conviction", report.release, "citizenship_country_iso").table
    assert share.filter(share["citizenship_country_iso"] == "CSHH")["total"].to_list() == [1]
    people = {p.id.split(":")[-1]: p.citizenship for p in service.dataset_people(dctx, report.release)}
    assert people == {"p0": "CSHH", "p1": "CSXX", "p2": None, "p3": "KR", "p4": "KR", "p5": "SUHH"}


@pytest.mark.parametrize(
    ("written", "code", "kind"),
    [
        ("VENEZUELA", "VE", None),
        ("SOUTH KOREA", "KR", None),
        ("STATELESS", None, None),
        ("CZECHOSLOVAKIA", None, "former country"),
        ("KOREA", None, "ambiguous country"),
        ("ATLANTIS", None, "unknown country"),
    ],
)
def test_a_listed_persons_citizenship_takes_a_current_code_and_names_the_others(written, code, kind) -> None:
    found, problem = person_citizenship(written)
    assert found == code and (problem[0] if problem else None) == kind

"""Birth dates, several citizenships and unaccompanied children in FtM, PFIF and the flat tables.

A birth date finer than its year leaves only with the sensitive fields; every country of
citizenship is given. Every person here is fictional.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from followthemoney import model

from habeas.domain.dates import parse_date
from habeas.domain.model import Person
from habeas.ingest.casefile import CaseFile, load_document, parse_documents
from habeas.interop.ftm import ftm_entities, person_entity
from habeas.interop.pfif import export_pfif, pfif_problems
from habeas.interop.tables import build_tables, data_dictionary, dictionary_markdown, export_tables

BIRTH = "2011-07-23"  # no other value below holds this day
CHILD = {"id": "uac-1", "name": "Lucía Inventada", "citizenship": ["GT", "MX"], "birth_year": 2011,
         "birth_date": BIRTH, "unaccompanied": True, "gender": "female"}  # fmt: skip
ADULT = {"id": "adult-1", "name": "Persona Ficticia", "citizenship": "VE", "birth_year": 1990}


def casefile(*people: dict[str, Any]) -> CaseFile:
    document = {"habeas": 1, "people": list(people) or [CHILD, ADULT]}
    data, lines = load_document("people.json", json.dumps(document).encode())
    return parse_documents([("people.json", data, lines)])


def person(birth_date: str | None = None, birth_year: int | None = None) -> Person:
    return Person("uac-2", birth_year=birth_year, birth_date=parse_date(birth_date) if birth_date else None)


# -- FollowTheMoney ---------------------------------------------------------------------------


def test_ftm_gives_every_country_as_citizenship_and_nationality_and_validates() -> None:
    entities = [e.to_dict() for e in ftm_entities(casefile(), include_sensitive=True)]
    for data in entities:
        model.get(data["schema"]).validate(data)  # type: ignore[union-attr]
    child = next(e for e in entities if e["properties"].get("name") == ["Lucía Inventada"])
    # FtM writes country codes in lower case.
    assert child["properties"]["citizenship"] == child["properties"]["nationality"] == ["gt", "mx"]
    assert child["properties"]["birthDate"] == [BIRTH]


@pytest.mark.parametrize(
    ("birth_date", "birth_year", "sensitive", "expected"),
    [
        (BIRTH, 2011, True, [BIRTH]),
        (BIRTH, 2011, False, ["2011"]),
        (BIRTH, None, False, ["2011"]),
        ("2011-07", None, True, ["2011"]),
        ("2011-07-20/2011-07-25", None, True, ["2011"]),
        ("2011~", 2011, True, ["2011"]),
        ("2011~", None, True, []),  # somewhere in 2010 to 2012: left out, not guessed
        (None, 2011, True, ["2011"]),
        (None, None, True, []),
    ],
)
def test_ftm_birth_date_is_the_day_when_known_and_sensitive_fields_leave_else_the_year(
    birth_date: str | None, birth_year: int | None, sensitive: bool, expected: list[str]
) -> None:
    entity = person_entity(person(birth_date, birth_year), include_sensitive=sensitive)
    assert entity.get("birthDate") == expected


def test_ftm_without_sensitive_fields_never_holds_the_day_of_birth() -> None:
    lines = [json.dumps(e.to_dict()) for e in ftm_entities(casefile(), include_sensitive=False)]
    assert lines and not any(BIRTH in line for line in lines)


# -- PFIF -------------------------------------------------------------------------------------


def _pfif(records: CaseFile, include_sensitive: bool) -> bytes:
    return export_pfif(records, as_of=date(2025, 5, 2), include_sensitive=include_sensitive)


@pytest.mark.parametrize(
    ("birth_date", "birth_year", "sensitive", "expected"),
    [
        (BIRTH, 2011, True, BIRTH),
        ("2011-07", 2011, True, "2011-07"),
        ("2011-07-20/2011-07-25", None, True, "2011-07"),
        ("2011-03/2011-05", None, True, "2011"),
        ("2011", None, True, "2011"),
        ("2011~", 2011, True, "2011"),
        ("2011~", None, True, ""),
        (BIRTH, 2011, False, "2011"),
        ("2011-07", None, False, "2011"),
        (None, 1990, False, "1990"),
    ],
)
def test_pfif_date_of_birth_is_the_narrowest_form_pfif_allows(
    birth_date: str | None, birth_year: int | None, sensitive: bool, expected: str
) -> None:
    record = {"id": "uac-3", **({"birth_date": birth_date} if birth_date else {}),
              **({"birth_year": birth_year} if birth_year else {})}  # fmt: skip
    data = _pfif(casefile(record), sensitive)
    assert pfif_problems(data) == []
    shown = f"<pfif:date_of_birth>{expected}</pfif:date_of_birth>".encode()
    assert (shown in data) if expected else (b"date_of_birth" not in data)


def test_pfif_names_every_country_and_an_unaccompanied_child() -> None:
    data = _pfif(casefile(), include_sensitive=False).decode()
    assert "Citizenship: Guatemala (GT), Mexico (MX)." in data
    assert "unaccompanied child" in data
    assert "habeas-person" not in data and BIRTH not in data


def test_pfif_with_sensitive_fields_carries_the_birth_date_as_written() -> None:
    data = _pfif(casefile(), include_sensitive=True).decode()
    assert f"<pfif:date_of_birth>{BIRTH}</pfif:date_of_birth>" in data
    approximate = _pfif(casefile({"id": "uac-4", "birth_date": "2011~"}), include_sensitive=True).decode()
    assert "Date of birth as recorded: 2011~ (between 2010-01-01 and 2012-12-31)." in approximate
    assert "2011~" not in _pfif(casefile({"id": "uac-4", "birth_date": "2011~"}), include_sensitive=False).decode()


# -- flat tables ------------------------------------------------------------------------------


def test_the_people_table_lists_every_country_and_whether_a_child_was_unaccompanied() -> None:
    table = build_tables(casefile())["people"]
    assert table.schema.field("citizenships").type == pa.list_(pa.string())
    assert table.schema.field("unaccompanied").type == pa.bool_()
    rows = {row["id"]: row for row in table.to_pylist()}
    assert (rows["uac-1"]["citizenship"], rows["uac-1"]["citizenships"]) == ("GT", ["GT", "MX"])
    assert rows["adult-1"]["citizenships"] == ["VE"] and rows["adult-1"]["unaccompanied"] is None
    assert rows["uac-1"]["unaccompanied"] is True


def test_the_birth_date_is_a_sensitive_column_left_out_unless_asked_for(tmp_path: Path) -> None:
    plain = build_tables(casefile())["people"]
    assert not any(name.startswith("birth_date") for name in plain.column_names)
    full = build_tables(casefile(), include_sensitive=True)["people"]
    row = next(r for r in full.to_pylist() if r["id"] == "uac-1")
    assert (row["birth_date"], row["birth_date_earliest"], row["birth_date_latest"]) == (
        BIRTH, date(2011, 7, 23), date(2011, 7, 23),
    )  # fmt: skip
    dictionary = {c["name"]: c for c in data_dictionary(include_sensitive=True)["tables"]["people"]}
    assert all(dictionary[n].get("sensitive") for n in ("birth_date", "birth_date_earliest", "birth_date_latest"))
    assert "birth_date" not in {c["name"] for c in data_dictionary()["tables"]["people"]}
    assert "birth dates" in dictionary_markdown()
    export_tables(casefile(), tmp_path, ["csv", "parquet"])
    assert BIRTH not in (tmp_path / "people.csv").read_text(encoding="utf-8")
    assert BIRTH.encode() not in (tmp_path / "people.parquet").read_bytes()


def test_the_people_csv_joins_the_countries_with_the_list_separator(tmp_path: Path) -> None:
    export_tables(casefile(), tmp_path, ["csv"], include_sensitive=True)
    with (tmp_path / "people.csv").open(encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["uac-1"]["citizenships"] == "GT;MX" and rows["uac-1"]["unaccompanied"] == "true"
    assert rows["uac-1"]["birth_date"] == BIRTH and rows["adult-1"]["birth_date"] == ""

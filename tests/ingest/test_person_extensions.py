"""A person's birth date, several citizenships and being an unaccompanied child: read, checked, written back.

Every person here is fictional. A birth date identifies a person as a name does: no error
about one quotes it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import jsonschema
import pytest
import yaml

from habeas.domain.dates import DateRange
from habeas.domain.model import Person
from habeas.domain.schema import casefile_schema
from habeas.ingest.casefile import (
    CaseFile,
    CaseFileError,
    casefile_document,
    is_sensitive,
    load_document,
    parse_documents,
)

# A day no other part of a file below holds, so that finding it in a message means it was quoted.
CANARY_DAY = "2011-07-23"


def _file(*people: dict[str, Any], events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"habeas": 1, "people": list(people), "events": events or []}


def parse(doc: dict[str, Any], name: str = "kids.json") -> CaseFile:
    data, lines = load_document(name, json.dumps(doc).encode())
    return parse_documents([(name, data, lines)])


def parse_yaml(text: str, name: str = "kids.yaml") -> CaseFile:
    data, lines = load_document(name, text.encode())
    return parse_documents([(name, data, lines)])


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(CaseFileError) as caught:
        parse(doc)
    return [str(p) for p in caught.value.problems]


# -- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "earliest", "latest"),
    [
        ("2011-07-23", "2011-07-23", "2011-07-23"),
        ("2011-07", "2011-07-01", "2011-07-31"),
        ("2011", "2011-01-01", "2011-12-31"),
        (2011, "2011-01-01", "2011-12-31"),
        ("2011~", "2010-01-01", "2012-12-31"),
        ("2011-07-20/2011-07-25", "2011-07-20", "2011-07-25"),
    ],
)
def test_a_birth_date_is_read_as_the_days_it_may_be(written: Any, earliest: str, latest: str) -> None:
    (person,) = parse(_file({"id": "kid-a", "birth_date": written})).people
    assert person.birth_date == DateRange(date.fromisoformat(earliest), date.fromisoformat(latest), str(written))
    assert person.birth_year is None  # never made up from the birth date


def test_the_yaml_form_of_every_extension_is_read() -> None:
    casefile = parse_yaml(
        "habeas: 1\npeople:\n  - id: kid-b\n    name: Lucía Inventada\n    citizenship: [GT, MX]\n"
        "    birth_year: 2011\n    birth_date: 2011-07-23\n    unaccompanied: true\n"
    )
    (kid,) = casefile.people
    assert (kid.citizenship, kid.citizenships, kid.birth_year) == ("GT", ("GT", "MX"), 2011)
    assert kid.birth_date is not None and kid.birth_date.exact and kid.birth_date.text == "2011-07-23"
    assert kid.unaccompanied is True


@pytest.mark.parametrize(
    ("written", "first", "every"),
    [
        ("VE", "VE", ("VE",)),
        (["US"], "US", ("US",)),
        (["US", "MX"], "US", ("US", "MX")),
        (["MX", "US", "GT"], "MX", ("MX", "US", "GT")),
        (None, None, ()),
    ],
)
def test_citizenship_is_one_code_or_a_list_and_the_first_listed_is_citizenship(
    written: Any, first: str | None, every: tuple[str, ...]
) -> None:
    (person,) = parse(_file({"id": "kid-c", "citizenship": written})).people
    assert (person.citizenship, person.citizenships) == (first, every)


def test_unaccompanied_absent_is_not_recorded_and_false_is_kept() -> None:
    people = parse(_file({"id": "kid-d"}, {"id": "kid-e", "unaccompanied": False}, {"id": "kid-f"})).people
    assert [p.unaccompanied for p in people] == [None, False, None]


def test_a_person_made_in_code_keeps_citizenship_and_citizenships_together() -> None:
    assert Person("kid-g", citizenship="VE").citizenships == ("VE",)
    assert Person("kid-g", citizenships=("US", "MX")).citizenship == "US"
    assert Person("kid-g").citizenships == ()
    with pytest.raises(ValueError, match="first of citizenships"):
        Person("kid-g", citizenship="MX", citizenships=("US", "MX"))


@pytest.mark.parametrize(
    ("year", "written"),
    [
        (2011, "2011-07-23"),
        (2010, "2011~"),
        (2012, "2011~"),
        (2011, "2010-12-20/2011-01-10"),
        (2010, "2010-12-20/2011-01-10"),
    ],
)
def test_a_birth_year_inside_the_birth_dates_range_agrees(year: int, written: str) -> None:
    (person,) = parse(_file({"id": "kid-h", "birth_year": year, "birth_date": written})).people
    assert person.birth_year == year


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "pointer", "words"),
    [
        ({"birth_year": 2009, "birth_date": CANARY_DAY}, "/people/0/birth_date", "birth_year is not a year"),
        ({"birth_year": 2009, "birth_date": "2011-07-20/2011-07-25"}, "/people/0/birth_date", "birth_year is not"),
        ({"birth_date": "2011-13-23"}, "/people/0/birth_date", "not a valid EDTF date"),
        ({"birth_date": "2011-07-23/2011-07-02"}, "/people/0/birth_date", "ends before it starts"),
        ({"birth_date": "../2011-07-23"}, "/people/0/birth_date", "open-ended"),
        ({"birth_date": "1711-07-23"}, "/people/0/birth_date", "within the years 1880 to 2100"),
        ({"birth_date": ["2011-07-23"]}, "/people/0/birth_date", "should be"),
        ({"birth_date": {"day": "2011-07-23"}}, "/people/0/birth_date", "should be"),
        ({"citizenship": ["US", "us"]}, "/people/0/citizenship/1", "not an ISO 3166-1 alpha-2"),
        ({"citizenship": ["US", "XY"]}, "/people/0/citizenship/1", "'XY' is not an ISO 3166-1 alpha-2"),
        ({"citizenship": "XY"}, "/people/0/citizenship", "'XY' is not an ISO 3166-1 alpha-2"),
        ({"citizenship": []}, "/people/0/citizenship", "list at least one code"),
        ({"citizenship": ["MX", "MX"]}, "/people/0/citizenship", "a country is listed twice"),
        ({"citizenship": [5]}, "/people/0/citizenship/0", "should be string"),
        ({"unaccompanied": "yes"}, "/people/0/unaccompanied", "should be"),
    ],
)
def test_a_bad_extension_is_refused_naming_its_pointer(person: dict[str, Any], pointer: str, words: str) -> None:
    found = problems(_file({"id": "kid-i", **person}))
    assert any(f" at {pointer}: " in p and words in p for p in found), found


@pytest.mark.parametrize(
    "written",
    [
        CANARY_DAY,
        f"{CANARY_DAY}/2011-07-02",
        f"../{CANARY_DAY}",
        f"{CANARY_DAY}x",
        f"{CANARY_DAY}\u0000",
        [CANARY_DAY],
        {"day": CANARY_DAY},
        "1711-07-23",
    ],
)
def test_no_error_quotes_the_birth_date_it_refuses(written: Any) -> None:
    found = problems(_file({"id": "kid-j", "birth_year": 2009, "birth_date": written}))
    assert found and not any(CANARY_DAY in p or "1711" in p for p in found), found
    assert all(" at /people/0" in p for p in found), found


def test_the_birth_date_is_a_value_errors_never_quote() -> None:
    assert is_sensitive("/people/0/birth_date")
    assert is_sensitive("/people/12/birth_date")
    assert not is_sensitive("/people/0/birth_year")
    assert not is_sensitive("/people/0/citizenship/1")
    assert not is_sensitive("/people/0/unaccompanied")


def test_the_yaml_line_of_a_bad_birth_date_is_given() -> None:
    text = "habeas: 1\npeople:\n  - id: kid-k\n    birth_year: 2009\n    birth_date: 2011-07-23\n"
    with pytest.raises(CaseFileError) as caught:
        parse_yaml(text)
    (problem,) = caught.value.problems
    assert (problem.pointer, problem.line) == ("/people/0/birth_date", 5)
    assert str(problem).startswith("kids.yaml:5 at /people/0/birth_date: ") and CANARY_DAY not in str(problem)


# -- the schema `habeas schema casefile` prints -----------------------------------------------


def test_the_published_schema_takes_the_extensions_and_refuses_what_the_reader_refuses() -> None:
    validator = jsonschema.Draft202012Validator(casefile_schema())
    good = _file(
        {
            "id": "kid-l",
            "citizenship": ["US", "MX"],
            "birth_date": "2011-07",
            "birth_year": 2011,
            "unaccompanied": True,
        },
        {"id": "kid-m", "citizenship": "VE", "birth_date": 2011},
        {"id": "kid-n", "citizenship": None, "birth_date": None, "unaccompanied": None},
    )
    assert list(validator.iter_errors(good)) == []
    for bad in ({"citizenship": []}, {"citizenship": ["US", "US"]}, {"citizenship": ["us"]}, {"unaccompanied": 1}):
        assert list(validator.iter_errors(_file({"id": "kid-o", **bad}))), bad


# -- writing ----------------------------------------------------------------------------------


def test_an_export_writes_one_country_as_a_code_and_several_as_a_list() -> None:
    casefile = parse(_file({"id": "kid-p", "citizenship": ["US"]}, {"id": "kid-q", "citizenship": ["US", "MX"]}))
    people = casefile_document(casefile)["people"]
    assert [p["citizenship"] for p in people] == ["US", ["US", "MX"]]


@pytest.mark.parametrize(
    "person",
    [
        {"id": "kid-r", "name": "Mateo Imaginario", "citizenship": ["HN", "US"], "birth_year": 2010,
         "birth_date": "2010-03~", "unaccompanied": True, "gender": "male"},
        {"id": "kid-s", "citizenship": "SV", "birth_date": "2012-01-05/2012-02-10", "unaccompanied": False},
        {"id": "kid-t", "citizenship": ["GT", "MX", "BZ"], "birth_date": "2012"},
        {"id": "kid-u", "citizenship": "VE", "birth_year": 1990},
    ],
)  # fmt: skip
def test_a_file_with_the_extensions_round_trips_unchanged(person: dict[str, Any]) -> None:
    doc = _file(person)
    exported = casefile_document(parse(doc))
    assert exported["people"] == [person]
    again = yaml.safe_load(yaml.safe_dump(exported, allow_unicode=True, sort_keys=False))
    assert parse(again).people == parse(doc).people


def test_a_birth_date_written_as_a_bare_year_exports_as_that_year() -> None:
    exported = casefile_document(parse(_file({"id": "kid-v", "birth_date": 2012})))
    assert exported["people"] == [{"id": "kid-v", "birth_date": "2012"}]


def test_a_file_valid_before_the_extensions_reads_and_writes_as_it_did() -> None:
    person = {"id": "adult-a", "name": "Persona Ficticia", "aliases": ["P. F."], "citizenship": "VE",
              "birth_year": 1990, "gender": "female"}  # fmt: skip
    (read,) = parse(_file(person)).people
    assert (read.birth_date, read.unaccompanied, read.citizenships) == (None, None, ("VE",))
    assert casefile_document(parse(_file(person)))["people"] == [person]

"""FollowTheMoney export: every entity loads with FtM's own model and validates."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from followthemoney import model

from habeas.domain.dates import parse_date
from habeas.ingest.casefile import CaseFile, parse_casefiles
from habeas.interop.ftm import entity_id, ftm_entities, organization_key, partial_date, write_ftm

EXAMPLES = Path(__file__).parents[2] / "examples"


def _export(casefile: CaseFile, flags: list | None = None, include_sensitive: bool = False) -> list[dict]:
    buffer = io.StringIO()
    write_ftm(ftm_entities(casefile, flags or [], include_sensitive), buffer)
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def _problems(entities: list[dict]) -> list[str]:
    """Everything FtM's model says is wrong with the entities, plus references that lead nowhere."""
    ids = {e["id"] for e in entities}
    problems = []
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None, data["schema"]
        proxy = model.get_proxy(data, cleaned=False)
        if proxy.to_dict() != data:
            problems.append(f"{data['id']}: FtM reads it back differently: {proxy.to_dict()}")
        try:
            schema.validate(data)
        except Exception as exc:  # FtM raises InvalidData with the property errors
            problems.append(f"{data['id']}: {exc}")
        for name, values in data["properties"].items():
            prop = schema.get(name)
            if prop is None:
                problems.append(f"{data['id']}: {schema.name} has no property {name!r}")
                continue
            for value in values:
                if prop.type.clean(value, proxy=proxy) != value:
                    problems.append(f"{data['id']}: {name}={value!r} is not a clean {prop.type.name}")
                if prop.type.name == "entity" and value not in ids:
                    problems.append(f"{data['id']}: {name} points to a missing entity {value}")
        missing = [p for p in schema.required if not data["properties"].get(p)]
        if missing:
            problems.append(f"{data['id']}: missing required {missing}")
    return problems


def test_ftm_export_of_the_synthetic_case_validates_with_the_ftm_model(casefile: CaseFile, flags: list) -> None:
    entities = _export(casefile, flags)
    assert _problems(entities) == []
    schemata = [e["schema"] for e in entities]
    assert schemata.count("Person") == len(casefile.people)
    assert {"Person", "Event", "Organization", "UnknownLink", "Article", "Document", "Documentation", "Note"} <= set(
        schemata
    )


@pytest.mark.skipif(not any(EXAMPLES.glob("*.yaml")), reason="the example case files are not in examples/")
def test_ftm_export_of_the_example_cases_validates_with_the_ftm_model() -> None:
    entities = _export(parse_casefiles(sorted(EXAMPLES.glob("*.yaml"))), include_sensitive=True)
    assert entities
    assert _problems(entities) == []


def test_every_event_and_each_replacement_becomes_an_event_about_its_people(casefile: CaseFile) -> None:
    entities = _export(casefile)
    events = {e["properties"]["recordId"][0]: e for e in entities if e["schema"] == "Event"}
    assert {e.id for e in casefile.events} < set(events)
    replacement = next(e for e in events.values() if "Replaces syn-removed-wrong" in str(e["properties"]))
    # 15 or 16 March is "some day in March 2025", not an event that lasted from the 15th to the 16th.
    assert replacement["properties"]["date"] == ["2025-03"]
    assert "Date as recorded: 2025-03-15/2025-03-16" in replacement["properties"]["description"][0]
    assert not any("startDate" in e["properties"] or "endDate" in e["properties"] for e in events.values())
    ana = entity_id("person", "syn-ana")
    # A cohort event involves every member of the cohort.
    assert events["syn-removed-wrong"]["properties"]["involved"] == [ana]
    assert events["syn-claim"]["properties"]["date"] == ["2024-11"]


def test_ftm_entity_ids_are_deterministic(casefile: CaseFile, flags: list) -> None:
    assert _export(casefile, flags) == _export(casefile, flags)


def test_ftm_export_leaves_out_sensitive_attributes_unless_asked(casefile: CaseFile, secrets: tuple[str, ...]) -> None:
    plain = json.dumps(_export(casefile))
    full = json.dumps(_export(casefile, include_sensitive=True))
    for secret in secrets:
        assert secret.replace("_", " ") not in plain and secret not in plain
        assert secret.replace("_", " ") in full or secret in full


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-03-16", "2025-03-16"),
        ("2025-03", "2025-03"),
        ("2025", "2025"),
        ("2025-03-15/2025-03-16", "2025-03"),
        ("2025-03-30/2025-04-02", "2025"),
        ("2025-03~", "2025"),  # approximately March: February to April
        ("2024-12-28/2025-01-03", None),  # no partial date holds it, and a start and end would be a duration
    ],
)
def test_an_uncertain_date_is_the_narrowest_ftm_partial_date_that_holds_it(written: str, expected: str | None) -> None:
    assert partial_date(parse_date(written)) == expected


def _named(entities: list[dict], name: str) -> dict:
    (found,) = [e for e in entities if e["schema"] == "Organization" and e["properties"]["name"] == [name]]
    return found


def test_facilities_and_agencies_are_organizations_linked_from_the_events(casefile: CaseFile) -> None:
    entities = _export(casefile)
    events = {e["properties"]["recordId"][0]: e["properties"] for e in entities if e["schema"] == "Event"}
    cbp, otay = _named(entities, "CBP"), _named(entities, "Otay Mesa Detention Center")
    cecot, authority = _named(entities, "CECOT"), _named(entities, "El Salvador government")
    assert events["syn-apprehended"]["organizer"] == [cbp["id"]]
    assert otay["id"] in events["syn-booked"]["involved"]
    assert {cecot["id"], authority["id"]} <= set(events["syn-handed"]["involved"])
    assert cecot["properties"]["classification"] == ["detention facility"] and cecot["properties"]["country"] == ["sv"]
    assert cbp["properties"]["classification"] == ["agency"]
    assert cecot["id"] == entity_id("organization", organization_key("  cecot "))


def test_one_organization_per_facility_however_it_is_written(casefile: CaseFile) -> None:
    moved = next(e for e in casefile.events if e.id == "syn-booked")
    again = replace(moved, id="syn-booked-again", attrs={**moved.attrs, "facility": "OTAY MESA  Detention Center"})
    entities = _export(replace(casefile, events=[*casefile.events, again]))
    organizations = [e for e in entities if e["schema"] == "Organization"]
    (otay,) = [e for e in organizations if organization_key(e["properties"]["name"][0]) == "otay mesa detention center"]
    assert otay["properties"]["alias"] == ["OTAY MESA Detention Center"]
    assert _problems(entities) == []


def test_a_superseded_event_says_so_in_a_property_and_a_link_from_its_correction(casefile: CaseFile) -> None:
    entities = _export(casefile)
    events = {e["properties"]["recordId"][0]: e for e in entities if e["schema"] == "Event"}
    superseded = events["syn-removed-wrong"]
    assert "superseded" in superseded["properties"]["keywords"]
    assert all(
        "superseded" not in e["properties"]["keywords"] for rid, e in events.items() if rid != "syn-removed-wrong"
    )
    (link,) = [e for e in entities if e["schema"] == "UnknownLink"]
    assert link["properties"]["subject"] == [events["syn-fix"]["id"]]
    assert link["properties"]["object"] == [superseded["id"]]
    assert link["properties"]["role"] == ["supersedes"]

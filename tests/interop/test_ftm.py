"""FollowTheMoney export: every entity loads with FtM's own model and validates."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from followthemoney import model

from habeas.ingest.casefile import CaseFile, parse_casefiles
from habeas.interop.ftm import entity_id, ftm_entities, write_ftm

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
    assert {"Person", "Event", "Article", "Document", "Documentation", "Note"} <= set(schemata)


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
    assert replacement["properties"]["startDate"] == ["2025-03-15"]
    assert replacement["properties"]["endDate"] == ["2025-03-16"]
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

"""Rules about who the person is: a death in custody, a US citizen held or removed, a child held."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rulecheck import SOURCES, D, ev, outcome

from habeas.domain.dates import parse_date
from habeas.domain.model import Person
from habeas.rules.engine import check_timeline
from habeas.rules.families.people import past_hours, under_18
from habeas.rules.flag import Certainty, Flag
from habeas.rules.registry import RULE_BY_ID
from habeas.rules.settings import RuleSettings, parse_rule_settings
from habeas.testing import SYNTHETIC_PERSON, timeline_of

CRITICAL, WARNING = ("critical", "certain"), ("warning", "certain")
CRITICAL_POSSIBLE, WARNING_POSSIBLE = ("critical", "possible"), ("warning", "possible")
BOOKED = ev("booked_in", "2025-01-01", "booked", facility="Processing Center A")


def person(**fields: Any) -> Person:
    return Person(id=SYNTHETIC_PERSON, **{"citizenships": ("HN",), **fields})


def run(rule: str, events: list[Any], as_of: str, who: Person | None = None, settings: Any = None) -> list[Flag]:
    timeline = timeline_of(events, person=who or person(), sources=SOURCES)
    parsed = parse_rule_settings({"rules": settings}, "test.toml") if settings else RuleSettings()
    return check_timeline(timeline, D(as_of), parsed, rules=[RULE_BY_ID[rule]])


# -- died in custody ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([BOOKED, ev("died", "2025-03-01", place="a detention center")], CRITICAL,
                     id="died at a detention center"),
        pytest.param([BOOKED, ev("transferred", "2025-02-01", facility="B"), ev("died", "2025-03-01")], CRITICAL,
                     id="died after a transfer"),
        pytest.param([BOOKED, ev("released", "2025-02-01", reason="parole"), ev("died", "2025-03-01")], None,
                     id="died a month after release"),
        pytest.param([BOOKED, ev("released", "2025-03-01", reason="other"), ev("died", "2025-03-01")],
                     CRITICAL_POSSIBLE, id="released the day of the death"),
        pytest.param([BOOKED, ev("released", "2025-03"), ev("died", "2025-03-10")], CRITICAL_POSSIBLE,
                     id="released some time in the month of the death"),
        pytest.param([BOOKED, ev("died", "2025-01")], CRITICAL_POSSIBLE, id="the death may precede the book-in"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"), ev("handed_over", "2025-03-16", country="SV"),
                      ev("died", "2025-05-01", country="SV")], CRITICAL, id="died in a foreign prison, handed over"),
        pytest.param([ev("removed", "2025-03-15", destination="SV"), ev("died", "2025-05-01", country="SV")], None,
                     id="died after a removal with no custody abroad on record"),
        pytest.param([ev("died", "2025-05-01")], None, id="no custody on record"),
        pytest.param([BOOKED, ev("died", "2025-03-01", "d1"), ev("died", "2025-03-01", "d2", sources=["src-b"])],
                     CRITICAL, id="a death reported twice is one flag"),
    ],
)  # fmt: skip
def test_died_in_custody(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("died_in_custody", events, "2025-06-01")) == expected


def test_the_explanation_says_whose_custody() -> None:
    (flag,) = run("died_in_custody", [BOOKED, ev("died", "2025-03-01", "death")], "2025-06-01")
    assert "while held in US custody" in flag.explanation and flag.evidence == ("booked", "death")
    abroad = [ev("handed_over", "2025-03-16", "ho", country="SV", facility="CECOT"), ev("died", "2025-05-01")]
    (flag,) = run("died_in_custody", abroad, "2025-06-01")
    assert "custody of another state" in flag.explanation and "CECOT" in flag.explanation
    assert "Standard 4.7" in flag.legal_basis and "Pub. L. No. 113-242" in flag.legal_basis


# -- a US citizen ----------------------------------------------------------------------------------------------------

CITIZEN = person(citizenships=("US", "MX"))


@pytest.mark.parametrize(
    ("events", "who", "expected"),
    [
        pytest.param([BOOKED], CITIZEN, [CRITICAL], id="a US citizen held by ICE"),
        pytest.param([BOOKED], person(citizenships=("MX", "US")), [CRITICAL], id="US listed second"),
        pytest.param([BOOKED], person(citizenships=("MX",)), [], id="not a citizen"),
        pytest.param([BOOKED, ev("removed", "2025-02-01", destination="MX")], CITIZEN, [CRITICAL],
                     id="a US citizen removed to Mexico"),
        pytest.param([BOOKED, ev("released", "2025-01-03", reason="other")], CITIZEN, [], id="released"),
        pytest.param([BOOKED, ev("removed", "2025-02-01", destination="MX"), ev("returned", "2025-03-01")], CITIZEN,
                     [CRITICAL, CRITICAL], id="removed, brought back and held"),
        pytest.param([ev("removed", "2025-06", destination="MX")], CITIZEN, [CRITICAL_POSSIBLE],
                     id="the removal may be after as-of"),
    ],
)  # fmt: skip
def test_us_citizen_detained(events, who, expected) -> None:  # type: ignore[no-untyped-def]
    flags = run("us_citizen_detained", events, "2025-06-10", who)
    assert [(f.severity.value, f.certainty.value) for f in flags] == expected


def test_a_citizen_removed_is_named_with_the_destination() -> None:
    (flag,) = run("us_citizen_detained", [ev("removed", "2025-02-01", "rm", destination="MX")], "2025-06-10", CITIZEN)
    assert "US and MX" in flag.explanation and "to MX" in flag.explanation and flag.evidence == ("rm",)
    assert "16001.2" in flag.legal_basis


# -- a child ---------------------------------------------------------------------------------------------------------

ALONE = person(birth_date=parse_date("2010-06-15"), unaccompanied=True)
WITH_PARENT = person(birth_date=parse_date("2016-02-03"), unaccompanied=False)
NOT_SAID = person(birth_date=parse_date("2016-02-03"))


@pytest.mark.parametrize(
    ("who", "as_of", "expected"),
    [
        pytest.param(WITH_PARENT, "2025-01-20", None, id="accompanied, 19 days"),
        pytest.param(WITH_PARENT, "2025-01-21", None, id="accompanied, 20 days"),
        pytest.param(WITH_PARENT, "2025-01-22", CRITICAL, id="accompanied, 21 days"),
        pytest.param(ALONE, "2025-01-03", None, id="unaccompanied, 2 days"),
        pytest.param(ALONE, "2025-01-04", CRITICAL_POSSIBLE, id="unaccompanied, 3 days: 72 hours may have passed"),
        pytest.param(ALONE, "2025-01-05", CRITICAL, id="unaccompanied, 4 days: more than 72 hours"),
        pytest.param(NOT_SAID, "2025-01-05", WARNING_POSSIBLE, id="not recorded whether alone, 4 days"),
        pytest.param(NOT_SAID, "2025-01-22", CRITICAL, id="not recorded whether alone, 21 days"),
        pytest.param(person(birth_year=2015, unaccompanied=False), "2025-01-22", CRITICAL,
                     id="a birth year that leaves no doubt"),
        pytest.param(person(birth_year=2007, unaccompanied=False), "2025-01-22", CRITICAL_POSSIBLE,
                     id="a birth year that turns 18 in 2025"),
        pytest.param(person(birth_date=parse_date("2007-03"), unaccompanied=False), "2025-03-10", CRITICAL_POSSIBLE,
                     id="a birth month around the 18th birthday"),
        pytest.param(person(birth_date=parse_date("2007-01-10"), unaccompanied=False), "2025-01-22", None,
                     id="18 since 10 January"),
        pytest.param(person(birth_year=2000), "2025-02-01", None, id="an adult"),
        pytest.param(person(), "2025-02-01", None, id="no age on record"),
    ],
)  # fmt: skip
def test_child_detained(who, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("child_detained", [BOOKED], as_of, who)) == expected


def test_a_child_no_longer_held_raises_nothing() -> None:
    released = [BOOKED, ev("released", "2025-01-02", reason="parole")]
    assert run("child_detained", released, "2025-02-01", WITH_PARENT) == []
    to_orr = [BOOKED, ev("handed_over", "2025-01-03", to="Office of Refugee Resettlement", country="US")]
    assert run("child_detained", to_orr, "2025-02-01", ALONE) == []


def test_child_thresholds_come_from_settings() -> None:
    settings = {"child_detained": {"accompanied_days": 5, "unaccompanied_hours": 24}}
    assert outcome(run("child_detained", [BOOKED], "2025-01-07", WITH_PARENT, settings)) == CRITICAL
    assert outcome(run("child_detained", [BOOKED], "2025-01-03", ALONE, settings)) == CRITICAL


def test_the_explanation_names_the_limit_and_the_uncertain_age() -> None:
    (flag,) = run("child_detained", [BOOKED], "2025-01-05", ALONE)
    assert "unaccompanied" in flag.explanation and "72 hours" in flag.explanation
    (flag,) = run("child_detained", [BOOKED], "2025-01-22", person(birth_year=2007, unaccompanied=False))
    assert "may already be 18" in flag.explanation and "20 days" in flag.explanation


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        ("2007-01-22", "2025-01-21", Certainty.CERTAIN),
        ("2007-01-22", "2025-01-22", None),
        ("2007", "2024-12-31", Certainty.CERTAIN),
        ("2007", "2025-01-01", Certainty.POSSIBLE),
        ("2007", "2026-01-01", None),
        ("2008-02-29", "2026-02-28", Certainty.CERTAIN),
        ("2008-02-29", "2026-03-01", None),
    ],
)
def test_under_18(birth: str, day: str, expected: Certainty | None) -> None:
    assert under_18(person(birth_date=parse_date(birth)), date.fromisoformat(day)) is expected


def test_under_18_falls_back_to_the_birth_year() -> None:
    assert under_18(person(birth_year=2007), D("2025-06-01")) is Certainty.POSSIBLE
    assert under_18(person(), D("2025-06-01")) is None


@pytest.mark.parametrize(
    ("days", "expected"), [(2, None), (3, Certainty.POSSIBLE), (4, Certainty.CERTAIN), (10, Certainty.CERTAIN)]
)
def test_72_hours_in_a_record_kept_in_days(days: int, expected: Certainty | None) -> None:
    from habeas.domain.dates import DayCount

    assert past_hours(DayCount(days, days), 72) is expected

"""The morning report: new and graver flags, grouped by person, gravest first."""

from __future__ import annotations

from datetime import date

from habeas.rules.alerts import by_person, changes
from habeas.rules.flag import Certainty, Flag, Severity


def flag(
    person: str, rule: str, severity: str, certainty: str = "certain", evidence: tuple[str, ...] = ("e1",)
) -> Flag:
    return Flag(
        rule=rule,
        severity=Severity(severity),
        certainty=Certainty(certainty),
        person=person,
        as_of=date(2025, 5, 1),
        title=rule,
        explanation="",
        evidence=evidence,
        sources=(),
        legal_basis="",
    )


def test_a_flag_raised_only_now_is_new() -> None:
    (alert,) = changes([], [flag("p1", "access_denied", "warning")])
    assert alert.change == "new" and alert.previous is None


def test_an_unchanged_flag_is_not_an_alert() -> None:
    assert changes([flag("p1", "access_denied", "warning")], [flag("p1", "access_denied", "warning")]) == []


def test_a_flag_that_grew_more_severe_is_an_alert_naming_what_it_was() -> None:
    (alert,) = changes([flag("p1", "no_proof_of_life", "warning")], [flag("p1", "no_proof_of_life", "critical")])
    assert alert.change == "more_severe" and alert.previous is not None
    assert alert.previous.severity is Severity.WARNING


def test_a_possible_flag_that_became_certain_is_an_alert() -> None:
    before = [flag("p1", "removed_with_pending_proceedings", "critical", "possible")]
    (alert,) = changes(before, [flag("p1", "removed_with_pending_proceedings", "critical")])
    assert alert.change == "now_certain"


def test_a_flag_that_eased_is_not_an_alert() -> None:
    assert changes([flag("p1", "no_proof_of_life", "critical")], [flag("p1", "no_proof_of_life", "warning")]) == []


def test_the_same_rule_on_other_evidence_is_new() -> None:
    before = [flag("p1", "third_country_removal", "warning", evidence=("removal-1",))]
    (alert,) = changes(before, [flag("p1", "third_country_removal", "warning", evidence=("removal-2",))])
    assert alert.change == "new"


def test_the_same_rule_for_another_person_is_new() -> None:
    (alert,) = changes([flag("p1", "access_denied", "warning")], [flag("p2", "access_denied", "warning")])
    assert alert.change == "new" and alert.flag.person == "p2"


def test_alerts_are_grouped_by_person_gravest_first() -> None:
    now = [
        flag("p1", "access_denied", "warning"),
        flag("p2", "third_country_removal", "warning"),
        flag("p2", "no_proof_of_life", "critical"),
        flag("p3", "inquiry_unanswered", "warning", "possible"),
    ]
    report = by_person(date(2025, 4, 1), date(2025, 5, 1), changes([], now))
    assert [p.person for p in report.people] == ["p2", "p1", "p3"]
    assert [a.flag.rule for a in report.people[0].alerts] == ["no_proof_of_life", "third_country_removal"]
    data = report.as_json()
    assert data["since"] == "2025-04-01" and data["people"][0]["alerts"][0]["flag"]["rule"] == "no_proof_of_life"

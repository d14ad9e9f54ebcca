"""The posture as an immigration attorney reads it: is the order final, what stays removal, who represents."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from habeas.domain.model import Event
from habeas.domain.posture import Finality, posture
from habeas.domain.vocabulary import Matter
from habeas.testing import event


def ev(kind: str, when: str, ident: str, **fields: Any) -> Event:
    return event(kind, when, id=ident, **fields)


ORDER = ev("decision", "2025-01-10", "ord", outcome="removal_order")  # the 30th day, 9 Feb, is a Sunday
APPEAL = ev("petition_filed", "2025-01-20", "app", petition="appeal")


@pytest.mark.parametrize(
    ("events", "day", "finality"),
    [
        pytest.param([ORDER], "2025-01-20", Finality.NOT_FINAL, id="ten days after a judge's order: time to appeal"),
        pytest.param([ORDER], "2025-02-10", Finality.NOT_FINAL,
                     id="the 30th day is a Sunday, so Monday 10 February is still a day to appeal"),
        pytest.param([ORDER], "2025-02-11", Finality.POSSIBLY_FINAL,
                     id="the day after: final unless a holiday moved the last day (habeas knows no holidays)"),
        pytest.param([ORDER], "2025-02-12", Finality.FINAL, id="no appeal taken: final (8 CFR 1241.1(c))"),
        pytest.param([ORDER, APPEAL], "2025-03-01", Finality.NOT_FINAL, id="a timely appeal to the BIA is pending"),
        pytest.param([ORDER, APPEAL, ev("decision", "2025-04-01", "bia", outcome="dismissed", decided_by="bia")],
                     "2025-04-02", Finality.FINAL, id="the BIA dismissed the appeal (8 CFR 1241.1(a))"),
        pytest.param([ORDER, ev("petition_filed", "2025-03-20", "late", petition="appeal")], "2025-03-25",
                     Finality.FINAL, id="an appeal filed after the time to appeal does not keep the order open"),
        pytest.param([ev("decision", "2025-01-10", "ord", outcome="removal_order", appeal_waived=True)], "2025-01-11",
                     Finality.FINAL, id="appeal waived at the hearing (8 CFR 1241.1(b))"),
        pytest.param([ev("decision", "2025-01-10", "ord", outcome="removal_order", in_absentia=True)], "2025-01-11",
                     Finality.FINAL, id="ordered removed in absentia: final when entered (8 CFR 1241.1(e))"),
        pytest.param([ev("decision", "2025-01", "ord", outcome="removal_order")], "2025-02-20",
                     Finality.POSSIBLY_FINAL, id="an order known only by its month"),
    ],
)  # fmt: skip
def test_finality(events: list[Event], day: str, finality: Finality) -> None:
    status = posture(events, date.fromisoformat(day)).order
    assert status is not None and status.finality is finality, status


@pytest.mark.parametrize(
    ("events", "day", "stays"),
    [
        pytest.param([ORDER, APPEAL], "2025-03-01", ["app"], id="a pending BIA appeal stays removal (8 CFR 1003.6(a))"),
        pytest.param([ORDER, ev("petition_filed", "2025-03-01", "pfr", petition="review")], "2025-03-05", [],
                     id="a petition for review stays nothing by itself (8 U.S.C. 1252(b)(3)(B))"),
        pytest.param([ORDER, ev("petition_filed", "2025-03-01", "pfr", petition="review"),
                      ev("decision", "2025-03-04", "stay", outcome="stay_granted", decides="pfr")], "2025-03-05",
                     ["stay"], id="the court of appeals granted a stay pending review"),
        pytest.param([ORDER, ev("petition_filed", "2025-03-01", "pfr", petition="review"),
                      ev("decision", "2025-03-04", "stay", outcome="stay_granted", decides="pfr"),
                      ev("decision", "2025-04-04", "lift", outcome="other", stay="lifted")], "2025-04-05", [],
                     id="the stay was lifted"),
    ],
)  # fmt: skip
def test_stays(events: list[Event], day: str, stays: list[str]) -> None:
    assert [e.id for e in posture(events, date.fromisoformat(day)).stays] == stays


def test_a_petition_for_review_stays_open_after_a_stay_is_granted_on_it() -> None:
    events = [ORDER, ev("petition_filed", "2025-03-01", "pfr", petition="review"),
              ev("decision", "2025-03-04", "stay", outcome="stay_granted", decides="pfr")]  # fmt: skip
    assert [e.id for e in posture(events, date(2025, 3, 5)).of(Matter.PETITION)] == ["pfr"]


def test_counsel_of_record_is_the_last_appearance_not_withdrawn() -> None:
    entered = ev("representation", "2025-01-05", "g28", action="entered", by="Fictional Legal Aid")
    withdrawn = ev("representation", "2025-02-05", "out", action="withdrawn")
    assert posture([entered], date(2025, 1, 6)).counsel == entered
    assert posture([entered, withdrawn], date(2025, 2, 6)).counsel is None


def test_a_bond_decision_closes_the_bond_hearing_and_never_the_asylum_claim() -> None:
    events = [ev("claim_filed", "2025-01-02", "claim", claim="asylum"),
              ev("hearing_scheduled", "2025-01-03", "bondh", scheduled_for="2025-01-20", proceeding="bond"),
              ev("bond_decision", "2025-01-20", "bond", outcome="denied")]  # fmt: skip
    open_ = posture(events, date(2025, 1, 21))
    assert [e.id for e in open_.of(Matter.CLAIM)] == ["claim"] and open_.of(Matter.HEARING) == []

"""The immigration posture on a day: what is open, whether a removal order is final, what stays it, who represents.

Every rule reads the posture from here; none keeps its own copy of "what is pending", "is the
order final" or "is removal stayed".

Finality follows 8 CFR 1241.1: an immigration judge's removal order becomes final when the Board
of Immigration Appeals decides the appeal (1241.1(a)), when the person waives appeal (1241.1(b)),
or when the time to appeal runs out with no appeal taken (1241.1(c); 30 days, extended to the next
business day when the last falls on a weekend or legal holiday, 8 CFR 1003.38(b)); an order entered
in the person's absence is final when entered (1241.1(e)), as is an order the BIA or a federal
court enters. A pending appeal to the BIA stays
removal (8 CFR 1003.6(a)); a petition for review does not unless the court orders it
(8 U.S.C. 1252(b)(3)(B); *Nken v. Holder*, 556 U.S. 418 (2009)); nor does a habeas petition, or a
motion to reopen or reconsider, by itself.

Dates are ranges, so each answer that turns on the order of dates is "final", "not final" or
"possibly final": never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from habeas.domain.model import Event
from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Kind, Matter, pending_spec

APPEAL_DAYS = 30  # 8 CFR 1003.38(b)
# A legal holiday on the last day to appeal moves it to the next business day (8 CFR 1003.38(b)); habeas keeps
# no calendar of holidays, so until that next business day has passed the order is "possibly final".
_ENTERED_FINAL = frozenset({"bia", "federal_court"})
_UPHELD = frozenset({"denied", "dismissed", "removal_order"})  # the BIA's answer that leaves the order standing
_UNDONE = frozenset({"granted", "terminated", "remanded", "withholding_granted", "cat_granted"})


class Finality(StrEnum):
    FINAL = "final"
    NOT_FINAL = "not_final"
    POSSIBLY_FINAL = "possibly_final"  # turns on dates habeas knows only as ranges


@dataclass(frozen=True)
class OrderStatus:
    """The removal order in effect on a day, whether it is final, and why."""

    order: Event
    finality: Finality
    basis: str  # in words, with the regulation
    appeal: Event | None = None  # a BIA appeal still pending on the day
    decided_by: Event | None = None  # the BIA decision that made it final, if that is how


@dataclass(frozen=True)
class Posture:
    day: date
    open: tuple[tuple[Matter, Event], ...]  # every open matter, with the event that opened it
    order: OrderStatus | None
    stays: tuple[Event, ...]  # the events behind each stay of removal in force (an appeal, a granted stay)
    counsel: Event | None  # the last appearance entered and not withdrawn

    def of(self, *matters: Matter) -> list[Event]:
        return [event for matter, event in self.open if matter in matters]

    @property
    def stayed(self) -> bool:
        return bool(self.stays)


def _business_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def last_day_to_appeal(order: Event) -> tuple[date, date]:
    """The last day an appeal may be filed, earliest and latest, for an order dated as a range."""
    return (
        _business_day(order.date.earliest + timedelta(days=APPEAL_DAYS)),
        _business_day(order.date.latest + timedelta(days=APPEAL_DAYS)),
    )


def _is_order(event: Event) -> bool:
    return event.kind == Kind.DECISION and event.get("outcome") == "removal_order"


def _appeals_of(order: Event, events: Sequence[Event]) -> list[Event]:
    later = events[events.index(order) + 1 :] if order in events else []
    return [e for e in later if e.kind == Kind.PETITION_FILED and e.get("petition") == "appeal"]


def _answer_to(appeal: Event, events: Sequence[Event], day: date) -> Event | None:
    """The decision that decided ``appeal`` by ``day``, if one did."""
    closer = open_matters(events, day).closed_by.get(appeal.id)
    return next((e for e in events if e.id == closer), None) if closer else None


def _vacated(order: Event, known: Sequence[Event], day: date) -> bool:
    """Whether a later decision ended the order: proceedings terminated, or a motion to reopen granted."""
    later = known[known.index(order) + 1 :]
    motions = {e.id for e in later if e.kind == Kind.PETITION_FILED and e.get("petition") in ("reopen", "reconsider")}
    for e in later:
        if e.kind != Kind.DECISION:
            continue
        if e.get("outcome") == "terminated" or (e.get("outcome") == "granted" and e.get("decides") in motions):
            return True
    return False


def order_status(events: Sequence[Event], day: date) -> OrderStatus | None:
    """The latest removal order entered by ``day`` and its finality on ``day`` (None when there is no order)."""
    known = [e for e in events if e.date.earliest <= day]
    orders = [e for e in known if _is_order(e)]
    if not orders:
        return None
    order = orders[-1]
    if order.get("decided_by") in _ENTERED_FINAL:
        return OrderStatus(
            order, Finality.FINAL, "entered by the BIA or a federal court, final when entered (8 CFR 1241.1(a))"
        )
    if order.get("in_absentia") is True:
        return OrderStatus(order, Finality.FINAL, "entered in absentia, final when entered (8 CFR 1241.1(e))")
    if order.get("appeal_waived"):
        return OrderStatus(order, Finality.FINAL, "appeal waived (8 CFR 1241.1(b))")
    if _vacated(order, known, day):
        return None
    first_last_day, last_last_day = last_day_to_appeal(order)
    for appeal in _appeals_of(order, known):
        if appeal.date.earliest > last_last_day:
            continue  # filed after the time to appeal: it does not keep the order from becoming final
        answer = _answer_to(appeal, known, day)
        if answer is None:
            return OrderStatus(order, Finality.NOT_FINAL, "appeal pending before the BIA (8 CFR 1003.6(a))", appeal)
        if answer.get("outcome") in _UPHELD:
            return OrderStatus(order, Finality.FINAL, "the BIA decided the appeal (8 CFR 1241.1(a))", None, answer)
        if answer.get("outcome") in _UNDONE:
            return None  # the BIA undid the order (or sent it back): no order stands
    if day > _business_day(last_last_day + timedelta(days=1)):
        return OrderStatus(order, Finality.FINAL, "no appeal within 30 days (8 CFR 1241.1(c), 1003.38(b))")
    if day <= first_last_day:
        return OrderStatus(order, Finality.NOT_FINAL, "the 30 days to appeal have not run (8 CFR 1003.38(b))")
    why = (
        "a legal holiday may have extended the last day to appeal (8 CFR 1003.38(b))"
        if first_last_day == last_last_day
        else "the 30 days to appeal may have run; the order's date is known only as a range"
    )
    return OrderStatus(order, Finality.POSSIBLY_FINAL, why)


def _stay_ended(stay: Event, later: Sequence[Event]) -> bool:
    for e in later:
        if e.kind != Kind.DECISION:
            continue
        if e.get("stay") in ("lifted", "denied") and (
            not stay.get("stay_type") or e.get("stay_type") in (None, stay.get("stay_type"))
        ):
            return True
        if stay.kind == Kind.PETITION_FILED and e.get("decides") == stay.id:
            return True  # the petition the stay came with was decided
        if stay.get("decides") and e.get("decides") == stay.get("decides") and e.get("outcome") != "stay_granted":
            return True  # the stay was pending the petition it names, which is now decided
    return False


def stays_in_force(events: Sequence[Event], day: date) -> list[Event]:
    """The events behind each stay of removal in force on ``day``: a pending timely BIA appeal, a granted stay."""
    known = [e for e in events if e.date.earliest <= day]
    stays: list[Event] = []
    status = order_status(known, day)
    if status is not None and status.appeal is not None:
        stays.append(status.appeal)  # the automatic stay of 8 CFR 1003.6(a)
    for i, e in enumerate(known):
        granted = (e.kind == Kind.PETITION_FILED and e.get("stay") == "granted") or (
            e.kind == Kind.DECISION and (e.get("outcome") == "stay_granted" or e.get("stay") == "granted")
        )
        if granted and not _stay_ended(e, known[i + 1 :]):
            stays.append(e)
    return stays


def counsel_on(events: Sequence[Event], day: date) -> Event | None:
    """The last appearance of counsel entered by ``day`` and not withdrawn since."""
    counsel = None
    for e in events:
        if e.date.earliest > day:
            break
        if e.kind == Kind.REPRESENTATION:
            counsel = e if e.get("action") == "entered" else None
    return counsel


def posture(events: Sequence[Event], day: date) -> Posture:
    """The posture on ``day`` from the events in effect (timeline order) that may have happened by then."""
    ledger = open_matters(events, day)
    opened = []
    for event in ledger.open.values():
        spec = pending_spec(event.kind, event.attrs)
        if spec is not None:
            opened.append((spec.matter, event))
    return Posture(
        day, tuple(opened), order_status(events, day), tuple(stays_in_force(events, day)), counsel_on(events, day)
    )

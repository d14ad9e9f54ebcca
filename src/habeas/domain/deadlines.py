"""Deadlines a timeline sets on a day, each with its legal basis, its due date as a range and its status; and hearings.

The deadlines are data: DEADLINES is a table of DeadlineSpec (what starts the clock, how long it
runs, what meets it, what makes it moot, the cite), checked against the vocabulary when this module
loads. One walk (``_evaluate``) applies any row to any timeline. A deadline's status on a day:

- ``open``: nothing on record meets it yet and its last day has not certainly passed
  (``possible`` when it may already have passed: the day that starts it is known only as a range);
- ``met``: an event that meets it is on record in time (``possible`` when that turns on uncertain dates);
- ``missed``: nothing on record met it by its last possible day, or what met it came later;
- ``moot``: on the day it no longer bears on the person (relief granted, order vacated, released ...);
- ``unknown``: it turns on a fact the record lacks; the reason names it.

"Missed" means missing from the record: habeas cannot know of a filing nobody recorded. A legal
holiday may move a last day that a rule moves off a weekend; habeas keeps no calendar of holidays,
so such a deadline is "missed" only after the next business day as well (as posture.py's finality).
Deadlines are prompts for review by counsel, not legal advice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.posture import Finality, OrderStatus, order_status, stays_in_force
from habeas.domain.proceedings import open_matters
from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import KIND_BY_NAME, Custody, FieldType, Kind
from habeas.domain.whereabouts import custody_on


class Status(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    MOOT = "moot"
    UNKNOWN = "unknown"


class Certainty(StrEnum):
    CERTAIN = "certain"
    POSSIBLE = "possible"  # turns on dates known only as ranges, or on a holiday habeas cannot know


class Runs(StrEnum):
    """The day a deadline's clock starts from."""

    EVENT = "event"  # the date of the triggering event
    FINAL_ORDER = "final_order"  # the day the removal order became final (8 CFR 1241.1, as posture.order_status)


class Unit(StrEnum):
    DAYS = "days"
    YEARS = "years"


class Moot(StrEnum):
    """What makes a deadline moot on a day; each is tested by one function in _MOOT_TESTS."""

    RELIEF_GRANTED = "relief_granted"
    APPEAL_WAIVED = "appeal_waived"
    ORDER_UNDONE = "order_undone"
    OUT_OF_CUSTODY = "out_of_custody"
    ASYLUM_GRANTED = "asylum_granted"
    DIED = "died"  # every deadline


MOOT_DESCRIPTIONS: dict[Moot, str] = {
    Moot.RELIEF_GRANTED: "the decision granted what the person asked for: nothing left for them to appeal",
    Moot.APPEAL_WAIVED: "the person waived appeal (8 CFR 1003.38(b), 1241.1(b))",
    Moot.ORDER_UNDONE: "the removal order no longer stands: vacated, reopened, undone on appeal or replaced",
    Moot.OUT_OF_CUSTODY: "the person is no longer in US custody: released, removed or handed over",
    Moot.ASYLUM_GRANTED: "asylum was granted",
    Moot.DIED: "the record shows the person died",
}


class Note(StrEnum):
    """Something the record shows that counsel should read beside a deadline; each is one function in _NOTES."""

    CUSTODY_AT_ORDER = "custody_at_order"
    NOT_BEFORE_BIA = "not_before_bia"
    STAY_IN_FORCE = "stay_in_force"


@dataclass(frozen=True)
class Match:
    """Events of one kind whose fields hold one of the listed values (a field not recorded is None)."""

    kind: str
    fields: tuple[tuple[str, tuple[object, ...]], ...] = ()

    def __str__(self) -> str:
        said = [f"{name} {' or '.join('not recorded' if v is None else str(v) for v in values)}"
                for name, values in self.fields]  # fmt: skip
        return self.kind + (f" ({'; '.join(said)})" if said else "")


def match(kind: str, **fields: tuple[object, ...]) -> Match:
    return Match(kind, tuple(fields.items()))


@dataclass(frozen=True)
class Period:
    count: int
    unit: Unit = Unit.DAYS

    def after(self, day: date) -> date:
        if self.unit == Unit.DAYS:
            return day + timedelta(days=self.count)
        try:
            return day.replace(year=day.year + self.count)
        except ValueError:  # 29 February: the earlier day, 28 February, is the safe one
            return date(day.year + self.count, 2, 28)

    def __str__(self) -> str:
        unit = self.unit.value if self.count != 1 else self.unit.value[:-1]
        return f"{self.count} {unit}"


@dataclass(frozen=True)
class DeadlineSpec:
    """One deadline: what starts it, how long it runs, what meets it, when it is moot, and the law."""

    id: str
    label: str  # short, for a calendar: no names, no facts about the person
    description: str
    trigger: Match
    runs_from: Runs
    period: Period | None  # None: no time limit
    basis: str  # the exact cite
    met_by: Match | None  # None: nothing the record can show meets it
    moot_when: tuple[Moot, ...] = ()
    owed_by: str = "the person"  # who must act
    weekend_rule: str | None = None  # the rule that moves a last day off a weekend or legal holiday
    latest_only: bool = False  # only the latest trigger counts (the last arrival)
    if_absent: str | None = None  # why it cannot be computed when no event triggers it (None: no deadline)
    cannot_know: str = ""  # what habeas cannot know about it
    notes: tuple[Note, ...] = ()
    also_triggered_by: tuple[Match, ...] = ()  # other events that start it as the trigger does

    @property
    def triggers(self) -> tuple[Match, ...]:
        return (self.trigger, *self.also_triggered_by)


@dataclass(frozen=True)
class Deadline:
    """A deadline as the record shows it on ``as_of``."""

    spec: DeadlineSpec
    as_of: date
    status: Status
    certainty: Certainty
    reason: str
    runs_from: DateRange | None = None
    due: DateRange | None = None  # the last day to act, earliest and latest
    trigger: str | None = None  # the event that started it
    evidence: tuple[str, ...] = ()  # the trigger, then what met or mooted it
    notes: tuple[str, ...] = ()
    person: str | None = None
    sources: tuple[str, ...] = ()
    recorded: datetime | None = None  # the latest time one of its events was recorded

    @property
    def key(self) -> str:
        """Stable within a person's timeline: the row and the event that started it."""
        return f"{self.spec.id}:{self.trigger or '-'}"

    def days_left(self) -> tuple[int, int] | None:
        """Days from ``as_of`` to the last day, fewest and most (negative once it has passed)."""
        if self.due is None:
            return None
        return (self.due.earliest - self.as_of).days, (self.due.latest - self.as_of).days

    def as_json(self) -> dict[str, Any]:
        left = self.days_left()
        return {
            "person": self.person,
            "deadline": self.spec.id,
            "label": self.spec.label,
            "as_of": self.as_of.isoformat(),
            "status": self.status.value,
            "certainty": self.certainty.value,
            "due": self.due.as_json() if self.due else None,
            "days_left": {"min": left[0], "max": left[1]} if left else None,
            "runs_from": self.runs_from.as_json() if self.runs_from else None,
            "reason": self.reason,
            "notes": list(self.notes),
            "legal_basis": self.spec.basis,
            "met_by": str(self.spec.met_by) if self.spec.met_by else None,
            "owed_by": self.spec.owed_by,
            "evidence": list(self.evidence),
            "sources": list(self.sources),
        }


class DeadlineSpecError(ValueError):
    """A row of the deadline table that names a kind, field or value the vocabulary does not have."""


_ID = re.compile(r"[a-z][a-z0-9_]*")


def _check_match(spec_id: str, role: str, found: Match) -> None:
    kind = KIND_BY_NAME.get(found.kind)
    if kind is None:
        raise DeadlineSpecError(f"deadline {spec_id!r}: unknown {role} kind {found.kind!r}")
    for name, values in found.fields:
        field = kind.field(name)
        if field is None:
            raise DeadlineSpecError(f"deadline {spec_id!r}: {found.kind} has no field {name!r}")
        allowed: tuple[object, ...] = (True, False) if field.type == FieldType.BOOL else field.values
        wrong = [v for v in values if v is not None and allowed and v not in allowed]
        if wrong or not values:
            raise DeadlineSpecError(f"deadline {spec_id!r}: {found.kind}.{name} cannot be {wrong or 'nothing'}")


def check_specs(specs: Sequence[DeadlineSpec]) -> tuple[DeadlineSpec, ...]:
    """The table as given, once every row names kinds, fields and values the vocabulary has."""
    seen: set[str] = set()
    for spec in specs:
        if not _ID.fullmatch(spec.id) or spec.id in seen:
            raise DeadlineSpecError(f"deadline {spec.id!r}: ids are unique snake_case words")
        seen.add(spec.id)
        for trigger in spec.triggers:
            _check_match(spec.id, "trigger", trigger)
        if spec.met_by is not None:
            _check_match(spec.id, "met_by", spec.met_by)
        if spec.period is not None and spec.period.count <= 0:
            raise DeadlineSpecError(f"deadline {spec.id!r}: a period is a positive number of {spec.period.unit}")
        if spec.runs_from == Runs.FINAL_ORDER and spec.trigger != _ORDER:
            raise DeadlineSpecError(f"deadline {spec.id!r}: only a removal order becomes final")
    return tuple(specs)


_ORDER = match(Kind.DECISION, outcome=("removal_order",))
_IN_ABSENTIA_ORDER = match(Kind.DECISION, outcome=("removal_order",), in_absentia=(True,))
_REOPEN = match(Kind.PETITION_FILED, petition=("reopen",))
# What an immigration judge decides that a party may appeal (a stay or a remand is not a judge's decision on the case).
_JUDGE_OUTCOMES = (
    "removal_order",
    "denied",
    "dismissed",
    "terminated",
    "granted",
    "withholding_granted",
    "cat_granted",
)
_NO_WEEKEND_RULE = (
    "habeas moves this last day off a weekend only where a rule says so, and none is applied: file by it."
)
_REMOVAL_PERIOD = (
    "No event kind records ICE's custody review, so once the day passes habeas cannot say whether it was held "
    "(unknown). The removal period starts on the latest of the days in 8 U.S.C. 1231(a)(1)(B) (a court's stay, "
    "a release from criminal custody start it later); habeas counts from the final order."
)

DEADLINES: tuple[DeadlineSpec, ...] = check_specs(
    (
        DeadlineSpec(
            "bia_appeal",
            "BIA appeal",
            "Notice of appeal to the Board of Immigration Appeals (Form EOIR-26) from an immigration judge's "
            "decision, 30 calendar days after it.",
            match(
                Kind.DECISION,
                decided_by=("immigration_judge", None),
                outcome=_JUDGE_OUTCOMES,
                in_absentia=(False, None),
            ),
            Runs.EVENT,
            Period(30),
            "8 CFR 1003.38(b)",
            match(Kind.PETITION_FILED, petition=("appeal",)),
            (Moot.RELIEF_GRANTED, Moot.APPEAL_WAIVED, Moot.ORDER_UNDONE),
            weekend_rule="8 CFR 1003.38(b)",
            cannot_know="The days run from an oral decision or the mailing of a written one; habeas counts from the "
            "decision's date. The Board counts an appeal filed when it receives it (8 CFR 1003.38(c)): record the "
            "petition on that day. A decision that names no tribunal and answers no appeal or petition is read as "
            "an immigration judge's. An in-absentia order is not appealed but reopened. A dismissal or "
            "termination is not moot (DHS moves to dismiss after removing people). Removal does not moot it; 8 CFR "
            "1003.4 treats a departure after an appeal is filed as its withdrawal, and whether a removal is a "
            "departure is for counsel.",
        ),
        DeadlineSpec(
            "petition_for_review",
            "Petition for review",
            "Petition for review of a final removal order in the court of appeals, 30 days after the order "
            "became final (usually the BIA's decision).",
            _ORDER,
            Runs.FINAL_ORDER,
            Period(30),
            "8 U.S.C. 1252(b)(1)",
            match(Kind.PETITION_FILED, petition=("review",)),
            (Moot.ORDER_UNDONE,),
            weekend_rule="Fed. R. App. P. 26(a)(1)(C)",
            cannot_know="The time is jurisdictional and a motion to reopen or reconsider does not toll it (Stone v. "
            "INS, 514 U.S. 386 (1995)). Removal does not moot it: the court may still review the order.",
            notes=(Note.NOT_BEFORE_BIA,),
        ),
        DeadlineSpec(
            "motion_to_reconsider",
            "Motion to reconsider",
            "Motion to reconsider a final removal order, 30 days after it became final.",
            _ORDER,
            Runs.FINAL_ORDER,
            Period(30),
            "8 U.S.C. 1229a(c)(6)(B)",
            match(Kind.PETITION_FILED, petition=("reconsider",)),
            (Moot.ORDER_UNDONE,),
            cannot_know="One motion to reconsider may be filed (1229a(c)(6)(A)). " + _NO_WEEKEND_RULE,
        ),
        DeadlineSpec(
            "motion_to_reopen",
            "Motion to reopen",
            "Motion to reopen removal proceedings, 90 days after the order became final.",
            _ORDER,
            Runs.FINAL_ORDER,
            Period(90),
            "8 U.S.C. 1229a(c)(7)(C)(i)",
            _REOPEN,
            (Moot.ORDER_UNDONE,),
            cannot_know="habeas cannot weigh the exceptions (1229a(c)(7)(C)(ii)-(iv): changed country conditions "
            "for asylum, in-absentia orders, battered spouses and children) or equitable tolling; one motion may "
            "be filed (1229a(c)(7)(A)). " + _NO_WEEKEND_RULE,
        ),
        DeadlineSpec(
            "in_absentia_exceptional",
            "Rescind in-absentia order (exceptional circumstances)",
            "Motion to reopen to rescind an order entered in absentia, for exceptional circumstances, 180 days "
            "after the order.",
            _IN_ABSENTIA_ORDER,
            Runs.EVENT,
            Period(180),
            "8 U.S.C. 1229a(b)(5)(C)(i)",
            _REOPEN,
            (Moot.ORDER_UNDONE,),
            cannot_know="Whether the circumstances were exceptional (1229a(e)(1)) is for counsel. " + _NO_WEEKEND_RULE,
            notes=(Note.CUSTODY_AT_ORDER,),
        ),
        DeadlineSpec(
            "in_absentia_notice_or_custody",
            "Rescind in-absentia order (no notice, or in custody)",
            "Motion to reopen to rescind an order entered in absentia, at any time, when the person did not "
            "receive notice or was in federal or state custody and did not appear through no fault of their own.",
            _IN_ABSENTIA_ORDER,
            Runs.EVENT,
            None,
            "8 U.S.C. 1229a(b)(5)(C)(ii)",
            _REOPEN,
            (Moot.ORDER_UNDONE,),
            cannot_know="Whether notice was received is rarely in the record; custody on the order's day is, "
            "when custody events are recorded.",
            notes=(Note.CUSTODY_AT_ORDER,),
        ),
        DeadlineSpec(
            "custody_review_90",
            "Custody review (90 days)",
            "ICE's post-order custody review, before the 90-day removal period ends, for a person it holds.",
            _ORDER,
            Runs.FINAL_ORDER,
            Period(90),
            "8 CFR 241.4(k)(1)(i)",
            None,
            (Moot.OUT_OF_CUSTODY,),
            owed_by="ICE",
            cannot_know=_REMOVAL_PERIOD,
            notes=(Note.STAY_IN_FORCE,),
        ),
        DeadlineSpec(
            "custody_review_180",
            "Custody review (180 days)",
            "ICE headquarters' custody review three months after the 90-day review, for a person still held.",
            _ORDER,
            Runs.FINAL_ORDER,
            Period(180),
            "8 CFR 241.4(k)(2)(ii)",
            None,
            (Moot.OUT_OF_CUSTODY,),
            owed_by="ICE",
            cannot_know=_REMOVAL_PERIOD + " About then ends the six months that Zadvydas v. Davis, 533 U.S. 678 "
            "(2001), presumes reasonable for post-order detention.",
            notes=(Note.STAY_IN_FORCE,),
        ),
        DeadlineSpec(
            "asylum_one_year",
            "Asylum one-year filing",
            "An asylum application within one year of the person's last arrival in the United States.",
            match(Kind.ARRIVED),
            Runs.EVENT,
            Period(1, Unit.YEARS),
            "8 U.S.C. 1158(a)(2)(B); 8 CFR 1208.4(a)(2)",
            match(Kind.CLAIM_FILED, claim=("asylum",)),
            (Moot.ASYLUM_GRANTED,),
            latest_only=True,
            if_absent="the record does not date the last arrival in the United States (an `arrived` event)",
            cannot_know="habeas cannot weigh the exceptions: changed or extraordinary circumstances "
            "(1158(a)(2)(D); 8 CFR 1208.4(a)(4)-(5)) and unaccompanied children (1158(a)(2)(E)). An arrival is an "
            "`arrived` event or a return to the United States after removal (`returned`); an apprehension is not "
            "an arrival. " + _NO_WEEKEND_RULE,
            also_triggered_by=(match(Kind.RETURNED, country=("US", None)),),
        ),
    )
)
DEADLINE_BY_ID: dict[str, DeadlineSpec] = {spec.id: spec for spec in DEADLINES}


# -- the walk -------------------------------------------------------------------------------------------------

_APPEALED_TO = {"appeal": "bia", "review": "federal_court", "habeas": "federal_court"}
_MOTIONS = ("reopen", "reconsider")
_IN_ABSENTIA_FINAL = "ordered in absentia, final when entered (8 CFR 1241.1(e))"
_GONE = frozenset({Custody.RELEASED, Custody.REMOVED, Custody.FOREIGN_CUSTODY})
_ENTERED_FINAL = frozenset({"bia", "federal_court"})
_BIA = DEADLINE_BY_ID["bia_appeal"]


@dataclass(frozen=True)
class _Facts:
    """The events that may have happened by the day, in timeline order, and what is read off them once."""

    day: date
    known: tuple[Event, ...]
    index: dict[str, int]
    tribunal: dict[str, str]  # decisions naming no tribunal, by what they answered: an appeal is the BIA's ...

    @classmethod
    def of(cls, events: Sequence[Event], day: date) -> _Facts:
        known = tuple(e for e in events if e.date.earliest <= day)
        by_id = {e.id: e for e in known}
        tribunal: dict[str, str] = {}
        for matter, closer in open_matters(known, day).closed_by.items():
            answered = by_id.get(matter)
            if answered is not None and (court := _APPEALED_TO.get(str(answered.get("petition")))) is not None:
                tribunal[closer] = court
        return cls(day, known, {e.id: i for i, e in enumerate(known)}, tribunal)

    def value(self, event: Event, name: str) -> object:
        found = event.get(name)
        if found is None and name == "decided_by":
            return self.tribunal.get(event.id)
        return found

    def matches(self, wanted: Match, event: Event) -> bool:
        return event.kind == wanted.kind and all(self.value(event, n) in values for n, values in wanted.fields)

    def after(self, event: Event) -> list[Event]:
        """Events after ``event`` in the timeline, with those of its own day that sort before it."""
        at = self.index[event.id]
        return [e for i, e in enumerate(self.known) if i > at or (i < at and e.date.earliest >= event.date.earliest)]


def _business_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _due(spec: DeadlineSpec, start: DateRange) -> DateRange | None:
    if spec.period is None:
        return None
    first, last = spec.period.after(start.earliest), spec.period.after(start.latest)
    if spec.weekend_rule:
        first, last = _business_day(first), _business_day(last)
    return DateRange(first, last)


def _last_possible(spec: DeadlineSpec, due: DateRange) -> date:
    """The latest the last day can be: a legal holiday on it moves it to the next business day, where a rule says so."""
    return _business_day(due.latest + timedelta(days=1)) if spec.weekend_rule else due.latest


def _vacates(event: Event, motions: set[str]) -> bool:
    """A decision that ends an order after it stood (as posture's): proceedings terminated, a motion granted."""
    return event.kind == Kind.DECISION and (
        event.get("outcome") == "terminated" or (event.get("outcome") == "granted" and event.get("decides") in motions)
    )


def _later_orders(order: Event, facts: _Facts) -> list[Event]:
    return [e for e in facts.known[facts.index[order.id] + 1 :] if facts.matches(_ORDER, e)]


def _became_final(order: Event, facts: _Facts) -> OrderStatus | None:
    """The order's finality on the day as if nothing later had vacated or replaced it (None: undone on appeal)."""
    later = {e.id for e in _later_orders(order, facts)}
    motions = {e.id for e in facts.after(order) if e.kind == Kind.PETITION_FILED and e.get("petition") in _MOTIONS}
    scope = [e for e in facts.known if e.id not in later and not _vacates(e, motions)]
    status = order_status(scope, facts.day)
    if status is None or status.order.id != order.id:
        return None
    if order.get("in_absentia") is True and status.finality != Finality.FINAL:
        # posture reads an in-absentia order as an appealable one; 8 CFR 1241.1(e) makes it final when entered
        return replace(status, finality=Finality.FINAL, basis=_IN_ABSENTIA_FINAL)
    return status


def _final_day(status: OrderStatus) -> DateRange:
    """The day the order became final: the BIA's decision, the order itself, or the day after the time to appeal."""
    order = status.order
    if status.decided_by is not None:
        return status.decided_by.date
    if order.get("decided_by") in _ENTERED_FINAL or order.get("appeal_waived") or order.get("in_absentia") is True:
        return order.date
    due = _due(_BIA, order.date)
    assert due is not None
    # final the day after the last day to appeal, or the day after that if a holiday moved it (as posture.py)
    return DateRange(due.earliest + timedelta(days=1), due.latest + timedelta(days=2))


def _undone(order: Event, facts: _Facts) -> tuple[str, str | None] | None:
    """Why the order no longer stands on the day, and the event that ended it; None while it stands."""
    later = _later_orders(order, facts)
    if later:
        return f"a later removal order ({later[0].id}) replaced it", later[0].id
    if order_status(facts.known, facts.day) is not None:
        return None
    motions = {e.id for e in facts.after(order) if e.kind == Kind.PETITION_FILED and e.get("petition") in _MOTIONS}
    ended = next((e for e in facts.after(order) if _vacates(e, motions)), None)
    return f"the removal order no longer stands on {facts.day}: vacated or undone", ended.id if ended else None


_MootTest = Callable[[Event | None, _Facts], tuple[str, str | None] | None]


def _relief_granted(trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    return (MOOT_DESCRIPTIONS[Moot.RELIEF_GRANTED], None) if trigger and trigger.get("outcome") == "granted" else None


def _appeal_waived(trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    return (MOOT_DESCRIPTIONS[Moot.APPEAL_WAIVED], None) if trigger and trigger.get("appeal_waived") else None


def _order_undone(trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    return _undone(trigger, facts) if trigger is not None and facts.matches(_ORDER, trigger) else None


def _out_of_custody(trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    state = custody_on(facts.known, facts.day)
    if state.custody not in _GONE:
        return None
    return f"not in US custody on {facts.day}: {state.custody.value.replace('_', ' ')} since {state.since}", state.event


def _asylum_granted(trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    claims = {e.id for e in facts.known if e.kind == Kind.CLAIM_FILED and e.get("claim") == "asylum"}
    for e in facts.known:
        granted = e.kind == Kind.DECISION and e.get("outcome") == "granted"
        if granted and (e.get("claim") == "asylum" or e.get("decides") in claims):
            return f"asylum was granted on {e.date}", e.id
    return None


def _died(trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    death = next((e for e in facts.known if e.kind == Kind.DIED), None)
    return (f"the record shows the person died on {death.date}", death.id) if death else None


_MOOT_TESTS: dict[Moot, _MootTest] = {
    Moot.RELIEF_GRANTED: _relief_granted,
    Moot.APPEAL_WAIVED: _appeal_waived,
    Moot.ORDER_UNDONE: _order_undone,
    Moot.OUT_OF_CUSTODY: _out_of_custody,
    Moot.ASYLUM_GRANTED: _asylum_granted,
    Moot.DIED: _died,
}
assert set(_MOOT_TESTS) == set(Moot) == set(MOOT_DESCRIPTIONS), "every moot condition is described and tested"


def _moot(spec: DeadlineSpec, trigger: Event | None, facts: _Facts) -> tuple[str, str | None] | None:
    for condition in (*spec.moot_when, Moot.DIED):
        found = _MOOT_TESTS[condition](trigger, facts)
        if found is not None:
            return found
    return None


_NoteTest = Callable[[Event, _Facts, OrderStatus | None], str | None]


def _custody_at_order(trigger: Event, facts: _Facts, status: OrderStatus | None) -> str | None:
    state = custody_on(facts.known[: facts.index[trigger.id] + 1], trigger.date.latest)
    if state.custody != Custody.US_CUSTODY:
        return None
    return (f"the record shows the person in US custody when the order was entered ({state.event}): "
            "a motion to rescind may be filed at any time (8 U.S.C. 1229a(b)(5)(C)(ii))")  # fmt: skip


def _not_before_bia(trigger: Event, facts: _Facts, status: OrderStatus | None) -> str | None:
    if status is None or status.decided_by is not None or trigger.get("decided_by") in _ENTERED_FINAL:
        return None
    return (f"the order became final without the BIA's review ({status.basis}): a court of appeals hears "
            "only what was raised before the agency (8 U.S.C. 1252(d)(1))")  # fmt: skip


def _stay_in_force(trigger: Event, facts: _Facts, status: OrderStatus | None) -> str | None:
    stays = stays_in_force(facts.known, facts.day)
    if not stays:
        return None
    return (f"a stay of removal is in force ({', '.join(e.id for e in stays)}): a court's stay starts the "
            "removal period later (8 U.S.C. 1231(a)(1)(B)(ii))")  # fmt: skip


_NOTES: dict[Note, _NoteTest] = {
    Note.CUSTODY_AT_ORDER: _custody_at_order,
    Note.NOT_BEFORE_BIA: _not_before_bia,
    Note.STAY_IN_FORCE: _stay_in_force,
}
assert set(_NOTES) == set(Note), "every note has its test"


def _when(due: DateRange) -> str:
    """A last day in words: the day, or the earliest it may be and the latest."""
    return str(due.earliest) if due.exact else f"{due.earliest} (or as late as {due.latest})"


def _met(event: Event, due: DateRange | None, last_possible: date | None) -> tuple[Status, Certainty, str]:
    on = f"{event.kind.replace('_', ' ')} {event.id} on {event.date}"
    if due is None or event.date.latest <= due.earliest:
        return Status.MET, Certainty.CERTAIN, f"met by {on}"
    if last_possible is not None and event.date.earliest <= last_possible:
        return Status.MET, Certainty.POSSIBLE, f"met by {on} if that was in time: the last day may be {due.earliest}"
    return Status.MISSED, Certainty.CERTAIN, f"{on}, after the last day ({_when(due)})"


def _by_the_clock(spec: DeadlineSpec, due: DateRange | None, day: date) -> tuple[Status, Certainty, str]:
    """The status of a deadline nothing on record meets, from its last day and the day."""
    if due is None:
        return Status.OPEN, Certainty.CERTAIN, f"no time limit: {spec.owed_by} may act at any time"
    if day <= due.earliest:
        return Status.OPEN, Certainty.CERTAIN, f"{spec.owed_by} must act by {_when(due)}; nothing on record yet"
    last = _last_possible(spec, due)
    if day <= due.latest:
        return Status.OPEN, Certainty.POSSIBLE, f"the last day may have passed on {due.earliest} (or be {due.latest})"
    if day <= last:
        return Status.OPEN, Certainty.POSSIBLE, f"the last day passed on {due.latest} unless a legal holiday moved it"
    if spec.met_by is None:
        return (
            Status.UNKNOWN,
            Certainty.CERTAIN,
            f"the last day ({_when(due)}) has passed; the record cannot show whether {spec.owed_by} acted",
        )
    return Status.MISSED, Certainty.CERTAIN, f"nothing on record meets it by the last day ({_when(due)})"


def _verdict(
    spec: DeadlineSpec, trigger: Event, facts: _Facts, due: DateRange | None
) -> tuple[tuple[Status, Certainty, str], list[str]]:
    """Met in time, else moot, else filed late, else by the clock: the status and the events behind it."""
    wanted = spec.met_by
    meeting = next((e for e in facts.after(trigger) if facts.matches(wanted, e)), None) if wanted else None
    met = _met(meeting, due, _last_possible(spec, due) if due else None) if meeting else None
    if meeting is not None and met is not None and met[0] == Status.MET:
        return met, [trigger.id, meeting.id]
    moot = _moot(spec, trigger, facts)
    if moot is not None:
        return (Status.MOOT, Certainty.CERTAIN, moot[0]), [trigger.id, *([moot[1]] if moot[1] else [])]
    if meeting is not None and met is not None:
        return met, [trigger.id, meeting.id]  # filed, but late
    if Moot.OUT_OF_CUSTODY in spec.moot_when and custody_on(facts.known, facts.day).custody == Custody.UNKNOWN:
        return (Status.UNKNOWN, Certainty.CERTAIN, _NO_CUSTODY), [trigger.id]
    return _by_the_clock(spec, due, facts.day), [trigger.id]


_NO_CUSTODY = "the record has no custody event, and this is owed only to a person ICE holds"


def _evaluate(spec: DeadlineSpec, trigger: Event, facts: _Facts) -> Deadline | None:
    status: OrderStatus | None = None
    start = trigger.date
    if spec.runs_from == Runs.FINAL_ORDER:
        status = _became_final(trigger, facts)
        if status is None or status.finality == Finality.NOT_FINAL:
            return None  # not final on the day (or undone on appeal): the clock has not started
        start = _final_day(status)
    due = _due(spec, start)
    verdict, evidence = _verdict(spec, trigger, facts, due)
    notes = tuple(n for note in spec.notes if (n := _NOTES[note](trigger, facts, status)) is not None)
    return _deadline(spec, facts, verdict, start, due, trigger.id, evidence, notes)


def _deadline(
    spec: DeadlineSpec,
    facts: _Facts,
    verdict: tuple[Status, Certainty, str],
    start: DateRange | None,
    due: DateRange | None,
    trigger: str | None,
    evidence: Sequence[str],
    notes: tuple[str, ...],
) -> Deadline:
    times = [e.recorded for i in evidence if i in facts.index and (e := facts.known[facts.index[i]]).recorded]
    kept = tuple(dict.fromkeys(evidence))
    return Deadline(spec, facts.day, *verdict, start, due, trigger, kept, notes, recorded=max(times, default=None))


def _absent(spec: DeadlineSpec, facts: _Facts) -> Deadline:
    """A deadline the record cannot date: moot, or unknown with the reason (and a filing that may meet it)."""
    moot = _moot(spec, None, facts)
    if moot is not None:
        verdict = (Status.MOOT, Certainty.CERTAIN, moot[0])
        return _deadline(spec, facts, verdict, None, None, None, [moot[1]] if moot[1] else [], ())
    assert spec.if_absent is not None
    filed = [e for e in facts.known if spec.met_by is not None and facts.matches(spec.met_by, e)]
    notes = tuple(
        f"{e.kind.replace('_', ' ')} {e.id} on {e.date}: whether in time the record cannot say" for e in filed
    )
    verdict = (Status.UNKNOWN, Certainty.CERTAIN, spec.if_absent)
    return _deadline(spec, facts, verdict, None, None, None, [e.id for e in filed], notes)


def deadlines(events: Sequence[Event], day: date, specs: Sequence[DeadlineSpec] = DEADLINES) -> list[Deadline]:
    """Every deadline the events in effect (timeline order) set, as the record shows it on ``day``."""
    facts = _Facts.of(events, day)
    found: dict[tuple[object, ...], Deadline] = {}
    for spec in specs:
        triggers = [e for e in facts.known if any(facts.matches(m, e) for m in spec.triggers)]
        if spec.latest_only:
            triggers = triggers[-1:]
        if not triggers and spec.if_absent is not None:
            found[(spec.id,)] = _absent(spec, facts)
        for trigger in triggers:
            deadline = _evaluate(spec, trigger, facts)
            if deadline is None:
                continue
            # Two decisions of one day (a claim denied, the order entered) set one deadline, not two.
            same = (spec.id, deadline.runs_from, deadline.due, deadline.status, deadline.certainty)
            if same in found:
                first = found[same]
                deadline = replace(first, evidence=tuple(dict.fromkeys((*first.evidence, *deadline.evidence))))
            found[same] = deadline
    return sorted(found.values(), key=_order)


def _order(deadline: Deadline) -> tuple[object, ...]:
    due = deadline.due
    return (due is None, due.earliest if due else date.max, deadline.spec.id, deadline.trigger or "")


def timeline_deadlines(timeline: Timeline, day: date) -> list[Deadline]:
    """A person's deadlines on ``day``, each with the person's id and the sources behind its events."""
    return [
        replace(d, person=timeline.person.id, sources=tuple(timeline.sources_of(d.evidence)))
        for d in deadlines(timeline.events, day)
    ]


# -- hearings ---------------------------------------------------------------------------------------------------


class HearingState(StrEnum):
    SCHEDULED = "scheduled"  # still set, its day not yet past
    HELD = "held"  # a hearing held (or a bond decision) answers it
    DECIDED = "decided"  # a decision on or after its day closed it
    NOTHING_RECORDED = "nothing_recorded"  # its day passed with nothing recorded


@dataclass(frozen=True)
class Hearing:
    """A hearing that was still set when its day came, and what the record shows of it on ``as_of``."""

    event: str
    scheduled_for: DateRange
    state: HearingState
    as_of: date
    proceeding: str | None = None
    court: str | None = None
    closed_by: str | None = None
    person: str | None = None
    sources: tuple[str, ...] = ()
    recorded: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "hearing": self.event,
            "scheduled_for": self.scheduled_for.as_json(),
            "state": self.state.value,
            "proceeding": self.proceeding,
            "court": self.court,
            "closed_by": self.closed_by,
            "sources": list(self.sources),
        }


def hearings(events: Sequence[Event], as_of: date) -> list[Hearing]:
    """Hearings set by ``as_of``, leaving out those a decision ended before their day (they will not be held)."""
    ledger = open_matters(events, as_of)
    by_id = {e.id: e for e in events}
    found = []
    for event in events:
        day = event.get("scheduled_for")
        if event.kind != Kind.HEARING_SCHEDULED or event.date.earliest > as_of or not isinstance(day, DateRange):
            continue
        closer_id = ledger.closed_by.get(event.id)
        closer = by_id.get(closer_id) if closer_id else None
        if event.id in ledger.open:
            state = HearingState.SCHEDULED
        elif closer is None:
            state = HearingState.NOTHING_RECORDED
        elif closer.kind in (Kind.HEARING_HELD, Kind.BOND_DECISION):
            state = HearingState.HELD
        elif closer.date.latest < day.earliest:
            continue  # ended before its day
        else:
            state = HearingState.DECIDED
        closed = closer.id if closer else None
        found.append(Hearing(event.id, day, state, as_of, event.get("proceeding"), event.get("court"), closed,
                             recorded=event.recorded))  # fmt: skip
    return found


def timeline_hearings(timeline: Timeline, as_of: date) -> list[Hearing]:
    """A person's hearings on ``as_of``, each with the person's id and its sources."""
    return [
        replace(h, person=timeline.person.id, sources=tuple(timeline.sources_of([h.event])))
        for h in hearings(timeline.events, as_of)
    ]

"""What is still pending for a person on a day: claims, hearings, appeals, petitions, motions, stays, inquiries.

What each kind opens is the vocabulary's table (PENDING_MATTERS); this module says how each closing
kind closes them, and walks a timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.vocabulary import PENDING_BY_KIND, Kind, pending_spec

# Outcomes that end a claim when the decision names no claim and no petition is open.
_CLAIM_ENDING = frozenset(
    {"granted", "denied", "dismissed", "terminated", "removal_order", "withholding_granted", "cat_granted"}
)
# Outcomes that end the proceedings altogether, so scheduled hearings will not happen.
_PROCEEDINGS_ENDING = frozenset({"dismissed", "terminated"})
_INQUIRY_CLOSING = frozenset({"answered", "denied"})


@dataclass(frozen=True)
class PendingMatter:
    kind: str
    event: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "event": self.event, **self.detail}


@dataclass
class _Ledger:
    open: dict[str, Event] = field(default_factory=dict)
    closed_by: dict[str, str] = field(default_factory=dict)

    def close(self, event_id: str, by: str) -> None:
        if self.open.pop(event_id, None) is not None:
            self.closed_by[event_id] = by


def _apply_decision(ledger: _Ledger, decision: Event) -> None:
    target = decision.get("decides")
    claim = decision.get("claim")
    outcome = decision.get("outcome")
    if outcome == "stay_granted":
        # A stay is granted while something else is decided: it ends a stay request, never the petition it names.
        requests = [e for e in ledger.open.values() if e.kind == Kind.PETITION_FILED and e.get("petition") == "stay"]
        if requests:
            ledger.close(requests[-1].id, decision.id)
        return
    if target:
        ledger.close(target, decision.id)
        return
    if claim:
        for e in [e for e in ledger.open.values() if e.kind == Kind.CLAIM_FILED and e.get("claim") == claim]:
            ledger.close(e.id, decision.id)
        return
    if decision.get("stay") and outcome == "other":
        return  # a ruling on a stay alone (lifted, denied) decides no petition and no claim
    petitions = [e for e in ledger.open.values() if e.kind == Kind.PETITION_FILED]
    if outcome == "removal_order" and decision.get("decided_by") != "bia":
        # An order of removal decides the case before the judge, not a petition to another body (a petition
        # for review or a habeas petition filed the same day stays open); the BIA's order decides an appeal.
        petitions = [e for e in petitions if e.get("petition") in ("reopen", "reconsider")]
    if petitions:
        ledger.close(petitions[-1].id, decision.id)
        return
    if outcome in _CLAIM_ENDING:
        for e in [e for e in ledger.open.values() if e.kind == Kind.CLAIM_FILED]:
            ledger.close(e.id, decision.id)
    if outcome in _PROCEEDINGS_ENDING:
        for e in [e for e in ledger.open.values() if e.kind == Kind.HEARING_SCHEDULED]:
            ledger.close(e.id, decision.id)


def _apply_answer(ledger: _Ledger, answer: Event) -> None:
    if answer.get("outcome") not in _INQUIRY_CLOSING:
        return
    target = answer.get("inquiry")
    if target:
        ledger.close(target, answer.id)
        return
    # An answer naming no inquiry answers the one open; with several open, which it answers is not
    # guessed and they all stay open (imports refuse such answers; some were stored before they did).
    inquiries = [e for e in ledger.open.values() if e.kind == Kind.INQUIRY]
    if len(inquiries) == 1:
        ledger.close(inquiries[0].id, answer.id)


def _apply_hearing_held(ledger: _Ledger, held: Event) -> None:
    """A hearing held closes the hearing it names, else the one set for a day the held hearing may be on."""
    target = held.get("hearing")
    if target:
        ledger.close(target, held.id)
        return
    for e in [e for e in ledger.open.values() if e.kind == Kind.HEARING_SCHEDULED]:
        day = e.get("scheduled_for")
        if isinstance(day, DateRange) and day.earliest <= held.date.latest and held.date.earliest <= day.latest:
            ledger.close(e.id, held.id)
            return


def _apply_bond_decision(ledger: _Ledger, decision: Event) -> None:
    """A bond decision decides custody: it closes a bond hearing that was set, never a claim."""
    for e in [e for e in ledger.open.values() if e.kind == Kind.HEARING_SCHEDULED]:
        if str(e.get("proceeding") or "").lower() == "bond" and e.date.earliest <= decision.date.latest:
            ledger.close(e.id, decision.id)
            return


# How an event of each closing kind (PendingSpec.closed_by) closes the matters it answers.
_CLOSES: dict[str, Callable[[_Ledger, Event], None]] = {
    Kind.DECISION: _apply_decision,
    Kind.HEARING_HELD: _apply_hearing_held,
    Kind.BOND_DECISION: _apply_bond_decision,
    Kind.INQUIRY_ANSWERED: _apply_answer,
}
assert {kind for specs in PENDING_BY_KIND.values() for spec in specs for kind in spec.closed_by} <= set(_CLOSES), (
    "every closing kind says how it closes"
)


def open_matters(events: Sequence[Event], as_of: date) -> _Ledger:
    """Walk the timeline up to ``as_of`` (events that may have happened by then) and keep the ledger."""
    ledger = _Ledger()
    for event in events:
        if event.date.earliest > as_of:
            break
        if pending_spec(event.kind, event.attrs) is not None:
            ledger.open[event.id] = event
        elif (close := _CLOSES.get(event.kind)) is not None:
            close(ledger, event)
    for matter in list(ledger.open.values()):
        spec = pending_spec(matter.kind, matter.attrs)
        lapses = spec.lapses_after if spec else None
        day = matter.get(lapses) if lapses else None
        if isinstance(day, DateRange) and day.latest < as_of:
            ledger.close(matter.id, "held_or_passed")
    return ledger


def pending_matters(events: Sequence[Event], as_of: date) -> list[PendingMatter]:
    """The claims, hearings, petitions and inquiries still open on ``as_of``, in timeline order."""
    matters = []
    for event in open_matters(events, as_of).open.values():
        spec = pending_spec(event.kind, event.attrs)
        assert spec is not None  # only events that open a matter are in the ledger
        shown = spec.shown
        value = event.get(shown)
        detail: dict[str, Any] = {shown: str(value) if isinstance(value, DateRange) else value}
        matters.append(PendingMatter(event.kind, event.id, {k: v for k, v in detail.items() if v is not None}))
    return matters

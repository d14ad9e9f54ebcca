"""Plain words for events in explanations: dates as written, no names, no notes."""

from __future__ import annotations

from habeas.domain.model import Event
from habeas.domain.vocabulary import Kind

_CLAIMS = {
    "asylum": "an asylum claim",
    "withholding": "a claim for withholding of removal",
    "cat": "a claim under the Convention Against Torture",
    "tps": "a TPS application",
    "parole": "a parole request",
}
_PETITIONS = {
    "appeal": "an appeal",
    "habeas": "a habeas petition",
    "review": "a petition for review",
    "stay": "a motion for a stay of removal",
    "reopen": "a motion to reopen",
    "reconsider": "a motion to reconsider",
}
_PARTIES = {
    "attorney": "an attorney",
    "congress": "a member of Congress or their staff",
    "consulate": "a consulate",
    "family": "the family",
    "journalist": "a journalist",
}


def matter(event: Event) -> str:
    """A pending matter in a phrase: 'an asylum claim filed 2024'."""
    if event.kind == Kind.CLAIM_FILED:
        return f"{_CLAIMS.get(event.get('claim'), 'a claim')} filed {event.date}"
    if event.kind == Kind.PETITION_FILED:
        court = f" in {event.get('court')}" if event.get("court") else ""
        return f"{_PETITIONS.get(event.get('petition'), 'a petition')} filed {event.date}{court}"
    if event.kind == Kind.HEARING_SCHEDULED:
        what = f" ({event.get('proceeding')})" if event.get("proceeding") else ""
        return f"a hearing{what} set for {event.get('scheduled_for')}"
    if event.kind == Kind.INQUIRY:
        to = f" to {event.get('to')}" if event.get("to") else ""
        return f"an inquiry by {_PARTIES.get(event.get('by'), 'someone')}{to} on {event.date}"
    return f"{event.kind.replace('_', ' ')} on {event.date}"


_OUTCOMES = {
    "removal_order": "a removal order",
    "withholding_granted": "withholding of removal granted",
    "cat_granted": "protection under the Convention Against Torture granted",
    "stay_granted": "a stay of removal granted",
    "other": "a decision",
}
_CLAIM_NAMES = {"cat": "CAT", "tps": "TPS"}


def outcome(event: Event) -> str:
    """A decision's outcome in a few words: 'dismissed in absentia'."""
    words = _OUTCOMES.get(event.get("outcome"), str(event.get("outcome") or "a decision").replace("_", " "))
    return words + (" in absentia" if event.get("in_absentia") else "")


def decision(event: Event) -> str:
    """A decision in words, with what it decided: 'the asylum claim dismissed in absentia on 2025-04'."""
    if event.get("outcome") in _OUTCOMES:
        return f"{outcome(event)} on {event.date}"
    claim = event.get("claim")
    subject = f"the {_CLAIM_NAMES.get(claim, claim)} claim" if claim else "the proceedings"
    return f"{subject} {outcome(event)} on {event.date}"


def removal(event: Event) -> str:
    """'removed on 2025-03-15/2025-03-16 to SV'."""
    to = f" to {event.get('destination')}" if event.get("destination") else ""
    return f"removed on {event.date}{to}"


_NOUNS: dict[str, str] = {
    Kind.APPREHENDED: "the arrest",
    Kind.BOOKED_IN: "the book-in",
    Kind.TRANSFERRED: "the transfer",
    Kind.RELEASED: "the release",
    Kind.REMOVED: "the removal",
    Kind.HANDED_OVER: "the hand-over",
    Kind.RETURNED: "the return",
    Kind.DIED: "the death",
}


def _place(event: Event) -> str:
    where = event.get("facility") or event.get("to")
    country = event.get("country") or event.get("destination")
    place = ", ".join(str(p) for p in (where, country) if p)
    return f" ({place})" if place else ""


def custody_event(event: Event) -> str:
    """A custody event as a verb: 'handed over on 2025-03-16 (CECOT, SV)'."""
    return f"{event.kind.replace('_', ' ')} on {event.date}{_place(event)}"


def custody_noun(event: Event) -> str:
    """A custody event as a noun: 'the hand-over on 2025-03-16 (CECOT, SV)'."""
    noun = _NOUNS.get(event.kind, event.kind.replace("_", " "))
    return f"{noun} on {event.date}{_place(event)}"


def join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + "; and " + parts[-1]


_EVIDENCE = {
    "visit": "a visit",
    "call": "a call",
    "video": "a video",
    "photo": "a photo",
    "official_confirmation": "an official confirmation",
    "release": "the release",
}


def proof_of_life(event: Event) -> str:
    """The event that last showed the person alive, in words."""
    if event.kind == Kind.PROOF_OF_LIFE:
        by = f" obtained by {event.get('by')}" if event.get("by") else ""
        return f"proof of life ({_EVIDENCE.get(event.get('evidence'), 'evidence')}{by}) on {event.date}"
    if event.kind == Kind.CONTACT:
        party = _PARTIES.get(event.get("party"), "someone")
        return f"direct contact with {party} on {event.date}"
    if event.kind == Kind.HEARING_HELD:
        return f"an appearance at a hearing on {event.date}"
    return custody_noun(event)


def countries(codes: tuple[str, ...] | list[str]) -> str:
    """Country codes in a phrase: 'VE', 'US and MX', 'CO, VE and ES'."""
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def removal_order(event: Event) -> str:
    """'the removal order of 2025-02-03' (in absentia when it was)."""
    return f"the removal order of {event.date}" + (" (in absentia)" if event.get("in_absentia") else "")

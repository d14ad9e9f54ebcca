"""Plain words for events in explanations: dates as written, no names, no notes."""

from __future__ import annotations

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.vocabulary import Kind
from habeas.rules.flag import Country, Words, english, phrase, say

_PARTIES = {
    "attorney": phrase("an attorney"),
    "congress": phrase("a member of Congress or their staff"),
    "consulate": phrase("a consulate"),
    "family": phrase("the family"),
    "journalist": phrase("a journalist"),
}


_CLAIMS_FILED = {
    "asylum": phrase("an asylum claim filed %(date)s"),
    "withholding": phrase("a claim for withholding of removal filed %(date)s"),
    "cat": phrase("a claim under the Convention Against Torture filed %(date)s"),
    "tps": phrase("a TPS application filed %(date)s"),
    "parole": phrase("a parole request filed %(date)s"),
}
_PETITIONS_FILED = {
    "appeal": phrase("an appeal filed %(date)s%(court)s"),
    "habeas": phrase("a habeas petition filed %(date)s%(court)s"),
    "review": phrase("a petition for review filed %(date)s%(court)s"),
    "stay": phrase("a motion for a stay of removal filed %(date)s%(court)s"),
    "reopen": phrase("a motion to reopen filed %(date)s%(court)s"),
    "reconsider": phrase("a motion to reconsider filed %(date)s%(court)s"),
}
# What a hearing is for, where it is one of the usual words; any other is shown as recorded.
_PROCEEDINGS = {
    "removal": phrase("removal"),
    "bond": phrase("bond"),
    "merits": phrase("merits"),
    "master calendar": phrase("master calendar"),
    "individual": phrase("individual"),
    "asylum": phrase("asylum"),
    "credible fear": phrase("credible fear"),
}


def matter(event: Event) -> str:
    """A pending matter in a phrase: 'an asylum claim filed 2024'."""
    return str(matter_said(event))


def matter_said(event: Event) -> Words:
    """``matter`` as a message; a matter of another kind reads by its name, in English."""
    if event.kind == Kind.CLAIM_FILED:
        return say(_CLAIMS_FILED.get(event.get("claim"), phrase("a claim filed %(date)s")), date=event.date)
    if event.kind == Kind.PETITION_FILED:
        court = say(" in %(court)s", court=str(event.get("court"))) if event.get("court") else say("")
        text = _PETITIONS_FILED.get(event.get("petition"), phrase("a petition filed %(date)s%(court)s"))
        return say(text, date=event.date, court=court)
    if event.kind == Kind.HEARING_SCHEDULED:
        return hearing_said(event)
    if event.kind == Kind.INQUIRY:
        by = say(_PARTIES.get(event.get("by"), phrase("someone")))
        to = say(" to %(whom)s", whom=str(event.get("to"))) if event.get("to") else say("")
        return say("an inquiry by %(by)s%(to)s on %(date)s", by=by, to=to, date=event.date)
    return english(f"{event.kind.replace('_', ' ')} on {event.date}")


def _proceeding(proceeding: object) -> Words | str:
    known = _PROCEEDINGS.get(str(proceeding))
    return say(known) if known else str(proceeding)


def proceeding_said(proceeding: object) -> Words:
    """What a hearing is for, in brackets after 'a hearing': one of the usual words, or as recorded."""
    return say(" (%(proceeding)s)", proceeding=_proceeding(proceeding))


def hearing_said(event: Event, *, first: bool = False) -> Words:
    """A hearing set, in a phrase: 'a hearing (bond) set for 2025-03-20'; ``first``: at the start of a sentence."""
    proceeding, when = event.get("proceeding"), event.get("scheduled_for")
    if not isinstance(when, DateRange):  # a hearing without its day read as it always has, in English
        recorded = f" ({proceeding})" if proceeding else ""
        return english(f"{'A' if first else 'a'} hearing{recorded} set for {when}")
    if not proceeding:
        return say("A hearing set for %(day)s", day=when) if first else say("a hearing set for %(day)s", day=when)
    what = _proceeding(proceeding)
    if first:
        return say("A hearing (%(proceeding)s) set for %(day)s", proceeding=what, day=when)
    return say("a hearing (%(proceeding)s) set for %(day)s", proceeding=what, day=when)


# Why a removal order was final, or may not have been, as the posture gives it (domain/posture.py), as messages.
_FINALITY_BASES = frozenset(
    {
        phrase("entered by the BIA or a federal court, final when entered (8 CFR 1241.1(a))"),
        phrase("entered in absentia, final when entered (8 CFR 1241.1(e))"),
        phrase("appeal waived (8 CFR 1241.1(b))"),
        phrase("appeal pending before the BIA (8 CFR 1003.6(a))"),
        phrase("the BIA decided the appeal (8 CFR 1241.1(a))"),
        phrase("no appeal within 30 days (8 CFR 1241.1(c), 1003.38(b))"),
        phrase("the 30 days to appeal have not run (8 CFR 1003.38(b))"),
        phrase("a legal holiday may have extended the last day to appeal (8 CFR 1003.38(b))"),
        phrase("the 30 days to appeal may have run; the order's date is known only as a range"),
    }
)


def finality_basis_said(text: str) -> Words:
    """The posture's reason for an order's finality, as a message when it is one of the known reasons."""
    return say(text) if text in _FINALITY_BASES else english(text)


_OUTCOMES = {
    "removal_order": "a removal order",
    "withholding_granted": "withholding of removal granted",
    "cat_granted": "protection under the Convention Against Torture granted",
    "stay_granted": "a stay of removal granted",
    "other": "a decision",
}
_CLAIM_NAMES = {"cat": "CAT", "tps": "TPS"}


_OUTCOMES_ON = {
    "removal_order": phrase("a removal order%(absentia)s on %(date)s"),
    "withholding_granted": phrase("withholding of removal granted%(absentia)s on %(date)s"),
    "cat_granted": phrase("protection under the Convention Against Torture granted%(absentia)s on %(date)s"),
    "stay_granted": phrase("a stay of removal granted%(absentia)s on %(date)s"),
    "other": phrase("a decision%(absentia)s on %(date)s"),
}
_DECIDED_ON = {
    "denied": phrase("%(subject)s denied%(absentia)s on %(date)s"),
    "dismissed": phrase("%(subject)s dismissed%(absentia)s on %(date)s"),
    "granted": phrase("%(subject)s granted%(absentia)s on %(date)s"),
    "terminated": phrase("%(subject)s terminated%(absentia)s on %(date)s"),
    "remanded": phrase("%(subject)s remanded%(absentia)s on %(date)s"),
}
_SUBJECTS = {
    "asylum": phrase("the asylum claim"),
    "withholding": phrase("the withholding claim"),
    "cat": phrase("the CAT claim"),
    "tps": phrase("the TPS claim"),
    "parole": phrase("the parole claim"),
    "other": phrase("the other claim"),
}


def decision_said(event: Event) -> Words:
    """``decision`` as a message; an outcome or claim without words of its own stays English."""
    absentia = say(" in absentia") if event.get("in_absentia") else say("")
    result, claim = event.get("outcome"), event.get("claim")
    if result in _OUTCOMES_ON:
        return say(_OUTCOMES_ON[result], absentia=absentia, date=event.date)
    subject = say(_SUBJECTS[claim]) if claim in _SUBJECTS else None if claim else say("the proceedings")
    if result in _DECIDED_ON and subject is not None:
        return say(_DECIDED_ON[result], subject=subject, absentia=absentia, date=event.date)
    return english(decision(event))


_OUTCOME_WORDS = {
    "removal_order": phrase("a removal order%(absentia)s"),
    "withholding_granted": phrase("withholding of removal granted%(absentia)s"),
    "cat_granted": phrase("protection under the Convention Against Torture granted%(absentia)s"),
    "stay_granted": phrase("a stay of removal granted%(absentia)s"),
    "other": phrase("a decision%(absentia)s"),
    "granted": phrase("granted%(absentia)s"),
    "denied": phrase("denied%(absentia)s"),
    "dismissed": phrase("dismissed%(absentia)s"),
    "terminated": phrase("terminated%(absentia)s"),
    "remanded": phrase("remanded%(absentia)s"),
    "no_jurisdiction": phrase("no jurisdiction%(absentia)s"),  # a bond decision's
}


def outcome_said(event: Event) -> Words:
    """``outcome`` as a message; an outcome without words of its own stays English."""
    result = event.get("outcome")
    text = _OUTCOME_WORDS.get(result) if result else phrase("a decision%(absentia)s")
    if text is None:
        return english(outcome(event))
    return say(text, absentia=say(" in absentia") if event.get("in_absentia") else say(""))


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
    return str(removal_said(event))


def removal_said(event: Event) -> Words:
    """``removal`` as a message, for the faces that translate it."""
    destination = event.get("destination")
    to = say(" to %(country)s", country=Country(str(destination))) if destination else say("")
    return say("removed on %(date)s%(to)s", date=event.date, to=to)


def _place(event: Event) -> str:
    return str(place_said(event))


def place_said(event: Event) -> Words:
    """Where a custody event happened, after its day: ' (CECOT, SV)', ' (CECOT)', ' (SV)' or nothing."""
    return where_said(event.get("facility") or event.get("to"), event.get("country") or event.get("destination"))


def where_said(where: object, country: object) -> Words:
    """A place and its country after a day: ' (Krome, US)', ' (Krome)', ' (US)' or nothing."""
    if where and country:
        return say(" (%(where)s, %(country)s)", where=str(where), country=Country(str(country)))
    if where:
        return say(" (%(where)s)", where=str(where))
    if country:
        return say(" (%(country)s)", country=Country(str(country)))
    return say("")


def custody_event(event: Event) -> str:
    """A custody event as a verb: 'handed over on 2025-03-16 (CECOT, SV)'."""
    return str(custody_event_said(event))


_VERBS_ON: dict[str, str] = {
    Kind.APPREHENDED: phrase("apprehended on %(date)s%(place)s"),
    Kind.BOOKED_IN: phrase("booked in on %(date)s%(place)s"),
    Kind.TRANSFERRED: phrase("transferred on %(date)s%(place)s"),
    Kind.RELEASED: phrase("released on %(date)s%(place)s"),
    Kind.REMOVED: phrase("removed on %(date)s%(place)s"),
    Kind.HANDED_OVER: phrase("handed over on %(date)s%(place)s"),
    Kind.RETURNED: phrase("returned on %(date)s%(place)s"),
    Kind.DIED: phrase("died on %(date)s%(place)s"),
}


def custody_event_said(event: Event) -> Words:
    """``custody_event`` as a message, for the faces that translate it."""
    verb = _VERBS_ON.get(event.kind)
    if verb is None:  # a kind without a verb of its own reads by its name, in English
        return english(f"{event.kind.replace('_', ' ')} on {event.date}{place_said(event)}")
    return say(verb, date=event.date, place=place_said(event))


def custody_noun(event: Event) -> str:
    """A custody event as a noun: 'the hand-over on 2025-03-16 (CECOT, SV)'."""
    return str(custody_noun_said(event))


_NOUNS_ON: dict[str, str] = {
    Kind.APPREHENDED: phrase("the arrest on %(date)s%(place)s"),
    Kind.BOOKED_IN: phrase("the book-in on %(date)s%(place)s"),
    Kind.TRANSFERRED: phrase("the transfer on %(date)s%(place)s"),
    Kind.RELEASED: phrase("the release on %(date)s%(place)s"),
    Kind.REMOVED: phrase("the removal on %(date)s%(place)s"),
    Kind.HANDED_OVER: phrase("the hand-over on %(date)s%(place)s"),
    Kind.RETURNED: phrase("the return on %(date)s%(place)s"),
    Kind.DIED: phrase("the death on %(date)s%(place)s"),
}


def custody_noun_said(event: Event) -> Words:
    """``custody_noun`` as a message, for the faces that translate it."""
    noun = _NOUNS_ON.get(event.kind)
    if noun is None:  # a kind without a noun of its own reads by its name, in English
        return english(f"{event.kind.replace('_', ' ')} on {event.date}{place_said(event)}")
    return say(noun, date=event.date, place=place_said(event))


def join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + "; and " + parts[-1]


_EVIDENCE = {
    "visit": phrase("a visit"),
    "call": phrase("a call"),
    "video": phrase("a video"),
    "photo": phrase("a photo"),
    "official_confirmation": phrase("an official confirmation"),
    "release": phrase("the release"),
}


def proof_of_life(event: Event) -> str:
    """The event that last showed the person alive, in words."""
    return str(proof_of_life_said(event))


def proof_of_life_said(event: Event) -> Words:
    """``proof_of_life`` as a message, for the faces that translate it."""
    if event.kind == Kind.PROOF_OF_LIFE:
        evidence = say(_EVIDENCE.get(event.get("evidence"), phrase("evidence")))
        if event.get("by"):
            text = phrase("proof of life (%(evidence)s obtained by %(by)s) on %(date)s")
            return say(text, evidence=evidence, by=str(event.get("by")), date=event.date)
        return say("proof of life (%(evidence)s) on %(date)s", evidence=evidence, date=event.date)
    if event.kind == Kind.CONTACT:
        party = say(_PARTIES.get(event.get("party"), phrase("someone")))
        return say("direct contact with %(party)s on %(date)s", party=party, date=event.date)
    if event.kind == Kind.HEARING_HELD:
        return say("an appearance at a hearing on %(date)s", date=event.date)
    return custody_noun_said(event)


def countries_said(codes: tuple[str, ...] | list[str]) -> Words:
    """``countries`` as a message: each code a country the faces name in their language."""
    named = [Country(c) for c in codes]
    if len(named) <= 1:
        return Words("%(c)s", (("c", named[0]),)) if named else say("")
    rest = Words(
        ", ".join(f"%(c{i})s" for i in range(len(named) - 1)), tuple((f"c{i}", c) for i, c in enumerate(named[:-1]))
    )
    return say("%(rest)s and %(last)s", rest=rest, last=named[-1])


def countries(codes: tuple[str, ...] | list[str]) -> str:
    """Country codes in a phrase: 'VE', 'US and MX', 'CO, VE and ES'."""
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def removal_order(event: Event) -> str:
    """'the removal order of 2025-02-03' (in absentia when it was)."""
    return str(removal_order_said(event))


def removal_order_said(event: Event, *, first: bool = False) -> Words:
    """``removal_order`` as a message; ``first``: at the start of a sentence ('The removal order of …')."""
    absentia = say(" (in absentia)") if event.get("in_absentia") else say("")
    if first:
        return say("The removal order of %(date)s%(absentia)s", date=event.date, absentia=absentia)
    return say("the removal order of %(date)s%(absentia)s", date=event.date, absentia=absentia)

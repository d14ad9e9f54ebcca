"""Rules about access and accountability: access refused, inquiries unanswered, enforced disappearance."""

from __future__ import annotations

from dataclasses import dataclass

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Custody, Kind
from habeas.domain.whereabouts import CustodyState, custody_on, last_proof_of_life
from habeas.rules import wording
from habeas.rules.families.custody import proof_of_life_gap, whereabouts_said
from habeas.rules.flag import Certainty, Country, Finding, Severity, Words, english, phrase, say
from habeas.rules.rule import Citation, Facts, Rule, Threshold
from habeas.rules.timing import before, number, past, span


@dataclass(frozen=True)
class Refusal:
    """An inquiry denied or left unanswered, or access refused: one sign the authorities will not account."""

    text: str
    certainty: Certainty
    evidence: tuple[str, ...]
    when: DateRange  # when it began: the refusal of access, the denial, or the inquiry met with silence
    words: Words | None = None  # ``text`` as a message, for the faces that translate it


def access_refusals(facts: Facts) -> list[Refusal]:
    refusals = []
    for event in facts.of_kind(Kind.ACCESS_DENIED):
        who = str(event.get("who")) if event.get("who") else say("someone")
        where = say(" at %(place)s", place=str(event.get("where"))) if event.get("where") else say("")
        words = say("access was refused to %(who)s%(where)s on %(date)s", who=who, where=where, date=event.date)
        refusals.append(Refusal(str(words), facts.by_as_of(event), (event.id,), event.date, words))
    return refusals


def _silences(facts: Facts, inquiry: Event, open_inquiries: int) -> list[str]:
    """The no_response records about an inquiry: those naming it, or naming none when it is the only one open."""
    return [
        e.id
        for e in facts.of_kind(Kind.INQUIRY_ANSWERED)
        if e.get("outcome") == "no_response"
        and (e.get("inquiry") == inquiry.id or (not e.get("inquiry") and open_inquiries == 1))
    ]


def unanswered_inquiries(facts: Facts) -> list[Refusal]:
    """Inquiries denied, or open with no answer for more than the inquiry_unanswered threshold.

    An answer closes the inquiry it names, or the only one open when it names none (domain.proceedings):
    an answer to one inquiry never silences another.
    """
    limit = facts.threshold("inquiry_unanswered", "days")
    ledger = open_matters(facts.events, facts.as_of)
    still_open = sum(1 for e in ledger.open.values() if e.kind == Kind.INQUIRY)
    refusals = []
    for inquiry in facts.of_kind(Kind.INQUIRY):
        if inquiry.id in ledger.open:
            waited = span(inquiry.date, facts.as_of)
            overdue = past(waited, limit)
            if overdue is None:
                continue
            words = say(
                "%(matter)s has had no answer for %(days)s days, more than %(limit)s",
                matter=wording.matter_said(inquiry),
                days=waited,
                limit=int(limit) if float(limit).is_integer() else number(limit),
            )
            silent = _silences(facts, inquiry, still_open)
            refusals.append(Refusal(str(words), overdue, (inquiry.id, *silent), inquiry.date, words))
            continue
        answer_id = ledger.closed_by.get(inquiry.id)
        answer = facts.timeline.by_id(answer_id) if answer_id else None
        if answer is not None and answer.get("outcome") == "denied":
            words = say(
                "%(matter)s was refused an answer on %(date)s", matter=wording.matter_said(inquiry), date=answer.date
            )
            refusals.append(Refusal(str(words), facts.by_as_of(answer), (inquiry.id, answer.id), answer.date, words))
    return refusals


def _finding(severity: Severity, refusals: list[Refusal], lead: str) -> list[Finding]:
    """One flag for the refusals; ``lead`` is a message with %(refusals)s for their list."""
    if not refusals:
        return []
    certain = any(r.certainty is Certainty.CERTAIN for r in refusals)
    words = say(lead, refusals=_said(refusals))
    evidence = tuple(dict.fromkeys(i for r in refusals for i in r.evidence))
    return [Finding(severity, Certainty.CERTAIN if certain else Certainty.POSSIBLE, str(words), evidence, words)]


def _free(facts: Facts) -> bool:
    """Surely released by ``as_of``: being kept from the person, or left unanswered about them, is behind them."""
    surely = tuple(e for e in facts.timeline.events if e.date.latest <= facts.as_of)
    return custody_on(surely, facts.as_of).custody is Custody.RELEASED


def access_denied(facts: Facts) -> list[Finding]:
    if _free(facts):
        return []
    return _finding(Severity.WARNING, access_refusals(facts), phrase("Someone was kept from the person: %(refusals)s."))


def inquiry_unanswered(facts: Facts) -> list[Finding]:
    if _free(facts):
        return []
    lead = phrase("An authority has not accounted for the person: %(refusals)s.")
    return _finding(Severity.WARNING, unanswered_inquiries(facts), lead)


@dataclass(frozen=True)
class Element:
    """One element of the definition of enforced disappearance, and what on the record shows it (or why not)."""

    shown: Certainty | None
    words: Words
    evidence: tuple[str, ...] = ()


_ELEMENTS = (
    phrase("deprivation of liberty by agents of a state or with its authorization, support or acquiescence"),
    phrase("a refusal to acknowledge it, or concealment of the person's fate or whereabouts"),
    phrase("placement outside the protection of the law"),
)


def _count(value: float) -> int | str:
    return int(value) if float(value).is_integer() else number(value)


def _said(refusals: list[Refusal]) -> tuple[Words, ...]:
    """The refusals' phrases, for a list; one without a message of its own stays English (the flag then does too)."""
    return tuple(r.words if r.words is not None else english(r.text) for r in refusals)


def _undisclosed(removal: Event) -> bool:
    return removal.get("destination_disclosed") is False or not removal.get("destination")


def _deprivation(facts: Facts, state: CustodyState) -> Element | None:
    """Element 1, when the record shows it: held by a state on ``as_of``, or removed to a place no one names."""
    event = facts.timeline.by_id(state.event) if state.event else None
    if event is None:
        return None
    if state.custody is Custody.US_CUSTODY:
        return Element(facts.by_as_of(event), say("the person %(where)s", where=whereabouts_said(state)), (event.id,))
    if state.custody is Custody.FOREIGN_CUSTODY:
        text = phrase(
            "the person %(where)s, after a hand-over (whether the state that handed them over still answers for "
            "the custody is contested)"
        )
        return Element(facts.by_as_of(event), say(text, where=whereabouts_said(state)), (event.id,))
    if state.custody is Custody.REMOVED and _undisclosed(event):
        destination = event.get("destination")
        reported = say(" (reported to be %(country)s)", country=Country(str(destination))) if destination else say("")
        text = phrase(
            "the person was removed on %(date)s in the custody of US agents, to no disclosed destination%(reported)s"
        )
        return Element(facts.by_as_of(event), say(text, date=event.date, reported=reported), (event.id,))
    return None  # removed to a named country with no custody since, released, or dead: no deprivation continues


def _standing(refusal: Refusal, alive: Event | None) -> Refusal | None:
    """A refusal still in effect: one that no later sign of life has answered (possibly, when dates overlap)."""
    if alive is None:
        return refusal
    order = before(alive.date, refusal.when)
    if order is None:
        return None  # the person was certainly seen alive after it
    return Refusal(refusal.text, Certainty.of(order, refusal.certainty), refusal.evidence, refusal.when, refusal.words)


def _still_standing(refusals: list[Refusal], alive: Event | None) -> list[Refusal]:
    return [s for s in (_standing(r, alive) for r in refusals) if s is not None]


def _locator_silence(facts: Facts, state: CustodyState) -> list[Refusal]:
    """The latest official locator check showing no record of a person the record puts in US custody."""
    checks = facts.of_kind(Kind.LOCATOR_CHECK)
    if state.custody is not Custody.US_CUSTODY or not checks or checks[-1].get("result") != "no_record":
        return []
    check = checks[-1]
    text = phrase(
        "an official locator look-up on %(date)s found no record of the person, though no release or removal is "
        "recorded (locators can lag a transfer by days: look again and ask the field office)"
    )
    words = say(text, date=check.date)
    return [Refusal(str(words), facts.by_as_of(check), (check.id,), check.date, words)]


def _concealment(facts: Facts, state: CustodyState, alive: Event | None) -> Element | None:
    """Element 2, when the record shows it. A refusal of access is not one: it acknowledges where the person is."""
    standing = _still_standing(unanswered_inquiries(facts) + _locator_silence(facts, state), alive)
    if not standing:
        return None
    if state.custody is Custody.REMOVED:
        words = say("no one has said where the person was taken, and %(refusals)s", refusals=_said(standing))
    else:
        words = Words("%(refusals)s", (("refusals", _said(standing)),))
    return Element(_any_certain(standing), words, tuple(i for s in standing for i in s.evidence))


def _outside_the_law(facts: Facts, alive: Event | None) -> Element:
    """Element 3: access refused since the last sign of life, or silence past the critical threshold."""
    refused = _still_standing(access_refusals(facts), alive)
    marks = list(refused)
    gap = proof_of_life_gap(facts)
    limit = facts.threshold("no_proof_of_life", "critical_days")
    silent = past(gap.days, limit) if gap else None
    if gap and silent:
        text = phrase("there has been no proof of life for %(days)s days, more than %(limit)s (the last: %(sign)s)")
        words = say(text, days=gap.days, limit=_count(limit), sign=wording.proof_of_life_said(gap.last))
        marks.append(Refusal(str(words), silent, (gap.last.id,), gap.last.date, words))
    if marks:
        evidence = tuple(i for m in marks for i in m.evidence)
        return Element(_any_certain(marks), Words("%(marks)s", (("marks", _said(marks)),)), evidence)
    access = say("no refusal of access stands since the last sign of life")
    if not access_refusals(facts):
        access = say("no refusal of access is on record")
    if gap is None:
        return Element(None, access)
    days = say(
        "the last proof of life was %(days)s days ago, not more than %(limit)s", days=gap.days, limit=_count(limit)
    )
    return Element(None, say("%(access)s, and %(days)s", access=access, days=days))


def _any_certain(refusals: list[Refusal]) -> Certainty:
    return Certainty.CERTAIN if any(r.certainty is Certainty.CERTAIN for r in refusals) else Certainty.POSSIBLE


def _element_lines(elements: tuple[Element, ...]) -> Words:
    lines = []
    for number_, (name, element) in enumerate(zip(_ELEMENTS, elements, strict=True), start=1):
        status = say("shown") if element.shown else say("not shown")
        lines.append(say("(%(n)s) %(name)s: %(status)s — %(words)s", n=number_, name=say(name), status=status,
                         words=element.words))  # fmt: skip
    return Words("; ".join(f"%(l{i})s" for i in range(len(lines))), tuple((f"l{i}", w) for i, w in enumerate(lines)))


def enforced_disappearance_indicators(facts: Facts) -> list[Finding]:
    state = custody_on(facts.timeline.events, facts.as_of)
    alive = last_proof_of_life(facts.timeline.events, facts.as_of, facts.timeline.sources)
    held = _deprivation(facts, state)
    concealed = _concealment(facts, state, alive) if held else None
    if held is None or concealed is None:
        return []  # custody alone is the proof-of-life clock's business; a refusal alone, inquiry_unanswered's
    outside = _outside_the_law(facts, alive)
    elements = (held, concealed, outside)
    certainty = Certainty.of(*(e.shown for e in elements if e.shown))
    if outside.shown:
        severity = Severity.CRITICAL
        tail = say(
            "All three are on the record: act now. The definition sets no minimum duration; an enforced "
            "disappearance can last days."
        )
    else:
        severity = Severity.WARNING
        tail = say(
            "The third is not shown on the record; the UN Working Group reads it as following from the first two, "
            "so counsel may argue it without more."
        )
    if certainty is Certainty.POSSIBLE:
        tail = Words("%(a)s %(b)s", (("a", tail), ("b", say("Some of this rests on the order of uncertain dates."))))
    count = say("all three") if outside.shown else say("two")
    text = phrase(
        "Of the three elements of an enforced disappearance, the record as of %(as_of)s shows %(count)s: "
        "%(elements)s. %(tail)s A prompt for counsel, not a legal finding."
    )
    words = say(text, as_of=facts.as_of, count=count, elements=_element_lines(elements), tail=tail)
    evidence = tuple(dict.fromkeys(i for e in elements for i in e.evidence))
    return [Finding(severity, certainty, str(words), evidence, words)]


_DECLARATION = (
    "UN Declaration on the Protection of All Persons from Enforced Disappearance, G.A. Res. 47/133 (Dec. 18, 1992)"
)
_CONVENTION = (
    "International Convention for the Protection of All Persons from Enforced Disappearance (adopted Dec. 20, 2006; "
    "in force Dec. 23, 2010)"
)
_BODY_OF_PRINCIPLES = (
    "Body of Principles for the Protection of All Persons under Any Form of Detention or Imprisonment, "
    "G.A. Res. 43/173 (Dec. 9, 1988)"
)
_NOT_A_PARTY = "the United States is not a party"

RULES = (
    Rule(
        id="access_denied",
        position=70,
        title="Access to the person refused",
        severities=(Severity.WARNING,),
        description=(
            "Raised when counsel, family, an official or anyone else was refused access to the person "
            "(an access_denied event). In removal proceedings the right to counsel comes from statute and "
            "regulation, at no expense to the government; the Sixth Amendment does not apply. A refusal of access "
            "to a person whose place of detention is named acknowledges the detention: on its own it is not a mark "
            "of an enforced disappearance, though it keeps the person from the protection counsel and family give."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. §§ 1229a(b)(4)(A), 1362",
                "in removal proceedings, the privilege of being represented by counsel of one's choosing, at no "
                "expense to the government",
            ),
            Citation(
                "8 C.F.R. § 292.5(b)",
                "whenever an examination is provided for in DHS's regulations, the person may be represented by an "
                "attorney or representative",
            ),
            Citation(
                "Vienna Convention on Consular Relations, Apr. 24, 1963, 21 U.S.T. 77, 596 U.N.T.S. 261, "
                "art. 36(1)(a), (c)",
                "consular officers may communicate with their nationals and visit them in detention",
            ),
            Citation(
                f"{_BODY_OF_PRINCIPLES}, principles 17-19",
                "a detained person may have and consult counsel and be visited by family (a General Assembly "
                "resolution, not a treaty)",
            ),
        ),
        check=access_denied,
    ),
    Rule(
        id="inquiry_unanswered",
        position=80,
        title="Inquiry about the person denied or unanswered",
        severities=(Severity.WARNING,),
        description=(
            "Raised when an inquiry to an authority about the person (by counsel, a member of Congress, a "
            "consulate, family or a journalist) was refused an answer, or has had no answer for more than `days`. "
            "An answer closes the inquiry it names, or the only one open when it names none; an answer to one "
            "inquiry never silences another, and with several open an answer naming none closes none. An "
            "inquiry_answered with outcome no_response does not close the inquiry; the clock keeps running."
        ),
        thresholds=(Threshold("days", 30, "days", "days an inquiry may go unanswered before it is flagged"),),
        legal_basis=(
            Citation(
                f"{_DECLARATION}, art. 10(2)",
                "accurate information on the detention and place of detention, including transfers, is to be "
                "made promptly available to family, counsel and others with a legitimate interest",
            ),
            Citation(
                f"{_CONVENTION}, art. 18(1)",
                "those with a legitimate interest are entitled to information on the person's detention, "
                f"whereabouts and transfers ({_NOT_A_PARTY})",
            ),
            Citation(
                f"{_BODY_OF_PRINCIPLES}, principle 16(1)",
                "the family is to be notified of the detention, of each transfer and of the place of custody",
            ),
        ),
        check=inquiry_unanswered,
    ),
    Rule(
        id="enforced_disappearance_indicators",
        position=120,
        title="Marks of an enforced disappearance",
        severities=(Severity.WARNING, Severity.CRITICAL),
        description=(
            "Raised when the record shows the first two of the three elements of the international definition "
            "of enforced disappearance: a warning; critical only when it shows all three. The explanation says "
            "which elements the record shows and which it does not. (1) Deprivation of liberty by or with the "
            "acquiescence of a state: the person is in US custody, in another state's custody, or was removed "
            "with no destination disclosed (`destination_disclosed: false`, or no destination). (2) A refusal to "
            "acknowledge it, or concealment of the person's fate or whereabouts: an inquiry about the person "
            "refused, or unanswered past the inquiry_unanswered threshold; or the latest locator check shows no "
            "record while the record puts the person in US custody (no release or removal known). A refusal of "
            "access is not a refusal to acknowledge. (3) Placement outside the protection of the law: access to "
            "the person refused, or no proof of life past the no_proof_of_life critical threshold. A refusal, or "
            "a refusal of access, that a later sign of life answered no longer counts. The definition sets no "
            "minimum duration (Yrusta v. Argentina): the proof-of-life threshold is habeas's sign of "
            "incommunicado custody, not a time the law requires. Contested: whether (3) is an element to be shown "
            "or the consequence of (1) and (2), as the UN Working Group reads it (the Rome Statute's crime against "
            "humanity requires an intention to remove the person from the protection of the law for a prolonged "
            "period); and, for a person held abroad after a hand-over, which state answers for the custody. The UN "
            "Working Group on Enforced or Involuntary Disappearances takes cases from any country, party to the "
            "Convention or not. A prompt for counsel to act, not a legal finding; possible when an element rests "
            "on uncertain dates."
        ),
        uses=("no_proof_of_life.critical_days", "inquiry_unanswered.days"),
        legal_basis=(
            Citation(
                f"{_CONVENTION}, art. 2",
                "the definition: arrest, detention, abduction or other deprivation of liberty by agents of the State "
                "or by persons acting with its authorization, support or acquiescence, followed by a refusal to "
                "acknowledge it or by concealment of the fate or whereabouts of the person, which place the person "
                f"outside the protection of the law ({_NOT_A_PARTY})",
            ),
            Citation(
                f"{_DECLARATION}, preamble, arts. 1, 10",
                "the same elements in the preamble; detention only in recognised places, with accurate information "
                "on it and on transfers made promptly available to family and counsel",
            ),
            Citation(
                "UN Working Group on Enforced or Involuntary Disappearances, General comment on the definition of "
                "enforced disappearance (81st session, 2007)",
                "any enforced disappearance places the person outside the protection of the law: the Working Group "
                "does not require a showing that the perpetrator intended it",
            ),
            Citation(
                "Committee on Enforced Disappearances, Yrusta v. Argentina, Communication No. 1/2013, "
                "CED/C/10/D/1/2013 (Views adopted Mar. 11, 2016)",
                "seven days in which the authorities concealed where a prisoner had been transferred were an "
                "enforced disappearance: it has no minimum duration, and lawful detention in an official prison "
                "can become one (views under a treaty the United States has not joined)",
            ),
            Citation(
                "Rome Statute of the International Criminal Court, art. 7(2)(i)",
                "the narrower definition of the crime against humanity: a refusal to acknowledge or to give "
                "information, with the intention of removing the person from the protection of the law for a "
                "prolonged period (the United States is not a party)",
            ),
            Citation("28 U.S.C. §§ 2241, 2243", "habeas corpus: produce the body and certify the cause of detention"),
        ),
        check=enforced_disappearance_indicators,
    ),
)

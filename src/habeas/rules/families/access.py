"""Rules about access and accountability: access refused, inquiries unanswered, enforced disappearance."""

from __future__ import annotations

from dataclasses import dataclass

from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Custody, Kind
from habeas.rules import wording
from habeas.rules.families.custody import proof_of_life_gap, whereabouts_words
from habeas.rules.flag import Certainty, Finding, Severity
from habeas.rules.rule import Citation, Facts, Rule, Threshold
from habeas.rules.timing import number, past, span


@dataclass(frozen=True)
class Refusal:
    """An inquiry denied or left unanswered, or access refused: one sign the authorities will not account."""

    text: str
    certainty: Certainty
    evidence: tuple[str, ...]


def access_refusals(facts: Facts) -> list[Refusal]:
    refusals = []
    for event in facts.of_kind(Kind.ACCESS_DENIED):
        who = event.get("who") or "someone"
        where = f" at {event.get('where')}" if event.get("where") else ""
        refusals.append(
            Refusal(f"access was refused to {who}{where} on {event.date}", facts.by_as_of(event), (event.id,))
        )
    return refusals


def unanswered_inquiries(facts: Facts) -> list[Refusal]:
    """Inquiries denied, or open with no answer for more than the inquiry_unanswered threshold."""
    limit = facts.threshold("inquiry_unanswered", "days")
    ledger = open_matters(facts.events, facts.as_of)
    refusals = []
    for inquiry in facts.of_kind(Kind.INQUIRY):
        if inquiry.id in ledger.open:
            waited = span(inquiry.date, facts.as_of)
            overdue = past(waited, limit)
            if overdue is None:
                continue
            silent = [
                e.id
                for e in facts.of_kind(Kind.INQUIRY_ANSWERED)
                if e.get("outcome") == "no_response" and e.get("inquiry") == inquiry.id
            ]
            text = f"{wording.matter(inquiry)} has had no answer for {waited} days, more than {number(limit)}"
            refusals.append(Refusal(text, overdue, (inquiry.id, *silent)))
            continue
        answer_id = ledger.closed_by.get(inquiry.id)
        answer = facts.timeline.by_id(answer_id) if answer_id else None
        if answer is not None and answer.get("outcome") == "denied":
            text = f"{wording.matter(inquiry)} was refused an answer on {answer.date}"
            refusals.append(Refusal(text, facts.by_as_of(answer), (inquiry.id, answer.id)))
    return refusals


def _finding(severity: Severity, refusals: list[Refusal], lead: str, tail: str) -> list[Finding]:
    if not refusals:
        return []
    certain = any(r.certainty is Certainty.CERTAIN for r in refusals)
    explanation = f"{lead}{wording.join([r.text for r in refusals])}.{tail}"
    evidence = tuple(dict.fromkeys(i for r in refusals for i in r.evidence))
    return [Finding(severity, Certainty.CERTAIN if certain else Certainty.POSSIBLE, explanation, evidence)]


def access_denied(facts: Facts) -> list[Finding]:
    return _finding(Severity.WARNING, access_refusals(facts), "Someone was kept from the person: ", "")


def inquiry_unanswered(facts: Facts) -> list[Finding]:
    return _finding(
        Severity.WARNING, unanswered_inquiries(facts), "An authority has not accounted for the person: ", ""
    )


def enforced_disappearance_indicators(facts: Facts) -> list[Finding]:
    gap = proof_of_life_gap(facts)
    if gap is None or gap.state.custody not in (Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY):
        return []
    limit = facts.threshold("no_proof_of_life", "critical_days")
    silent_for = past(gap.days, limit)
    refusals = unanswered_inquiries(facts) + access_refusals(facts)
    if silent_for is None or not refusals:
        return []
    refused = Certainty.CERTAIN if any(r.certainty is Certainty.CERTAIN for r in refusals) else Certainty.POSSIBLE
    marks = [
        f"the person {whereabouts_words(gap.state)}",
        *(r.text for r in refusals),
        f"there has been no proof of life for {gap.days} days, more than {number(limit)} (the last: "
        f"{wording.proof_of_life(gap.last)})",
    ]
    explanation = (
        f"The marks of an enforced disappearance are all on the record as of {facts.as_of}: {wording.join(marks)}. "
        "Custody by agents of a state, a refusal to account for the person, and no sign of life: act now."
    )
    evidence = [e for e in (gap.state.event, gap.last.id) if e] + [i for r in refusals for i in r.evidence]
    return [Finding(Severity.CRITICAL, Certainty.of(silent_for, refused), explanation, tuple(dict.fromkeys(evidence)))]


_DECLARATION = "UN Declaration on the Protection of All Persons from Enforced Disappearance, G.A. Res. 47/133 (1992)"
_CONVENTION = "International Convention for the Protection of All Persons from Enforced Disappearance"
_BODY_OF_PRINCIPLES = (
    "Body of Principles for the Protection of All Persons under Any Form of Detention or Imprisonment, "
    "G.A. Res. 43/173 (1988)"
)

RULES = (
    Rule(
        id="access_denied",
        position=70,
        title="Access to the person refused",
        severities=(Severity.WARNING,),
        description=(
            "Raised when counsel, family, an official or anyone else was refused access to the person "
            "(an access_denied event). In removal proceedings the right to counsel comes from statute and "
            "regulation, at no expense to the government; the Sixth Amendment does not apply."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1362; 8 C.F.R. § 292.5(b)",
                "the privilege of being represented by counsel of one's choosing, at no expense to the government",
            ),
            Citation(
                "Vienna Convention on Consular Relations, art. 36(1)",
                "consular officers may communicate with and visit their nationals in detention",
            ),
            Citation(
                f"{_BODY_OF_PRINCIPLES}, principles 17-19",
                "a detained person may communicate with counsel and be visited by family",
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
            "An inquiry_answered with outcome no_response does not close the inquiry; the clock keeps running."
        ),
        thresholds=(Threshold("days", 30, "days", "days an inquiry may go unanswered before it is flagged"),),
        legal_basis=(
            Citation(
                f"{_DECLARATION}, art. 10(2)",
                "accurate information on the detention and place of detention, including transfers, is to be "
                "made promptly available to family, counsel and others with a legitimate interest",
            ),
            Citation(
                f"{_CONVENTION}, art. 18",
                "those with a legitimate interest are entitled to information on the person's detention and "
                "whereabouts (the United States is not a party)",
            ),
            Citation(f"{_BODY_OF_PRINCIPLES}, principle 16", "notification of family of detention and transfers"),
        ),
        check=inquiry_unanswered,
    ),
    Rule(
        id="enforced_disappearance_indicators",
        position=120,
        title="Marks of an enforced disappearance",
        severities=(Severity.CRITICAL,),
        description=(
            "Raised when three marks are on the record together: the person is in custody, US or foreign; an "
            "inquiry about them was denied or has gone unanswered past the inquiry_unanswered threshold, or "
            "access to them was refused; and the proof-of-life clock is past the no_proof_of_life critical "
            "threshold. These are the elements of the international definition: deprivation of liberty by "
            "agents of a state, followed by a refusal to acknowledge it or concealment of the person's fate or "
            "whereabouts. The flag is a prompt for counsel to act, not a legal finding. Possible when any of the "
            "marks rests on uncertain dates."
        ),
        uses=("no_proof_of_life.critical_days", "inquiry_unanswered.days"),
        legal_basis=(
            Citation(_DECLARATION, "the preamble's description of enforced disappearance; arts. 1-2, 10"),
            Citation(
                f"{_CONVENTION}, art. 2",
                "the definition: arrest, detention or other deprivation of liberty by agents of the state, followed "
                "by a refusal to acknowledge it or by concealment of the fate or whereabouts of the person, placing "
                "them outside the protection of the law (the United States is not a party)",
            ),
            Citation("28 U.S.C. §§ 2241, 2243", "habeas corpus: produce the body and certify the cause of detention"),
        ),
        check=enforced_disappearance_indicators,
    ),
)

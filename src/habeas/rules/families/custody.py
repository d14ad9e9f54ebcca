"""Rules about custody: foreign custody, the proof-of-life clock, prolonged detention."""

from __future__ import annotations

from dataclasses import dataclass

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Custody, Kind
from habeas.domain.whereabouts import TRANSITIONS, CustodyState, custody_on, last_proof_of_life
from habeas.rules import wording
from habeas.rules.flag import Certainty, Finding, Severity
from habeas.rules.rule import Citation, Facts, Rule, Threshold
from habeas.rules.timing import later_of, number, past, span

# Where nobody outside can see the person: held by a state, or no one knows where.
# `removed` counts as unknown whereabouts: the record shows them taken out of the US
# and nothing after it, so no one has confirmed where they are or that they are safe.
PROOF_OF_LIFE_WATCHED = frozenset({Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY, Custody.REMOVED, Custody.UNKNOWN})


def whereabouts_words(state: CustodyState) -> str:
    """Where the record puts the person, as a clause after "the person": 'is held in US custody (…) since …'."""
    since = f" since {state.since}" if state.since else ""
    place = ", ".join(p for p in (state.facility, state.country) if p)
    where = f" ({place})" if place else ""
    if state.custody is Custody.US_CUSTODY:
        return f"is held in US custody{where}{since}"
    if state.custody is Custody.FOREIGN_CUSTODY:
        return f"is held in the custody of another state{where}{since}"
    if state.custody is Custody.REMOVED:
        to = f" to {state.country}" if state.country else ""
        on = f" on {state.since}" if state.since else ""
        return f"was removed{to}{on}, and nothing is recorded about them since"
    return "is of unknown whereabouts"


@dataclass(frozen=True)
class Silence:
    """How long the person has gone without proof of life, and where the record puts them."""

    state: CustodyState
    last: Event
    days: DayCount


def proof_of_life_gap(facts: Facts) -> Silence | None:
    """The proof-of-life clock on ``as_of``, for a person whose whereabouts it watches."""
    state = custody_on(facts.timeline.events, facts.as_of)
    last = last_proof_of_life(facts.timeline.events, facts.as_of)
    if state.custody not in PROOF_OF_LIFE_WATCHED or last is None:
        return None
    return Silence(state, last, span(last.date, facts.as_of))


def no_proof_of_life(facts: Facts) -> list[Finding]:
    gap = proof_of_life_gap(facts)
    if gap is None:
        return []
    warning_days = facts.threshold("no_proof_of_life", "warning_days")
    critical_days = facts.threshold("no_proof_of_life", "critical_days")
    critical, warning = past(gap.days, critical_days), past(gap.days, warning_days)
    if critical:
        severity, certainty, limit = Severity.CRITICAL, critical, critical_days
    elif warning:
        severity, certainty, limit = Severity.WARNING, warning, warning_days
    else:
        return []
    explanation = (
        f"No proof of life for {gap.days} days as of {facts.as_of}: the last was {wording.proof_of_life(gap.last)}. "
        f"The person {whereabouts_words(gap.state)}."
    )
    if certainty is Certainty.POSSIBLE:
        explanation += f" Whether that is more than {number(limit)} days depends on uncertain dates."
        if severity is Severity.CRITICAL and warning is Certainty.CERTAIN:
            explanation += f" It is certainly more than {number(warning_days)}."
    evidence = tuple(dict.fromkeys(e for e in (gap.last.id, gap.state.event) if e))
    return [Finding(severity, certainty, explanation, evidence)]


def foreign_custody(facts: Facts) -> list[Finding]:
    findings = []
    now = custody_on(facts.timeline.events, facts.as_of)
    for handover in facts.of_kind(Kind.HANDED_OVER):
        if handover.get("country") == "US":
            continue
        index = facts.events.index(handover)
        removals = [e for e in facts.events[:index] if e.kind == Kind.REMOVED]
        lead = f"After being {wording.removal(removals[-1])}, the" if removals else "The"
        explanation = f"{lead} person was {wording.custody_event(handover)} into the custody of another state."
        if now.event == handover.id:
            explanation += f" As far as the record shows, they are still held there on {facts.as_of}."
        elif not removals:
            explanation += " No removal is recorded before it."
        evidence = tuple(e.id for e in (*removals[-1:], handover))
        findings.append(Finding(Severity.WARNING, facts.by_as_of(handover), explanation, evidence))
    return findings


def _custody_run_start(events: tuple[Event, ...]) -> Event | None:
    """The event that began the current unbroken stretch of US custody (None if not in US custody)."""
    start: Event | None = None
    for event in events:
        rule = TRANSITIONS.get(event.kind)
        if rule is None:
            continue
        start = (start or event) if rule.custody is Custody.US_CUSTODY else None
    return start


_KEEPS_ORDER_FINAL = frozenset({"denied", "dismissed"})


def final_removal_order(facts: Facts) -> tuple[DateRange, list[Event]] | None:
    """When the latest removal order became final, and the events that show it; None if not final.

    A removal order is final unless a petition filed after it is undecided; a petition decided
    by a denial or dismissal leaves it final from that decision; any other outcome (granted,
    a stay, terminated) means it is not a final order to count from.
    """
    orders = [e for e in facts.of_kind(Kind.DECISION) if e.get("outcome") == "removal_order"]
    if not orders:
        return None
    order = orders[-1]
    ledger = open_matters(facts.events, facts.as_of)
    final_from, shown = order.date, [order]
    for petition in facts.events[facts.events.index(order) + 1 :]:
        if petition.kind != Kind.PETITION_FILED:
            continue
        closer_id = ledger.closed_by.get(petition.id)
        closer = facts.timeline.by_id(closer_id) if closer_id else None
        if closer is None or closer.get("outcome") not in _KEEPS_ORDER_FINAL:
            return None
        final_from = later_of(final_from, closer.date)
        shown += [petition, closer]
    return final_from, shown


def prolonged_detention(facts: Facts) -> list[Finding]:
    events = facts.events
    start = _custody_run_start(events)
    if start is None:
        return []
    limit = facts.threshold("prolonged_detention", "days")
    held = span(start.date, facts.as_of)
    detained = past(held, limit)
    explanation = (
        f"Held in US custody without a break since {wording.custody_noun(start)}: {held} days as of "
        f"{facts.as_of}, more than {number(limit)}."
    )
    finding = Finding(Severity.WARNING, detained, explanation, (start.id,)) if detained else None
    final = final_removal_order(facts)
    if final is not None:
        final_from, shown = final
        order_limit = facts.threshold("prolonged_detention", "final_order_days")
        since_final = span(later_of(final_from, start.date), facts.as_of)
        beyond = past(since_final, order_limit)
        if beyond:
            explanation = (
                f"Held in US custody without a break since {wording.custody_noun(start)}, and for {since_final} "
                f"days as of {facts.as_of} after a final removal order (ordered {shown[0].date}; final from "
                f"{final_from}): more than {number(order_limit)} days, past the six months that detention to carry "
                "out a removal is presumed reasonable."
            )
            evidence = tuple(dict.fromkeys([start.id] + [e.id for e in shown]))
            finding = Finding(Severity.CRITICAL, beyond, explanation, evidence)
    if finding and finding.certainty is Certainty.POSSIBLE:
        finding = Finding(
            finding.severity,
            finding.certainty,
            finding.explanation + " Whether the threshold is passed depends on uncertain dates.",
            finding.evidence,
        )
    return [finding] if finding else []


_DECLARATION = "UN Declaration on the Protection of All Persons from Enforced Disappearance, G.A. Res. 47/133 (1992)"

RULES = (
    Rule(
        id="foreign_custody",
        position=50,
        title="Handed into another state's custody",
        severities=(Severity.WARNING,),
        description=(
            "Raised when the person was handed over to the custody of another state or authority outside the "
            "United States, usually after a removal. The explanation says whether, as far as the record shows, "
            "they are still held there. Once in a foreign prison, a person is beyond the reach of US "
            "immigration courts and of counsel's usual means of contact."
        ),
        legal_basis=(
            Citation(
                "Convention Against Torture, art. 3",
                "no state may expel, return or extradite a person to another state where they would be in danger of "
                "torture",
            ),
            Citation(
                "International Convention for the Protection of All Persons from Enforced Disappearance, art. 16",
                "no transfer to a state where the person would be in danger of enforced disappearance (the United "
                "States is not a party)",
            ),
            Citation(
                "J.G.G. v. Trump (D.D.C. 2025); Noem v. Abrego Garcia, No. 24A949 (U.S. Apr. 10, 2025)",
                "litigation over people removed to and held in El Salvador's CECOT, including an order that the "
                "government facilitate a wrongly removed man's release from custody there",
            ),
        ),
        check=foreign_custody,
    ),
    Rule(
        id="no_proof_of_life",
        position=60,
        title="No proof of life",
        severities=(Severity.WARNING, Severity.CRITICAL),
        description=(
            "Raised when the person is in US custody, in foreign custody, removed with nothing recorded after, "
            "or of unknown whereabouts, and the last proof of life (an event that needed the person there in "
            "body: an arrest, book-in, transfer, release, removal, hand-over, return, an attended hearing, a "
            "direct contact or a proof_of_life) is more than a number of days old: a warning past "
            "warning_days, critical past critical_days. A removal with nothing recorded after it counts as "
            "unknown whereabouts: nobody has confirmed where the person is or that they arrived safely. Not "
            "raised for a person released or deceased, or with no proof of life on record at all. Uncertain "
            "dates give a range of days; possible when the range straddles the threshold."
        ),
        thresholds=(
            Threshold("warning_days", 7, "days", "days without proof of life before a warning"),
            Threshold("critical_days", 30, "days", "days without proof of life before the flag is critical"),
        ),
        ascending=("warning_days", "critical_days"),
        legal_basis=(
            Citation(
                f"{_DECLARATION}, art. 10",
                "detention only in officially recognised places, with accurate information on the place of "
                "detention and transfers made promptly available to family and counsel",
            ),
            Citation(
                "28 U.S.C. §§ 2241, 2243",
                "habeas corpus: the custodian must produce the person detained and certify the true cause of detention",
            ),
            Citation(
                "Body of Principles for the Protection of All Persons under Any Form of Detention or Imprisonment, "
                "G.A. Res. 43/173 (1988), principle 16",
                "the family is to be notified of the detention, of each transfer, and of the place of custody",
            ),
        ),
        check=no_proof_of_life,
    ),
    Rule(
        id="prolonged_detention",
        position=100,
        title="Prolonged detention",
        severities=(Severity.WARNING, Severity.CRITICAL),
        description=(
            "Raised when the person has been in US custody without a break (no release, removal or hand-over in "
            "between; transfers do not break it) for more than `days`: a warning. Critical when they have been "
            "held for more than `final_order_days` after a final removal order. A removal order is final unless "
            "a petition filed after it is undecided; when such petitions were denied or dismissed, the order "
            "counts as final from the last of those decisions; any other outcome (granted, a stay, terminated) "
            "means there is no final order to count from. The post-order clock starts at the later of the final "
            "order and the start of the current stretch of custody."
        ),
        thresholds=(
            Threshold("days", 180, "days", "days of unbroken US custody before a warning"),
            Threshold(
                "final_order_days",
                180,
                "days",
                "days held after a final removal order before the flag is critical (six months under Zadvydas)",
            ),
        ),
        legal_basis=(
            Citation(
                "Zadvydas v. Davis, 533 U.S. 678 (2001); 8 U.S.C. § 1231(a)(1), (a)(6)",
                "detention after a final removal order is presumptively reasonable for six months; after that, "
                "once the person shows no significant likelihood of removal in the reasonably foreseeable future, "
                "the government must rebut it",
            ),
            Citation(
                "Jennings v. Rodriguez, 583 U.S. 281 (2018)",
                "no implicit time limit or bond-hearing requirement read into 8 U.S.C. §§ 1225(b) and 1226 for "
                "detention before a final order; constitutional challenges to prolonged detention left open",
            ),
            Citation("28 U.S.C. § 2241", "habeas corpus to challenge the lawfulness of continued detention"),
        ),
        check=prolonged_detention,
    ),
)

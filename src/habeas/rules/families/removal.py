"""Rules about removal: pending proceedings, protection, third countries, decisions after removal."""

from __future__ import annotations

from collections.abc import Callable

from habeas.domain.model import Event
from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Kind
from habeas.rules import wording
from habeas.rules.flag import Certainty, Finding, Severity
from habeas.rules.rule import Citation, Facts, Rule
from habeas.rules.timing import after, before

_POSSIBLY = " (possibly: the order of the dates is uncertain)"


def _closer(facts: Facts, closed_by: dict[str, str], matter: Event) -> Event | None:
    closer_id = closed_by.get(matter.id)
    return facts.timeline.by_id(closer_id) if closer_id else None


def _still_pending(matter: Event, removal: Event, closer: Event | None) -> Certainty | None:
    """Whether ``matter`` was still open when ``removal`` happened."""
    if matter.kind == Kind.HEARING_SCHEDULED:
        pending = after(matter.get("scheduled_for"), removal.date)
        if pending is None or closer is None:
            return pending
        closed_first = before(closer.date, removal.date)
        if closed_first is Certainty.CERTAIN:
            return None
        return Certainty.POSSIBLE if closed_first else pending
    if closer is None:
        return Certainty.CERTAIN
    return after(closer.date, removal.date)


def removed_with_pending_proceedings(facts: Facts) -> list[Finding]:
    closed_by = open_matters(facts.events, facts.as_of).closed_by
    findings = []
    for removal in facts.of_kind(Kind.REMOVED):
        items: list[tuple[str, Certainty, list[str]]] = []
        for matter in facts.of_kind(Kind.CLAIM_FILED, Kind.PETITION_FILED, Kind.HEARING_SCHEDULED):
            opened = before(matter.date, removal.date)
            closer = _closer(facts, closed_by, matter)
            pending = _still_pending(matter, removal, closer) if opened else None
            if opened is None or pending is None:
                continue
            certainty = Certainty.of(opened, pending)
            text = wording.matter(matter)
            if closer is not None:
                text += f", decided only on {closer.date} ({wording.outcome(closer)})"
            items.append((text + (_POSSIBLY if certainty is Certainty.POSSIBLE else ""), certainty, [matter.id]))
            if closer is not None:
                items[-1][2].append(closer.id)
        if not items:
            continue
        any_certain = Certainty.CERTAIN if any(c is Certainty.CERTAIN for _, c, _ in items) else Certainty.POSSIBLE
        certainty = Certainty.of(any_certain, facts.by_as_of(removal))
        explanation = (
            f"The person was {wording.removal(removal)} while proceedings were still open: "
            f"{wording.join([t for t, _, _ in items])}. Removal cut these off before they were heard or decided."
        )
        evidence = [removal.id] + [i for _, _, ids in items for i in ids]
        findings.append(Finding(Severity.CRITICAL, certainty, explanation, tuple(dict.fromkeys(evidence))))
    return findings


_PROTECTIVE = {"withholding_granted": "withholding", "cat_granted": "cat"}
_LIFTING = frozenset({"denied", "dismissed", "terminated"})


def _protection(facts: Facts, decision: Event) -> tuple[str, str, str] | None:
    """(claim, country, note) when ``decision`` forbids removal to a country."""
    outcome, claim = decision.get("outcome"), decision.get("claim")
    if outcome in _PROTECTIVE:
        claim = claim or _PROTECTIVE[outcome]
    elif not (outcome == "granted" and claim in ("asylum", "withholding", "cat")):
        return None
    country = decision.get("protects_against")
    if country:
        return claim, country, ""
    if facts.person.citizenship:
        return claim, facts.person.citizenship, " (the decision names no country; taken as the country of citizenship)"
    return None


def _in_force(facts: Facts, granted: Event, target: Event, lifts: Callable[[Event], bool]) -> Certainty | None:
    """Whether ``granted`` was decided before ``target`` and not lifted by a later decision before it."""
    in_force = before(granted.date, target.date)
    if in_force is None:
        return None
    later = facts.events[facts.events.index(granted) + 1 :]
    for decision in later:
        if decision.kind == Kind.DECISION and lifts(decision):
            lifted_first = before(decision.date, target.date)
            if lifted_first is Certainty.CERTAIN:
                return None
            if lifted_first is Certainty.POSSIBLE:
                in_force = Certainty.POSSIBLE
    return in_force


def _stay_lifted_by(stay: Event) -> Callable[[Event], bool]:
    def lifts(decision: Event) -> bool:
        if stay.get("decides"):
            return bool(decision.get("decides") == stay.get("decides") and decision.get("outcome") != "stay_granted")
        return decision.get("outcome") in _LIFTING or decision.get("outcome") == "removal_order"

    return lifts


def _protection_breaches(facts: Facts, target: Event) -> list[tuple[str, Certainty, str]]:
    country = target.get("destination") if target.kind == Kind.REMOVED else target.get("country")
    breaches = []
    for decision in facts.of_kind(Kind.DECISION):
        protection = _protection(facts, decision)
        if protection and country == protection[1]:
            claim, _, note = protection

            def lifts(d: Event, claim: str = claim) -> bool:
                return d.get("claim") == claim and d.get("outcome") in _LIFTING

            certainty = _in_force(facts, decision, target, lifts)
            if certainty:
                text = f"{wording.decision(decision)}, protecting against {country}{note}"
                breaches.append((decision.id, certainty, text))
        elif decision.get("outcome") == "stay_granted" and target.kind == Kind.REMOVED:
            certainty = _in_force(facts, decision, target, _stay_lifted_by(decision))
            if certainty:
                breaches.append((decision.id, certainty, f"a stay of removal granted on {decision.date}"))
    return breaches


def removed_despite_protection(facts: Facts) -> list[Finding]:
    findings = []
    for target in facts.of_kind(Kind.REMOVED, Kind.HANDED_OVER):
        breaches = _protection_breaches(facts, target)
        if not breaches:
            continue
        any_certain = Certainty.CERTAIN if any(c is Certainty.CERTAIN for _, c, _ in breaches) else Certainty.POSSIBLE
        texts = [t + (_POSSIBLY if c is Certainty.POSSIBLE else "") for _, c, t in breaches]
        what = wording.removal(target) if target.kind == Kind.REMOVED else wording.custody_event(target)
        explanation = f"The person was {what} although a decision forbade it: {wording.join(texts)}."
        evidence = (target.id, *(i for i, _, _ in breaches))
        certainty = Certainty.of(any_certain, facts.by_as_of(target))
        findings.append(Finding(Severity.CRITICAL, certainty, explanation, tuple(dict.fromkeys(evidence))))
    return findings


def third_country_removal(facts: Facts) -> list[Finding]:
    citizenship = facts.person.citizenship
    findings = []
    for removal in facts.of_kind(Kind.REMOVED):
        destination = removal.get("destination")
        if not citizenship or not destination or destination in (citizenship, "US"):
            continue
        explanation = (
            f"The person was {wording.removal(removal)}, which is not their country of citizenship on record "
            f"({citizenship}). Check that they had written notice of the destination and a chance to say they "
            "feared harm there before the removal."
        )
        findings.append(Finding(Severity.WARNING, facts.by_as_of(removal), explanation, (removal.id,)))
    return findings


def _removal_before(facts: Facts, decision: Event) -> tuple[Event, Certainty] | None:
    """The removal the decision came after (and no return to the US in between), most certain first."""
    best: tuple[Event, Certainty] | None = None
    for removal in facts.of_kind(Kind.REMOVED):
        certainty = before(removal.date, decision.date)
        returns = [e for e in facts.events[facts.events.index(removal) + 1 :] if e.kind == Kind.RETURNED]
        for back in returns:
            back_first = before(back.date, decision.date)
            if back_first is Certainty.CERTAIN:
                certainty = None
            elif back_first is Certainty.POSSIBLE and certainty:
                certainty = Certainty.POSSIBLE
        if certainty and (best is None or certainty.rank > best[1].rank):
            best = (removal, certainty)
    return best


def decided_after_removal(facts: Facts) -> list[Finding]:
    items = []
    for decision in facts.of_kind(Kind.DECISION):
        found = _removal_before(facts, decision)
        if found:
            items.append((decision, *found))
    if not items:
        return []
    texts = [
        f"{wording.decision(d)}, after the person was {wording.removal(r)}"
        + (_POSSIBLY if c is Certainty.POSSIBLE else "")
        for d, r, c in items
    ]
    explanation = (
        f"A decision was made in the person's proceedings after they had been removed: {wording.join(texts)}. "
        "They could not appear or answer from outside the United States."
    )
    certain = any(c is Certainty.CERTAIN for _, _, c in items)
    evidence = tuple(dict.fromkeys(i for d, r, _ in items for i in (r.id, d.id)))
    return [Finding(Severity.WARNING, Certainty.CERTAIN if certain else Certainty.POSSIBLE, explanation, evidence)]


_DUE_PROCESS = Citation(
    "U.S. Const. amend. V; Reno v. Flores, 507 U.S. 292, 306 (1993)",
    "the Fifth Amendment entitles noncitizens to due process of law in deportation proceedings",
)
_WITHHOLDING = Citation(
    "8 U.S.C. § 1231(b)(3); 8 C.F.R. § 1208.16",
    "withholding of removal: no removal to a country where life or freedom would be threatened",
)
_CAT = Citation(
    "Convention Against Torture, art. 3; FARRA, Pub. L. 105-277, div. G, § 2242; 8 C.F.R. §§ 1208.16(c)-1208.18",
    "no return to a country where the person would more likely than not be tortured (withholding or deferral)",
)

RULES = (
    Rule(
        id="removed_with_pending_proceedings",
        position=10,
        title="Removed while proceedings were pending",
        severities=(Severity.CRITICAL,),
        description=(
            "Raised when a person was removed while a claim they filed had no decision, a scheduled hearing "
            "had not yet taken place, or a petition (appeal, habeas, review, stay) was undecided. What was "
            "open is worked out from the timeline as it stood on the day of removal: a claim or petition is "
            "open until a decision closes it; a hearing is open until its date, or until the proceedings are "
            "dismissed or terminated. Possible when the removal and the filing, hearing or decision have "
            "dates that overlap, so their order is not known."
        ),
        legal_basis=(
            Citation(
                "INA § 240, 8 U.S.C. § 1229a",
                "removal proceedings before an immigration judge, with the right to present evidence and be heard",
            ),
            Citation("8 U.S.C. § 1158(a)", "any noncitizen physically present may apply for asylum"),
            _WITHHOLDING,
            _CAT,
            Citation(
                "8 C.F.R. § 1003.6(a)",
                "a decision is not executed while an appeal to the Board of Immigration Appeals is pending",
            ),
            Citation(
                "8 U.S.C. § 1252(b)(3)(B); Nken v. Holder, 556 U.S. 418 (2009)",
                "a petition for review does not stay removal by itself; a court may order a stay",
            ),
            _DUE_PROCESS,
        ),
        check=removed_with_pending_proceedings,
    ),
    Rule(
        id="removed_despite_protection",
        position=20,
        title="Removed to a country a decision protects the person from",
        severities=(Severity.CRITICAL,),
        description=(
            "Raised when a person was removed, or handed over, to a country that a decision protects them "
            "from (withholding_granted, cat_granted, or an asylum, withholding or CAT claim granted), or was "
            "removed while a stay of removal was in force. The protected country is the decision's "
            "protects_against; when the decision names none, it is taken to be the country of citizenship on "
            "record, and the explanation says so. A protection is lifted by a later decision denying, "
            "dismissing or terminating the same claim; a stay by a later decision on the same matter, or, when "
            "the stay names no matter, by a later denial, dismissal, termination or removal order."
        ),
        legal_basis=(
            _WITHHOLDING,
            _CAT,
            Citation(
                "8 U.S.C. § 1158(c)(1)(A)", "a person granted asylum may not be removed to their country of nationality"
            ),
            Citation(
                "8 C.F.R. § 1003.6; Nken v. Holder, 556 U.S. 418 (2009)",
                "a stay of removal bars removal while it is in force",
            ),
        ),
        check=removed_despite_protection,
    ),
    Rule(
        id="third_country_removal",
        position=30,
        title="Removed to a country that is not the person's own",
        severities=(Severity.WARNING,),
        description=(
            "Raised when a person was removed to a country other than their country of citizenship on record. "
            "Not raised when the citizenship or the destination is not recorded."
        ),
        legal_basis=(
            Citation("8 U.S.C. § 1231(b)(1)-(2)", "the countries to which a person may be removed, in order"),
            Citation(
                "D.V.D. v. U.S. Dep't of Homeland Security (D. Mass. 2025)",
                "preliminary injunction requiring written notice and a meaningful opportunity to raise a fear "
                "claim before a third-country removal; stayed by the Supreme Court in June 2025 (check its "
                "current status)",
            ),
            _CAT,
        ),
        check=third_country_removal,
    ),
    Rule(
        id="decided_after_removal",
        position=40,
        title="Decided after the person was removed",
        severities=(Severity.WARNING,),
        description=(
            "Raised when a decision in the person's proceedings is dated after their removal (and they had not "
            "been returned to the United States by then), for example a claim dismissed in absentia. Possible "
            "when the decision and the removal have overlapping dates."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1229a(b)(5)(A), (C)",
                "an in absentia order may be rescinded when the person was in federal or state custody and did "
                "not appear through no fault of their own, or had no notice",
            ),
            Citation("8 C.F.R. § 1003.23(b)(4)(ii)", "motions to reopen orders entered in absentia"),
            _DUE_PROCESS,
        ),
        check=decided_after_removal,
    ),
)

"""Rules about hearings: orders in absentia against people in custody, hearings without counsel, outcomes unknown."""

from __future__ import annotations

import re

from habeas.domain.dates import DateRange
from habeas.domain.model import Event
from habeas.domain.posture import counsel_on
from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Custody, Kind
from habeas.domain.whereabouts import CustodyState, custody_on
from habeas.rules import wording
from habeas.rules.flag import Certainty, Finding, Severity, Words, phrase, say, sentences
from habeas.rules.rule import Citation, Facts, Rule, Threshold
from habeas.rules.timing import before, number, past, span

_CERTAIN, _POSSIBLE = Certainty.CERTAIN, Certainty.POSSIBLE


def _detained(state: CustodyState) -> bool:
    """Held by a US agency in the United States (the custody 8 U.S.C. 1229a(b)(5)(C)(ii) speaks of)."""
    return state.custody is Custody.US_CUSTODY and state.country in (None, "US")


def _custody_on_the_day(facts: Facts, event: Event) -> tuple[Certainty | None, CustodyState]:
    """Whether the person was in US custody on ``event``'s day: from what surely came before it, and what may have."""
    others = [e for e in facts.events if e is not event]
    surely = custody_on(tuple(e for e in others if e.date.latest < event.date.earliest), event.date.earliest)
    maybe = custody_on(tuple(others), event.date.latest)
    held = [s for s in (surely, maybe) if _detained(s)]
    if not held:
        return None, maybe
    return (_CERTAIN if len(held) == 2 else _POSSIBLE), held[-1]


_ABSENT_IN_CUSTODY = phrase(
    "A person in custody does not choose to miss a hearing: the detaining agency brings them to court, in person "
    "or by video. An order entered in absentia may be rescinded on a motion to reopen filed at any time when the "
    "person was in federal or state custody and failed to appear through no fault of their own (8 U.S.C. "
    "1229a(b)(5)(C)(ii))."
)


def in_absentia_while_detained(facts: Facts) -> list[Finding]:
    findings = []
    for decision in facts.of_kind(Kind.DECISION):
        if decision.get("in_absentia") is not True:
            continue
        detained, state = _custody_on_the_day(facts, decision)
        if detained is None:
            continue
        start = facts.timeline.by_id(state.event) if state.event else None
        since = say(" since %(start)s", start=wording.custody_noun_said(start)) if start is not None else say("")
        said = [
            say(
                "A decision was made in absentia, %(decision)s, while the record shows the person held in US "
                "custody%(since)s.",
                decision=wording.decision_said(decision),
                since=since,
            ),
            say(_ABSENT_IN_CUSTODY),
        ]
        if detained is _POSSIBLE:
            said.append(say("Whether they were in custody on that day turns on uncertain dates."))
        words = sentences(*said)
        evidence = tuple(dict.fromkeys(i for i in (decision.id, state.event) if i))
        certainty = Certainty.of(detained, facts.by_as_of(decision))
        findings.append(Finding(Severity.CRITICAL, certainty, str(words), evidence, words))
    return findings


# Who was refused, in the access_denied event's own words: counsel, not a consul or a relative.
_COUNSEL = re.compile(r"\b(counsel|attorneys?|lawyers?)\b", re.IGNORECASE)


def _counsel_refused(facts: Facts, held: Event) -> list[tuple[Event, Certainty]]:
    """Each refusal of access to counsel that came, or may have come, before the hearing."""
    refused = []
    for denial in facts.of_kind(Kind.ACCESS_DENIED):
        first = before(denial.date, held.date)
        if first is not None and _COUNSEL.search(str(denial.get("who") or "")):
            refused.append((denial, first))
    return refused


def _scheduled(facts: Facts, held: Event) -> Event | None:
    """The hearing_scheduled that ``held`` says it holds, if it is on record."""
    return next((e for e in facts.of_kind(Kind.HEARING_SCHEDULED) if e.id == held.get("hearing")), None)


def _refusal_said(denial: Event) -> Words:
    """Whom access was refused to, when and where: 'counsel on 2025-03-01 at Krome'."""
    where = say(" at %(place)s", place=str(denial.get("where"))) if denial.get("where") else say("")
    return say("%(who)s on %(date)s%(where)s", who=str(denial.get("who")), date=denial.date, where=where)


_KEPT_AWAY = phrase(
    "Access to the person had been refused to %(refusals)s: a hearing held without counsel after counsel was kept "
    "away cannot be taken for a choice to go on alone."
)
_PRIVILEGE_OF_COUNSEL = phrase(
    "The person has the privilege of counsel at no expense to the government, with a reasonable chance to find it "
    "(8 U.S.C. 1229a(b)(4)(A), 1362; Matter of C-B-, 25 I&N Dec. 888 (BIA 2012)): check whether the judge advised "
    "them of it and offered time (8 CFR 1240.10(a)(1))."
)


def hearing_without_counsel(facts: Facts) -> list[Finding]:
    findings = []
    for held in facts.of_kind(Kind.HEARING_HELD):
        if held.get("represented") is not False:
            continue  # never guessed from silence: only a hearing recorded as unrepresented
        scheduled = _scheduled(facts, held)
        proceeding = scheduled.get("proceeding") if scheduled is not None else None
        what = wording.proceeding_said(proceeding) if proceeding else say("")
        at = say(" at %(court)s", court=str(held.get("court"))) if held.get("court") else say("")
        text = phrase("A hearing%(what)s was held on %(date)s%(at)s with no counsel for the person.")
        said = [say(text, what=what, date=held.date, at=at)]
        counsel = counsel_on(facts.events, held.date.earliest)
        if counsel is not None and before(counsel.date, held.date) is _CERTAIN:
            said.append(say("Counsel had entered an appearance on %(date)s and did not appear.", date=counsel.date))
        evidence = [held.id, *((scheduled.id,) if scheduled is not None else ())]
        refused = _counsel_refused(facts, held)
        if refused:
            said.append(say(_KEPT_AWAY, refusals=tuple(_refusal_said(d) for d, _ in refused)))
            refused_first = _CERTAIN if any(c is _CERTAIN for _, c in refused) else _POSSIBLE
            if refused_first is _POSSIBLE:
                said.append(say("Whether the refusal came before the hearing turns on uncertain dates."))
            severity, certainty = Severity.CRITICAL, Certainty.of(refused_first, facts.by_as_of(held))
            evidence += [d.id for d, _ in refused]
        else:
            severity, certainty = Severity.WARNING, facts.by_as_of(held)
        words = sentences(*said, say(_PRIVILEGE_OF_COUNSEL))
        findings.append(Finding(severity, certainty, str(words), tuple(dict.fromkeys(evidence)), words))
    return findings


_SHOWS_OUTCOME = (Kind.HEARING_HELD, Kind.DECISION, Kind.BOND_DECISION, Kind.HEARING_SCHEDULED)


def _outcome_on_record(facts: Facts, hearing: Event, day: DateRange, closer: str | None) -> bool:
    """Whether anything on record shows what came of the hearing: what closed it, or anything from its day on."""
    if closer is not None and closer != "held_or_passed":
        return True
    for event in facts.events:
        if event is hearing or event.kind not in _SHOWS_OUTCOME or event.date.latest < day.earliest:
            continue
        if event.kind == Kind.HEARING_HELD and event.get("hearing") not in (None, hearing.id):
            continue  # a hearing held that names another hearing says nothing of this one
        return True  # a hearing held, a decision or a bond decision, or a new hearing set: the case moved on
    return False


def _gone_by(facts: Facts, day: DateRange) -> bool:
    """Removed or dead, possibly before the hearing's day: what happened then is another rule's concern."""
    return any(before(e.date, day) is not None for e in facts.of_kind(Kind.REMOVED, Kind.DIED))


_OUTCOME_UNKNOWN = phrase(
    "%(hearing)s%(court)s passed %(days)s days before %(as_of)s (more than the %(grace)s days allowed), and nothing "
    "on record says what came of it: no hearing held, decision or bond decision. If the judge decided anything "
    "that day, the 30 days to appeal to the Board of Immigration Appeals run from the decision (8 CFR "
    "1003.38(b)): find out the outcome (EOIR's automated case information, the court, the person) and record it."
)


def hearing_outcome_unknown(facts: Facts) -> list[Finding]:
    grace = facts.threshold("hearing_outcome_unknown", "grace_days")
    closed_by = open_matters(facts.events, facts.as_of).closed_by
    findings = []
    for hearing in facts.of_kind(Kind.HEARING_SCHEDULED):
        day = hearing.get("scheduled_for")
        if not isinstance(day, DateRange) or _gone_by(facts, day):
            continue
        waited = span(day, facts.as_of)
        overdue = past(waited, grace)
        if overdue is None or _outcome_on_record(facts, hearing, day, closed_by.get(hearing.id)):
            continue
        court = say(" at %(court)s", court=str(hearing.get("court"))) if hearing.get("court") else say("")
        words = say(
            _OUTCOME_UNKNOWN,
            hearing=wording.hearing_said(hearing, first=True),
            court=court,
            days=waited,
            as_of=facts.as_of,
            grace=int(grace) if float(grace).is_integer() else number(grace),
        )
        certainty = Certainty.of(overdue, facts.by_as_of(hearing))
        findings.append(Finding(Severity.WARNING, certainty, str(words), (hearing.id,), words))
    return findings


RULES = (
    Rule(
        id="in_absentia_while_detained",
        position=25,
        title="Ordered in absentia while in custody",
        severities=(Severity.CRITICAL,),
        description=(
            "Raised when a decision was entered in absentia (in_absentia: true) on a day the record shows the "
            "person held in US custody: the custody derived from the timeline (an arrest, book-in, transfer or "
            "return, with no release, removal or hand-over since). Possible when the dates leave it uncertain "
            "whether they were in custody that day. Not raised for a person already removed (decided_after_removal "
            "covers them) or held by another state."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1229a(b)(5)(C)(ii)",
                "an order entered in absentia may be rescinded on a motion to reopen filed at any time if the person "
                "shows they were in federal or state custody and the failure to appear was through no fault of "
                "their own",
            ),
            Citation(
                "8 U.S.C. § 1229a(b)(5)(A)",
                "an order in absentia may be entered only when DHS establishes by clear, unequivocal and "
                "convincing evidence that written notice was given and that the person is removable",
            ),
            Citation("8 C.F.R. § 1003.23(b)(4)(ii)", "motions to reopen orders entered in absentia"),
        ),
        check=in_absentia_while_detained,
    ),
    Rule(
        id="hearing_without_counsel",
        position=35,
        title="Hearing held without counsel",
        severities=(Severity.WARNING, Severity.CRITICAL),
        description=(
            "Raised when a hearing is recorded as held with no counsel for the person (hearing_held with "
            "represented: false); never when representation is not recorded. Critical when access to the person "
            "had been refused to counsel before the hearing (an access_denied whose `who` names counsel, an "
            "attorney or a lawyer); possible when that refusal and the hearing fall on overlapping dates. The "
            "explanation says when counsel of record had entered an appearance."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. §§ 1229a(b)(4)(A), 1362",
                "the privilege of being represented, at no expense to the government, by counsel of the person's "
                "choosing",
            ),
            Citation(
                "Matter of C-B-, 25 I&N Dec. 888 (BIA 2012)",
                "an immigration judge must give a reasonable and realistic period of time to find counsel; going on "
                "without it can deny the statutory privilege of counsel",
            ),
            Citation(
                "8 C.F.R. § 1240.10(a)(1)",
                "the immigration judge must advise the person of the privilege of counsel at no expense to the "
                "government",
            ),
        ),
        check=hearing_without_counsel,
    ),
    Rule(
        id="hearing_outcome_unknown",
        position=115,
        title="Hearing date passed with no outcome on record",
        severities=(Severity.WARNING,),
        description=(
            "Raised when a scheduled hearing's date passed more than `grace_days` ago and nothing on record shows "
            "what came of it: no hearing held, decision or bond decision that closes it or falls on or after its "
            "day, no new hearing set since (a continuance), and the proceedings were not dismissed or terminated "
            "before it. Not raised when the person was removed, or died, possibly before the hearing's day: "
            "removed_with_pending_proceedings covers a removal. Possible when the hearing's date is uncertain."
        ),
        thresholds=(
            Threshold("grace_days", 2, "days", "days after a hearing's date before an unrecorded outcome is flagged"),
        ),
        legal_basis=(
            Citation(
                "8 C.F.R. § 1003.38(b)",
                "an appeal to the Board of Immigration Appeals is due within 30 days of the immigration judge's "
                "decision, so an outcome nobody has recorded can cost the appeal",
            ),
        ),
        check=hearing_outcome_unknown,
    ),
)

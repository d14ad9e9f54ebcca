"""Rules about custody: foreign custody, the proof-of-life clock, prolonged detention, transfers, re-detention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.posture import Finality, OrderStatus, order_status, posture
from habeas.domain.vocabulary import Custody, Kind, Matter
from habeas.domain.whereabouts import TRANSITIONS, CustodyState, LifeClock, custody_on, life_clock
from habeas.rules import wording
from habeas.rules.flag import Certainty, Country, Finding, Severity, Words, english, phrase, say, sentences
from habeas.rules.rule import Citation, Facts, Rule, Threshold
from habeas.rules.timing import before, later_of, number, past, span

# Where nobody outside can see the person: held by a state, or no one knows where.
# `removed` counts as unknown whereabouts: the record shows them taken out of the US
# and nothing after it, so no one has confirmed where they are or that they are safe.
PROOF_OF_LIFE_WATCHED = frozenset({Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY, Custody.REMOVED, Custody.UNKNOWN})


def whereabouts_words(state: CustodyState) -> str:
    """Where the record puts the person, as a clause after "the person": 'is held in US custody (…) since …'."""
    return str(whereabouts_said(state))


def _held_where(state: CustodyState) -> Words:
    if state.facility and state.country:
        return say(" (%(where)s, %(country)s)", where=state.facility, country=Country(state.country))
    if state.facility:
        return say(" (%(where)s)", where=state.facility)
    if state.country:
        return say(" (%(country)s)", country=Country(state.country))
    return say("")


def whereabouts_said(state: CustodyState) -> Words:
    """``whereabouts_words`` as a message, for the faces that translate it."""
    since = say(" since %(day)s", day=state.since) if state.since else say("")
    if state.custody is Custody.US_CUSTODY:
        return say("is held in US custody%(where)s%(since)s", where=_held_where(state), since=since)
    if state.custody is Custody.FOREIGN_CUSTODY:
        return say("is held in the custody of another state%(where)s%(since)s", where=_held_where(state), since=since)
    if state.custody is Custody.REMOVED:
        to = say(" to %(country)s", country=Country(state.country)) if state.country else say("")
        on = say(" on %(day)s", day=state.since) if state.since else say("")
        return say("was removed%(to)s%(on)s, and nothing is recorded about them since", to=to, on=on)
    return say("is of unknown whereabouts")


def _count(value: float) -> int | str:
    """A threshold as a number to show: 30, not 30.0 (a fraction stays as written)."""
    return int(value) if float(value).is_integer() else number(value)


@dataclass(frozen=True)
class Silence:
    """How long the person has gone without proof of life, and where the record puts them."""

    state: CustodyState
    last: Event  # the sign of life the clock runs from at its longest
    days: DayCount
    clock: LifeClock
    at_least: bool = False  # nothing proves this person alive: counted from a statement about their whole cohort


def proof_of_life_gap(facts: Facts) -> Silence | None:
    """The proof-of-life clock on ``as_of``, for a person whose whereabouts it watches."""
    state = custody_on(facts.timeline.events, facts.as_of)
    clock = life_clock(facts.timeline.events, facts.as_of, facts.timeline.sources)
    if state.custody not in PROOF_OF_LIFE_WATCHED:
        return None
    last = clock.proof or clock.unverified
    if last is not None and clock.days is not None:
        return Silence(state, last, clock.days, clock)
    if clock.group_claims:
        # The statement proves no member alive, but the silence has lasted at least since it.
        claim = clock.group_claims[-1]
        return Silence(state, claim, span(claim.date, facts.as_of), clock, at_least=True)
    return None


def _removed_home(facts: Facts, state: CustodyState) -> Event | None:
    """The removal, when the person was removed to a country of theirs with nothing pending or forbidding it."""
    removal = facts.timeline.by_id(state.event) if state.event else None
    if state.custody is not Custody.REMOVED or removal is None or removal.get("destination_disclosed") is False:
        return None
    if state.country is None or state.country not in facts.person.citizenships:
        return None
    open_now = [m for m, _ in posture(facts.events, facts.as_of).open if m is not Matter.INQUIRY]
    protected = any(_protects(e, state.country) for e in facts.of_kind(Kind.DECISION))
    return None if open_now or protected else removal


def _protects(decision: Event, country: str) -> bool:
    """Whether a decision granted protection (asylum, withholding, CAT) that may reach ``country``."""
    outcome, claim = decision.get("outcome"), decision.get("claim")
    granted = outcome in ("withholding_granted", "cat_granted") or (
        outcome == "granted" and claim in ("asylum", "withholding", "cat")
    )
    return granted and decision.get("protects_against") in (None, country)


def _clock_notes(facts: Facts, gap: Silence) -> list[Words]:
    notes = []
    if gap.clock.unverified is not None and gap.clock.proof is not None:
        notes.append(
            say(
                "A later sign of life, %(sign)s, rests only on unverified sources: counted from it, the silence is "
                "%(days)s days.",
                sign=wording.proof_of_life_said(gap.clock.unverified),
                days=gap.clock.days.min if gap.clock.days else 0,
            )
        )
    elif gap.clock.unverified is not None:
        notes.append(say("That sign of life rests only on unverified sources."))
    for claim in () if gap.at_least else gap.clock.group_claims:
        notes.append(
            say(
                "The statement of %(day)s about the whole group, on the detaining authority's word alone, is not "
                "proof that this person is alive.",
                day=claim.date,
            )
        )
    checks = [c for c in facts.of_kind(Kind.LOCATOR_CHECK) if before(gap.last.date, c.date)]
    if checks:
        notes.append(say("A locator look-up (%(day)s) is not proof of life.", day=checks[-1].date))
    return notes


def no_proof_of_life(facts: Facts) -> list[Finding]:
    gap = proof_of_life_gap(facts)
    if gap is None:
        return []
    warning_days = facts.threshold("no_proof_of_life", "warning_days")
    critical_days = facts.threshold("no_proof_of_life", "critical_days")
    home = _removed_home(facts, gap.state)
    critical = None if home else past(gap.days, critical_days)
    warning = past(gap.days, warning_days)
    if critical:
        severity, certainty, limit = Severity.CRITICAL, critical, critical_days
    elif warning:
        severity, certainty, limit = Severity.WARNING, warning, warning_days
    else:
        return []
    sign = wording.proof_of_life_said(gap.last)
    where = whereabouts_said(gap.state)
    if gap.at_least:
        text = phrase(
            "No proof of life for at least %(days)s days as of %(as_of)s: nothing on record proves this person "
            "alive on their own; %(sign)s is the detaining authority's word about their whole cohort. "
            "The person %(where)s."
        )
    else:
        text = phrase(
            "No proof of life for %(days)s days as of %(as_of)s: the last was %(sign)s. The person %(where)s."
        )
    said = [say(text, days=gap.days, as_of=facts.as_of, sign=sign, where=where), *_clock_notes(facts, gap)]
    if home is not None:
        said.append(
            say(
                "They were removed to a country of their citizenship, with nothing pending and no protection "
                "granted: confirm that they arrived and are safe."
            )
        )
    if certainty is Certainty.POSSIBLE:
        said.append(
            say("Whether that is more than %(limit)s days depends on uncertain dates or sources.", limit=_count(limit))
        )
        if severity is Severity.CRITICAL and warning is Certainty.CERTAIN:
            said.append(say("It is certainly more than %(limit)s.", limit=_count(warning_days)))
    words = sentences(*said)
    evidence = tuple(dict.fromkeys(e for e in (*gap.clock.evidence, gap.last.id, gap.state.event) if e))
    return [Finding(severity, certainty, str(words), evidence, words)]


def foreign_custody(facts: Facts) -> list[Finding]:
    """One flag while the person is held by another state: the hand-over they are held under, and those before it.

    Once they are released, returned or dead, a past hand-over is history, not an alarm.
    """
    # Held abroad on what surely happened by as_of; certain only if nothing that may also have happened ended it.
    surely = custody_on(tuple(e for e in facts.timeline.events if e.date.latest <= facts.as_of), facts.as_of)
    now = custody_on(facts.timeline.events, facts.as_of)
    held = surely if surely.custody is Custody.FOREIGN_CUSTODY else now
    if held.custody is not Custody.FOREIGN_CUSTODY:
        return []
    handover = facts.timeline.by_id(held.event) if held.event else None
    if handover is None or handover.kind != Kind.HANDED_OVER or handover.get("country") == "US":
        return []
    index = facts.events.index(handover)
    removals = [e for e in facts.events[:index] if e.kind == Kind.REMOVED]
    earlier = [e for e in facts.events[:index] if e.kind == Kind.HANDED_OVER and e.get("country") != "US"]
    handed = wording.custody_event_said(handover)
    if removals:
        text = phrase("After being %(removal)s, the person was %(handover)s into the custody of another state.")
        said = [say(text, removal=wording.removal_said(removals[-1]), handover=handed)]
    else:
        said = [say("The person was %(handover)s into the custody of another state.", handover=handed)]
    if earlier:
        before_it = [wording.custody_event_said(e) for e in earlier]
        listed = Words(
            "; ".join(f"%(e{i})s" for i in range(len(before_it))), tuple((f"e{i}", w) for i, w in enumerate(before_it))
        )
        said.append(say("Before that: %(events)s.", events=listed))
    still = now.event == handover.id
    if still:
        said.append(say("As far as the record shows, they are still held there on %(day)s.", day=facts.as_of))
    else:
        text = phrase("They may have been released by %(day)s: the record dates the release only as a range.")
        said.append(say(text, day=facts.as_of))
    if not removals:
        said.append(say("No removal is recorded before it."))
    words = sentences(*said)
    evidence = tuple(e.id for e in (*removals[-1:], *earlier, handover))
    certainty = facts.by_as_of(handover) if still else Certainty.POSSIBLE
    return [Finding(Severity.WARNING, certainty, str(words), evidence, words)]


def custody_run_start(events: Sequence[Event]) -> Event | None:
    """The event that began the current unbroken stretch of US custody (None if not in US custody)."""
    start: Event | None = None
    for event in events:
        rule = TRANSITIONS.get(event.kind)
        if rule is None:
            continue
        start = (start or event) if rule.custody is Custody.US_CUSTODY else None
    return start


def _first_day(events: Sequence[Event], order: Event, lo: date, hi: date, wanted: set[Finality]) -> date | None:
    """The first day in [lo, hi] the posture calls ``order`` one of ``wanted`` (finality, once reached, stays)."""

    def reached(day: date) -> bool:
        status = order_status(events, day)
        return status is not None and status.order.id == order.id and status.finality in wanted

    if lo > hi or not reached(hi):
        return None
    while lo < hi:
        middle = lo + (hi - lo) // 2
        lo, hi = (lo, middle) if reached(middle) else (middle + date.resolution, hi)
    return lo


def final_since(events: Sequence[Event], status: OrderStatus, as_of: date) -> DateRange:
    """When the order became final, as the posture (8 CFR 1241.1) reads it: a range when the day is uncertain."""
    order = status.order
    if status.decided_by is not None:
        return later_of(order.date, status.decided_by.date)
    if order.get("decided_by") in ("bia", "federal_court") or order.get("appeal_waived"):
        return order.date
    # Final when the time to appeal ran out: from the first day it may be final to the first it surely is.
    possibly = _first_day(events, order, order.date.earliest, as_of, {Finality.FINAL, Finality.POSSIBLY_FINAL})
    surely = _first_day(events, order, order.date.earliest, as_of, {Finality.FINAL})
    first = possibly or as_of
    return DateRange(first, max(first, surely or as_of))


def _court_stay(stays: Sequence[Event], appeal: Event | None) -> Event | None:
    """A stay of removal in force that a court may have ordered (a stay DHS granted itself does not count)."""
    for stay in stays:
        if stay is appeal or stay.get("stay_type") == "administrative" or stay.get("decided_by") == "dhs":
            continue
        return stay
    return None


@dataclass(frozen=True)
class _Held:
    """What prolonged detention found, before the note on uncertain dates that may follow it."""

    severity: Severity
    certainty: Certainty
    words: Words
    evidence: tuple[str, ...]


def _post_order(facts: Facts, start: Event) -> _Held | None:
    """The critical finding for detention past the limit after a final removal order, if the record shows one."""
    status = order_status(facts.events, facts.as_of)
    if status is None or status.finality is Finality.NOT_FINAL:
        return None
    stays = posture(facts.events, facts.as_of).stays
    if _court_stay(stays, status.appeal) is not None:
        return None  # 8 U.S.C. 1231(a)(1)(B)(ii): the removal period waits for the court's final order
    final_from = final_since(facts.events, status, facts.as_of)
    limit = facts.threshold("prolonged_detention", "final_order_days")
    since_final = span(later_of(final_from, start.date), facts.as_of)
    beyond = past(since_final, limit)
    if not beyond:
        return None
    certainty = Certainty.of(beyond, Certainty.CERTAIN if status.finality is Finality.FINAL else Certainty.POSSIBLE)
    words = say(
        _PAST_FINAL_ORDER,
        start=wording.custody_noun_said(start),
        days=since_final,
        as_of=facts.as_of,
        ordered=status.order.date,
        final=final_from,
        basis=wording.finality_basis_said(status.basis),
        limit=_count(limit),
    )
    shown = [start, status.order, *(e for e in (status.decided_by,) if e is not None)]
    return _Held(Severity.CRITICAL, certainty, words, tuple(dict.fromkeys(e.id for e in shown)))


def _pre_order_note(facts: Facts) -> Words | None:
    """Why the post-order clock is not running, when a removal order is on record: not final, or stayed by a court."""
    status = order_status(facts.events, facts.as_of)
    if status is not None and status.finality is Finality.NOT_FINAL:
        basis = wording.finality_basis_said(status.basis)
        return say("The removal order of %(date)s is not final: %(basis)s.", date=status.order.date, basis=basis)
    stay = _court_stay(posture(facts.events, facts.as_of).stays, status.appeal if status else None)
    if status is None or stay is None:
        return None
    if stay.kind == Kind.PETITION_FILED:
        granted = wording.matter_said(stay)
    else:
        granted = say("a decision on %(date)s", date=stay.date)
    return say(_STAYED, granted=granted)


_PAST_FINAL_ORDER = phrase(
    "Held in US custody without a break since %(start)s, and for %(days)s days as of %(as_of)s after a final "
    "removal order (ordered %(ordered)s; final from %(final)s: %(basis)s): more than %(limit)s days, past the six "
    "months that detention to carry out a removal is presumed reasonable."
)
_STAYED = phrase(
    "Removal is stayed (with %(granted)s): if a court ordered the stay, the removal period begins only with its "
    "final order, and the six-month clock with it."
)


def prolonged_detention(facts: Facts) -> list[Finding]:
    start = custody_run_start(facts.events)
    if start is None:
        return []
    limit = facts.threshold("prolonged_detention", "days")
    held = span(start.date, facts.as_of)
    detained = past(held, limit)
    found = _post_order(facts, start)
    if found is None and detained:
        text = phrase(
            "Held in US custody without a break since %(start)s: %(days)s days as of %(as_of)s, more than %(limit)s."
        )
        said = say(text, start=wording.custody_noun_said(start), days=held, as_of=facts.as_of, limit=_count(limit))
        note = _pre_order_note(facts)
        found = _Held(Severity.WARNING, detained, sentences(said, note) if note is not None else said, (start.id,))
    if found is None:
        return []
    words = found.words
    if found.certainty is Certainty.POSSIBLE:
        words = sentences(words, say("Whether the threshold is passed depends on uncertain dates."))
    return [Finding(found.severity, found.certainty, str(words), found.evidence, words)]


def _moves(events: Sequence[Event]) -> list[Event]:
    """The transfers that moved the person (a repeated report of the same facility is not a move)."""
    state, moves = CustodyState(), []
    for event in events:
        after = state.step(event)
        if event.kind == Kind.TRANSFERRED and after is not state:
            moves.append(event)
        state = after
    return moves


def _densest(moves: list[Event], count: int, window: float) -> tuple[list[Event], Certainty] | None:
    """The run of at least ``count`` moves within ``window`` days: certainly within it if one is, else possibly."""
    best: tuple[list[Event], Certainty] | None = None
    for i, first in enumerate(moves):
        surely = [m for m in moves[i:] if (m.date.latest - first.date.earliest).days <= window]
        maybe = [m for m in moves[i:] if (m.date.earliest - first.date.latest).days <= window]
        if len(surely) >= count and (best is None or best[1] is Certainty.POSSIBLE or len(surely) > len(best[0])):
            best = (surely, Certainty.CERTAIN)
        elif len(maybe) >= count and best is None:
            best = (maybe, Certainty.POSSIBLE)
    return best


def frequent_transfers(facts: Facts) -> list[Finding]:
    count = facts.threshold("frequent_transfers", "transfers")
    window = facts.threshold("frequent_transfers", "window_days")
    found = _densest(_moves(facts.events), max(1, int(count)), window)
    if found is None:
        return []
    run, certainty = found
    places = tuple(wording.custody_event_said(m) for m in run)
    text = phrase(
        "The person was moved %(moves)s times within %(window)s days: %(places)s. Each move can cut them off from "
        "counsel, family and the court where their case is heard."
    )
    said = [say(text, moves=len(run), window=_count(window), places=places)]
    counsel = posture(facts.events, facts.as_of).counsel
    if counsel is not None:
        said.append(say("Counsel of record since %(date)s: ICE must tell counsel of each transfer.", date=counsel.date))
    if certainty is Certainty.POSSIBLE:
        said.append(say("Whether they fall within %(window)s days depends on uncertain dates.", window=_count(window)))
    words = sentences(*said)
    evidence = tuple(m.id for m in run)
    return [Finding(Severity.WARNING, Certainty.of(certainty, facts.by_as_of(run[-1])), str(words), evidence, words)]


_REVOCATION = {
    "bond": phrase(
        "release on bond may be revoked under 8 CFR 236.1(c)(9); after an immigration judge's bond decision, only on "
        "changed circumstances (Matter of Sugay)"
    ),
    "order_of_supervision": phrase(
        "release on an order of supervision may be revoked under 8 CFR 241.4(l) (or 241.13(i)), with notice of the "
        "reasons and a prompt informal interview"
    ),
    "parole": phrase("parole ends on written notice (8 CFR 212.5(e)(2)(i))"),
    "court_order": phrase("a court ordered the release: tell that court of the re-arrest"),
}
# Why the person was released, as the vocabulary names it (domain/vocabulary.py), in the words of a label.
_RELEASE_REASONS = {
    "bond": phrase("bond"),
    "parole": phrase("parole"),
    "order_of_supervision": phrase("order of supervision"),
    "alternatives_to_detention": phrase("alternatives to detention"),
    "court_order": phrase("court order"),
    "exchange": phrase("exchange"),
    "other": phrase("other"),
}


def _release_reason(reason: object) -> Words:
    """' (order of supervision)' after the release's day; a reason the vocabulary does not name stays English."""
    if not reason:
        return say("")
    known = _RELEASE_REASONS.get(str(reason))
    return say(" (%(reason)s)", reason=say(known) if known else english(str(reason).replace("_", " ")))


def redetained_after_release(facts: Facts) -> list[Finding]:
    start = custody_run_start(facts.events)
    if start is None:
        return []
    index = facts.events.index(start)
    releases = [e for e in facts.events[:index] if e.kind == Kind.RELEASED]
    if not releases:
        return []
    release = releases[-1]
    reason = release.get("reason")
    why = _REVOCATION.get(reason, phrase("a release may be revoked under 8 CFR 236.1(c)(9)"))
    words = say(
        "The person was released on %(date)s%(reason)s and is back in US custody since %(start)s. Ask for the notice "
        "of revocation and the changed circumstances behind it: %(why)s. Courts differ on what process a re-arrest "
        "needs.",
        date=release.date,
        reason=_release_reason(reason),
        start=wording.custody_noun_said(start),
        why=say(why),
    )
    certainty = Certainty.of(before(release.date, start.date) or Certainty.POSSIBLE, facts.by_as_of(start))
    return [Finding(Severity.WARNING, certainty, str(words), (release.id, start.id), words)]


_DECLARATION = "UN Declaration on the Protection of All Persons from Enforced Disappearance, G.A. Res. 47/133 (1992)"
_PBNDS = "ICE, Performance-Based National Detention Standards 2011 (rev. Dec. 2016)"

RULES = (
    Rule(
        id="foreign_custody",
        position=50,
        title="Handed into another state's custody",
        severities=(Severity.WARNING,),
        description=(
            "Raised while the person is held in the custody of another state or authority outside the United "
            "States after being handed over to it, usually after a removal: one flag, for the custody they are "
            "in, naming any hand-over before it. Not raised once they are released, returned or dead: a past "
            "hand-over is then history, not an alarm. Once in a foreign prison, a person is beyond the reach of US "
            "immigration courts and of counsel's usual means of contact. The law here is contested and moving: "
            "whether the Alien Enemies Act reaches the removals of 2025, and how far the United States answers "
            "for people it handed to a foreign prison, are questions still before the courts; the Supreme "
            "Court's orders cited below are about notice and facilitating a return, not a ruling that the "
            "removals were unlawful."
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
                "Trump v. J.G.G., 604 U.S. ___ (2025) (per curiam) (No. 24A931, Apr. 7, 2025)",
                "people held for removal under the Alien Enemies Act must be given notice, within a reasonable "
                "time and in a way that lets them seek habeas relief in the district where they are held, before "
                "they are removed; the Act's use against Tren de Aragua is still being litigated",
            ),
            Citation(
                "A.A.R.P. v. Trump, 605 U.S. ___ (2025) (per curiam) (No. 24A1007, May 16, 2025)",
                "notice about 24 hours before removal, without saying how to contest it, does not meet that standard",
            ),
            Citation(
                "Noem v. Abrego Garcia, 604 U.S. ___ (2025) (No. 24A949, Apr. 10, 2025)",
                "the government must facilitate the release from custody in El Salvador of a man it conceded it "
                "had removed there in error, and see that his case is handled as it would have been had he not "
                "been sent there",
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
            "unknown whereabouts: nobody has confirmed where the person is or that they arrived safely; but a "
            "removal to a country of the person's citizenship, with nothing pending, no protection granted and "
            "no hand-over, is at most a warning (confirm the arrival). Proof of life is weighed by who vouches "
            "for it: an event recorded for a whole cohort on the detaining authority's word alone "
            "(`attested_by: detaining_authority`, or only government statements as sources) proves no member "
            "alive, and the clock runs on (counted from that statement when nothing else is on record: 'at "
            "least'); a sign of life resting only on unverified sources may or may not have stopped the clock, "
            "so the days run from the last verified proof and the flag is possible. A locator check is never "
            "proof of life. Once the person is released or has died the clock stops and nothing is raised; no "
            "proof of life on record at all raises nothing either. Uncertain dates give a range of days; "
            "possible when the range straddles the threshold."
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
            "held for more than `final_order_days` after a final removal order. Finality is the posture's, as "
            "8 CFR 1241.1 states it: an order is final when the BIA decides the appeal, when appeal is waived, "
            "when a BIA or federal-court order is entered, or when the 30 days to appeal run out (possibly "
            "final on a day a holiday might have moved the deadline); a pending BIA appeal keeps it from being "
            "final, a petition for review does not. The post-order clock starts at the later of the day the "
            "order became final and the start of the current stretch of custody. While a stay of removal that "
            "a court may have ordered is in force, the flag stays a warning: the removal period then begins "
            "only with the court's final order (8 U.S.C. § 1231(a)(1)(B)(ii)), and some courts hold such "
            "detention to fall under § 1226 rather than § 1231."
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
                "8 CFR 1241.1; 8 U.S.C. § 1231(a)(1)(B)",
                "when a removal order becomes final, and so when the removal period begins: at finality, or, when "
                "a court reviewing the order stays removal, on the court's final order",
            ),
            Citation(
                "Prieto-Romero v. Clark, 534 F.3d 1053 (9th Cir. 2008)",
                "detention of a person whose removal a court of appeals has stayed pending a petition for review "
                "rests on 8 U.S.C. § 1226(a), not § 1231 (other circuits have not all agreed)",
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
    Rule(
        id="frequent_transfers",
        position=105,
        title="Transferred again and again",
        severities=(Severity.WARNING,),
        description=(
            "Raised when the record shows at least `transfers` transfers from one facility to another within "
            "`window_days` days of the first of them (a repeated report of the same facility is not a "
            "transfer; a book-in is not one). Each move can take the person away from counsel, family, "
            "evidence and the court hearing the case. Possible when uncertain dates leave it open whether the "
            "moves fall within the window. The explanation names counsel of record, whom ICE must tell of a "
            "transfer."
        ),
        thresholds=(
            Threshold("transfers", 3, "transfers", "transfers within the window before a warning"),
            Threshold("window_days", 30, "days", "the span of days the transfers are counted within"),
        ),
        legal_basis=(
            Citation(
                f'{_PBNDS}, Standard 7.4, "Detainee Transfers"',
                "how transfers are decided and carried out, with notice to the detainee's attorney of record",
            ),
            Citation(
                'ICE Policy 11022.1, "Detainee Transfers" (Jan. 4, 2012)',
                "transfers out of a field office's area are to be kept to a minimum; an attorney of record, "
                "family nearby, pending proceedings or a bond hearing weigh against transfer; counsel of record "
                "must be told of the transfer",
            ),
            Citation(
                f"{_DECLARATION}, art. 10(2)",
                "accurate information on the detention and place of detention, including transfers, must be "
                "made promptly available to family, counsel and others with a legitimate interest",
            ),
        ),
        check=frequent_transfers,
    ),
    Rule(
        id="redetained_after_release",
        position=107,
        title="Detained again after a release",
        severities=(Severity.WARNING,),
        description=(
            "Raised when the person is back in US custody after a release on record (on bond, parole, an order "
            "of supervision, alternatives to detention, a court's order or otherwise). A release may be "
            "revoked only as the regulation for it allows, and what process a re-arrest requires is contested: "
            "the BIA asks for changed circumstances after an immigration judge's bond decision, some courts "
            "have required a prompt hearing before a neutral decision-maker, others have not. The explanation "
            "names the provision for the kind of release recorded. Possible when the release and the new "
            "custody may have come in either order."
        ),
        legal_basis=(
            Citation(
                "8 CFR 236.1(c)(9)",
                "a release on bond, parole or recognizance pending proceedings may be revoked at any time in the "
                "discretion of the officials the rule names; any outstanding bond is then revoked",
            ),
            Citation(
                "8 CFR 241.4(l); 8 CFR 241.13(i)",
                "a release after a final order may be revoked for a violation of its conditions or, under "
                "241.13(i), on changed circumstances; the person must be told the reasons and be given a prompt "
                "informal interview to answer them",
            ),
            Citation("8 CFR 212.5(e)(2)(i)", "parole ends on written notice to the person"),
            Citation(
                "Matter of Sugay, 17 I&N Dec. 637 (BIA 1981)",
                "where an immigration judge has decided bond, DHS should not change it absent a change of "
                "circumstances",
            ),
            Citation(
                "Saravia v. Sessions, 905 F.3d 1137 (9th Cir. 2018)",
                "affirming an injunction that gave minors re-arrested after release to sponsors a prompt hearing "
                "before a neutral decision-maker (courts differ on what process other re-arrests require)",
            ),
        ),
        check=redetained_after_release,
    ),
)

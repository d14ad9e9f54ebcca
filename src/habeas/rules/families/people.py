"""Rules about who the person is: a death in custody, a US citizen held or removed, a child held."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event, Person
from habeas.domain.vocabulary import Custody, Kind
from habeas.domain.whereabouts import TRANSITIONS, CustodyState, custody_on
from habeas.rules import wording
from habeas.rules.families.custody import custody_run_start, whereabouts_said
from habeas.rules.flag import Certainty, Country, Finding, Severity, Words, phrase, say, sentences
from habeas.rules.rule import Citation, Facts, Rule, Threshold
from habeas.rules.timing import before, number, past, span

_HELD = frozenset({Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY})


def _fold(events: Sequence[Event]) -> CustodyState:
    state = CustodyState()
    for event in events:
        state = state.step(event)
    return state


def _custody_at_death(facts: Facts, death: Event) -> tuple[CustodyState, Certainty] | None:
    """Where the record held the person just before ``death``, and whether that order of dates is certain."""
    index = facts.events.index(death)
    prior = [e for e in facts.events[:index] if e.kind in TRANSITIONS and e.kind != Kind.DIED]
    later = [e for e in facts.events[index + 1 :] if e.kind in TRANSITIONS and e.kind != Kind.DIED]
    state = _fold(prior)
    if state.custody in _HELD and state.event is not None:
        entered = next(e for e in prior if e.id == state.event)
        # A later release, removal or hand-over whose dates overlap the death's may have come first.
        ended_first = any(before(e.date, death.date) for e in later)
        certainty = Certainty.of(
            before(entered.date, death.date) or Certainty.POSSIBLE,
            Certainty.POSSIBLE if ended_first else Certainty.CERTAIN,
        )
        return state, certainty
    if prior and before(prior[-1].date, death.date) is Certainty.POSSIBLE:
        # The last change of custody (a release, say) may have come after the death.
        earlier = _fold(prior[:-1])
        if earlier.custody in _HELD:
            return earlier, Certainty.POSSIBLE
    return None


def _death_place(death: Event) -> Words:
    """Where the person died, after the day: ' (Krome, US)', ' (Krome)', ' (US)' or nothing."""
    return wording.where_said(death.get("place"), death.get("country"))


def _held_words(state: CustodyState) -> Words:
    """Where and since when they were held: ' (Krome, US; since 2025-03-16)', or nothing when unknown."""
    where = (
        say("%(where)s, %(country)s", where=state.facility, country=Country(state.country))
        if state.facility and state.country
        else state.facility or (Country(state.country) if state.country else None)
    )
    if where and state.since:
        return say(" (%(where)s; since %(day)s)", where=where, day=state.since)
    if where:
        return say(" (%(where)s)", where=where)
    if state.since:
        return say(" (since %(day)s)", day=state.since)
    return say("")


def died_in_custody(facts: Facts) -> list[Finding]:
    # A person dies once: a second report of the death is for conflicting_accounts, not a second flag.
    death = next(iter(facts.of_kind(Kind.DIED)), None)
    found = _custody_at_death(facts, death) if death else None
    if death is None or found is None:
        return []
    state, order = found
    place, held = _death_place(death), _held_words(state)
    if state.custody is Custody.US_CUSTODY:
        text = phrase("The person died on %(date)s%(place)s while held in US custody%(held)s.")
    else:
        text = phrase(
            "The person died on %(date)s%(place)s in the custody of another state or authority%(held)s, into which "
            "they had been handed from US custody. ICE's duties to report a death may not reach it: ask the "
            "receiving state, and the State Department, for an account."
        )
    words = say(text, date=death.date, place=place, held=held)
    if order is Certainty.POSSIBLE:
        words += say(" Whether the death came while they were held depends on the order of uncertain dates.")
    evidence = tuple(dict.fromkeys(e for e in (state.event, death.id) if e))
    certainty = Certainty.of(order, facts.by_as_of(death))
    return [Finding(Severity.CRITICAL, certainty, str(words), evidence, words)]


def us_citizen_detained(facts: Facts) -> list[Finding]:
    citizenships = facts.person.citizenships
    if "US" not in citizenships:
        return []
    listed = wording.countries_said(citizenships)
    findings = []
    state = custody_on(facts.events, facts.as_of)
    held = facts.timeline.by_id(state.event) if state.event else None
    if state.custody is Custody.US_CUSTODY and held is not None:
        text = phrase(
            "The record lists the person as a citizen of %(countries)s, yet the person %(where)s. Immigration "
            "detention reaches only those who are not citizens: raise the citizenship claim with ICE and in habeas "
            "at once."
        )
        words = say(text, countries=listed, where=whereabouts_said(state))
        findings.append(Finding(Severity.CRITICAL, facts.by_as_of(held), str(words), (held.id,), words))
    for removal in facts.of_kind(Kind.REMOVED):
        text = phrase(
            "The record lists the person as a citizen of %(countries)s, yet the person was %(removal)s. A citizen "
            "cannot be removed; the government may be asked to return them, and a claim to citizenship is for a "
            "court to decide."
        )
        words = say(text, countries=listed, removal=wording.removal_said(removal))
        findings.append(Finding(Severity.CRITICAL, facts.by_as_of(removal), str(words), (removal.id,), words))
    return findings


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + years, 3, 1)


def _birth(person: Person) -> DateRange | None:
    if person.birth_date is not None:
        return person.birth_date
    if person.birth_year is not None:
        return DateRange(date(person.birth_year, 1, 1), date(person.birth_year, 12, 31), str(person.birth_year))
    return None


def under_18(person: Person, day: date) -> Certainty | None:
    """Whether the person is a child on ``day``: certainly, possibly (the birth date is a range), or not."""
    birth = _birth(person)
    if birth is None or birth.earliest > day:
        return None
    if day < _plus_years(birth.earliest, 18):
        return Certainty.CERTAIN
    if day < _plus_years(birth.latest, 18):
        return Certainty.POSSIBLE
    return None


def past_hours(held: DayCount, hours: float) -> Certainty | None:
    """Whether custody over these many calendar days is more than ``hours``.

    A day-granular record cannot tell the hour: held from day A to day B is more than (B - A - 1)
    and less than (B - A + 1) days. So 72 hours is certainly past after more than 3 days, and
    possibly past on the third.
    """
    if (held.min - 1) * 24 >= hours:
        return Certainty.CERTAIN
    if (held.max + 1) * 24 > hours:
        return Certainty.POSSIBLE
    return None


def _limit(value: float) -> int | str:
    return int(value) if float(value).is_integer() else number(value)


def _child_limits(facts: Facts, held: DayCount) -> tuple[Severity, Certainty, Words] | None:
    days = facts.threshold("child_detained", "accompanied_days")
    hours = facts.threshold("child_detained", "unaccompanied_hours")
    unaccompanied = facts.person.unaccompanied
    tvpra = say("the %(hours)s hours within which DHS must transfer an unaccompanied child to HHS", hours=_limit(hours))
    flores = say("the %(days)s days the Flores court has accepted for holding an accompanied child", days=_limit(days))
    if unaccompanied is True:
        over = past_hours(held, hours)
        why = say("The record says the child is unaccompanied: past %(tvpra)s.", tvpra=tvpra)
        return (Severity.CRITICAL, over, why) if over else None
    over_days = past(held, days)
    if unaccompanied is False:
        return (
            (Severity.CRITICAL, over_days, say("The child is accompanied: past %(flores)s.", flores=flores))
            if over_days
            else None
        )
    if over_days:
        why = say("Past %(flores)s, and so past %(tvpra)s too, had the child come alone.", flores=flores, tvpra=tvpra)
        return Severity.CRITICAL, over_days, why
    over_hours = past_hours(held, hours)
    if over_hours:
        text = phrase(
            "The record does not say whether the child is unaccompanied; if so, this is past %(tvpra)s. Record it."
        )
        return Severity.WARNING, Certainty.POSSIBLE, say(text, tvpra=tvpra)
    return None


def child_detained(facts: Facts) -> list[Finding]:
    child = under_18(facts.person, facts.as_of)
    state = custody_on(facts.events, facts.as_of)
    start = custody_run_start(facts.events)
    if child is None or state.custody is not Custody.US_CUSTODY or start is None:
        return []
    held = span(start.date, facts.as_of)
    limit = _child_limits(facts, held)
    if limit is None:
        return []
    severity, over, why = limit
    text = phrase("A child is held in US custody: %(days)s days as of %(as_of)s since %(start)s.")
    said = [say(text, days=held, as_of=facts.as_of, start=wording.custody_noun_said(start)), why]
    if child is Certainty.POSSIBLE and facts.person.birth_date is not None:
        said.append(say("The person may already be 18: the record gives the birth date only as a range of days."))
    elif child is Certainty.POSSIBLE:
        said.append(say("The person may already be 18: the record gives the birth date only as its year."))
    if over is Certainty.POSSIBLE and severity is Severity.CRITICAL:
        said.append(say("Whether the limit is passed depends on uncertain dates (or the hour of arrest)."))
    words = sentences(*said)
    return [Finding(severity, Certainty.of(child, over, facts.by_as_of(start)), str(words), (start.id,), words)]


_FLORES_AGREEMENT = (
    "Stipulated Settlement Agreement, Flores v. Reno, No. CV 85-4544 (C.D. Cal.) (approved Jan. 28, 1997)"
)

RULES = (
    Rule(
        id="died_in_custody",
        position=5,
        title="Died in custody",
        severities=(Severity.CRITICAL,),
        description=(
            "Raised when the record shows the person died while held: in US custody (the custody before the "
            "death, as the whereabouts derive it), or in another state's or authority's custody after a "
            "hand-over by the United States (the explanation says which). Certain when the death certainly "
            "came after the custody began and before any release, removal or hand-over; possible when the dates "
            "overlap (a release on the day of the death, say). A death after a release is not raised."
        ),
        legal_basis=(
            Citation(
                "ICE, Performance-Based National Detention Standards 2011 (rev. Dec. 2016), Standard 4.7, "
                '"Terminal Illness, Advance Directives, and Death"',
                "what ICE and the facility must do when a detainee dies, including notice to the next of kin and "
                "the consulate, and the reporting of the death within ICE",
            ),
            Citation(
                "Death in Custody Reporting Act of 2013, Pub. L. No. 113-242, § 3, 128 Stat. 2860 (2014)",
                "the head of each federal law enforcement agency must report to the Attorney General the death "
                "of any person detained or arrested by its officers or held in a facility it runs, contracts "
                "with or uses (section 2 covers deaths in state and local custody)",
            ),
            Citation(
                "Body of Principles for the Protection of All Persons under Any Form of Detention or Imprisonment, "
                "G.A. Res. 43/173 (1988), principle 34",
                "a death during detention calls for an inquiry into its cause by a judicial or other authority, "
                "on its own motion or at the request of the family or of anyone who knows of the case",
            ),
        ),
        check=died_in_custody,
    ),
    Rule(
        id="us_citizen_detained",
        position=8,
        title="US citizen held or removed",
        severities=(Severity.CRITICAL,),
        description=(
            "Raised when the person's citizenships include the United States (US) and the record holds them in "
            "US custody on the day, and again for each removal of them on record. Immigration detention and "
            "removal reach only people who are not citizens; a claim to citizenship must be investigated at "
            "once and, when contested, decided by a court. The flag rests on the citizenship the record "
            "lists: check the evidence for it."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. §§ 1226(a), 1231(a)",
                "the statutes that authorise immigration detention reach only an alien: one who is not a citizen "
                "or national of the United States (8 U.S.C. § 1101(a)(3))",
            ),
            Citation(
                'ICE Directive 16001.2, "Investigating the Potential U.S. Citizenship of Individuals Encountered '
                'by ICE" (Nov. 10, 2015)',
                "as a matter of law ICE cannot use its civil immigration authority to arrest or detain a US "
                "citizen; indications of citizenship must be investigated immediately",
            ),
            Citation(
                "Ng Fung Ho v. White, 259 U.S. 276 (1922); 8 U.S.C. § 1252(b)(5)",
                "the executive's power to deport exists only if the person is an alien, and a claim to "
                "citizenship is for a court; on a petition for review, the court of appeals decides a nationality "
                "claim or sends a genuine dispute of fact to a district court",
            ),
        ),
        check=us_citizen_detained,
    ),
    Rule(
        id="child_detained",
        position=55,
        title="Child held in immigration custody",
        severities=(Severity.WARNING, Severity.CRITICAL),
        description=(
            "Raised when the person is under 18 on the day (from the birth date, else the birth year) and held "
            "in US custody, unbroken since the start of the current stretch, for longer than the law allows. "
            "Critical for an unaccompanied child (`unaccompanied: true`) past `unaccompanied_hours`, counted "
            "from the start of custody, the nearest the record comes to the determination that the child is "
            "unaccompanied (a record kept in days cannot tell the hour: 72 hours is certainly past after more than "
            "3 days held, and possibly on the third), and for an accompanied child (`unaccompanied: false`) past "
            "`accompanied_days`. When the record does not say whether the child is unaccompanied: critical "
            "past `accompanied_days` (either limit is passed), and a possible warning past the hours. Possible "
            "when the birth date (or a birth year alone) leaves it open whether the person is still under 18. "
            "A hand-over to HHS's Office of Refugee Resettlement (recorded as `handed_over`, country US) ends "
            "the DHS custody these limits count. The 20 days is not in the Flores Agreement's text: it is the "
            "benchmark the court accepted in 2015 for releasing families screened for fear during an influx, "
            "and the government has long argued that it is no fixed limit."
        ),
        thresholds=(
            Threshold(
                "accompanied_days",
                20,
                "days",
                "days an accompanied child may be held before the flag is critical (Flores, 2015 orders)",
            ),
            Threshold(
                "unaccompanied_hours",
                72,
                "hours",
                "hours an unaccompanied child may be held by DHS before transfer to HHS (8 U.S.C. § 1232(b)(3))",
            ),
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1232(b)(3) (TVPRA of 2008, Pub. L. No. 110-457, § 235); 6 U.S.C. § 279(g)(2)",
                "save in exceptional circumstances, a federal agency holding an unaccompanied alien child must "
                "transfer the child to HHS within 72 hours of determining that the child is unaccompanied",
            ),
            Citation(
                f"{_FLORES_AGREEMENT}, ¶¶ 12A, 14",
                "minors are to be released without unnecessary delay, preferably to a parent, and otherwise "
                "placed in a licensed, non-secure program, within days of arrest",
            ),
            Citation(
                "Flores v. Johnson, 212 F. Supp. 3d 864 (C.D. Cal. 2015) (July 24, 2015); Flores v. Lynch, "
                "212 F. Supp. 3d 907 (C.D. Cal. 2015) (Aug. 21, 2015)",
                "the Agreement covers children held with a parent in family detention; the August order accepted "
                "holding families screened for fear up to about 20 days during an influx, not longer (a benchmark "
                "the government contests)",
            ),
            Citation(
                "Flores v. Lynch, 828 F.3d 898 (9th Cir. 2016); Flores v. Rosen, 984 F.3d 720 (9th Cir. 2020)",
                "the Agreement applies to accompanied and unaccompanied minors alike (though it gives no release "
                "right to the parents); DHS's 2019 regulations did not end it, and most of their provisions on "
                "accompanied minors stay enjoined",
            ),
        ),
        check=child_detained,
    ),
)

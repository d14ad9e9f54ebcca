"""The rule about sources that disagree on where the person was held."""

from __future__ import annotations

from itertools import combinations

from habeas.domain.model import Event
from habeas.domain.vocabulary import Custody, Kind
from habeas.domain.whereabouts import TRANSITIONS, proves_alive
from habeas.rules import wording
from habeas.rules.flag import Certainty, Country, Finding, Severity, Words, phrase, say
from habeas.rules.rule import Citation, Facts, Rule
from habeas.rules.timing import before

# The kinds that put a person in US custody, read from the one custody table.
_IN_US = frozenset(kind for kind, move in TRANSITIONS.items() if move.custody is Custody.US_CUSTODY)


def places(event: Event) -> frozenset[str] | None:
    """The countries an event puts the person in on its date (a removal spans both ends)."""
    if event.kind in _IN_US:
        return frozenset({event.get("country") or "US"})
    if event.kind == Kind.REMOVED:
        return frozenset({"US", event.get("destination")}) if event.get("destination") else None
    country = event.get("country")
    return frozenset({country}) if country and event.kind in TRANSITIONS else None


def _overlap(a: Event, b: Event) -> Certainty | None:
    """Whether two events may have been at the same time; certain when both are the same known day."""
    if a.date.latest < b.date.earliest or b.date.latest < a.date.earliest:
        return None
    same_day = a.date.exact and b.date.exact and a.date.earliest == b.date.earliest
    return Certainty.CERTAIN if same_day else Certainty.POSSIBLE


def _countries(codes: frozenset[str]) -> Words:
    """Countries in a list, in the order of their codes: 'SV, US'."""
    ordered = sorted(codes)
    return Words(
        ", ".join(f"%(c{i})s" for i in range(len(ordered))), tuple((f"c{i}", Country(c)) for i, c in enumerate(ordered))
    )


def _conflict(a: Event, b: Event) -> tuple[Certainty, Words] | None:
    if not a.sources or not b.sources or set(a.sources) & set(b.sources):
        return None  # one account, or an unsourced one: not two sources disagreeing
    if Kind.DIED in (a.kind, b.kind):
        death, other = (a, b) if a.kind == Kind.DIED else (b, a)
        if proves_alive(other) and before(death.date, other.date) is Certainty.CERTAIN:
            return Certainty.CERTAIN, say("records a death, yet another source shows the person alive later")
    at_same_time = _overlap(a, b)
    if at_same_time is None:
        return None
    place_a, place_b = places(a), places(b)
    if place_a and place_b and not place_a & place_b:
        where = say("%(first)s and %(second)s", first=_countries(place_a), second=_countries(place_b))
        return at_same_time, say("place the person in %(where)s at the same time", where=where)
    return None


_DISAGREE = phrase(
    "Sources disagree about the person's custody: %(items)s. Find out which account is right; the derived "
    "whereabouts follow the timeline order and may be wrong."
)


def conflicting_accounts(facts: Facts) -> list[Finding]:
    relevant = [e for e in facts.events if e.kind in TRANSITIONS or proves_alive(e)]
    items = []
    for a, b in combinations(relevant, 2):
        found = _conflict(a, b)
        if found:
            certainty, what = found
            sources = say("%(a)s vs %(b)s", a=", ".join(a.sources), b=", ".join(b.sources))
            text = say(
                "%(a)s and %(b)s %(what)s (%(sources)s)",
                a=wording.proof_of_life_said(a),
                b=wording.proof_of_life_said(b),
                what=what,
                sources=sources,
            )
            items.append((a, b, certainty, text))
    if not items:
        return []
    certain = any(c is Certainty.CERTAIN for _, _, c, _ in items)
    words = say(_DISAGREE, items=tuple(t for _, _, _, t in items))
    evidence = tuple(dict.fromkeys(i for a, b, _, _ in items for i in (a.id, b.id)))
    certainty = Certainty.CERTAIN if certain else Certainty.POSSIBLE
    return [Finding(Severity.WARNING, certainty, str(words), evidence, words)]


RULES = (
    Rule(
        id="conflicting_accounts",
        position=110,
        title="Sources disagree about custody",
        severities=(Severity.WARNING,),
        description=(
            "Raised when two custody events from different sources (they share no source) may have happened at "
            "the same time yet place the person in different countries (a removal places them both in the US "
            "and at its destination); or when one source records a death and another shows the "
            "person alive certainly later. Certain when both events are dated to the same single day (or, for a "
            "death, when the later sign of life is certainly later); possible when their uncertain dates only "
            "overlap. Unsourced events are not compared."
        ),
        legal_basis=(
            Citation(
                "28 U.S.C. § 2243",
                "in habeas the custodian must make a return certifying the true cause of the detention",
            ),
            Citation(
                "UN Declaration on the Protection of All Persons from Enforced Disappearance, G.A. Res. 47/133 "
                "(Dec. 18, 1992), art. 10(2)-(3)",
                "accurate information on the place of detention, including transfers, is owed promptly to family and "
                "counsel, and an up-to-date official register of every person deprived of liberty is to be kept",
            ),
            Citation(
                "Body of Principles for the Protection of All Persons under Any Form of Detention or Imprisonment, "
                "G.A. Res. 43/173 (Dec. 9, 1988), principle 12",
                "the time of the arrest, of the taking to a place of custody and the place of custody are to be duly "
                "recorded (a General Assembly resolution, not a treaty)",
            ),
        ),
        check=conflicting_accounts,
    ),
)

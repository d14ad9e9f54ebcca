"""Rules about removal: pending proceedings, protection, third countries, decisions after removal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from habeas.domain.model import Event
from habeas.domain.posture import Finality, Posture, posture
from habeas.domain.proceedings import open_matters
from habeas.domain.vocabulary import Kind, Matter, pending_spec
from habeas.rules import wording
from habeas.rules.flag import Certainty, Country, Finding, Part, Severity, Words, english, phrase, say
from habeas.rules.rule import Citation, Facts, Rule
from habeas.rules.timing import after, before

_POSSIBLY = phrase(" (possibly: the order of the dates is uncertain)")
_CERTAIN, _POSSIBLE = Certainty.CERTAIN, Certainty.POSSIBLE


def _best(parts: Sequence[Certainty]) -> Certainty:
    """Certain when any part is: one certain reason is enough."""
    return _CERTAIN if _CERTAIN in parts else _POSSIBLE


def _run(*parts: Words) -> Words:
    """Phrases one after the other, as they are written (each brings its own leading space)."""
    return Words("".join(f"%(p{i})s" for i in range(len(parts))), tuple((f"p{i}", p) for i, p in enumerate(parts)))


def _unstopped(words: Words) -> Words:
    """``words`` without the full stops they end with: a court recorded as "5th Cir." at the end of a sentence."""
    if not words.text.endswith(")s") or not words.params:
        return words
    last = words.text[words.text.rindex("%(") + 2 : -2]
    return replace(words, params=tuple((n, _unstopped_part(v) if n == last else v) for n, v in words.params))


def _unstopped_part(part: Part) -> Part:
    if isinstance(part, str):
        return part.rstrip(".")
    if isinstance(part, Words):
        return _unstopped(part)
    if isinstance(part, tuple) and part:
        return (*part[:-1], _unstopped(part[-1]))
    return part


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


@dataclass(frozen=True)
class _Item:
    """One thing the removal cut off (an open matter, or the time to appeal), or one thing that barred it."""

    text: Words
    certainty: Certainty
    evidence: tuple[str, ...]
    matter: Matter | None = None
    petition: str | None = None


def _open_at(facts: Facts, removal: Event, closed_by: dict[str, str]) -> list[_Item]:
    """The claims, petitions and hearings still open on the day of ``removal``."""
    items = []
    for matter in facts.of_kind(Kind.CLAIM_FILED, Kind.PETITION_FILED, Kind.HEARING_SCHEDULED):
        opened = before(matter.date, removal.date)
        closer = _closer(facts, closed_by, matter)
        pending = _still_pending(matter, removal, closer) if opened else None
        if opened is None or pending is None:
            continue
        text = wording.matter_said(matter)
        if closer is not None:
            closed = wording.outcome_said(closer)
            text += say(", decided only on %(date)s (%(outcome)s)", date=closer.date, outcome=closed)
        spec = pending_spec(matter.kind, matter.attrs)
        ids = (matter.id,) if closer is None else (matter.id, closer.id)
        kind = spec.matter if spec else None
        items.append(_Item(text, Certainty.of(opened, pending), ids, kind, matter.get("petition")))
    return items


def _views(facts: Facts, removal: Event) -> tuple[Posture, Posture]:
    """The posture on the day of removal: from what surely came before it, and from what may have."""
    others = [e for e in facts.events if e is not removal]
    surely = [e for e in others if e.date.latest < removal.date.earliest]
    return posture(surely, removal.date.earliest), posture(others, removal.date.latest)


def _unfinal(view: Posture) -> Certainty | None:
    """Whether there was no final order in this view: no order, or one not (or possibly not) final."""
    if view.order is None or view.order.finality is Finality.NOT_FINAL:
        return _CERTAIN
    return _POSSIBLE if view.order.finality is Finality.POSSIBLY_FINAL else None


def _order_bar(facts: Facts, removal: Event, views: tuple[Posture, Posture]) -> _Item | None:
    """No final order on the day of removal, in words; None when the order was final in every view."""
    parts = [_unfinal(v) for v in views]
    if parts == [None, None]:
        return None
    certainty = _CERTAIN if parts == [_CERTAIN, _CERTAIN] else _POSSIBLE
    shown = views[1] if parts[1] else views[0]
    status = shown.order
    if status is None:
        orders = [e for e in facts.of_kind(Kind.DECISION) if e.get("outcome") == "removal_order"]
        orders = [e for e in orders if before(e.date, removal.date)]
        if not orders:
            return _Item(say("No removal order is on record before the removal."), certainty, ())
        order = wording.removal_order_said(orders[-1], first=True)
        if certainty is _CERTAIN:
            text = say("%(order)s no longer stood: a later decision undid it.", order=order)
        else:
            text = say("%(order)s may no longer have stood: a later decision undid it.", order=order)
        return _Item(text, certainty, (orders[-1].id,))
    order, basis = wording.removal_order_said(status.order, first=True), wording.finality_basis_said(status.basis)
    if status.finality is Finality.NOT_FINAL:
        text = say("%(order)s was not final on that day: %(basis)s.", order=order, basis=basis)
    else:
        text = say("%(order)s may not have been final on that day: %(basis)s.", order=order, basis=basis)
    evidence = (status.order.id, *((status.appeal.id,) if status.appeal else ()))
    return _Item(text, certainty, evidence)


def _appeal_time(views: tuple[Posture, Posture]) -> list[_Item]:
    """The 30 days to appeal, when they had not run on the day of removal and no appeal was taken."""
    running = [v.order for v in views if v.order and v.order.finality is not Finality.FINAL and not v.order.appeal]
    if not running:
        return []
    surely = len(running) == 2 and all(r.finality is Finality.NOT_FINAL for r in running)
    certainty = _CERTAIN if surely else _POSSIBLE
    order = running[-1].order
    order_said = wording.removal_order_said(order)
    text = say("the time to appeal %(order)s to the Board of Immigration Appeals", order=order_said)
    return [_Item(text, certainty, (order.id,))]


def _stay_words(stay: Event) -> Words:
    if stay.kind == Kind.PETITION_FILED:
        return say("A stay of removal was in force, granted with %(matter)s.", matter=wording.matter_said(stay))
    return say("A stay of removal was in force, granted on %(date)s.", date=stay.date)


def _stay_bars(facts: Facts, removal: Event, views: tuple[Posture, Posture]) -> list[_Item]:
    """Stays of removal (other than a pending appeal's, which the order's finality says) in force on the day."""
    appeals = {v.order.appeal.id for v in views if v.order and v.order.appeal}
    in_view = [{s.id: s for s in v.stays} for v in views]
    bars = []
    for stay_id, stay in (in_view[0] | in_view[1]).items():
        held = _in_force(facts, stay, removal, _stay_lifted_by(stay)) if stay_id not in appeals else None
        if held is not None:
            in_both = _CERTAIN if all(stay_id in v for v in in_view) else _POSSIBLE
            bars.append(_Item(_stay_words(stay), Certainty.of(held, in_both), (stay_id,)))
    return bars


_FINAL_ORDER = phrase(
    " %(order)s was final (%(basis)s) and nothing on record stayed removal, so these did not bar it by themselves: "
    "a petition for review does not stay removal unless the court orders a stay (8 U.S.C. 1252(b)(3)(B); Nken v. "
    "Holder, 556 U.S. 418 (2009)), and neither does a habeas petition or a motion. Check whether a stay was asked "
    "for and how it was decided."
)
_OPEN_UNDER_FINAL = phrase(
    " A claim or hearing still open under a final order is unusual: check whether the order was reopened or the "
    "record is incomplete."
)
_DEPARTURE_BAR_NOTE = phrase(
    " The Board and immigration judges treat a departure, removal included, as withdrawing a pending motion to "
    "reopen or reconsider (8 CFR 1003.2(d), 1003.23(b)(1); Matter of Armendarez-Mendez, 24 I&N Dec. 646 (BIA "
    "2008)); several circuits have rejected that departure bar, so whether the motion survives depends on the "
    "circuit."
)
_REVIEW_NOTE = phrase(
    " Removal does not end a petition for review: the court keeps it, and a person who wins may be returned "
    "(Nken v. Holder)."
)
_STAY_MOTION_NOTE = phrase(
    " A motion for a stay does not stay removal by itself, though some courts of appeals' rules stay removal for "
    "a time while such a motion is decided: check the circuit's rules."
)
_AEA_NOTE = phrase(
    " The removal is recorded as under the Alien Enemies Act: people held for removal under it must get notice in "
    "time, and in a form, that lets them seek habeas relief before removal (Trump v. J.G.G.; A.A.R.P. v. Trump); "
    "whether the Act can be invoked this way at all is contested in litigation still under way."
)


def _notes(removal: Event, items: list[_Item]) -> list[Words]:
    matters = {i.matter for i in items}
    notes = [say(_DEPARTURE_BAR_NOTE)] if Matter.MOTION in matters else []
    notes += [say(_REVIEW_NOTE)] if any(i.petition == "review" for i in items) else []
    notes += [say(_STAY_MOTION_NOTE)] if Matter.STAY in matters else []
    return notes + ([say(_AEA_NOTE)] if removal.get("removal_type") == "aea" else [])


def _pending_finding(facts: Facts, removal: Event, items: list[_Item], bars: list[_Item], final: Posture) -> Finding:
    texts = tuple(i.text + say(_POSSIBLY) if i.certainty is _POSSIBLE else i.text for i in items)
    texts = (*texts[:-1], _unstopped(texts[-1]))  # one full stop ends the list, whatever the last item ends with
    lead = phrase("The person was %(removal)s while proceedings were still open: %(items)s.")
    parts = [say(lead, removal=wording.removal_said(removal), items=texts)]
    opened = _best([i.certainty for i in items])
    shown = [*items, *bars]
    if bars:
        barred = _best([b.certainty for b in bars])
        parts += [say(" %(bar)s", bar=b.text) for b in bars]
        parts.append(say(" Removal cut these off before they were heard or decided."))
        if barred is _POSSIBLE:
            parts.append(
                say(
                    " Whether removal was barred on that day turns on uncertain dates; if the order was final and "
                    "nothing stayed it, this is a warning, not critical."
                )
            )
        severity, certainty = Severity.CRITICAL, Certainty.of(opened, barred, facts.by_as_of(removal))
    else:
        assert final.order is not None  # no bar means a final order in every view
        order = wording.removal_order_said(final.order.order, first=True)
        parts.append(say(_FINAL_ORDER, order=order, basis=wording.finality_basis_said(final.order.basis)))
        if {Matter.CLAIM, Matter.HEARING} & {i.matter for i in items}:
            parts.append(say(_OPEN_UNDER_FINAL))
        severity, certainty = Severity.WARNING, Certainty.of(opened, facts.by_as_of(removal))
        shown.append(_Item(order, _CERTAIN, (final.order.order.id,)))
    words = _run(*parts, *_notes(removal, items))
    evidence = (removal.id, *(i for item in shown for i in item.evidence))
    return Finding(severity, certainty, str(words), tuple(dict.fromkeys(evidence)), words)


def removed_with_pending_proceedings(facts: Facts) -> list[Finding]:
    closed_by = open_matters(facts.events, facts.as_of).closed_by
    findings = []
    for removal in facts.of_kind(Kind.REMOVED):
        views = _views(facts, removal)
        items = _open_at(facts, removal, closed_by) + _appeal_time(views)
        if not items:
            continue
        order_bar = _order_bar(facts, removal, views)
        bars = ([order_bar] if order_bar else []) + _stay_bars(facts, removal, views)
        findings.append(_pending_finding(facts, removal, items, bars, views[1]))
    return findings


_PROTECTIVE = {"withholding_granted": "withholding", "cat_granted": "cat"}
_LIFTING = frozenset({"denied", "dismissed", "terminated"})


@dataclass(frozen=True)
class _Protection:
    """What a decision protects against: countries, or, for asylum, removal anywhere."""

    claim: str
    countries: tuple[str, ...]
    note: Words
    certainty: Certainty  # possible when the country is guessed among several citizenships

    @property
    def everywhere(self) -> bool:
        return self.claim == "asylum"


def _protection(facts: Facts, decision: Event) -> _Protection | None:
    """The protection ``decision`` grants, if it grants one."""
    outcome, claim = decision.get("outcome"), decision.get("claim")
    if outcome in _PROTECTIVE:
        claim = _PROTECTIVE[outcome]  # the outcome says what was granted, whatever claim it answered
    elif not (outcome == "granted" and claim in ("asylum", "withholding", "cat")):
        return None
    if decision.get("protects_against"):
        return _Protection(claim, (decision.get("protects_against"),), say(""), _CERTAIN)
    codes = facts.person.citizenships
    if len(codes) > 1:
        note = say(
            " (the decision names no country; taken as one of the countries of citizenship, %(countries)s)",
            countries=wording.countries_said(codes),
        )
        return _Protection(claim, codes, note, _POSSIBLE)
    note = say(" (the decision names no country; taken as the country of citizenship)") if codes else say("")
    return _Protection(claim, codes, note, _CERTAIN) if codes or claim == "asylum" else None


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


def _protections_in_force(facts: Facts, target: Event) -> list[tuple[Event, _Protection, Certainty]]:
    found = []
    for decision in facts.of_kind(Kind.DECISION):
        protection = _protection(facts, decision)
        if protection is None:
            continue

        def lifts(d: Event, claim: str = protection.claim) -> bool:
            return d.get("claim") == claim and d.get("outcome") in _LIFTING

        certainty = _in_force(facts, decision, target, lifts)
        if certainty:
            found.append((decision, protection, certainty))
    return found


_ASYLUM_BREACH = phrase(
    "%(decision)s, with no termination of asylum on record: an asylee may be removed, to any country, only after "
    "asylum is terminated (8 U.S.C. 1158(c)(2)-(3); 8 CFR 208.24, 1208.24)"
)


def _protection_breaches(facts: Facts, target: Event) -> list[tuple[str, Certainty, Words]]:
    """(decision id, certainty, words) for each protection or stay ``target`` went against."""
    removal = target.kind == Kind.REMOVED
    country = target.get("destination") if removal else target.get("country")
    breaches = []
    for decision, protection, in_force in _protections_in_force(facts, target):
        certainty = Certainty.of(in_force, protection.certainty)
        if removal and protection.everywhere:
            breaches.append((decision.id, in_force, say(_ASYLUM_BREACH, decision=wording.decision_said(decision))))
        elif country and country in protection.countries:
            text = say(
                "%(decision)s, protecting against %(country)s%(note)s",
                decision=wording.decision_said(decision),
                country=Country(str(country)),
                note=protection.note,
            )
            breaches.append((decision.id, certainty, text))
    for decision in facts.of_kind(Kind.DECISION) if removal else ():
        if decision.get("outcome") == "stay_granted":
            certainty_or_none = _in_force(facts, decision, target, _stay_lifted_by(decision))
            if certainty_or_none:
                granted = say("a stay of removal granted on %(date)s", date=decision.date)
                breaches.append((decision.id, certainty_or_none, granted))
    return breaches


def _episodes(facts: Facts) -> list[list[Event]]:
    """Each removal with the hand-overs that followed it (until a return or the next removal), and lone hand-overs."""
    episodes: list[list[Event]] = []
    current: list[Event] | None = None
    for event in facts.events:
        if event.kind == Kind.REMOVED:
            current = [event]
            episodes.append(current)
        elif event.kind == Kind.RETURNED:
            current = None
        elif event.kind == Kind.HANDED_OVER:
            if current is None:
                episodes.append([event])
            else:
                current.append(event)
    return episodes


def removed_despite_protection(facts: Facts) -> list[Finding]:
    findings = []
    for episode in _episodes(facts):
        texts: dict[str, Words] = {}
        certainties: list[Certainty] = []
        targets: list[Event] = []
        for target in episode:
            breaches = _protection_breaches(facts, target)
            if breaches:
                targets.append(target)
            for decision_id, certainty, text in breaches:
                texts.setdefault(decision_id, text + say(_POSSIBLY) if certainty is _POSSIBLE else text)
                certainties.append(Certainty.of(certainty, facts.by_as_of(target)))
        if not targets:
            continue
        what = [wording.removal_said(t) if t.kind == Kind.REMOVED else wording.custody_event_said(t) for t in targets]
        for then in what[1:]:
            what[0] = say("%(first)s, then %(then)s", first=what[0], then=then)
        words = say(
            "The person was %(what)s although a decision forbade it: %(forbade)s.",
            what=what[0],
            forbade=tuple(texts.values()),
        )
        evidence = tuple(dict.fromkeys([*(t.id for t in targets), *texts]))
        findings.append(Finding(Severity.CRITICAL, _best(certainties), str(words), evidence, words))
    return findings


_DVD_NOTE_ONE = phrase(
    " %(protections)s protects against %(countries)s only: removal to another country does not breach it by itself. "
    "What notice, and what chance to claim a fear of the new country, must come before a third-country removal is "
    "contested (the Supreme Court stayed an injunction requiring both in DHS v. D.V.D., No. 24A1153, June 23, 2025)."
)
_DVD_NOTE_SEVERAL = phrase(
    " %(protections)s protect against %(countries)s only: removal to another country does not breach them by "
    "itself. What notice, and what chance to claim a fear of the new country, must come before a third-country "
    "removal is contested (the Supreme Court stayed an injunction requiring both in DHS v. D.V.D., No. 24A1153, "
    "June 23, 2025)."
)
# A grant of protection against one country, at the start of a sentence: by its outcome, or by the claim granted.
_GRANTED_FIRST = {
    "withholding_granted": phrase("Withholding of removal granted%(absentia)s on %(date)s"),
    "cat_granted": phrase("Protection under the Convention Against Torture granted%(absentia)s on %(date)s"),
    "withholding": phrase("The withholding claim granted%(absentia)s on %(date)s"),
    "cat": phrase("The CAT claim granted%(absentia)s on %(date)s"),
}


def _granted_first(decision: Event) -> Words:
    key = decision.get("outcome") if decision.get("outcome") in _PROTECTIVE else decision.get("claim")
    text = _GRANTED_FIRST.get(key)
    if text is None:
        english_words = wording.decision(decision)
        return english(english_words[:1].upper() + english_words[1:])
    absentia = say(" in absentia") if decision.get("in_absentia") else say("")
    return say(text, absentia=absentia, date=decision.date)


def _country_protection_note(facts: Facts, removal: Event) -> Words | None:
    found = [(d, p) for d, p, _ in _protections_in_force(facts, removal) if not p.everywhere and p.countries]
    if not found:
        return None
    decisions = [_granted_first(found[0][0]), *(wording.decision_said(d) for d, _ in found[1:])]
    if len(decisions) == 1:
        protections = decisions[0]
    else:  # 'a and b', 'a; b and c': as the English has always read
        rest = Words("; ".join(f"%(d{i})s" for i in range(len(decisions) - 1)),
                     tuple((f"d{i}", d) for i, d in enumerate(decisions[:-1])))  # fmt: skip
        protections = say("%(rest)s and %(last)s", rest=rest, last=decisions[-1])
    countries = wording.countries_said(sorted({c for _, p in found for c in p.countries}))
    note = _DVD_NOTE_ONE if len(found) == 1 else _DVD_NOTE_SEVERAL
    return say(note, protections=protections, countries=countries)


def third_country_removal(facts: Facts) -> list[Finding]:
    citizenships = facts.person.citizenships
    if "US" in citizenships:
        return []  # removing a US citizen is a matter for its own rule, not a question of which country
    findings = []
    for removal in facts.of_kind(Kind.REMOVED):
        destination = removal.get("destination")
        if not citizenships or not destination or destination in (*citizenships, "US"):
            continue
        if len(citizenships) == 1:
            text = phrase(
                "The person was %(removal)s, which is not their country of citizenship on record (%(countries)s). "
                "Check that they had written notice of the destination and a chance to say they feared harm there "
                "before the removal."
            )
        else:
            text = phrase(
                "The person was %(removal)s, which is not their countries of citizenship on record (%(countries)s). "
                "Check that they had written notice of the destination and a chance to say they feared harm there "
                "before the removal."
            )
        said = say(text, removal=wording.removal_said(removal), countries=wording.countries_said(citizenships))
        note = _country_protection_note(facts, removal)
        words = said if note is None else said + note
        findings.append(Finding(Severity.WARNING, facts.by_as_of(removal), str(words), (removal.id,), words))
    return findings


_ADVERSE = frozenset({"denied", "dismissed", "removal_order"})
_ADVERSE_STAY = frozenset({"denied", "lifted"})


def _adverse(decision: Event) -> bool:
    """A decision against the person: a denial, a dismissal, a removal order, a stay denied or lifted."""
    return decision.get("outcome") in _ADVERSE or decision.get("stay") in _ADVERSE_STAY


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
        found = _removal_before(facts, decision) if _adverse(decision) else None
        if found:
            items.append((decision, *found))
    if not items:
        return []
    possibly = say(" (possibly: the order of the dates is uncertain)")
    texts = tuple(
        say(
            "%(decision)s, after the person was %(removal)s%(possibly)s",
            decision=wording.decision_said(d),
            removal=wording.removal_said(r),
            possibly=possibly if c is Certainty.POSSIBLE else say(""),
        )
        for d, r, c in items
    )
    words = say(
        "A decision went against the person after they had been removed: %(decisions)s. They could not appear or "
        "answer from outside the United States.",
        decisions=texts,
    )
    certain = any(c is Certainty.CERTAIN for _, _, c in items)
    evidence = tuple(dict.fromkeys(i for d, r, _ in items for i in (r.id, d.id)))
    certainty = Certainty.CERTAIN if certain else Certainty.POSSIBLE
    return [Finding(Severity.WARNING, certainty, str(words), evidence, words)]


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
_DEPARTURE_BAR = Citation(
    "8 C.F.R. §§ 1003.2(d), 1003.23(b)(1); Matter of Armendarez-Mendez, 24 I&N Dec. 646 (BIA 2008)",
    "the Board treats a departure, removal included, as withdrawing a pending motion to reopen or reconsider, and "
    "holds that it cannot hear one filed afterwards; contested: several circuits have rejected this departure bar as "
    "contrary to the statutory right to one motion to reopen, 8 U.S.C. § 1229a(c)(7) (e.g. William v. Gonzales, "
    "499 F.3d 329 (4th Cir. 2007); Contreras-Bocanegra v. Holder, 678 F.3d 811 (10th Cir. 2012) (en banc))",
)
_AEA = Citation(
    "Alien Enemies Act, 50 U.S.C. § 21; Trump v. J.G.G., 604 U.S. ___ (2025) (per curiam) (Apr. 7, 2025); "
    "A.A.R.P. v. Trump, 605 U.S. ___ (2025) (May 16, 2025)",
    "people held for removal under the Alien Enemies Act must get notice in time, and in a form, that lets them seek "
    "habeas relief before they are removed, and notice about 24 hours before removal with no word on how to contest "
    "it does not do; contested: whether the Act may be invoked against them at all is still being litigated",
)
_DVD = Citation(
    "Dep't of Homeland Security v. D.V.D., No. 24A1153 (U.S. June 23, 2025); D.V.D. v. U.S. Dep't of Homeland "
    "Security, No. 1:25-cv-10676 (D. Mass. Apr. 18, 2025)",
    "the district court's preliminary injunction required written notice of a third country and a meaningful chance "
    "to raise a fear of torture there before removal to it; the Supreme Court stayed it pending appeal, without "
    "reasons. Contested: what notice and process must come before a third-country removal is still being litigated",
)

_PENDING_DESCRIPTION = (
    "Raised when a person was removed while a claim they filed had no decision, a scheduled hearing had not yet "
    "taken place, a petition or motion (appeal, habeas, review, stay, reopen, reconsider) was undecided, or the 30 "
    "days to appeal a removal order had not run. What was open, and the posture, are read from the timeline as it "
    "stood on the day of removal: a claim or petition is open until a decision closes it; a hearing is open until "
    "its date (a hearing set for after the removal counts), or until the proceedings are dismissed or terminated. "
    "Critical when removal was barred or unsupported that day: no removal order on record, an order not yet final "
    "(8 CFR 1241.1; the time to appeal running, or a timely appeal pending before the BIA, 8 CFR 1003.6(a)), or a "
    "stay of removal in force. A warning when the order was final and nothing stayed it, so that what was pending "
    "(a petition for review, a habeas petition, a motion) did not bar removal by itself. Possible when the order of "
    "the dates, or whether the order was final, turns on uncertain dates."
)

RULES = (
    Rule(
        id="removed_with_pending_proceedings",
        position=10,
        title="Removed while proceedings were pending",
        severities=(Severity.WARNING, Severity.CRITICAL),
        description=_PENDING_DESCRIPTION,
        legal_basis=(
            Citation(
                "INA § 240, 8 U.S.C. § 1229a",
                "removal proceedings before an immigration judge, with the right to present evidence and be heard",
            ),
            Citation(
                "8 U.S.C. § 1229a(c)(2), (c)(3)(A)",
                "the burden in those proceedings: the person must show either, as an applicant for admission, that "
                "they are clearly and beyond doubt entitled to be admitted, or by clear and convincing evidence that "
                "they are lawfully present under a prior admission ((c)(2)); only for a person who was admitted must "
                "DHS prove deportability by clear and convincing evidence ((c)(3)(A))",
            ),
            Citation(
                "8 C.F.R. § 1241.1",
                "an immigration judge's removal order becomes final when the BIA decides the appeal, when appeal is "
                "waived, or when the time to appeal runs out",
            ),
            Citation(
                "8 C.F.R. §§ 1003.6(a), 1003.38(b)",
                "a decision is not executed during the 30 days allowed to appeal it, unless appeal is waived, or "
                "while a timely appeal to the Board of Immigration Appeals is pending",
            ),
            Citation(
                "8 U.S.C. § 1252(b)(3)(B); Nken v. Holder, 556 U.S. 418 (2009)",
                "a petition for review does not stay removal by itself; a court may order a stay, and removal does "
                "not end the petition",
            ),
            Citation("8 U.S.C. § 1158(a)", "any noncitizen physically present may apply for asylum"),
            _WITHHOLDING,
            _CAT,
            _DEPARTURE_BAR,
            _AEA,
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
            "Raised when a person granted asylum was removed to any country with no termination of asylum on "
            "record; when a person was removed, or handed over, to a country that a grant of withholding of "
            "removal or CAT protection protects them from; or when they were removed while a stay of removal was "
            "in force. Withholding and CAT protect against one country: removal to a third country does not breach "
            "them by itself (third_country_removal raises it), though what notice must come before it is contested. "
            "A removal and the hand-overs that followed it are one flag. The protected country is the decision's "
            "protects_against; when the decision names none, it is taken to be the country of citizenship on "
            "record (possible when there are several), and the explanation says so. A protection is lifted by a "
            "later decision denying, dismissing or terminating the same claim; a stay by a later decision on the "
            "same matter, or, when the stay names no matter, by a later denial, dismissal, termination or removal "
            "order."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1158(c)(1)(A), (c)(2)-(3); 8 C.F.R. §§ 208.24, 1208.24",
                "a person granted asylum may not be removed to their country of nationality, and may be removed at "
                "all only after asylum is terminated on the grounds and by the procedures set out",
            ),
            _WITHHOLDING,
            _CAT,
            Citation(
                "8 C.F.R. § 1003.6; Nken v. Holder, 556 U.S. 418 (2009)",
                "a stay of removal bars removal while it is in force",
            ),
            Citation(
                "Noem v. Abrego Garcia, No. 24A949, 604 U.S. ___ (2025) (Apr. 10, 2025)",
                "a man removed to El Salvador despite a grant of withholding of removal as to it: the government "
                "must facilitate his release from custody there and have his case handled as it would have been had "
                "he not been improperly sent",
            ),
            _DVD,
        ),
        check=removed_despite_protection,
    ),
    Rule(
        id="third_country_removal",
        position=30,
        title="Removed to a country that is not the person's own",
        severities=(Severity.WARNING,),
        description=(
            "Raised when a person was removed to a country that is none of their countries of citizenship on "
            "record. Not raised when the citizenship or the destination is not recorded, nor for a person on record "
            "as a US citizen (their removal is a different wrong). When a grant of withholding or CAT protection "
            "is in force against another country, the explanation says that it does not by itself forbid the "
            "third country, and that what notice must come first is contested."
        ),
        legal_basis=(
            Citation("8 U.S.C. § 1231(b)(1)-(2)", "the countries to which a person may be removed, in order"),
            _DVD,
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
            "Raised when a decision against the person (a denial, a dismissal, a removal order, or a stay denied or "
            "lifted) is dated after their removal and they had not been returned to the United States by then, for "
            "example a claim dismissed in absentia. A favourable decision after removal (a grant, a habeas petition "
            "granted, a stay granted, proceedings terminated) is not raised: it may bear on a return, but nothing "
            "was lost by the person's absence. Possible when the decision and the removal have overlapping dates."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1229a(b)(5)(A), (C)",
                "an in absentia order may be rescinded when the person was in federal or state custody and did "
                "not appear through no fault of their own, or had no notice",
            ),
            Citation("8 C.F.R. § 1003.23(b)(4)(ii)", "motions to reopen orders entered in absentia"),
            _DEPARTURE_BAR,
            _DUE_PROCESS,
        ),
        check=decided_after_removal,
    ),
)

"""Every rule's flags explain themselves in Spanish, with no English left; their English is kept.

Each flag's explanation is a message with its parts (rules/flag.py). Said in Spanish, every message it is made
of must have a translation in the web's catalogue, and every piece of text not a message must be something the
case file recorded (a court, a facility, a place): English the core wrote cannot hide among the parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event, Person
from habeas.domain.timeline import build_timeline
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType
from habeas.ingest.casefile import load_document, parse_documents
from habeas.rules.engine import check_timeline
from habeas.rules.flag import Certainty, Country, Finding, Flag, Severity, Words, english, say
from habeas.rules.registry import RULE_BY_ID
from habeas.rules.settings import RuleSettings
from habeas.rules.wording import finality_basis_said
from habeas.testing import SYNTHETIC_PERSON, event, source, timeline_of
from habeas.web.i18n import LOCALES, Language
from habeas.web.rendering import said

FOUR = ("removed_with_pending_proceedings", "removed_despite_protection", "third_country_removal", "died_in_custody")
EIGHT = ("in_absentia_while_detained", "hearing_without_counsel", "hearing_outcome_unknown", "prolonged_detention",
         "frequent_transfers", "redetained_after_release", "child_detained", "conflicting_accounts")  # fmt: skip
SOURCES = {"src-a": source("src-a"), "src-b": source("src-b")}
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "cases"
# Words that only English explanations use; a Spanish sentence holding one has English left in it.
ENGLISH_WORDS = re.compile(r"\b(the|was|were|removed|granted|filed|since|while|on|of|and|with|order|held)\b")
# Case names are cited as the courts write them, in every language ("Matter of Armendarez-Mendez", "Nken v. Holder").
CASE_NAMES = re.compile(r"\bMatter of [A-Z][\w-]+|\b[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)* v\. [A-Z][\w.'-]*")


def _spanish() -> dict[str, str]:
    with (LOCALES / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}


SPANISH = _spanish()


def _texts(part: Any) -> Iterator[tuple[str, Any]]:
    """Each piece of an explanation: ("message", text) for a message, ("text", value) for a bare string."""
    if isinstance(part, Words):
        yield "message", part.text
        for _, value in part.params:
            yield from _texts(value)
    elif isinstance(part, tuple):
        for value in part:
            yield from _texts(value)
    elif isinstance(part, str):
        yield "text", part
    else:
        assert isinstance(part, (date, DateRange, DayCount, Country, int)), part


def english_left(flag: Flag, recorded: set[str]) -> list[str]:
    """What would still read as English in the flag's Spanish explanation (nothing, when it is all Spanish)."""
    assert flag.words is not None, f"{flag.rule}: no message behind the explanation, so the page shows English"
    left = []
    for what, text in _texts(flag.words):
        neutral = not re.sub(r"%\(\w+\)s|[\s,;:.()]", "", text)  # placeholders and punctuation alone
        if what == "message" and not neutral and text not in SPANISH:
            left.append(f"no Spanish for {text!r}")
        if what == "text" and text not in recorded:
            left.append(f"text the case file did not record: {text!r}")
    spoken = said(Language("es"), flag.words)
    for name in recorded:  # a facility or court keeps its name; what is left must read as Spanish
        spoken = spoken.replace(name, "")
    spoken = CASE_NAMES.sub("", spoken)
    left += [f"English word {w!r} in {spoken!r}" for w in ENGLISH_WORDS.findall(spoken)]
    return left


def _free_text(kind: str, name: str) -> bool:
    spec = KIND_BY_NAME[kind].field(name) if kind in KIND_BY_NAME else None
    return spec is not None and spec.type is FieldType.TEXT


def _recorded(events: list[Event]) -> set[str]:
    """The names the case file recorded, as written, and without a final stop (before the sentence's own).

    The ids of the sources are the case file's too: a flag on sources that disagree names them. A
    free-text code ("traffic_offense") is shown with spaces for its underscores, still as recorded.
    """
    names = {str(v) for e in events for k, v in e.attrs.items() if _free_text(e.kind, k) and isinstance(v, str)}
    sources = {", ".join(e.sources) for e in events}
    names |= {n.replace("_", " ") for n in names}
    return names | {n.rstrip(".") for n in names} | sources


def _flags(events: list[Event], citizenships: tuple[str, ...], as_of: str, rule: str, **person: Any) -> list[Flag]:
    someone = Person(id=SYNTHETIC_PERSON, citizenships=citizenships, **person)
    timeline = timeline_of(events, person=someone, sources=SOURCES)
    return check_timeline(timeline, date.fromisoformat(as_of), rules=[RULE_BY_ID[rule]])


def ev(kind: str, when: str, ident: str | None = None, sources: tuple[str, ...] = ("src-a",), **fields: Any) -> Event:
    return event(kind, when, **({"id": ident} if ident else {}), sources=list(sources), **fields)


REMOVED = ev("removed", "2025-03-15", "rm", destination="SV", removal_type="aea")
ORDER = ev("decision", "2025-01-10", "order", outcome="removal_order", decided_by="immigration_judge")

CASES = [
    pytest.param("removed_with_pending_proceedings", ("SV",), [
        ev("claim_filed", "2025-01-10", claim="asylum"),
        ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-20", proceeding="master calendar",
           court="Krome Immigration Court"), REMOVED], id="no order, a claim and a hearing"),
    pytest.param("removed_with_pending_proceedings", ("SV",), [
        ORDER, ev("petition_filed", "2025-03-01", petition="review", court="5th Cir."),
        ev("petition_filed", "2025-03-02", petition="reopen"), ev("petition_filed", "2025-03-03", petition="stay"),
        ev("claim_filed", "2025-02-20", claim="cat"), REMOVED], id="final order, notes on review, reopening, stays"),
    pytest.param("removed_with_pending_proceedings", ("SV",), [
        ev("decision", "2025-03-01", "order", outcome="removal_order", in_absentia=True, decided_by="immigration_judge",
        appeal_waived=False), ev("petition_filed", "2025-03-05", "appeal", petition="appeal"),
        ev("decision", "2025-03-10", outcome="stay_granted", decides="appeal"), REMOVED], id="appeal, and a stay"),
    pytest.param("removed_with_pending_proceedings", ("SV",), [
        ev("decision", "2025-02-25", "order", outcome="removal_order", decided_by="immigration_judge"),
        ev("removed", "2025-03", "rm", destination="SV")], id="time to appeal possibly running"),
    pytest.param("removed_with_pending_proceedings", ("SV",), [
        ev("claim_filed", "2025-01-10", claim="withholding"),
        ev("decision", "2025-05-27", outcome="dismissed", claim="withholding", in_absentia=True), REMOVED],
        id="claim decided only after removal"),
    pytest.param("removed_despite_protection", ("SV",), [
        ev("decision", "2024-11-01", outcome="withholding_granted"), REMOVED,
        ev("handed_over", "2025-03-16", to="CECOT", facility="CECOT", country="SV")],
        id="withholding, removal and hand-over"),
    pytest.param("removed_despite_protection", ("VE", "CO"), [
        ev("decision", "2024-11", outcome="granted", claim="cat"), ev("decision", "2024-12-01", outcome="granted",
        claim="asylum"), ev("decision", "2025-01-05", outcome="stay_granted"),
        ev("removed", "2025-03-15", destination="VE")], id="asylee, CAT among citizenships, a stay"),
    pytest.param("third_country_removal", ("VE",), [
        ev("decision", "2024-11-01", outcome="withholding_granted", protects_against="VE"),
        ev("decision", "2024-12-01", outcome="granted", claim="cat", protects_against="CU"), REMOVED],
        id="protections against other countries"),
    pytest.param("third_country_removal", ("VE", "CO"), [
        ev("decision", "2024-11-01", outcome="granted", claim="withholding", in_absentia=True), REMOVED],
        id="two citizenships, one protection"),
    pytest.param("died_in_custody", ("MX",), [
        ev("booked_in", "2025-02-01", facility="Otero County Processing Center"),
        ev("died", "2025-03-15", place="Otero County Processing Center", country="US")], id="died in US custody"),
    pytest.param("died_in_custody", ("VE",), [
        REMOVED, ev("handed_over", "2025-03-16", facility="CECOT", country="SV"), ev("released", "2025-04"),
        ev("died", "2025-04-10")], id="died abroad, release date uncertain"),
    pytest.param("in_absentia_while_detained", ("SV",), [
        ev("booked_in", "2025-01-10", facility="Krome"),
        ev("decision", "2025-03-01", outcome="removal_order", in_absentia=True)], id="ordered in absentia while held"),
    pytest.param("in_absentia_while_detained", ("SV",), [
        ev("apprehended", "2025-03"), ev("decision", "2025-03-10", outcome="dismissed", claim="asylum",
        in_absentia=True)], id="in absentia, custody uncertain that day"),
    pytest.param("hearing_without_counsel", ("SV",), [
        ev("representation", "2025-02-01", action="entered"),
        ev("hearing_scheduled", "2025-02-05", "h1", scheduled_for="2025-03-20", proceeding="master calendar"),
        ev("access_denied", "2025-03-01", who="counsel", where="Krome"),
        ev("access_denied", "2025-03", who="attorney of record"),
        ev("hearing_held", "2025-03-20", hearing="h1", represented=False, court="Krome Immigration Court")],
        id="counsel kept away, then absent"),
    pytest.param("hearing_without_counsel", ("SV",), [
        ev("hearing_scheduled", "2025-02-05", "h1", scheduled_for="2025-03-20", proceeding="bond redetermination"),
        ev("access_denied", "2025-03", who="the lawyer"),
        ev("hearing_held", "2025-03-20", hearing="h1", represented=False)], id="refusal possibly before"),
    pytest.param("hearing_without_counsel", ("SV",), [ev("hearing_held", "2025-03-20", represented=False)],
        id="no counsel, nothing else known"),
    pytest.param("hearing_outcome_unknown", ("SV",), [
        ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-03-20", proceeding="merits",
        court="Krome Immigration Court")], id="a merits hearing passed"),
    pytest.param("hearing_outcome_unknown", ("SV",), [ev("hearing_scheduled", "2025-02-01", scheduled_for="2025-05")],
        id="a hearing in some day of May passed"),
    pytest.param("prolonged_detention", ("SV",), [
        ev("booked_in", "2024-10-01", facility="Krome"),
        ev("decision", "2025-04-01", outcome="removal_order", decided_by="immigration_judge"),
        ev("petition_filed", "2025-04-15", petition="appeal")], id="held long, the order under appeal"),
    pytest.param("prolonged_detention", ("SV",), [
        ev("booked_in", "2024-01-01", facility="Krome"),
        ev("decision", "2024-06-01", outcome="removal_order", decided_by="immigration_judge", appeal_waived=True)],
        id="past six months after a final order"),
    pytest.param("prolonged_detention", ("SV",), [
        ev("booked_in", "2024-10-01", facility="Krome"),
        ev("decision", "2024-11-01", outcome="removal_order", decided_by="immigration_judge", appeal_waived=True),
        ev("petition_filed", "2024-12-01", petition="review", court="11th Cir."),
        ev("decision", "2024-12-10", outcome="stay_granted", decided_by="federal_court")], id="a court's stay"),
    pytest.param("prolonged_detention", ("SV",), [ev("booked_in", "2024-12")], id="held since some day of December"),
    pytest.param("frequent_transfers", ("SV",), [
        ev("representation", "2024-12-20", action="entered"), ev("booked_in", "2025-01-01", facility="Krome"),
        ev("transferred", "2025-01-05", facility="Otero"), ev("transferred", "2025-01-10", facility="Port Isabel"),
        ev("transferred", "2025-01-20", facility="Krome")], id="moved three times, counsel of record"),
    pytest.param("frequent_transfers", ("SV",), [
        ev("booked_in", "2025-01-01", facility="Krome"), ev("transferred", "2025-01", facility="Otero"),
        ev("transferred", "2025-02", facility="Port Isabel"), ev("transferred", "2025-02-10", facility="Krome")],
        id="moves possibly within the window"),
    *(pytest.param("redetained_after_release", ("SV",), [
        ev("booked_in", "2024-09-01", facility="Krome"), ev("released", "2024-12-01", **reason),
        ev("apprehended", "2025-03-01", facility="Broadview")], id=f"re-detained after {reason or 'a release'}")
      for reason in ({"reason": "bond"}, {"reason": "order_of_supervision"}, {"reason": "parole"},
                     {"reason": "court_order"}, {"reason": "alternatives_to_detention"}, {})),
    pytest.param("conflicting_accounts", ("SV",), [
        ev("transferred", "2025-03-10", facility="Krome", country="US"),
        ev("handed_over", "2025-03-10", facility="CECOT", country="SV", sources=("src-b",)),
        ev("died", "2025-02-01"), ev("proof_of_life", "2025-04-01", evidence="call", sources=("src-b",))],
        id="two places at once, alive after a death"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "citizenships", "events"), CASES)
def test_each_flag_of_these_rules_reads_in_spanish_with_no_english_left(
    rule: str, citizenships: tuple[str, ...], events: list[Event]
) -> None:
    flags = _flags(events, citizenships, "2025-06-01", rule)
    assert flags, f"the case raises no {rule} flag"
    for flag in flags:
        assert flag.words is not None and str(flag.words) == flag.explanation
        assert english_left(flag, _recorded(events)) == []


def _born(first: str, last: str | None = None) -> DateRange:
    return DateRange(date.fromisoformat(first), date.fromisoformat(last or first), first)


CHILDREN = [
    pytest.param({"unaccompanied": True, "birth_date": _born("2010-05-01")}, "2025-05-25", id="unaccompanied"),
    pytest.param({"unaccompanied": False, "birth_year": 2007}, "2025-05-01", id="accompanied, maybe 18 by the year"),
    pytest.param({"birth_date": _born("2007-05-01", "2007-07-31")}, "2025-05-01", id="alone or not, maybe 18"),
    pytest.param({"birth_date": _born("2012-01-01")}, "2025-05-28", id="alone or not, past the hours"),
    pytest.param({"unaccompanied": False, "birth_date": _born("2012-01-01")}, "2025-05", id="days uncertain"),
]


@pytest.mark.parametrize(("person", "booked"), CHILDREN)
def test_each_flag_about_a_child_in_custody_reads_in_spanish_with_no_english_left(
    person: dict[str, Any], booked: str
) -> None:
    events = [ev("booked_in", booked, facility="Dilley Family Residential Center")]
    flags = _flags(events, ("HN",), "2025-06-01", "child_detained", **person)
    assert flags, "the case raises no child_detained flag"
    for flag in flags:
        assert flag.words is not None and str(flag.words) == flag.explanation
        assert english_left(flag, _recorded(events)) == []


def _scenario_flags() -> Iterator[tuple[str, Flag, set[str]]]:
    for path in sorted(SCENARIOS.rglob("*.yaml")):
        scenario, _ = load_document(path.name, path.read_bytes())
        casefile = parse_documents([(path.name, scenario["casefile"], {})])
        sources = {s.id: s for s in casefile.sources}
        as_of = date.fromisoformat(str(scenario["as_of"]))
        recorded = _recorded(list(casefile.events))
        for person in casefile.people:
            timeline = build_timeline(person, casefile.events, sources, None)
            for flag in check_timeline(timeline, as_of, RuleSettings(), rules=list(RULE_BY_ID.values())):
                yield path.stem, flag, recorded


def test_every_scenario_flag_of_these_rules_reads_in_spanish() -> None:
    """The attorneys' scenarios (tests/scenarios): every flag any rule raises there, in Spanish throughout."""
    seen = set()
    for name, flag, recorded in _scenario_flags():
        seen.add(flag.rule)
        assert english_left(flag, recorded) == [], name
    assert seen >= set(FOUR) | set(EIGHT)


def test_a_hand_over_after_a_protected_removal_reads_in_spanish_as_a_lawyer_would_write_it() -> None:
    events = [ev("decision", "2024-11-01", outcome="withholding_granted", protects_against="SV"),
              ev("removed", "2025-03-15", destination="SV"),
              ev("handed_over", "2025-03-16", facility="CECOT", country="SV")]  # fmt: skip
    (flag,) = _flags(events, ("SV",), "2025-06-01", "removed_despite_protection")
    assert flag.explanation == (
        "The person was removed on 2025-03-15 to SV, then handed over on 2025-03-16 (CECOT, SV) although a decision "
        "forbade it: withholding of removal granted on 2024-11-01, protecting against SV."
    )
    assert flag.words is not None
    assert said(Language("es"), flag.words) == (
        "La persona fue deportada el 15 mar 2025 a El Salvador, y luego entregada el 16 mar 2025 (CECOT, El Salvador) "
        "aunque una decisión lo prohibía: suspensión de la deportación (withholding) concedida el 1 nov 2024, que la "
        "protege frente a El Salvador."
    )


def test_a_death_in_custody_reads_in_spanish_with_its_dates_and_country_in_spanish() -> None:
    events = [ev("booked_in", "2025-02-01", facility="Krome"), ev("died", "2025-03-15", place="Krome", country="US")]
    (flag,) = _flags(events, ("MX",), "2025-06-01", "died_in_custody")
    assert flag.explanation == (
        "The person died on 2025-03-15 (Krome, US) while held in US custody (Krome, US; since 2025-02-01)."
    )
    assert flag.words is not None
    assert said(Language("es"), flag.words) == (
        "La persona murió el 15 mar 2025 (Krome, Estados Unidos) mientras estaba detenida bajo custodia de EE. UU. "
        "(Krome, Estados Unidos; desde el 1 feb 2025)."
    )


def test_words_with_english_the_core_has_no_message_for_leave_the_flag_in_english() -> None:
    """Half a sentence in English must not pass for the reader's language: the face shows the rule's English."""
    words = say("The person was %(removal)s while proceedings were still open: %(items)s.",
                removal=say("removed on %(date)s%(to)s", date=date(2025, 3, 15), to=say("")),
                items=(english("a bond redetermination on 2025-03-01"),))  # fmt: skip
    finding = Finding(Severity.CRITICAL, Certainty.CERTAIN, str(words), ("e-1",), words)
    assert finding.words is None
    assert finding.explanation == (
        "The person was removed on 2025-03-15 while proceedings were still open: a bond redetermination on 2025-03-01."
    )
    whole = say("removed on %(date)s%(to)s", date=date(2025, 3, 15), to=say(""))
    assert Finding(Severity.CRITICAL, Certainty.CERTAIN, str(whole), ("e-1",), whole).words == whole


def test_a_hearing_without_counsel_after_counsel_was_kept_away_reads_in_spanish() -> None:
    events = [ev("hearing_scheduled", "2025-02-05", "h1", scheduled_for="2025-03-20", proceeding="bond"),
              ev("access_denied", "2025-03-01", who="counsel", where="Krome"),
              ev("hearing_held", "2025-03-20", hearing="h1", represented=False)]  # fmt: skip
    (flag,) = _flags(events, ("SV",), "2025-06-01", "hearing_without_counsel")
    assert flag.explanation.startswith(
        "A hearing (bond) was held on 2025-03-20 with no counsel for the person. Access to the person had been "
        "refused to counsel on 2025-03-01 at Krome: a hearing held without counsel after counsel was kept away "
        "cannot be taken for a choice to go on alone. The person has the privilege of counsel"
    )
    assert flag.words is not None
    assert said(Language("es"), flag.words).startswith(
        "Se celebró una audiencia (fianza) el 20 mar 2025 sin defensa legal para la persona. Se había negado el "
        "acceso a la persona a counsel el 1 mar 2025 en Krome: una audiencia celebrada sin defensa después de que se "
        "impidiera el acceso a la defensa no puede tomarse por una decisión de seguir sin ella. La persona tiene "
        "derecho a ser representada por un abogado"
    )


def test_prolonged_detention_under_an_appealed_order_reads_in_spanish_with_its_reason() -> None:
    events = [ev("booked_in", "2024-10-01", facility="Krome"),
              ev("decision", "2025-04-01", outcome="removal_order", decided_by="immigration_judge"),
              ev("petition_filed", "2025-04-15", petition="appeal")]  # fmt: skip
    (flag,) = _flags(events, ("SV",), "2025-06-01", "prolonged_detention")
    assert flag.explanation == (
        "Held in US custody without a break since the book-in on 2024-10-01 (Krome): 243 days as of 2025-06-01, more "
        "than 180. The removal order of 2025-04-01 is not final: appeal pending before the BIA (8 CFR 1003.6(a))."
    )
    assert flag.words is not None
    assert said(Language("es"), flag.words) == (
        "La persona está detenida bajo custodia de EE. UU. sin interrupción desde el ingreso el 1 oct 2024 (Krome): "
        "243 días a fecha de 1 jun 2025, más de 180. La orden de deportación del 1 abr 2025 no es firme: apelación "
        "pendiente ante la BIA (8 CFR 1003.6(a))."
    )


def test_a_finality_reason_without_a_message_leaves_prolonged_detention_in_english() -> None:
    """The posture's reasons are messages; one it might add later must not pass for Spanish half-way."""
    assert finality_basis_said("appeal waived (8 CFR 1241.1(b))").translatable
    unknown = finality_basis_said("final for a reason not yet worded")
    assert not unknown.translatable and str(unknown) == "final for a reason not yet worded"

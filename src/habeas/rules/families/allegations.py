"""The rule about allegations made against a person with no criminal record behind them."""

from __future__ import annotations

from habeas.domain.model import Event
from habeas.domain.vocabulary import Kind
from habeas.rules.flag import Finding, Severity
from habeas.rules.rule import Citation, Facts, Rule

_BASIS = {
    "tattoo": "tattoos",
    "clothing": "clothing",
    "social_media": "social media",
    "informant": "an informant",
    "nationality": "nationality",
    "association": "association with others",
    "other": "other grounds",
}


def _allegation_words(allegation: Event) -> str:
    claim = str(allegation.get("claim") or "wrongdoing").replace("_", " ")
    by = f" by {allegation.get('by')}" if allegation.get("by") else ""
    basis = [_BASIS.get(b, str(b).replace("_", " ")) for b in allegation.get("basis") or ()]
    rests = f"rests on {', '.join(basis)}" if basis else "states no basis"
    return f"an allegation of {claim}{by} on {allegation.date} {rests}"


def allegation_without_record(facts: Facts) -> list[Finding]:
    checks = facts.of_kind(Kind.RECORD_CHECK)
    if any(c.get("result") == "record_found" for c in checks):
        return []
    findings = []
    for allegation in facts.of_kind(Kind.ALLEGATION):
        if "criminal_record" in (allegation.get("basis") or ()):
            continue
        if checks:
            where = ", ".join(str(c.get("jurisdiction") or "unnamed") + f" on {c.date}" for c in checks)
            record = f"Record checks ({where}) found no criminal record."
        else:
            record = "No criminal-record check is on file."
        words = _allegation_words(allegation)
        explanation = f"{words[0].upper()}{words[1:]}, not on a criminal record. {record}"
        evidence = (allegation.id, *(c.id for c in checks))
        findings.append(Finding(Severity.WARNING, facts.by_as_of(allegation), explanation, evidence))
    return findings


RULES = (
    Rule(
        id="allegation_without_record",
        position=90,
        title="Allegation with no criminal record behind it",
        severities=(Severity.WARNING,),
        description=(
            "Raised for each allegation against the person (for example gang membership) whose stated basis does "
            "not include a criminal record, when the record checks on file found none or no check was made. Not "
            "raised when any record check found a record. A prompt to ask what the allegation rests on and to "
            "contest it; it does not say the allegation is false."
        ),
        legal_basis=(
            Citation(
                "Alien Enemies Act, 50 U.S.C. § 21; J.G.G. v. Trump (D.D.C. 2025); A.A.R.P. v. Trump, 605 U.S. ___ "
                "(2025) (per curiam)",
                "people designated as members of a gang for removal under the Alien Enemies Act must get notice in "
                "time to contest the designation in habeas",
            ),
            Citation(
                "8 U.S.C. § 1229a(c)(3)(A)",
                "in removal proceedings against a person who was admitted, the government must prove "
                "deportability by clear and convincing evidence",
            ),
        ),
        check=allegation_without_record,
    ),
)

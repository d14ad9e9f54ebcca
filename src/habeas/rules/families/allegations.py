"""Rules about allegations made against a person: none with a record behind it, or resting on appearance alone."""

from __future__ import annotations

from collections.abc import Sequence

from habeas.domain.labels import VALUES
from habeas.domain.model import Event
from habeas.domain.vocabulary import Kind
from habeas.rules.flag import Finding, Severity, Words, phrase, say
from habeas.rules.rule import Citation, Facts, Rule

_BASIS = {
    "tattoo": phrase("tattoos"),
    "clothing": phrase("clothing"),
    "social_media": phrase("social media"),
    "informant": phrase("an informant"),
    "nationality": phrase("nationality"),
    "association": phrase("association with others"),
    "other": phrase("other grounds"),
}
# What a person looks like, wears, posts, where they come from and whom they know: nothing they were shown to do.
APPEARANCE = frozenset({"tattoo", "clothing", "nationality", "association", "social_media"})
# Words of a record found that cannot by themselves bear on an allegation of something else: a traffic ticket
# says nothing about gang membership. Matched in the record check's `found` text and the allegation's claim.
_MINOR_RECORDS = ("traffic", "parking", "speeding", "driving", "licence", "license", "illegal_entry", "unlawful_entry")


def _allegation_words(allegation: Event) -> str:
    claim = str(allegation.get("claim") or "wrongdoing").replace("_", " ")
    by = f" by {allegation.get('by')}" if allegation.get("by") else ""
    basis = [_BASIS.get(b, str(b).replace("_", " ")) for b in allegation.get("basis") or ()]
    rests = f"rests on {', '.join(basis)}" if basis else "states no basis"
    return f"an allegation of {claim}{by} on {allegation.date} {rests}"


def _listed(parts: Sequence[Words | str], between: str) -> Words:
    """Phrases one after another with ``between`` (", " or "; "), the glue itself not a message."""
    return Words(between.join(f"%(p{i})s" for i in range(len(parts))), tuple((f"p{i}", p) for i, p in enumerate(parts)))


def _allegation_said(allegation: Event) -> Words:
    """``_allegation_words`` capitalised, as a message (the claim and who made it stay as recorded)."""
    claim = _claim_said(allegation.get("claim")) if allegation.get("claim") else say("wrongdoing")
    by = say(" by %(who)s", who=str(allegation.get("by"))) if allegation.get("by") else say("")
    basis = [say(_BASIS[b]) if b in _BASIS else str(b).replace("_", " ") for b in allegation.get("basis") or ()]
    rests = say("rests on %(basis)s", basis=_listed(basis, ", ")) if basis else say("states no basis")
    text = phrase("An allegation of %(claim)s%(by)s on %(date)s %(rests)s")
    return say(text, claim=claim, by=by, date=allegation.date, rests=rests)


def _claim_said(code: object) -> Words | str:
    """A claim the vocabulary names ("gang_membership") as its label's message; any other as recorded.

    Only a label that reads as the code does ("gang membership") is used, so the English is the same.
    """
    written = str(code).replace("_", " ")
    label = VALUES.get(str(code))
    return say(label) if label == written else written


def _found_said(check: Event) -> Words:
    found = str(check.get("found")).replace("_", " ") if check.get("found") else say("a record")
    if check.get("jurisdiction"):
        where = say(" (%(jurisdiction)s, %(date)s)", jurisdiction=str(check.get("jurisdiction")), date=check.date)
    else:
        where = say(" (%(date)s)", date=check.date)
    return say("%(found)s%(where)s", found=found, where=where)


def _capitalised(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}"


def _minor(text: str) -> bool:
    return any(word in text.lower().replace(" ", "_") for word in _MINOR_RECORDS)


def bears_on(check: Event, allegation: Event) -> bool | None:
    """Whether a record a check found supports the allegation: as recorded, or plain from what was found."""
    recorded = check.get("bears_on_allegation")
    if recorded is not None:
        return bool(recorded)
    found = str(check.get("found") or "")
    if found and _minor(found) and not _minor(str(allegation.get("claim") or "")):
        return False
    return None  # a record whose bearing is not recorded: it may be the very conviction alleged


def _found_words(check: Event) -> str:
    found = str(check.get("found") or "a record").replace("_", " ")
    where = f" ({check.get('jurisdiction')}, {check.date})" if check.get("jurisdiction") else f" ({check.date})"
    return f"{found}{where}"


def _record_behind(facts: Facts, allegation: Event) -> bool:
    """A check found a record that supports the allegation, or whose bearing is not recorded."""
    return any(
        c.get("result") == "record_found" and bears_on(c, allegation) is not False
        for c in facts.of_kind(Kind.RECORD_CHECK)
    )


def allegation_without_record(facts: Facts) -> list[Finding]:
    checks = facts.of_kind(Kind.RECORD_CHECK)
    findings = []
    for allegation in facts.of_kind(Kind.ALLEGATION):
        if "criminal_record" in (allegation.get("basis") or ()) or _record_behind(facts, allegation):
            continue
        clean = [c for c in checks if c.get("result") != "record_found"]
        unrelated = [c for c in checks if c.get("result") == "record_found"]  # all found to bear on nothing alleged
        record = []
        if clean:
            places = [
                say(
                    "%(place)s on %(date)s",
                    place=str(c.get("jurisdiction")) if c.get("jurisdiction") else say("unnamed"),
                    date=c.date,
                )
                for c in clean
            ]
            record.append(say("Record checks (%(where)s) found no criminal record.", where=_listed(places, ", ")))
        if unrelated:
            found = _listed([_found_said(c) for c in unrelated], "; ")
            record.append(say("What record checks found does not bear on the allegation: %(found)s.", found=found))
        if not checks:
            record.append(say("No criminal-record check is on file."))
        words = say(
            "%(allegation)s, not on a criminal record. %(record)s",
            allegation=_allegation_said(allegation),
            record=_listed(record, " "),
        )
        evidence = (allegation.id, *(c.id for c in checks))
        findings.append(Finding(Severity.WARNING, facts.by_as_of(allegation), str(words), evidence, words))
    return findings


def allegation_on_appearance(facts: Facts) -> list[Finding]:
    findings = []
    for allegation in facts.of_kind(Kind.ALLEGATION):
        basis = set(allegation.get("basis") or ())
        if not basis or not basis <= APPEARANCE or _record_behind(facts, allegation):
            continue
        text = phrase(
            "%(allegation)s and nothing else: signs of appearance or belonging (how a person looks, dresses or "
            "posts, where they come from, whom they know), not anything they were shown to have done. habeas "
            "cannot tell whether such signs mean what is claimed; ask for the evidence behind the allegation and "
            "contest it."
        )
        words = say(text, allegation=_allegation_said(allegation))
        findings.append(Finding(Severity.WARNING, facts.by_as_of(allegation), str(words), (allegation.id,), words))
    return findings


_JGG = "Trump v. J.G.G., 604 U.S. ___ (2025) (per curiam) (No. 24A931, Apr. 7, 2025)"
_AARP = "A.A.R.P. v. Trump, 605 U.S. ___ (2025) (per curiam) (No. 24A1007, May 16, 2025)"

RULES = (
    Rule(
        id="allegation_without_record",
        position=90,
        title="Allegation with no criminal record behind it",
        severities=(Severity.WARNING,),
        description=(
            "Raised for each allegation against the person (for example gang membership) whose stated basis does "
            "not include a criminal record, when no record check on file found a record that bears on it: the "
            "checks found nothing, found only something else (`bears_on_allegation: false`, or a `found` that "
            "names a traffic or entry offence while something else is alleged), or no check was made. Not raised "
            "when a check found a record that supports the allegation or whose bearing is not recorded. Who must "
            "prove what in removal proceedings depends on the person's status, which habeas may not know: an "
            "applicant for admission bears the burden (8 U.S.C. 1229a(c)(2)); the government must prove "
            "deportability by clear and convincing evidence only against a person who was admitted "
            "(1229a(c)(3)(A)). A prompt to ask what the allegation rests on and to contest it; it does not say the "
            "allegation is false."
        ),
        legal_basis=(
            Citation(
                "8 U.S.C. § 1229a(c)(2)",
                "an applicant for admission (someone never admitted, such as a person who asked for asylum at a "
                "port of entry) must show they are clearly and beyond doubt entitled to be admitted and not "
                "inadmissible, or by clear and convincing evidence that they are lawfully present after an admission",
            ),
            Citation(
                "8 U.S.C. § 1229a(c)(3)(A)",
                "against a person who was admitted, the government must prove deportability by clear and convincing "
                "evidence; this applies only to admitted people",
            ),
            Citation(
                _JGG,
                "people designated for removal under the Alien Enemies Act may contest in habeas whether they in "
                "fact fall within it, and must have notice in time to do so",
            ),
        ),
        check=allegation_without_record,
    ),
    Rule(
        id="allegation_on_appearance",
        position=95,
        title="Allegation resting on appearance alone",
        severities=(Severity.WARNING,),
        description=(
            "Raised for each allegation whose only stated bases are among tattoo, clothing, nationality, "
            "association and social_media: signs of who a person is or whom they know, not of anything they did "
            "(the crown tattoos read as gang membership in the case behind this project). Not raised when the "
            "basis also names a criminal record, an informant or other grounds, when no basis is stated (see "
            "allegation_without_record), or when a record check found a record that supports the allegation or "
            "whose bearing is not recorded. The law here is contested and moving: whether the Alien Enemies Act "
            "can be used against a gang at all, what notice is due, and how much such signs may weigh are being "
            "litigated (J.G.G. v. Trump in the District of Columbia; A.A.R.P. v. Trump on remand in the Fifth "
            "Circuit). A prompt to demand the evidence and an individual hearing; it does not say the allegation "
            "is false."
        ),
        legal_basis=(
            Citation(
                "U.S. Const. amend. V; Reno v. Flores, 507 U.S. 292, 306 (1993)",
                "the Fifth Amendment entitles noncitizens to due process in removal proceedings (recalled in Trump v. "
                "J.G.G.): notice and an opportunity to be heard on the determination made about them as individuals",
            ),
            Citation(
                "Alien Enemies Act, 50 U.S.C. § 21",
                "the 1798 wartime statute invoked in March 2025 to remove Venezuelans said to be members of Tren de "
                "Aragua; whether it reaches a gang in peacetime is contested and pending",
            ),
            Citation(
                _JGG,
                "people held for removal under the Act must get notice within a reasonable time and in a manner "
                "that lets them seek habeas relief in the district of confinement before removal, and may contest "
                "whether they in fact fall within the Act",
            ),
            Citation(
                _AARP,
                "notice roughly 24 hours before removal, with no word on how to contest it, does not satisfy due "
                "process; the notice due was left to the Fifth Circuit on remand",
            ),
            Citation(
                "J.G.G. v. Trump, No. 1:25-cv-00766-JEB (D.D.C.)",
                'the record holds a checklist titled "Alien Enemies Act: Alien Enemy Validation Guide", filed by '
                "the plaintiffs with their motion for a preliminary injunction (28 March 2025) as the form they "
                'believe ICE uses: it scores tattoos "denoting membership/loyalty" and insignia, logos or dress at '
                'four points each toward the eight that "validate" a person as a member; the case is pending',
            ),
        ),
        check=allegation_on_appearance,
    ),
)

"""The vocabulary of habeas: event kinds, their fields, custody states, as data.

Everything that names a kind of fact lives here, with its English label and a
description. The case-file JSON Schema, the docs, the validators and the web's labels
are generated from these tables; no other module spells out the list of kinds or their
fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"  # an EDTF string
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    BOOL = "bool"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    EVENT_REF = "event_ref"  # the id of another event
    DAYS = "days"  # a whole, positive number of days (an interval)
    EVENT = "event"  # a whole event (a correction's replacement)


class Kind(StrEnum):
    """The names of the event kinds: code names a kind through these, never through a bare string."""

    APPREHENDED = "apprehended"
    BOOKED_IN = "booked_in"
    TRANSFERRED = "transferred"
    RELEASED = "released"
    REMOVED = "removed"
    HANDED_OVER = "handed_over"
    RETURNED = "returned"
    DIED = "died"
    CLAIM_FILED = "claim_filed"
    HEARING_SCHEDULED = "hearing_scheduled"
    HEARING_HELD = "hearing_held"
    DECISION = "decision"
    PETITION_FILED = "petition_filed"
    CONTACT = "contact"
    PROOF_OF_LIFE = "proof_of_life"
    INQUIRY = "inquiry"
    INQUIRY_ANSWERED = "inquiry_answered"
    ACCESS_DENIED = "access_denied"
    ALLEGATION = "allegation"
    RECORD_CHECK = "record_check"
    CORRECTION = "correction"
    # Kinds habeas adds to the case file, version 1 (docs/casefile.md).
    BOND_DECISION = "bond_decision"
    REPRESENTATION = "representation"
    LOCATOR_CHECK = "locator_check"
    ARRIVED = "arrived"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    description: str
    values: tuple[str, ...] = ()
    required: bool = False
    open_values: bool = False  # values are suggestions; any snake_case word is accepted


@dataclass(frozen=True)
class KindSpec:
    name: str
    label: str  # how the kind reads on a page, in English: the catalogue id its translations hang on
    description: str
    fields: tuple[FieldSpec, ...]
    # Proof that the person was alive on the event's date: always, or only when
    # the named boolean field is true.
    proves_alive: bool = False
    alive_if: str | None = None
    # Where the event sorts among events of the same day (lower first).
    rank: int = 50

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None


class Custody(StrEnum):
    US_CUSTODY = "us_custody"
    FOREIGN_CUSTODY = "foreign_custody"
    REMOVED = "removed"
    RELEASED = "released"
    DECEASED = "deceased"
    UNKNOWN = "unknown"


CUSTODY_DESCRIPTIONS: dict[Custody, str] = {
    Custody.US_CUSTODY: "held by a US agency (or by another named country's, after a return)",
    Custody.FOREIGN_CUSTODY: "handed to the custody of another state or authority",
    Custody.REMOVED: "taken out of the United States, custody at destination not recorded",
    Custody.RELEASED: "out of custody without removal",
    Custody.DECEASED: "died",
    Custody.UNKNOWN: "no custody event on record",
}

SOURCE_KINDS: dict[str, str] = {
    "article": "a news article",
    "broadcast": "a radio or television broadcast",
    "court_record": "a filing, order or transcript from a court",
    "government_record": "a record produced by a government agency",
    "government_statement": "a public statement by a government or official",
    "dataset": "a data file, such as an ICE FOIA release",
    "testimony": "sworn or public testimony",
    "interview": "an interview with the person, family, counsel or a witness",
    "document": "any other document",
    "other": "anything else",
}

RELIABILITY: dict[str, str] = {
    "confirmed": "confirmed by documents or several independent sources",
    "credible": "from a credible source, not independently confirmed",
    "unverified": "not verified",
}

COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("sources", FieldType.TEXT, "ids of the sources that report this event"),
    FieldSpec("reported", FieldType.DATE, "when the event became known"),
    FieldSpec("note", FieldType.TEXT, "free text (sensitive: encrypted at rest)"),
)

_COUNTRY = "ISO 3166-1 alpha-2 country code"


def _f(name: str, type_: FieldType, description: str, *values: str, **kw: bool) -> FieldSpec:
    return FieldSpec(name, type_, description, tuple(values), **kw)


_T, _D, _C, _B, _E, _L, _R = (
    FieldType.TEXT,
    FieldType.DATE,
    FieldType.COUNTRY,
    FieldType.BOOL,
    FieldType.ENUM,
    FieldType.ENUM_LIST,
    FieldType.EVENT_REF,
)

CLAIMS = ("asylum", "withholding", "cat", "tps", "parole", "other")
# A petition's kinds: `reopen` and `reconsider` are motions (8 U.S.C. 1229a(c)(6)-(7)), habeas extensions.
PETITIONS = ("appeal", "habeas", "review", "stay", "reopen", "reconsider", "other")
MOTIONS = ("reopen", "reconsider")
TRIBUNALS = ("immigration_judge", "bia", "federal_court", "dhs", "other")
STAY_TYPES = ("automatic", "administrative", "judicial")
STAY_REQUESTS = ("requested", "granted", "denied")
STAY_OUTCOMES = ("granted", "denied", "lifted")
ATTESTERS = ("detaining_authority", "other_government", "counsel", "family", "journalist", "independent", "other")

KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        Kind.APPREHENDED,
        "Apprehended",
        "arrested or encountered by an enforcement agency",
        (_f("agency", _T, "the agency"), _f("place", _T, "where"), _f("country", _C, _COUNTRY)),
        proves_alive=True,
        rank=10,
    ),
    KindSpec(
        Kind.BOOKED_IN,
        "Booked into detention",
        "entered a detention facility",
        (
            _f("facility", _T, "facility name"),
            _f("facility_code", _T, "ICE facility code (DETLOC)"),
            _f("country", _C, _COUNTRY),
        ),
        proves_alive=True,
        rank=20,
    ),
    KindSpec(
        Kind.TRANSFERRED,
        "Transferred",
        "moved to another facility",
        (
            _f("facility", _T, "the facility moved to"),
            _f("facility_code", _T, "ICE facility code (DETLOC) moved to"),
            _f("country", _C, _COUNTRY),
            _f("from_facility", _T, "the facility moved from"),
        ),
        proves_alive=True,
        rank=30,
    ),
    KindSpec(
        Kind.RELEASED,
        "Released",
        "left custody without removal",
        (
            _f(
                "reason",
                _E,
                "why",
                "bond",
                "parole",
                "order_of_supervision",
                "alternatives_to_detention",
                "court_order",
                "exchange",
                "other",
            ),
            _f("country", _C, _COUNTRY + " where released"),
        ),
        proves_alive=True,
        rank=80,
    ),
    KindSpec(
        Kind.REMOVED,
        "Removed",
        "taken out of the United States",
        (
            _f("destination", _C, "country of destination, " + _COUNTRY),
            _f("removal_type", _T, "e.g. expedited_removal, reinstatement, aea"),
            _f("flight", _T, "flight number or description"),
            _f("destination_disclosed", _B, "false when the authorities would not say where the person was taken"),
        ),
        proves_alive=True,
        rank=70,
    ),
    KindSpec(
        Kind.HANDED_OVER,
        "Handed over",
        "custody passed to another state or authority",
        (_f("to", _T, "the authority"), _f("facility", _T, "facility"), _f("country", _C, _COUNTRY)),
        proves_alive=True,
        rank=75,
    ),
    KindSpec(
        Kind.RETURNED,
        "Returned to the US",
        "brought back to the United States",
        (_f("country", _C, _COUNTRY + " (US unless named)"), _f("reason", _T, "why")),
        proves_alive=True,
        rank=85,
    ),
    KindSpec(
        Kind.ARRIVED,
        "Arrived in the US",
        "the person arrived in the United States (habeas extension); the last arrival starts the asylum one-year clock",
        (
            _f("port", _T, "where: a port of entry, or the place crossed (habeas extension)"),
            _f(
                "manner",
                _E,
                "how: inspected and admitted, paroled, or entered without inspection (habeas extension)",
                "admitted",
                "paroled",
                "without_inspection",
                "unknown",
            ),
        ),
        rank=5,
    ),
    KindSpec(Kind.DIED, "Died", "death", (_f("place", _T, "where"), _f("country", _C, _COUNTRY)), rank=99),
    KindSpec(
        Kind.CLAIM_FILED,
        "Claim filed",
        "relief sought",
        (_f("claim", _E, "the relief", *CLAIMS, required=True),),
        rank=40,
    ),
    KindSpec(
        Kind.HEARING_SCHEDULED,
        "Hearing scheduled",
        "a hearing set",
        (
            _f("scheduled_for", _D, "the date the hearing is set for", required=True),
            _f("court", _T, "court or office"),
            _f("proceeding", _T, "what the hearing is in, e.g. asylum, removal, bond"),
        ),
        rank=41,
    ),
    KindSpec(
        Kind.HEARING_HELD,
        "Hearing held",
        "a hearing took place",
        (
            _f("court", _T, "court or office"),
            _f("outcome", _T, "what came of it"),
            _f("attended", _B, "whether the person was present in body or by video"),
            _f("represented", _B, "whether counsel appeared for the person (habeas extension)"),
            _f("hearing", _R, "the id of the hearing_scheduled this holds (habeas extension)"),
        ),
        alive_if="attended",
        rank=42,
    ),
    KindSpec(
        Kind.DECISION,
        "Decision",
        "a decision in proceedings",
        (
            _f(
                "outcome",
                _E,
                "the decision",
                "granted",
                "denied",
                "dismissed",
                "terminated",
                "removal_order",
                "withholding_granted",
                "cat_granted",
                "stay_granted",
                "remanded",
                "other",
                required=True,
            ),
            _f("claim", _E, "the claim decided", *CLAIMS),
            _f("in_absentia", _B, "decided without the person present"),
            _f("protects_against", _C, "country the person may not be sent to, " + _COUNTRY),
            _f("decides", _R, "the id of the claim or petition this decides (habeas extension)"),
            _f("court", _T, "court or office"),
            _f("decided_by", _E, "who decided (habeas extension)", *TRIBUNALS),
            _f("appeal_waived", _B, "the person waived appeal, which makes a removal order final (8 CFR 1241.1(b))"),
            _f("stay", _E, "what the decision did to a stay of removal (habeas extension)", *STAY_OUTCOMES),
            _f("stay_type", _E, "which stay (habeas extension)", *STAY_TYPES),
        ),
        rank=45,
    ),
    KindSpec(
        Kind.PETITION_FILED,
        "Petition filed",
        "appeal, habeas petition, petition for review",
        (
            _f("court", _T, "court"),
            _f("case_number", _T, "docket number"),
            _f("petition", _E, "kind of petition", *PETITIONS),
            _f("stay", _E, "a stay of removal asked for or granted with it (habeas extension)", *STAY_REQUESTS),
            _f("stay_type", _E, "which stay (habeas extension)", *STAY_TYPES),
        ),
        rank=43,
    ),
    KindSpec(
        Kind.CONTACT,
        "Contact",
        "communication with the person",
        (
            _f("party", _E, "who", "attorney", "family", "official", "journalist", "other"),
            _f("channel", _T, "e.g. visit, phone, letter, video"),
            _f("direct", _B, "whether the party heard from the person directly"),
        ),
        alive_if="direct",
        rank=50,
    ),
    KindSpec(
        Kind.PROOF_OF_LIFE,
        "Proof of life",
        "evidence the person was alive on a date",
        (
            _f(
                "evidence",
                _E,
                "kind of evidence",
                "visit",
                "call",
                "video",
                "photo",
                "official_confirmation",
                "release",
                "other",
            ),
            _f("by", _T, "who obtained it"),
            _f("attested_by", _E, "who vouches for it (habeas extension)", *ATTESTERS),
        ),
        proves_alive=True,
        rank=51,
    ),
    KindSpec(
        Kind.INQUIRY,
        "Inquiry",
        "a request to an authority about the person",
        (
            _f("by", _E, "who asked", "attorney", "congress", "consulate", "family", "journalist", "other"),
            _f("to", _T, "the authority asked"),
            _f("case_number", _T, "the agency's case or reference number for the inquiry (habeas extension)"),
            _f(
                "privacy_release",
                _E,
                "the Privacy Act release the inquiry relies on: the signed consent an agency asks for before it "
                "answers a third party about a person (habeas extension)",
                "on_file",
                "requested",
                "not_needed",
            ),
            _f("privacy_release_date", _D, "the day the Privacy Act release was signed (habeas extension)"),
            _f("privacy_release_scope", _T, "what the release covers, as it says (habeas extension)"),
            _f(
                "follow_up_days",
                FieldType.DAYS,
                "days between follow-ups while unanswered; 14 when absent (habeas extension)",
            ),
        ),
        rank=55,
    ),
    KindSpec(
        Kind.INQUIRY_ANSWERED,
        "Inquiry answered",
        "the authority's answer",
        (
            _f("outcome", _E, "the answer", "answered", "denied", "no_response", required=True),
            _f("inquiry", _R, "id of the inquiry answered"),
        ),
        rank=56,
    ),
    KindSpec(
        Kind.ACCESS_DENIED,
        "Access denied",
        "someone was refused access to the person",
        (_f("who", _T, "who was refused"), _f("where", _T, "where")),
        rank=57,
    ),
    KindSpec(
        Kind.ALLEGATION,
        "Allegation",
        "a claim made against the person",
        (
            _f("claim", _T, "what is alleged, e.g. gang_membership"),
            _f("by", _T, "who alleges it"),
            _f(
                "basis",
                _L,
                "what the allegation rests on",
                "tattoo",
                "clothing",
                "social_media",
                "informant",
                "nationality",
                "association",
                "criminal_record",
                "other",
            ),
        ),
        rank=60,
    ),
    KindSpec(
        Kind.RECORD_CHECK,
        "Criminal-record check",
        "a search for criminal records",
        (
            _f("jurisdiction", _T, "where records were searched"),
            _f("result", _E, "what was found", "record_found", "none_found", required=True),
            _f("found", _T, "what the record found is, e.g. traffic_offense (habeas extension)"),
            _f("bears_on_allegation", _B, "whether what was found supports the allegation (habeas extension)"),
        ),
        rank=61,
    ),
    KindSpec(
        Kind.CORRECTION,
        "Correction",
        "replaces or retracts an earlier event",
        (
            _f("supersedes", _R, "id of the event corrected", required=True),
            FieldSpec("replacement", FieldType.EVENT, "the event that replaces it"),
            _f("retract", _B, "true to withdraw the event without replacement"),
            _f("reason", _T, "why", required=True),
        ),
        rank=0,
    ),
    KindSpec(
        Kind.BOND_DECISION,
        "Bond decision",
        "a decision on release on bond (habeas extension); it decides custody, not a claim",
        (
            _f("outcome", _E, "the decision", "granted", "denied", "no_jurisdiction", required=True),
            _f("amount", _T, "the bond set, e.g. USD 5000"),
            _f("court", _T, "court or office"),
            _f("decided_by", _E, "who decided", *TRIBUNALS),
        ),
        rank=46,
    ),
    KindSpec(
        Kind.REPRESENTATION,
        "Representation",
        "counsel entered or withdrew an appearance for the person (habeas extension)",
        (
            _f("action", _E, "what happened", "entered", "withdrawn", required=True),
            _f("by", _T, "the attorney or organisation"),
            _f("form", _E, "the notice of appearance", "eoir_28", "eoir_27", "eoir_26", "g_28", "other"),
            _f("court", _T, "court or office"),
        ),
        rank=44,
    ),
    KindSpec(
        Kind.LOCATOR_CHECK,
        "Locator check",
        "what an official look-up (such as ICE's Online Detainee Locator) showed (habeas extension); "
        "never proof of life",
        (
            _f("result", _E, "what it showed", "found", "no_record", required=True),
            _f("facility", _T, "the facility shown"),
            _f("facility_code", _T, "ICE facility code (DETLOC) shown"),
            _f("by", _T, "who looked"),
        ),
        rank=58,
    ),
)

KIND_BY_NAME: dict[str, KindSpec] = {k.name: k for k in KINDS}
assert set(KIND_BY_NAME) == set(Kind), "every kind has its spec, and every spec its name in Kind"


class Matter(StrEnum):
    """What an open matter is, as the posture reads it."""

    CLAIM = "claim"  # relief sought, not yet decided
    HEARING = "hearing"  # a hearing set, not yet held
    APPEAL = "appeal"  # an appeal to the BIA: stays removal while pending (8 CFR 1003.6(a))
    PETITION = "petition"  # a petition for review or for habeas corpus: no stay of its own
    MOTION = "motion"  # a motion to reopen or reconsider: no stay of its own
    STAY = "stay"  # a request for a stay of removal, not yet decided
    INQUIRY = "inquiry"  # a question to an authority about the person, not yet answered


@dataclass(frozen=True)
class PendingSpec:
    """A kind of event that opens a matter, which stays pending until an event of a closing kind ends it."""

    opened_by: str  # the kind that opens the matter
    matter: Matter
    shown: str  # the field named beside the pending matter (the claim, the day of the hearing ...)
    closed_by: tuple[str, ...]  # the kinds whose events may close it (how is domain.proceedings's table)
    lapses_after: str | None = None  # a date field after which the matter is over by itself
    when: tuple[str, tuple[str, ...]] | None = None  # (field, values): only such events open it

    def opens(self, attrs: Mapping[str, object]) -> bool:
        if self.when is None:
            return True
        name, values = self.when
        return attrs.get(name) in values


_DECIDED = (Kind.DECISION,)
# What each kind opens and what closes it: the one table that pending matters are derived from. A kind with
# several rows opens the first whose `when` its event meets (a petition: an appeal, a motion, a stay, the rest).
PENDING_MATTERS: tuple[PendingSpec, ...] = (
    PendingSpec(Kind.CLAIM_FILED, Matter.CLAIM, "claim", _DECIDED),
    PendingSpec(
        Kind.HEARING_SCHEDULED,
        Matter.HEARING,
        "scheduled_for",
        (Kind.DECISION, Kind.HEARING_HELD, Kind.BOND_DECISION),
        lapses_after="scheduled_for",
    ),
    PendingSpec(Kind.PETITION_FILED, Matter.APPEAL, "petition", _DECIDED, when=("petition", ("appeal",))),
    PendingSpec(Kind.PETITION_FILED, Matter.MOTION, "petition", _DECIDED, when=("petition", MOTIONS)),
    PendingSpec(Kind.PETITION_FILED, Matter.STAY, "petition", _DECIDED, when=("petition", ("stay",))),
    PendingSpec(Kind.PETITION_FILED, Matter.PETITION, "petition", _DECIDED),
    PendingSpec(Kind.INQUIRY, Matter.INQUIRY, "by", (Kind.INQUIRY_ANSWERED,)),
)
PENDING_BY_KIND: dict[str, tuple[PendingSpec, ...]] = {
    kind: tuple(spec for spec in PENDING_MATTERS if spec.opened_by == kind)
    for kind in dict.fromkeys(spec.opened_by for spec in PENDING_MATTERS)
}
PENDING_KINDS = tuple(PENDING_BY_KIND)


def pending_spec(kind: str, attrs: Mapping[str, object]) -> PendingSpec | None:
    """The matter an event of ``kind`` with these fields opens, if any."""
    return next((spec for spec in PENDING_BY_KIND.get(kind, ()) if spec.opens(attrs)), None)

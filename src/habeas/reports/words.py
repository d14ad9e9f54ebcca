"""Wording of events, countries and values from the vocabulary: plain English, and the exhibit's labels."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import pycountry

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType
from habeas.reports.i18n import N_, country_translations, translations

# Fields that say where an event happened; they go in the "where" column, not in "what".
WHERE_FIELDS = ("facility", "facility_code", "place", "court", "where", "country")

# Values whose plain spelling would mislead a reader (abbreviations of forms of relief).
VALUE_WORDS: Mapping[str, str] = {
    "cat": "CAT (Convention against Torture)",
    "cat_granted": "CAT protection granted",
    "tps": "TPS",
    "aea": "Alien Enemies Act",
}


def country_name(code: str | None) -> str:
    """``El Salvador (SV)``; an unknown code is shown as written."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return f"{name} ({code.upper()})"


def value_words(value: Any) -> str:
    """A field value as a reader would say it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, DateRange):
        return str(value)
    if isinstance(value, (tuple, list)):
        return ", ".join(value_words(v) for v in value)
    text = str(value)
    if text in VALUE_WORDS:
        return VALUE_WORDS[text]
    return text.replace("_", " ") if text.isidentifier() else text


def range_words(value: DateRange | None) -> str:
    """``2025-03-16``, or ``between 2025-03-15 and 2025-03-16`` when the day is uncertain."""
    if value is None:
        return "none on record"
    if value.exact:
        return value.earliest.isoformat()
    return f"between {value.earliest.isoformat()} and {value.latest.isoformat()}"


def days_words(value: DayCount | None) -> str:
    if value is None:
        return "no proof of life on record"
    if value.min == value.max:
        return f"{value.min} days"
    return f"{value.min}–{value.max} days (the dates are uncertain)"


def day_words(value: date | None, missing: str = "") -> str:
    return value.isoformat() if value else missing


def _field_label(name: str) -> str:
    return name.replace("_", " ")


def _refer(event_id: str, lines: Mapping[str, int]) -> str:
    line = lines.get(event_id)
    return f"entry {line}" if line is not None else event_id


def describe(event: Event, lines: Mapping[str, int]) -> tuple[str, str]:
    """(what happened, where) for one event; ``lines`` maps event ids to chronology line numbers."""
    spec = KIND_BY_NAME.get(event.kind)
    if spec is None:
        return event.kind.replace("_", " ").capitalize(), ""
    details = []
    for field in spec.fields:
        value = event.get(field.name)
        if value is None or field.name in WHERE_FIELDS or field.type == FieldType.EVENT:
            continue
        if field.type == FieldType.EVENT_REF:
            shown = _refer(str(value), lines)
        elif field.type == FieldType.COUNTRY:
            shown = country_name(str(value))
        else:
            shown = value_words(value)
        details.append(f"{_field_label(field.name)}: {shown}")
    what = spec.description[0].upper() + spec.description[1:]
    if details:
        what = f"{what} ({'; '.join(details)})"
    return what, where_words(event)


def where_words(event: Event) -> str:
    parts = []
    for name in WHERE_FIELDS:
        value = event.get(name)
        if not value:
            continue
        if name == "facility_code":
            parts.append(f"facility code {value}")
        elif name == "country":
            parts.append(country_name(str(value)))
        else:
            parts.append(str(value))
    return ", ".join(parts)


# -- The exhibit's words: labels for the vocabulary's names, in the reader's language ---------------
#
# The functions above keep the plain wording that FtM and PFIF exports already carry (partners
# have files with it). The exhibit reads better: a kind's label from the vocabulary, each field
# and value by its label, in English or Spanish (reports/locales). The English labels are the
# web app's (web/labels.py); the reports cannot import the web layer, so they are listed here.

FIELD_LABELS: Mapping[str, str] = {
    "action": N_("action"),
    "agency": N_("agency"),
    "allegation.claim": N_("alleged"),  # an allegation's claim is what it accuses the person of, not relief sought
    "amount": N_("amount"),
    "appeal_waived": N_("appeal waived"),
    "attended": N_("attended"),
    "attested_by": N_("vouched for by"),
    "basis": N_("basis"),
    "bears_on_allegation": N_("bears on the allegation"),
    "by": N_("by"),
    "case_number": N_("case number"),
    "channel": N_("channel"),
    "claim": N_("claim"),
    "decided_by": N_("decided by"),
    "decides": N_("decides"),
    "destination": N_("destination"),
    "destination_disclosed": N_("destination disclosed"),
    "direct": N_("heard from the person directly"),
    "evidence": N_("evidence"),
    "flight": N_("flight"),
    "follow_up_days": N_("days between follow-ups"),
    "form": N_("form"),
    "found": N_("found"),
    "from_facility": N_("from facility"),
    "hearing": N_("hearing"),
    "in_absentia": N_("in absentia"),
    "inquiry": N_("inquiry answered"),
    "jurisdiction": N_("jurisdiction"),
    "manner": N_("manner of entry"),
    "outcome": N_("outcome"),
    "party": N_("party"),
    "petition": N_("petition"),
    "port": N_("port or place of entry"),
    "privacy_release": N_("privacy release"),
    "privacy_release_date": N_("privacy release dated"),
    "privacy_release_scope": N_("privacy release covers"),
    "proceeding": N_("proceeding"),
    "protects_against": N_("protects against removal to"),
    "reason": N_("reason"),
    "removal_type": N_("removal type"),
    "represented": N_("represented by counsel"),
    "result": N_("result"),
    "retract": N_("retract"),
    "scheduled_for": N_("scheduled for"),
    "stay": N_("stay of removal"),
    "stay_type": N_("type of stay"),
    "supersedes": N_("corrects"),
    "to": N_("to"),
    "who": N_("who"),
}

VALUE_LABELS: Mapping[str, str] = {
    "administrative": N_("administrative"),
    "admitted": N_("inspected and admitted"),
    "aea": N_("Alien Enemies Act"),
    "alien_enemies_act": N_("Alien Enemies Act"),
    "alternatives_to_detention": N_("alternatives to detention"),
    "answered": N_("answered"),
    "appeal": N_("appeal"),
    "association": N_("association"),
    "asylum": N_("asylum"),
    "attorney": N_("attorney"),
    "automatic": N_("automatic"),
    "bia": N_("Board of Immigration Appeals"),
    "bond": N_("bond"),
    "call": N_("call"),
    "cat": N_("Convention Against Torture"),
    "cat_granted": N_("CAT protection granted"),
    "clothing": N_("clothing"),
    "congress": N_("member of Congress"),
    "consulate": N_("consulate"),
    "counsel": N_("counsel"),
    "court_order": N_("court order"),
    "criminal_record": N_("criminal record"),
    "denied": N_("denied"),
    "detaining_authority": N_("the detaining authority"),
    "dhs": N_("DHS"),
    "dismissed": N_("dismissed"),
    "entered": N_("entered"),
    "eoir_26": N_("EOIR-26 (notice of appeal)"),
    "eoir_27": N_("EOIR-27 (appearance before the BIA)"),
    "eoir_28": N_("EOIR-28 (appearance before an immigration judge)"),
    "exchange": N_("exchange"),
    "expedited_removal": N_("expedited removal"),
    "family": N_("family"),
    "federal_court": N_("federal court"),
    "found": N_("found"),
    "g_28": N_("G-28 (appearance before DHS)"),
    "gang_membership": N_("gang membership"),
    "granted": N_("granted"),
    "habeas": N_("habeas corpus"),
    "immigration_judge": N_("immigration judge"),
    "independent": N_("independent"),
    "informant": N_("informant"),
    "journalist": N_("journalist"),
    "judicial": N_("judicial"),
    "lifted": N_("lifted"),
    "nationality": N_("nationality"),
    "no_jurisdiction": N_("no jurisdiction"),
    "no_record": N_("no record"),
    "no_response": N_("no response"),
    "none_found": N_("none found"),
    "not_needed": N_("not needed"),
    "official": N_("official"),
    "official_confirmation": N_("official confirmation"),
    "on_file": N_("on file"),
    "order_of_supervision": N_("order of supervision"),
    "other": N_("other"),
    "other_government": N_("another government"),
    "parole": N_("parole"),
    "paroled": N_("paroled"),
    "photo": N_("photo"),
    "political_opinion": N_("political opinion"),
    "reconsider": N_("motion to reconsider"),
    "record_found": N_("record found"),
    "release": N_("release"),
    "remanded": N_("remanded"),
    "removal_order": N_("removal order"),
    "reopen": N_("motion to reopen"),
    "requested": N_("requested"),
    "review": N_("petition for review"),
    "sexual_orientation": N_("sexual orientation"),
    "social_media": N_("social media"),
    "stay": N_("stay"),
    "stay_granted": N_("stay granted"),
    "tattoo": N_("tattoo"),
    "terminated": N_("terminated"),
    "tps": N_("Temporary Protected Status"),
    "video": N_("video"),
    "visit": N_("visit"),
    "withdrawn": N_("withdrawn"),
    "without_inspection": N_("entered without inspection"),
    "withholding": N_("withholding of removal"),
    "withholding_granted": N_("withholding granted"),
    # Custody states, source kinds and reliability, as the exhibit names them.
    "us_custody": N_("in US custody"),
    "foreign_custody": N_("in foreign custody"),
    "removed": N_("removed"),
    "released": N_("released"),
    "deceased": N_("deceased"),
    "unknown": N_("unknown"),
    "article": N_("article"),
    "broadcast": N_("broadcast"),
    "court_record": N_("court record"),
    "government_record": N_("government record"),
    "government_statement": N_("government statement"),
    "dataset": N_("dataset"),
    "testimony": N_("testimony"),
    "interview": N_("interview"),
    "document": N_("document"),
    "confirmed": N_("confirmed"),
    "credible": N_("credible"),
    "unverified": N_("unverified"),
    "critical": N_("critical"),
    "warning": N_("warning"),
    "info": N_("info"),
    "certain": N_("certain"),
    "possible": N_("possible"),
    "male": N_("male"),
    "female": N_("female"),
    "asylum_basis": N_("asylum basis"),
    "a_number": N_("A-number"),
    "claim_filed": N_("claim filed"),
    "hearing_scheduled": N_("hearing scheduled"),
    "petition_filed": N_("petition filed"),
    "inquiry": N_("inquiry"),
}

CUSTODY_WORDS: Mapping[str, str] = {
    "us_custody": N_("held by a US agency (or by another named country's, after a return)"),
    "foreign_custody": N_("handed to the custody of another state or authority"),
    "removed": N_("taken out of the United States, custody at destination not recorded"),
    "released": N_("out of custody without removal"),
    "deceased": N_("died"),
    "unknown": N_("no custody event on record"),
}

# A snake_case code inside free text ("gang_membership (Tren de Aragua)"): read by its label.
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class Words:
    """The exhibit's wording in one language: labels, countries, dates and counts."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self._t = translations(language)
        self._countries = country_translations(language)

    def t(self, message: str, **values: object) -> str:
        """``message`` in the reader's language, with ``{name}`` placeholders filled in."""
        text = self._t.gettext(message)
        return text.format(**values) if values else text

    def kind(self, name: str) -> str:
        spec = KIND_BY_NAME.get(name)
        return self.t(spec.label) if spec else self.code(name).capitalize()

    def field(self, name: str, kind: str = "") -> str:
        label = FIELD_LABELS.get(f"{kind}.{name}") or FIELD_LABELS.get(name)
        return self.t(label) if label else name.replace("_", " ")

    def code(self, value: str) -> str:
        """A vocabulary code by its label; an unknown code read with spaces."""
        return self.t(VALUE_LABELS[value]) if value in VALUE_LABELS else value.replace("_", " ")

    def value(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.t("yes") if value else self.t("no")
        if isinstance(value, DateRange):
            return str(value)
        if isinstance(value, (tuple, list)):
            return ", ".join(self.value(v) for v in value)
        text = str(value)
        if text in VALUE_LABELS:
            return self.code(text)
        return _CODE.sub(lambda m: self.code(m.group(0)), text)

    def country(self, code: str | None) -> str:
        """``El Salvador (SV)``; an unknown code is shown as written."""
        if not code:
            return ""
        country = pycountry.countries.get(alpha_2=code.upper())
        if country is None:
            return code
        name = getattr(country, "common_name", None) or country.name
        return f"{self._countries.gettext(name)} ({code.upper()})"

    def range(self, value: DateRange | None) -> str:
        if value is None:
            return self.t("none on record")
        if value.exact:
            return value.earliest.isoformat()
        return self.t("between {earliest} and {latest}", earliest=value.earliest, latest=value.latest)

    def days(self, value: DayCount | None) -> str:
        if value is None:
            return self.t("no proof of life on record")
        if value.min == value.max:
            return self.t("{n} days", n=value.min)
        return self.t("{low}–{high} days (the dates are uncertain)", low=value.min, high=value.max)

    def entry(self, event_id: str | None, lines: Mapping[str, int]) -> str:
        line = lines.get(event_id or "")
        return self.t("entry {n}", n=line) if line is not None else str(event_id)

    def describe(self, event: Event, lines: Mapping[str, int]) -> tuple[str, str]:
        """(what happened, where) for one event, by the vocabulary's labels."""
        spec = KIND_BY_NAME.get(event.kind)
        if spec is None:
            return self.kind(event.kind), ""
        details = []
        for field in spec.fields:
            value = event.get(field.name)
            if value is None or field.name in WHERE_FIELDS or field.type == FieldType.EVENT:
                continue
            if field.type == FieldType.EVENT_REF:
                shown = self.entry(str(value), lines)
            elif field.type == FieldType.COUNTRY:
                shown = self.country(str(value))
            else:
                shown = self.value(value)
            details.append(f"{self.field(field.name, event.kind)}: {shown}")
        what = self.kind(event.kind)
        return (f"{what} ({'; '.join(details)})" if details else what), self.where(event)

    def where(self, event: Event) -> str:
        parts = []
        for name in WHERE_FIELDS:
            value = event.get(name)
            if not value:
                continue
            if name == "facility_code":
                parts.append(self.t("facility code {code}", code=value))
            elif name == "country":
                parts.append(self.country(str(value)))
            else:
                parts.append(str(value))
        return ", ".join(parts)

"""Wording of events, countries and values from the vocabulary: plain English, and the exhibit's labels."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import pycountry

from habeas.domain import labels
from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.vocabulary import CUSTODY_DESCRIPTIONS, KIND_BY_NAME, FieldType
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
# and value by its label, in English or Spanish (reports/locales). The values' labels are the
# core's (domain/labels.py), the web app's too; a field's label is the exhibit's own, in lower case.

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

# The vocabulary's values, custody states, source kinds, reliability, severity and certainty by the core's
# one table of each (domain/labels.py, which the web reads too), and a few codes the exhibit finds in free text.
VALUE_LABELS: Mapping[str, str] = {
    **labels.VALUES,
    **labels.CUSTODY,
    **labels.SOURCE_KINDS,
    **labels.RELIABILITY,
    **labels.SEVERITY,
    **labels.CERTAINTY,
    "male": N_("male"),
    "female": N_("female"),
    "asylum_basis": N_("asylum basis"),
    "a_number": N_("A-number"),
    "claim_filed": N_("claim filed"),
    "hearing_scheduled": N_("hearing scheduled"),
    "petition_filed": N_("petition filed"),
    "inquiry": N_("inquiry"),
}

# What each custody state means, as the vocabulary describes it.
CUSTODY_WORDS: Mapping[str, str] = {str(state): words for state, words in CUSTODY_DESCRIPTIONS.items()}

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

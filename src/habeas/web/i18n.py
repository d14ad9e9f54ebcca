"""Languages: the Babel catalogs under web/locales, the choice of language, and dates and numbers per locale."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from habeas.domain.dates import DateRange, DayCount
from habeas.web.config import LANGUAGES

LOCALES = Path(__file__).with_name("locales")
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it here (it is translated where shown)."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    """The catalog for ``language``, compiled in memory from its .po file (no binary files in the repository)."""
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=20_000)
def _day(code: str, value: date, form: str) -> str:
    # Pages show the same days again and again; Babel's formatting is slow enough to be worth keeping.
    return format_date(value, format=form, locale=code)


@lru_cache(maxsize=20_000)
def _number(code: str, value: int) -> str:
    # Day counts, page numbers and thresholds repeat on every page, and Babel takes tens of microseconds each.
    return format_decimal(value, locale=code)


def choose_language(cookie: str | None, accept_language: str | None, default: str) -> str:
    """The language asked for by the cookie, else by the browser, else the default."""
    if cookie in LANGUAGES:
        return cookie
    if accept_language:
        wanted = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
        found = negotiate_locale([w for w in wanted if w], list(LANGUAGES))
        if found:
            return found.split("_")[0]
    return default


@dataclass(frozen=True)
class Language:
    """Everything a template needs to speak one language."""

    code: str

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    def gettext(self, message: str) -> str:
        return translations(self.code).ugettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.code).ungettext(singular, plural, n)

    def day(self, value: date | None, form: str = "medium") -> str:
        return _day(self.code, value, form) if value is not None else ""

    def moment(self, iso: str) -> str:
        """A UTC time written as ISO 8601 (the audit log's), in words of this locale, to the minute, with "UTC"."""
        when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
        # The 24-hour clock in every language: an audit log is read across time zones and offices.
        return f"{self.day(when.date())}, {when:%H:%M} UTC"

    def range(self, value: DateRange | None) -> str:
        """A date range in words of this locale: one day, or first – last."""
        if value is None:
            return ""
        if value.exact:
            return self.day(value.earliest)
        return f"{self.day(value.earliest)} – {self.day(value.latest)}"

    def number(self, value: float | int | None) -> str:
        if value is None:
            return ""
        return _number(self.code, value) if type(value) is int else format_decimal(value, locale=self.code)

    def days(self, value: DayCount | None) -> str:
        if value is None:
            return ""
        if value.min == value.max:
            return self.number(value.min)
        return f"{self.number(value.min)}–{self.number(value.max)}"

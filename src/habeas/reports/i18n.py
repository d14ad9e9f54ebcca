"""The exhibit's languages: its own Babel catalogue under reports/locales, compiled in memory."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

import pycountry
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).with_name("locales")
DOMAIN = "exhibit"
LANGUAGES = ("en", "es")


def N_(message: str) -> str:
    """Mark a string for the catalogue; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    """The exhibit's catalogue for ``language`` (English: the msgids themselves); no binary files in the repository."""
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def country_translations(language: str) -> gettext.NullTranslations:
    """pycountry's own ISO 3166 catalogue: country names as the language writes them."""
    if language == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:  # pycountry built without that language: English names are still correct names
        return gettext.NullTranslations()

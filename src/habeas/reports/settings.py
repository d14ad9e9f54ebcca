"""Exhibit settings: the `[exhibit]` table of the settings file (court, preparer, letter, language), checked.

The service reads the file; this module gets its text, so it does no I/O.

    [exhibit]
    court = "United States District Court for the Southern District of California"
    preparer = "Jane Roe"
    role = "Counsel for Petitioner"
    bar_number = "CA 000000"
    organization = "Example Legal Aid"
    letter = "A"
    lang = "en"
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KEYS = ("court", "case_name", "case_number", "letter", "preparer", "role", "bar_number", "organization", "lang")


class ExhibitSettingsError(ValueError):
    """An `[exhibit]` table with an unknown key or a value that is not text."""


@dataclass(frozen=True)
class ExhibitSettings:
    """The defaults an exhibit takes when the command does not give them; empty means not set."""

    court: str = ""
    case_name: str = ""
    case_number: str = ""
    letter: str = ""
    preparer: str = ""
    role: str = ""
    bar_number: str = ""
    organization: str = ""
    lang: str = ""


def parse_exhibit_settings(document: Mapping[str, Any], origin: str) -> ExhibitSettings:
    """The `[exhibit]` table of a parsed settings document; other tables are left to their owners."""
    section = document.get("exhibit", {})
    if not isinstance(section, Mapping):
        raise ExhibitSettingsError(f"{origin}: `exhibit` must be a table: [exhibit]")
    values: dict[str, str] = {}
    for key, value in section.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ExhibitSettingsError(
                f"{origin}: [exhibit] {key}: no such setting{hint}; the settings: {', '.join(KEYS)}"
            )
        if not isinstance(value, str):
            raise ExhibitSettingsError(
                f'{origin}: [exhibit] {key}: {value!r} is not text; write it in quotes, {key} = "…"'
            )
        values[key] = value
    return ExhibitSettings(**values)


def parse_exhibit_settings_text(text: str, origin: str) -> ExhibitSettings:
    """The `[exhibit]` table from the text of a TOML file named ``origin``."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExhibitSettingsError(f"{origin}: not valid TOML: {exc}") from exc
    return parse_exhibit_settings(document, origin)

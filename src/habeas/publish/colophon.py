"""Who publishes a publication, under what licence, with what note on method: options, else the settings file.

The ``[publish]`` table of the settings file (habeas.toml) gives the defaults:

    [publish]
    publisher = "Border Rights Coalition"
    licence = "CC BY 4.0"
    licence_url = "https://creativecommons.org/licenses/by/4.0/"
    method = "Cases come from the coalition's intake line."

The licence is CC BY 4.0 only when nobody chose one; the page says which applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_LICENCE = "CC BY 4.0"
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
KEYS = ("publisher", "licence", "licence_url", "method")
LONGEST = 2000  # a colophon is a line or a paragraph, not a document


class ColophonError(ValueError):
    """A [publish] setting or option habeas cannot use; the message names it."""


@dataclass(frozen=True)
class Colophon:
    publisher: str | None = None
    licence: str = DEFAULT_LICENCE
    licence_url: str | None = LICENCE_URLS[DEFAULT_LICENCE]
    method: str | None = None  # the publisher's own note on method, after habeas's

    @classmethod
    def load(cls, config_path: Path | None) -> Colophon:
        """The ``[publish]`` table of the settings file (the defaults when the file or the table is absent)."""
        if config_path is None or not config_path.exists():
            return cls()
        import tomllib

        try:
            document = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ColophonError(f"{config_path}: cannot read the settings file: {exc}") from exc
        table = document.get("publish", {})
        if not isinstance(table, dict):
            raise ColophonError(f"{config_path}: `publish` must be a table: [publish]")
        for key, value in table.items():
            if key not in KEYS:
                raise ColophonError(f"{config_path}: [publish] {key}: no such setting; use {', '.join(KEYS)}")
            if not isinstance(value, str) or not value.strip():
                raise ColophonError(f"{config_path}: [publish] {key}: give the words in quotes")
        return cls().chosen(**{key: value.strip() for key, value in table.items()}, where=f"{config_path}: [publish]")

    def chosen(
        self,
        publisher: str | None = None,
        licence: str | None = None,
        licence_url: str | None = None,
        method: str | None = None,
        where: str = "",
    ) -> Colophon:
        """This colophon with what was chosen over it; a new licence drops the old licence's address."""
        for name, value in (("publisher", publisher), ("licence", licence), ("licence_url", licence_url),
                            ("method", method)):  # fmt: skip
            if value is not None and (not value.strip() or len(value) > LONGEST or "\x00" in value):
                raise ColophonError(f"{where + ' ' if where else ''}{name}: give from 1 to {LONGEST} characters")
        if licence_url is not None and not licence_url.startswith(("https://", "http://")):
            raise ColophonError(f"{where + ' ' if where else ''}licence_url: give a web address (https://…)")
        found = self
        if publisher is not None:
            found = replace(found, publisher=publisher.strip())
        if licence is not None:
            found = replace(found, licence=licence.strip(), licence_url=LICENCE_URLS.get(licence.strip()))
        if licence_url is not None:
            found = replace(found, licence_url=licence_url.strip())
        if method is not None:
            found = replace(found, method=method.strip())
        return found

    def licence_text(self) -> str:
        """The licence as the page says it: its name and, without the scheme, its address (the page links nowhere)."""
        if not self.licence_url:
            return self.licence
        return f"{self.licence} ({self.licence_url.removeprefix('https://').removeprefix('http://').rstrip('/')})"

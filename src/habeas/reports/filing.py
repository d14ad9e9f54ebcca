"""What makes the exhibit fileable: caption, exhibit letter, Bates numbers, the 28 U.S.C. § 1746 declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from habeas.reports.i18n import LANGUAGES
from habeas.reports.words import Words


class ExhibitOptionError(ValueError):
    """An exhibit option or setting that cannot be used as given (names the option and the problem)."""


@dataclass(frozen=True)
class Preparer:
    """Who signs the declaration; any part left empty is a blank to fill in by hand."""

    name: str = ""
    role: str = ""  # e.g. "Counsel for Petitioner"
    bar_number: str = ""
    organization: str = ""

    @property
    def given(self) -> bool:
        return bool(self.name.strip())


@dataclass(frozen=True)
class Bates:
    """Bates numbers: ``prefix`` then ``start`` zero-padded to ``width`` digits, one a page."""

    prefix: str
    start: int
    width: int

    @classmethod
    def parse(cls, text: str) -> Bates:
        """``HR-0001`` → prefix ``HR-``, first number 1, four digits."""
        found = re.fullmatch(r"([A-Za-z0-9 _.\-]*?)(\d+)", text.strip())
        if found is None:
            raise ExhibitOptionError(
                f"--bates {text!r}: give a prefix and the first number, such as HR-0001 "
                "(letters, digits, spaces, '.', '_' or '-', ending in digits)"
            )
        return cls(found.group(1), int(found.group(2)), len(found.group(2)))

    def number(self, page: int) -> str:
        """The stamp on page ``page`` (1-based)."""
        return f"{self.prefix}{self.start + page - 1:0{self.width}d}"


@dataclass(frozen=True)
class ExhibitOptions:
    """How the exhibit is captioned, signed and shown: from the command's options over the settings file."""

    court: str = ""
    case_name: str = ""
    case_number: str = ""
    letter: str = ""
    preparer: Preparer = field(default_factory=Preparer)
    include_flags: bool = False
    memo: bool = False  # the internal case memo: flags first, no caption or declaration
    bates: Bates | None = None
    language: str = "en"
    show_a_number: bool = False  # the caller has checked that the user may read identifiers

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ExhibitOptionError(
                f"--lang {self.language!r} (or lang in [exhibit]): the exhibit is written in {', '.join(LANGUAGES)}"
            )
        if self.letter and not re.fullmatch(r"[A-Za-z0-9\-]{1,8}", self.letter):
            raise ExhibitOptionError(f"--exhibit {self.letter!r}: give a letter or number such as A, B or 12")


@dataclass(frozen=True)
class Caption:
    court: str
    case_name: str
    case_number: str
    a_number: str  # empty unless asked for and the user may read identifiers
    letter: str


@dataclass(frozen=True)
class Declaration:
    """The unsworn declaration under 28 U.S.C. § 1746(2), in the form for one executed in the United States."""

    heading: str
    opening: str  # "I, NAME, declare as follows:"
    paragraphs: tuple[str, ...]  # numbered
    attestation: str  # the statute's words
    executed: str  # "Executed on ____" with a blank for the date of signing
    signer: tuple[tuple[str, str], ...]  # (what, value) under the signature line; empty values are blanks
    note: str  # about the translation, or empty


def caption(options: ExhibitOptions, a_number: str) -> Caption:
    return Caption(
        court=options.court.strip(),
        case_name=options.case_name.strip(),
        case_number=options.case_number.strip(),
        a_number=a_number if options.show_a_number else "",
        letter=options.letter.strip().upper(),
    )


def declaration(
    w: Words, preparer: Preparer, person_name: str, as_of: str, known_on: str | None, generated: str
) -> Declaration:
    """The declaration's text. It attests to how the exhibit was compiled, not to the truth of what sources report."""
    blank = "____________________"
    name = preparer.name.strip() or blank
    who = w.t("I, {name}, declare as follows:", name=name)
    role = preparer.role.strip() or blank
    extra = ""
    if preparer.organization.strip():
        extra += w.t(", of {organization}", organization=preparer.organization.strip())
    bar = preparer.bar_number.strip()
    extra += w.t(", bar number {bar}", bar=bar) if bar else ""
    paragraphs = (
        w.t(
            "I am {role}{extra}. I make this declaration from personal knowledge of how this exhibit was prepared.",
            role=role,
            extra=extra,
        ),
        w.t(
            "I prepared the foregoing exhibit, a sourced chronology of {person}, with habeas, an open-source case "
            "tracker, from the records kept for this matter. It was generated on {generated}.",
            person=person_name,
            generated=generated,
        ),
        w.t(
            "Each entry of the chronology names the sources it rests on; the exhibit list identifies each source, "
            "with its address and, where a file is recorded, the file's SHA-256 checksum. An entry states what its "
            "sources report; it does not assert the truth of those reports beyond what the sources show."
        ),
        (
            w.t(
                "The whereabouts are stated as of {as_of}, from the records known on {known_on}; "
                "later events and sources published after {known_on} are left out.",
                as_of=as_of,
                known_on=known_on,
            )
            if known_on
            else w.t(
                "The whereabouts are stated as of {as_of}, from every record on file when the exhibit was generated.",
                as_of=as_of,
            )
        ),
        w.t("Uncertain dates are shown as written, and figures derived from them as ranges."),
    )
    signer = (
        (w.t("Name"), preparer.name.strip()),
        (w.t("Role"), preparer.role.strip()),
        (w.t("Bar number"), preparer.bar_number.strip()),
    )
    return Declaration(
        heading=w.t("Declaration of {name}", name=name),
        opening=who,
        paragraphs=paragraphs,
        attestation=w.t("I declare under penalty of perjury that the foregoing is true and correct."),
        executed=w.t("Executed on {date}.", date="____________________"),
        signer=signer,
        note=w.t(
            "Translation for the family. 28 U.S.C. § 1746 prescribes the English wording: file the English exhibit."
        )
        if w.language != "en"
        else "",
    )

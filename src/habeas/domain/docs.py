"""The event kinds and fields habeas adds to the case file, as Markdown generated from the vocabulary.

The case file, version 1 (the shared CASEFILE.md), is a contract; what habeas adds is listed in
docs/casefile.md between two markers, regenerated with ``python -m habeas.domain.docs docs/casefile.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from habeas.domain.vocabulary import KINDS, FieldSpec, KindSpec

BEGIN = "<!-- begin: generated from the vocabulary by `python -m habeas.domain.docs docs/casefile.md` -->"
END = "<!-- end: generated -->"

# The kinds and fields of the case file, version 1, as CASEFILE.md lists them: everything else is an extension.
VERSION_1: dict[str, tuple[str, ...]] = {
    "apprehended": ("agency", "place", "country"),
    "booked_in": ("facility", "facility_code", "country"),
    "transferred": ("facility", "facility_code", "country", "from_facility"),
    "released": ("reason", "country"),
    "removed": ("destination", "removal_type", "flight"),
    "handed_over": ("to", "facility", "country"),
    "returned": ("country", "reason"),
    "died": ("place", "country"),
    "claim_filed": ("claim",),
    "hearing_scheduled": ("scheduled_for", "court", "proceeding"),
    "hearing_held": ("court", "outcome", "attended"),
    "decision": ("outcome", "claim", "in_absentia", "protects_against"),
    "petition_filed": ("court", "case_number", "petition"),
    "contact": ("party", "channel", "direct"),
    "proof_of_life": ("evidence", "by"),
    "inquiry": ("by", "to"),
    "inquiry_answered": ("outcome", "inquiry"),
    "access_denied": ("who", "where"),
    "allegation": ("claim", "by", "basis"),
    "record_check": ("jurisdiction", "result"),
    "correction": ("supersedes", "replacement", "retract", "reason"),
}
# Values version 1 lists for its enumerated fields; values beyond these are extensions too.
VERSION_1_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("decision", "outcome"): (
        "granted", "denied", "dismissed", "terminated", "removal_order", "withholding_granted", "cat_granted",
        "stay_granted", "other",
    ),
    ("petition_filed", "petition"): ("appeal", "habeas", "review", "stay", "other"),
}  # fmt: skip


def _plain(text: str) -> str:
    return text.replace(" (habeas extension)", "").replace("(habeas extension); ", "")


def _field_line(field: FieldSpec) -> str:
    values = f": {', '.join(f'`{v}`' for v in field.values)}" if field.values else ""
    required = ", required" if field.required else ""
    return f"`{field.name}` ({field.type.value}{values}{required}): {_plain(field.description)}"


def _sentence(text: str) -> str:
    plain = _plain(text)
    return plain[:1].upper() + plain[1:] + ("" if plain.endswith(".") else ".")


def _kind_section(kind: KindSpec) -> list[str]:
    base = VERSION_1.get(kind.name)
    if base is None:
        lines = [f"### `{kind.name}` (a new kind) — {kind.label}", "", _sentence(kind.description)]
        lines += ["", *[f"- {_field_line(f)}" for f in kind.fields]]
        return [*lines, ""]
    added = [f for f in kind.fields if f.name not in base]
    widened = [
        (f, [v for v in f.values if v not in VERSION_1_VALUES[(kind.name, f.name)]])
        for f in kind.fields
        if (kind.name, f.name) in VERSION_1_VALUES
    ]
    widened = [(f, new) for f, new in widened if new]
    if not added and not widened:
        return []
    lines = [f"### `{kind.name}` — new fields", ""]
    lines += [f"- {_field_line(f)}" for f in added]
    lines += [f"- `{f.name}` takes also {', '.join(f'`{v}`' for v in new)}" for f, new in widened]
    return [*lines, ""]


def extensions_section() -> str:
    """The generated part of docs/casefile.md: every kind, field and value habeas adds to version 1."""
    lines = [BEGIN, "", "## Event kinds and fields habeas adds", ""]
    lines += [
        "Generated from the vocabulary (`habeas/domain/vocabulary.py`); `habeas schema casefile` accepts all of",
        "them. A file that uses none of them means what it meant under version 1.",
        "",
    ]
    for kind in KINDS:
        lines += _kind_section(kind)
    return "\n".join(lines).rstrip() + "\n\n" + END


def regenerate(text: str) -> str:
    """``text`` with its generated section replaced (or appended when it has none)."""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + extensions_section() + tail
    return text.rstrip() + "\n\n" + extensions_section() + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m habeas.domain.docs docs/casefile.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(regenerate(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The report on one person: what the court exhibit or the case memo shows, from domain objects, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from habeas.domain.model import Person
from habeas.domain.timeline import Timeline, TimelineEntry
from habeas.domain.whereabouts import Whereabouts, custody_on, life_clock
from habeas.reports.filing import Caption, Declaration, ExhibitOptions, Preparer, caption, declaration
from habeas.reports.headings import headings
from habeas.reports.i18n import N_
from habeas.reports.words import CUSTODY_WORDS, Words

DISCLAIMER = N_(
    "Flags are prompts for review by counsel, not legal advice. Every line of the chronology "
    "names the sources it rests on; uncertain dates are shown as written and derived figures as ranges."
)
EXHIBIT_NOTE = N_(
    "Every entry of the chronology names the sources it rests on; uncertain dates are shown as written "
    "and derived figures as ranges."
)
SENSITIVE_WARNING = N_(
    "This exhibit contains sensitive personal information (such as grounds for protection, "
    "identity numbers and case notes). File it under seal or with redactions as the court's rules require."
)


@dataclass(frozen=True)
class Row:
    """One labelled value in a summary table."""

    label: str
    value: str


@dataclass(frozen=True)
class ChronologyLine:
    number: int
    event_id: str
    date: str  # exactly as written
    what: str
    where: str
    sources: tuple[int, ...]
    status: str  # in_effect | superseded | retracted | correction
    remark: str = ""  # why a line is struck, or what a correction or replacement changes
    note: str = ""  # the event's note: sensitive, only with include_sensitive

    @property
    def struck(self) -> bool:
        return self.status in ("superseded", "retracted")


@dataclass(frozen=True)
class Exhibit:
    number: int
    source_id: str
    kind: str
    title: str
    publisher: str
    date: str
    url: str
    sha256: str
    reliability: str
    accessed: str = ""  # "accessed 2025-07-22", or that the case file does not say, for a source with a URL


@dataclass(frozen=True)
class FlagItem:
    rule: str
    title: str
    severity: str
    certainty: str
    explanation: str
    legal_basis: str
    lines: tuple[int, ...]
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Report:
    title: str
    person_name: str
    person_id: str
    as_of: date
    known_on: date | None
    preparer: Preparer
    generated_at: datetime
    include_sensitive: bool
    person_details: tuple[Row, ...]
    sensitive: tuple[Row, ...]
    whereabouts: tuple[Row, ...]
    pending: tuple[str, ...]
    flags: tuple[FlagItem, ...]
    chronology: tuple[ChronologyLine, ...]
    exhibits: tuple[Exhibit, ...]
    caption: Caption
    declaration: Declaration
    labels: Mapping[str, str]  # every heading and fixed phrase, in the report's language
    language: str = "en"
    include_flags: bool = False
    memo: bool = False
    bates: Mapping[str, Any] | None = None  # {"prefix", "start", "width"} for the PDF's stamp
    disclaimer: str = DISCLAIMER
    sensitive_warning: str = SENSITIVE_WARNING

    @property
    def known_on_words(self) -> str:
        return self.known_on.isoformat() if self.known_on else self.labels["everything_known"]

    @property
    def generated_words(self) -> str:
        return self.generated_at.strftime("%Y-%m-%d %H:%M UTC")

    def as_json(self) -> dict[str, Any]:
        """Plain JSON data (for the PDF template and for programs)."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["known_on"] = self.known_on_words
        data["generated_at"] = self.generated_words
        for line, source in zip(data["chronology"], self.chronology, strict=True):
            line["struck"] = source.struck
        return data


def _shown_entries(timeline: Timeline, as_of: date) -> list[TimelineEntry]:
    """Entries that may have happened by ``as_of``, plus the corrections of those shown."""
    shown = [e for e in timeline.entries if e.status != "correction" and e.event.date.earliest <= as_of]
    ids = {e.event.id for e in shown}
    corrections = [e for e in timeline.entries if e.status == "correction" and e.event.get("supersedes") in ids]
    keep = {e.event.id for e in shown} | {e.event.id for e in corrections}
    return [e for e in timeline.entries if e.event.id in keep]


class _Numbering:
    """Exhibit numbers in order of first citation, as the document is read; each citation lists them in order."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cite(self, source_ids: Sequence[str]) -> tuple[int, ...]:
        for sid in source_ids:
            self.numbers.setdefault(sid, len(self.numbers) + 1)
        return tuple(sorted({self.numbers[sid] for sid in source_ids}))


def _remark(w: Words, entry: TimelineEntry, lines: Mapping[str, int], reasons: Mapping[str, str]) -> str:
    reason = reasons.get(entry.changed_by or "", "")
    if entry.status == "superseded":
        return w.t(
            "Superseded by the correction at {entry}: {reason}", entry=w.entry(entry.changed_by, lines), reason=reason
        )
    if entry.status == "retracted":
        return w.t(
            "Retracted by the correction at {entry}: {reason}", entry=w.entry(entry.changed_by, lines), reason=reason
        )
    if entry.replaces:
        return w.t("Replaces {entry}.", entry=w.entry(entry.replaces, lines))
    return ""


def _chronology(
    w: Words, entries: Sequence[TimelineEntry], numbering: _Numbering, include_sensitive: bool
) -> tuple[ChronologyLine, ...]:
    lines = {entry.event.id: n for n, entry in enumerate(entries, start=1)}
    reasons = {e.event.id: str(e.event.get("reason") or "") for e in entries if e.status == "correction"}
    out = []
    for number, entry in enumerate(entries, start=1):
        event = entry.event
        what, where = w.describe(event, lines)
        out.append(
            ChronologyLine(
                number=number,
                event_id=event.id,
                date=event.date.text or str(event.date),
                what=what,
                where=where,
                sources=numbering.cite(event.sources),
                status=entry.status,
                remark=_remark(w, entry, lines, reasons),
                note=(event.note or "") if include_sensitive else "",
            )
        )
    return tuple(out)


def _flag_items(
    w: Words,
    flags: Sequence[Mapping[str, Any]],
    lines: Mapping[str, int],
    numbering: _Numbering,
    citable: Mapping[str, object],
) -> tuple[FlagItem, ...]:
    items = []
    for flag in flags:
        items.append(
            FlagItem(
                rule=str(flag.get("rule", "")),
                title=str(flag.get("title") or flag.get("rule", "")),
                severity=w.code(str(flag.get("severity", ""))),
                certainty=w.code(str(flag.get("certainty", ""))),
                explanation=str(flag.get("explanation", "")),
                legal_basis=str(flag.get("legal_basis", "")),
                lines=tuple(sorted(lines[e] for e in flag.get("evidence", ()) if e in lines)),
                sources=numbering.cite([s for s in flag.get("sources", ()) if s in citable]),
            )
        )
    return tuple(items)


def _accessed(w: Words, source: object) -> str:
    # The case file, version 1, has no `accessed` field: a source that gains one is shown with it.
    accessed = getattr(source, "accessed", None)
    if accessed:
        return w.t("accessed {date}", date=getattr(accessed, "text", None) or str(accessed))
    return w.t("date accessed not recorded")


def _exhibits(w: Words, timeline: Timeline, numbering: _Numbering) -> tuple[Exhibit, ...]:
    out = []
    for sid, number in sorted(numbering.numbers.items(), key=lambda item: item[1]):
        source = timeline.sources.get(sid)
        if source is None:
            missing = w.t("(source {id} is not in the database)", id=sid)
            out.append(Exhibit(number, sid, "", missing, "", "", "", "", ""))
            continue
        out.append(
            Exhibit(
                number=number,
                source_id=sid,
                kind=w.code(source.kind),
                title=source.title or sid,
                publisher=source.publisher or "",
                date=(source.date.text or str(source.date)) if source.date else "",
                url=source.url or "",
                sha256=source.sha256 or "",
                reliability=w.code(source.reliability) if source.reliability else "",
                accessed=_accessed(w, source) if source.url else "",
            )
        )
    return tuple(out)


def _whereabouts_rows(w: Words, timeline: Timeline, where: Whereabouts, lines: Mapping[str, int]) -> tuple[Row, ...]:
    state = custody_on(timeline.events, where.as_of)
    clock = life_clock(timeline.events, where.as_of, timeline.sources)

    def cite(event_id: str | None) -> str:
        return f" ({w.entry(event_id, lines)})" if event_id is not None and event_id in lines else ""

    alive = w.range(where.last_proof_of_life) + "".join(cite(e) for e in clock.evidence)
    if clock.proof is not None and clock.unverified is not None:
        alive += " " + w.t("(the later sign of life rests only on unverified sources)")
    days = w.days(where.days_without_proof_of_life)
    if not where.clock_running:
        days = w.t("not counted: the clock stopped when the person was {state}", state=w.code(where.custody.value))
    custody = where.custody.value
    return (
        Row(w.t("Custody"), f"{w.code(custody)}: {w.t(CUSTODY_WORDS[custody])}"),
        Row(w.t("Country"), w.country(where.country) or w.t("not recorded")),
        Row(w.t("Facility"), where.facility or w.t("not recorded")),
        Row(w.t("Since"), w.range(where.since) + (cite(state.event) if where.since else "")),
        Row(w.t("Last proof of life"), alive),
        Row(w.t("Days without proof of life"), days),
    )


def _pending(w: Words, where: Whereabouts, lines: Mapping[str, int]) -> tuple[str, ...]:
    out = []
    for matter in where.pending:
        detail = "; ".join(f"{w.field(k)}: {w.value(v)}" for k, v in matter.detail.items())
        at = f" ({w.entry(matter.event, lines)})" if matter.event in lines else ""
        out.append(f"{w.kind(matter.kind)}{f' — {detail}' if detail else ''}{at}")
    return tuple(out)


def _person_rows(w: Words, person: Person) -> tuple[Row, ...]:
    rows = [
        Row(w.t("Citizenship"), ", ".join(w.country(c) for c in person.citizenships)),
        Row(w.t("Birth year"), str(person.birth_year) if person.birth_year else ""),
        Row(w.t("Gender"), w.code(person.gender) if person.gender else ""),
        Row(w.t("Also known as"), ", ".join(person.aliases)),
    ]
    return tuple(r for r in rows if r.value)


def _sensitive_rows(w: Words, person: Person) -> tuple[Row, ...]:
    rows = [Row(w.code(k).capitalize(), w.value(v)) for k, v in sorted(person.sensitive.items())]
    rows += [Row(w.t("Identifier: {name}", name=w.code(k)), str(v)) for k, v in sorted(person.identifiers.items())]
    return tuple(rows)


def build_report(
    timeline: Timeline,
    whereabouts: Whereabouts,
    flags: Sequence[Mapping[str, Any]],
    *,
    generated_at: datetime,
    include_sensitive: bool = False,
    options: ExhibitOptions | None = None,
) -> Report:
    """The report on ``timeline.person`` as of ``whereabouts.as_of``, as known on ``timeline.known_on``.

    ``timeline`` should already be cut to what was citable on its known-on day (reports.known.citable_on).
    """
    options = options or ExhibitOptions()
    w = Words(options.language)
    person = timeline.person
    name = person.name or person.id
    numbering = _Numbering()
    entries = _shown_entries(timeline, whereabouts.as_of)
    lines = {entry.event.id: n for n, entry in enumerate(entries, start=1)}
    include_flags = options.include_flags or options.memo
    # Flags come before the chronology on the page, so their sources are numbered first.
    flag_items = _flag_items(w, flags, lines, numbering, timeline.sources) if include_flags else ()
    chronology = _chronology(w, entries, numbering, include_sensitive)
    generated = generated_at.strftime("%Y-%m-%d")
    known = timeline.known_on.isoformat() if timeline.known_on else None
    return Report(
        title=w.t("Sourced chronology of {name}", name=name),
        person_name=name,
        person_id=person.id,
        as_of=whereabouts.as_of,
        known_on=timeline.known_on,
        preparer=options.preparer,
        generated_at=generated_at,
        include_sensitive=include_sensitive,
        person_details=_person_rows(w, person),
        sensitive=_sensitive_rows(w, person) if include_sensitive else (),
        whereabouts=_whereabouts_rows(w, timeline, whereabouts, lines),
        pending=_pending(w, whereabouts, lines),
        flags=flag_items,
        chronology=chronology,
        exhibits=_exhibits(w, timeline, numbering),
        caption=caption(options, str(person.identifiers.get("a_number", ""))),
        declaration=declaration(w, options.preparer, name, whereabouts.as_of.isoformat(), known, generated),
        labels=headings(w),
        language=options.language,
        include_flags=include_flags,
        memo=options.memo,
        bates=asdict(options.bates) if options.bates else None,
        disclaimer=w.t(DISCLAIMER) if include_flags else w.t(EXHIBIT_NOTE),
        sensitive_warning=w.t(SENSITIVE_WARNING),
    )

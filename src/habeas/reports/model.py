"""The report on one person: what a court exhibit shows, built from domain objects, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from habeas.domain.model import Person
from habeas.domain.timeline import Timeline, TimelineEntry
from habeas.domain.vocabulary import CUSTODY_DESCRIPTIONS
from habeas.domain.whereabouts import Whereabouts, custody_on, life_clock
from habeas.reports.words import country_name, day_words, days_words, describe, range_words, value_words

DISCLAIMER = (
    "Flags are prompts for review by counsel, not legal advice. Every line of the chronology "
    "names the sources it rests on; uncertain dates are shown as written and derived figures as ranges."
)
SENSITIVE_WARNING = (
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
    prepared_by: str
    generated_at: datetime
    include_sensitive: bool
    person_details: tuple[Row, ...]
    sensitive: tuple[Row, ...]
    whereabouts: tuple[Row, ...]
    pending: tuple[str, ...]
    flags: tuple[FlagItem, ...]
    chronology: tuple[ChronologyLine, ...]
    exhibits: tuple[Exhibit, ...]
    disclaimer: str = DISCLAIMER
    sensitive_warning: str = SENSITIVE_WARNING

    @property
    def known_on_words(self) -> str:
        return day_words(self.known_on, "everything on record when generated")

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
    """Exhibit numbers in order of first citation."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cite(self, source_ids: Sequence[str]) -> tuple[int, ...]:
        for sid in source_ids:
            self.numbers.setdefault(sid, len(self.numbers) + 1)
        return tuple(self.numbers[sid] for sid in source_ids)


def _remark(entry: TimelineEntry, lines: Mapping[str, int], reasons: Mapping[str, str]) -> str:
    def at(event_id: str | None) -> str:
        return f"entry {lines[event_id]}" if event_id is not None and event_id in lines else str(event_id)

    if entry.status == "superseded":
        return f"Superseded by the correction at {at(entry.changed_by)}: {reasons.get(entry.changed_by or '', '')}"
    if entry.status == "retracted":
        return f"Retracted by the correction at {at(entry.changed_by)}: {reasons.get(entry.changed_by or '', '')}"
    if entry.replaces:
        return f"Replaces {at(entry.replaces)}."
    return ""


def _chronology(
    entries: Sequence[TimelineEntry], numbering: _Numbering, include_sensitive: bool
) -> tuple[ChronologyLine, ...]:
    lines = {entry.event.id: n for n, entry in enumerate(entries, start=1)}
    reasons = {e.event.id: str(e.event.get("reason") or "") for e in entries if e.status == "correction"}
    out = []
    for number, entry in enumerate(entries, start=1):
        event = entry.event
        what, where = describe(event, lines)
        out.append(
            ChronologyLine(
                number=number,
                event_id=event.id,
                date=event.date.text or str(event.date),
                what=what,
                where=where,
                sources=numbering.cite(event.sources),
                status=entry.status,
                remark=_remark(entry, lines, reasons),
                note=(event.note or "") if include_sensitive else "",
            )
        )
    return tuple(out)


def _flag_items(
    flags: Sequence[Mapping[str, Any]], lines: Mapping[str, int], numbering: _Numbering
) -> tuple[FlagItem, ...]:
    items = []
    for flag in flags:
        items.append(
            FlagItem(
                rule=str(flag.get("rule", "")),
                title=str(flag.get("title") or flag.get("rule", "")),
                severity=str(flag.get("severity", "")),
                certainty=str(flag.get("certainty", "")),
                explanation=str(flag.get("explanation", "")),
                legal_basis=str(flag.get("legal_basis", "")),
                lines=tuple(lines[e] for e in flag.get("evidence", ()) if e in lines),
                sources=numbering.cite(list(flag.get("sources", ()))),
            )
        )
    return tuple(items)


def _exhibits(timeline: Timeline, numbering: _Numbering) -> tuple[Exhibit, ...]:
    out = []
    for sid, number in numbering.numbers.items():
        source = timeline.sources.get(sid)
        if source is None:
            out.append(Exhibit(number, sid, "", f"(source {sid} is not in the database)", "", "", "", "", ""))
            continue
        out.append(
            Exhibit(
                number=number,
                source_id=sid,
                kind=value_words(source.kind),
                title=source.title or sid,
                publisher=source.publisher or "",
                date=(source.date.text or str(source.date)) if source.date else "",
                url=source.url or "",
                sha256=source.sha256 or "",
                reliability=source.reliability or "",
            )
        )
    return tuple(out)


def _whereabouts_rows(timeline: Timeline, where: Whereabouts, lines: Mapping[str, int]) -> tuple[Row, ...]:
    state = custody_on(timeline.events, where.as_of)
    clock = life_clock(timeline.events, where.as_of, timeline.sources)

    def cite(event_id: str | None) -> str:
        return f" (entry {lines[event_id]})" if event_id is not None and event_id in lines else ""

    alive = range_words(where.last_proof_of_life) + "".join(cite(e) for e in clock.evidence)
    if clock.proof is not None and clock.unverified is not None:
        alive += " (the later sign of life rests only on unverified sources)"
    days = days_words(where.days_without_proof_of_life)
    if not where.clock_running:
        days = f"not counted: the clock stopped when the person was {value_words(where.custody.value)}"
    return (
        Row("Custody", f"{value_words(where.custody.value)}: {CUSTODY_DESCRIPTIONS[where.custody]}"),
        Row("Country", country_name(where.country) or "not recorded"),
        Row("Facility", where.facility or "not recorded"),
        Row("Since", range_words(where.since) + (cite(state.event) if where.since else "")),
        Row("Last proof of life", alive),
        Row("Days without proof of life", days),
    )


def _pending(where: Whereabouts, lines: Mapping[str, int]) -> tuple[str, ...]:
    out = []
    for matter in where.pending:
        detail = "; ".join(f"{k.replace('_', ' ')}: {value_words(v)}" for k, v in matter.detail.items())
        at = f" (entry {lines[matter.event]})" if matter.event in lines else ""
        out.append(f"{value_words(matter.kind).capitalize()}{f' — {detail}' if detail else ''}{at}")
    return tuple(out)


def _person_rows(person: Person) -> tuple[Row, ...]:
    rows = [
        Row("Citizenship", country_name(person.citizenship)),
        Row("Birth year", str(person.birth_year) if person.birth_year else ""),
        Row("Gender", person.gender or ""),
        Row("Also known as", ", ".join(person.aliases)),
    ]
    return tuple(r for r in rows if r.value)


def _sensitive_rows(person: Person) -> tuple[Row, ...]:
    rows = [Row(value_words(k).capitalize(), value_words(v)) for k, v in sorted(person.sensitive.items())]
    rows += [Row(f"Identifier: {k.replace('_', ' ')}", str(v)) for k, v in sorted(person.identifiers.items())]
    return tuple(rows)


def build_report(
    timeline: Timeline,
    whereabouts: Whereabouts,
    flags: Sequence[Mapping[str, Any]],
    *,
    prepared_by: str,
    generated_at: datetime,
    include_sensitive: bool = False,
) -> Report:
    """The report on ``timeline.person`` as of ``whereabouts.as_of``, as known on ``timeline.known_on``."""
    person = timeline.person
    numbering = _Numbering()
    chronology = _chronology(_shown_entries(timeline, whereabouts.as_of), numbering, include_sensitive)
    lines = {line.event_id: line.number for line in chronology}
    flag_items = _flag_items(flags, lines, numbering)
    name = person.name or person.id
    return Report(
        title=f"Sourced chronology of {name}",
        person_name=name,
        person_id=person.id,
        as_of=whereabouts.as_of,
        known_on=timeline.known_on,
        prepared_by=prepared_by,
        generated_at=generated_at,
        include_sensitive=include_sensitive,
        person_details=_person_rows(person),
        sensitive=_sensitive_rows(person) if include_sensitive else (),
        whereabouts=_whereabouts_rows(timeline, whereabouts, lines),
        pending=_pending(whereabouts, lines),
        flags=flag_items,
        chronology=chronology,
        exhibits=_exhibits(timeline, numbering),
    )

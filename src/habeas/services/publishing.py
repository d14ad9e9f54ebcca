"""Publishing: aggregate tables for the public, with small counts and differences between publications suppressed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from habeas.domain.dates import DayCount
from habeas.domain.model import Person
from habeas.domain.timeline import Timeline
from habeas.domain.vocabulary import Custody
from habeas.domain.whereabouts import derive_whereabouts
from habeas.publish import (
    AggregateRow,
    DifferencingError,
    Publication,
    PublicationError,
    PublicationTable,
    check_out_dir,
    prepare_publication,
    write_publication,
)
from habeas.publish.build import NotPublished
from habeas.publish.colophon import Colophon, ColophonError
from habeas.publish.series import completed_runs, month_starts, row_marks, undercounted_until
from habeas.publish.words import check_language, text, value_label
from habeas.security.access import Action
from habeas.services import Context, ServiceError, access, track
from habeas.stats.disclosure import DEFAULT_THRESHOLD
from habeas.store.publications import earlier_publications, record_publication

IN_CUSTODY = (Custody.US_CUSTODY, Custody.FOREIGN_CUSTODY)
DAY_BANDS = ((30, "0-30"), (90, "31-90"), (180, "91-180"), (365, "181-365"))
NO_PROOF = "none on record"
UNCERTAIN_BAND = "uncertain"


def publish(
    ctx: Context,
    out: Path,
    threshold: int = DEFAULT_THRESHOLD,
    cohort: str | None = None,
    as_of: date | None = None,
    suppress_differences: bool = False,
    lang: str = "en",
    colophon: Colophon | None = None,
) -> Publication:
    """Aggregate tables for the public (CSV, JSON, a static page), with small and derivable counts suppressed.

    Every count shown is recorded in the database with the cohort and the day, in the same
    transaction as the files are written; a count that would differ from an earlier
    publication's by 1 to the threshold is refused, or with ``suppress_differences`` suppressed.
    ``lang`` is the page's language (en, es); ``colophon`` who publishes and under what
    licence (default: the settings file's ``[publish]`` table, else CC BY 4.0 and no publisher).
    """
    access.require(ctx, Action.PUBLISH)
    try:
        check_language(lang)
        colophon = colophon or Colophon.load(ctx.settings.config_path)
    except (ColophonError, ValueError) as exc:
        raise ServiceError(f"nothing was published: {exc}") from exc
    day = as_of or ctx.clock.today()
    timelines = track.timelines(ctx, cohort=cohort)
    tables, left_out = publication_tables(timelines, day, _flag_rules(ctx, timelines, day), lang)
    population = f"cohort:{cohort}" if cohort else "all"
    try:
        check_out_dir(out)
        with ctx.engine.begin() as connection:
            earlier = earlier_publications(connection)
            prepared = prepare_publication(tables, threshold, ctx.clock.today(), earlier, suppress_differences,
                                           lang=lang, colophon=colophon, as_of=day, not_published=left_out)  # fmt: skip
            record_publication(connection, actor=ctx.actor.name, population=population, as_of=day,
                               threshold=threshold, published_at=ctx.clock.now(), cells=prepared.cells)  # fmt: skip
            published = write_publication(prepared, out)  # a failed write takes the record back with it
    except DifferencingError as exc:
        access.audit(ctx, "publish", "failed", [("cohort", cohort)] if cohort else [("publication", None)])
        raise ServiceError(f"nothing was published: {exc} (--suppress-differences)") from exc
    except (PublicationError, ValueError) as exc:
        raise ServiceError(f"nothing was published: {exc}") from exc
    access.audit(ctx, "publish", records=[("cohort", cohort)] if cohort else [("publication", None)])
    return published


def _flag_rules(ctx: Context, timelines: Sequence[Timeline], day: date) -> dict[str, set[str]] | None:
    """For each enabled rule, the people it flags; None when the rules are not part of this build."""
    try:
        from habeas.rules.engine import check_timeline
        from habeas.rules.registry import RULES
        from habeas.services import check
    except ImportError:
        return None
    settings = check.rule_settings(ctx)
    flagged: dict[str, set[str]] = {rule.id: set() for rule in RULES if settings.enabled(rule.id)}
    for timeline in timelines:
        for flag in check_timeline(timeline, day, settings):
            flagged.setdefault(flag.rule, set()).add(flag.person)
    return flagged


def days_band(days: DayCount | None) -> str:
    """The band of days without proof of life; a range that spans two bands is "uncertain", never guessed."""
    if days is None:
        return NO_PROOF
    low, high = (next((label for limit, label in DAY_BANDS if n <= limit), "over 365") for n in (days.min, days.max))
    return low if low == high else UNCERTAIN_BAND


def _sensitive_values(person: Person) -> list[str]:
    """Each sensitive value of a person as ``key=value``: used to withhold groups that all share one, never shown."""
    values = []
    for key, value in person.sensitive.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            values.append(f"{key}={item}")
    return values


def _aggregate(cells: dict[tuple[str, str | None], list[Person]]) -> list[AggregateRow]:
    rows = []
    for (row, column), people in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        shared: dict[str, int] = {}
        for person in people:
            for value in set(_sensitive_values(person)):
                shared[value] = shared.get(value, 0) + 1
        rows.append(AggregateRow(row=row, column=column, count=len(people), sensitive=shared))
    return rows


def publication_tables(
    timelines: Sequence[Timeline], day: date, flagged: dict[str, set[str]] | None, lang: str = "en"
) -> tuple[list[PublicationTable], list[NotPublished]]:
    """The published tables (custody by citizenship, days without proof of life, flags by rule), and those left out.

    Every table counts distinct people: each person once in the custody and days tables;
    in the flags table once per rule that flags them, with the distinct people flagged as
    its total.
    """
    by_custody: dict[tuple[str, str | None], list[Person]] = {}
    by_days: dict[tuple[str, str | None], list[Person]] = {}
    for timeline in timelines:
        person, where = timeline.person, derive_whereabouts(timeline, day)
        by_custody.setdefault((where.custody.value, person.citizenship or "unknown"), []).append(person)
        if where.custody in IN_CUSTODY:
            by_days.setdefault((days_band(where.days_without_proof_of_life), where.custody.value), []).append(person)
    custody_order = [c.value for c in Custody if any(key[0] == c.value for key in by_custody)]
    on = day.isoformat()
    tables = [
        PublicationTable(
            "custody-by-citizenship", text("custody_title", lang, day=on), "custody",
            _aggregate(by_custody) or [AggregateRow("unknown", 0, "unknown")], "citizenship",
            description=text("custody_description", lang), row_order=custody_order or None,
            people=len(timelines),
        )
    ]  # fmt: skip
    left_out = []
    if by_days:
        bands = [label for _, label in DAY_BANDS] + ["over 365", UNCERTAIN_BAND, NO_PROOF]
        tables.append(
            PublicationTable(
                "days-without-proof-of-life", text("days_title", lang, day=on),
                "days_without_proof_of_life", _aggregate(by_days), "custody",
                description=text("days_description", lang),
                row_order=[b for b in bands if any(key[0] == b for key in by_days)],
                people=sum(len(people) for people in by_days.values()),
            )
        )  # fmt: skip
    else:
        left_out.append(NotPublished(text("days_title", lang, day=on), text("days_none", lang, day=on)))
    if flagged:
        people = {t.person.id: t.person for t in timelines}
        cells: dict[tuple[str, str | None], list[Person]] = {
            (rule, None): [people[p] for p in sorted(ids)] for rule, ids in flagged.items()
        }
        tables.append(
            PublicationTable(
                "flags-by-rule", text("flags_title", lang, day=on), "rule",
                _aggregate(cells), description=text("flags_description", lang),
                row_order=list(flagged), people=len(set().union(*flagged.values())), overlapping=True,
            )
        )  # fmt: skip
    elif flagged is None:
        left_out.append(NotPublished(text("flags_title", lang, day=on), text("flags_none", lang)))
    series = custody_by_month(timelines, day, lang)
    if series is not None:
        tables.append(series)
    return tables, left_out


def custody_by_month(timelines: Sequence[Timeline], day: date, lang: str = "en") -> PublicationTable | None:
    """People in custody at 00:00 on the first of each month up to ``day``, with the months undercounted marked.

    The records begin with the earliest event of anyone published (the page names its month
    only: the day is one person's event); the months before the
    stays of people already held then would have ended are undercounted (see
    ``habeas.publish.series``). None when nobody has a dated event.
    """
    starts = [event.date.earliest for timeline in timelines for event in timeline.events]
    if not starts:
        return None
    data_start = min(starts)
    months = month_starts(data_start, day)
    held: dict[tuple[str, str | None], list[Person]] = {(m.strftime("%Y-%m"), None): [] for m in months}
    runs: list[int] = []
    someone: set[str] = set()
    for timeline in timelines:
        begins = min((event.date.earliest for event in timeline.events), default=day)
        # Before a person's first event nothing places them anywhere: no derivation needed.
        states = [month >= begins and derive_whereabouts(timeline, month).custody in IN_CUSTODY for month in months]
        for month, in_custody in zip(months, states, strict=True):
            if in_custody:
                held[(month.strftime("%Y-%m"), None)].append(timeline.person)
                someone.add(timeline.person.id)
        runs += completed_runs(states)
    undercounted = undercounted_until(months, data_start, runs)
    begun = value_label("month", data_start.strftime("%Y-%m"), lang)
    window = _window(months, data_start, undercounted)
    description = " ".join(
        [text("series_description", lang),
         text("undercounted_long", lang, start=begun, months=window) if undercounted else "",
         text("open_long", lang)]
    ).strip()  # fmt: skip
    return PublicationTable(
        "people-in-custody-by-month", text("series_title", lang, day=day.isoformat()), "month",
        _aggregate(held), description=description, row_order=[m.strftime("%Y-%m") for m in months],
        people=len(someone), overlapping=True, row_marks=row_marks(months, undercounted),
    )  # fmt: skip


def _window(months: Sequence[date], data_start: date, undercounted: int) -> int:
    """How many months after the records begin the undercount lasts, as the page says it."""
    if not undercounted:
        return 0
    last = months[undercounted - 1]
    return (last.year - data_start.year) * 12 + last.month - data_start.month + 1

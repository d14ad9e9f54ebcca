"""Dataset use cases: import a release into columnar files, list releases, read a person's records, figures.

Rows live in Parquet under ``Settings.datasets_dir`` (see habeas.analytics.releases); each
release is also a habeas ``dataset`` source. People from a mapped list (names and all) go
to the database like a case file, since they are the people habeas tracks.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from habeas.analytics.releases import (
    Release,
    ReleaseWriter,
    clean_abandoned_staging,
    find_release,
    latest_release,
    release_id,
    releases,
    source_to_json,
)
from habeas.domain.dates import DateRange
from habeas.domain.model import Event, Person, Source
from habeas.ingest.datasets import DatasetError, DatasetFormat, DatasetReading, Tally, load_format
from habeas.services import Context, NotFound, ServiceError
from habeas.settings import Settings

if TYPE_CHECKING:
    # Polars, the list reader, the access service (with the database) and the field encryption are
    # imported where a file is read, figures are computed or a list's name is sealed: figures from a
    # public release (`habeas stats population`) need none of the last two.
    import polars as pl

    from habeas.ingest.datasets.mapped_list import ListMapping
    from habeas.security.crypto import FieldContext

Progress = Callable[[int, int | None], None]


class DatasetImportError(ServiceError):
    """An import that stored nothing; ``problems`` lists what was wrong, each with file, row and column."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None, report: ImportReport | None = None):
        self.problems = problems or []
        self.report = report  # a refused release: what was read, so that the refusal can be explained
        super().__init__(message)


@dataclass
class ImportReport:
    release: str
    format: str
    file: str
    sha256: str
    dry_run: bool = False
    already_imported: bool = False
    header_row: int | None = None
    sheet: str | None = None
    unused_columns: tuple[str, ...] = ()
    tally: Tally = field(default_factory=Tally)
    warnings: list[str] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)  # mapped lists: records added to the database
    headers: dict[str, str] = field(default_factory=dict)  # canonical column → header in the file
    refused: str | None = None  # why the release is not (a dry run: would not be) stored
    time_zone: str = "local"  # the release's time zone (its format's); see metadata.yaml


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_dataset(
    ctx: Context,
    format_name: str,
    path: Path,
    *,
    mapping: Path | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    batch_rows: int = 250_000,
    max_rejected_share: float | None = None,
) -> ImportReport:
    """Import one file as a release: all of it or, on any error, nothing (``strict``: any rejected row is one).

    A release with no accepted row, or with more rows rejected than ``max_rejected_share``
    (default: the format's), is refused and nothing is stored; a dry run reports the refusal.
    """
    from habeas.security.access import Action
    from habeas.services import access

    access.require(ctx, Action.IMPORT)
    if max_rejected_share is not None and not 0 <= max_rejected_share <= 1:
        raise DatasetImportError(f"--max-rejected-share must be from 0 to 1, not {max_rejected_share}")
    fmt, list_mapping = _format(format_name, mapping)
    if not path.is_file():
        raise DatasetImportError(f"{path}: no such file")
    sha = file_sha256(path)
    if list_mapping is not None and mapping is not None:  # a list's release is its file and its mapping together
        sha = hashlib.sha256((sha + file_sha256(mapping)).encode()).hexdigest()
    rid = _release_id(ctx, fmt, sha, list_mapping)
    report = ImportReport(rid, fmt.name, path.name, sha, dry_run, time_zone=fmt.time_zone)
    existing = find_release(ctx.settings.datasets_dir, rid)
    if existing is not None and existing.id == rid:
        report.already_imported = True
        report.tally = _tally_from_manifest(existing.manifest)
        return report
    sheet = sheet or (list_mapping.sheet if list_mapping else None)
    clean_abandoned_staging(ctx.settings.datasets_dir)  # what killed imports left behind
    try:
        with _staging(ctx.settings, rid, dry_run) as (writer, workdir):
            reading = DatasetReading(path, fmt, sheet, batch_rows=batch_rows, workdir=workdir)
            report.header_row, report.sheet = reading.layout.header_row, reading.layout.sheet
            report.unused_columns = reading.unused_columns
            report.headers = {name: reading.parser.header(name) for name in reading.parser.positions}
            report.tally = reading.tally
            collected = _read_all(reading, writer, strict, progress, list_mapping, rid)
            report.refused = _refusal(fmt, reading.tally, max_rejected_share)
            if report.refused and dry_run:
                report.warnings.append(f"this import would be refused, nothing would be stored: {report.refused}")
            elif report.refused:
                access.audit(ctx, "import_dataset", "failed", [("dataset", rid)])
                raise DatasetImportError(
                    f"{path.name}: refused, nothing was stored: {report.refused}", reading.tally.problems, report
                )
            source = _source(fmt, path, sha, rid, reading.tally, list_mapping)
            if writer is not None:
                if list_mapping is not None:
                    report.stored = _store_list(ctx, source, list_mapping, collected, path, sha)
                manifest = _manifest(report, source, reading, ctx.clock.now())
                if list_mapping is not None:
                    manifest = _sealed_manifest(ctx, manifest)
                writer.commit(manifest, empty={"rows": _empty_rows(reading)})
    except DatasetError as exc:
        access.audit(ctx, "import_dataset", "failed", [("dataset", rid)])
        raise DatasetImportError(str(exc)) from exc
    if not dry_run:
        access.audit(ctx, "import_dataset", records=[("dataset", rid)])
    return report


def _release_id(ctx: Context, fmt: DatasetFormat, sha: str, list_mapping: ListMapping | None) -> str:
    """A public release is named by its SHA-256; a list of people by a keyed digest of it.

    An unkeyed hash in the clear would let anyone holding a copy of the list confirm it was
    imported. The key is the one of content-derived ids, which key rotation keeps, so the same
    list keeps its id.
    """
    if list_mapping is None:
        return release_id(fmt.name, sha)
    return release_id(fmt.name, ctx.keyring.identity_mac("dataset-list", bytes.fromhex(sha)).hex())


def _list_file(ctx: Context, rid: str) -> FieldContext:
    from habeas.security.crypto import FieldContext

    return FieldContext("dataset_releases", "file", rid)


def release_file(ctx: Context, found: Release) -> str | None:
    """The file a release was imported from; a list's name is sealed in its manifest and opened with the key."""
    sealed = found.manifest.get("file_sealed")
    if not sealed:
        return found.manifest.get("file")
    from habeas.security.crypto import DecryptionError, KeyringError

    try:
        return ctx.keyring.decrypt(sealed, _list_file(ctx, found.id))
    except (ServiceError, DecryptionError, KeyringError):
        return "(sealed)"


def _format(format_name: str, mapping: Path | None) -> tuple[DatasetFormat, ListMapping | None]:
    try:
        fmt = load_format(format_name)
        if fmt.name != "mapped_list":
            if mapping is not None:
                raise DatasetImportError("--mapping applies to the mapped-list format only")
            return fmt, None
        if mapping is None:
            raise DatasetImportError("the mapped-list format needs --mapping FILE (see docs/datasets.md)")
        from habeas.ingest.datasets.mapped_list import load_mapping

        list_mapping = load_mapping(mapping)
        return list_mapping.format, list_mapping
    except DatasetError as exc:
        raise DatasetImportError(str(exc)) from exc


@contextmanager
def _staging(settings: Settings, rid: str, dry_run: bool) -> Iterator[tuple[ReleaseWriter | None, Path]]:
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="habeas-dry-run-") as scratch:
            yield None, Path(scratch)
        return
    with ReleaseWriter(settings.datasets_dir, rid) as writer:
        yield writer, writer.stage


def _read_all(
    reading: DatasetReading,
    writer: ReleaseWriter | None,
    strict: bool,
    progress: Progress | None,
    list_mapping: ListMapping | None,
    rid: str,
) -> list[Any]:
    collected: list[Any] = []
    for batch in reading:
        rows = batch.rows
        if list_mapping is not None:
            from habeas.ingest.datasets.mapped_list import list_records  # a public release needs none of it

            records = list_records(list_mapping, rows, rid, reading.parser.header)
            reading.tally.reject(records.problems, reading.path.name)
            rows = records.rows
            collected.append(records)
            if writer is not None:
                writer.write(records.events, "events")
        if strict and reading.tally.rows_rejected:
            first = reading.tally.problems[0] if reading.tally.problems else {}
            raise DatasetImportError(
                f"{reading.path.name}: row {first.get('row')}, column {first.get('column')!r}: "
                f"{first.get('problem')} (--strict stops at the first rejected row; nothing was imported)",
                reading.tally.problems,
            )
        if writer is not None:
            writer.write(rows)
        if progress is not None:
            progress(reading.tally.rows_read + reading.tally.notes, reading.layout.estimated_rows)
    return collected


def _refusal(fmt: DatasetFormat, tally: Tally, allowed: float | None) -> str | None:
    """Why a release read this way must not be stored (None when it may be): no rows, or too many rejected."""
    if tally.rows_read == 0:
        return "the file has no data rows after its header"
    if tally.rows_imported == 0:
        return f"every one of its {tally.rows_read:,} rows was rejected (the reasons are listed by row)"
    minimum = fmt.assertions.get("min_rows")
    if minimum is not None and tally.rows_imported < minimum:
        return f"{tally.rows_imported:,} rows were accepted, fewer than the {int(minimum):,} a {fmt.name} release has"
    limit = fmt.max_rejected_share if allowed is None else allowed
    share = tally.rows_rejected / tally.rows_read
    if share > limit:
        return (
            f"{tally.rows_rejected:,} of its {tally.rows_read:,} rows ({share:.1%}) were rejected, more than the "
            f"{limit:.1%} allowed for {fmt.name}: is it the right format? (--max-rejected-share allows more)"
        )
    return None


def _source(
    fmt: DatasetFormat, path: Path, sha: str, rid: str, tally: Tally, list_mapping: ListMapping | None
) -> Source:
    # A list's file name and hash stay out of its source, which is stored in the clear.
    title = (list_mapping.title or fmt.title) if list_mapping is not None else f"{fmt.title}: {path.name}"
    observed = DateRange.day(tally.last_observed) if tally.last_observed else None
    return Source(
        id=rid,
        kind="dataset",
        title=title,
        publisher=list_mapping.publisher if list_mapping else None,
        date=observed,
        url=list_mapping.url if list_mapping else None,
        sha256=None if list_mapping is not None else sha,
        reliability=list_mapping.reliability if list_mapping else None,
        rows=tally.rows_imported,
    )


def _manifest(report: ImportReport, source: Source, reading: DatasetReading, now: datetime) -> dict[str, Any]:
    tally = reading.tally
    return {
        "release": report.release,
        "format": report.format,
        "file": report.file,
        "sha256": report.sha256,
        "imported_at": now.isoformat(timespec="seconds"),
        "header_row": report.header_row,
        "sheet": report.sheet,
        "rows_read": tally.rows_read,
        "rows_imported": tally.rows_imported,
        "rows_rejected": tally.rows_rejected,
        "note_rows": tally.notes,
        "unused_columns": list(report.unused_columns),
        "redacted": dict(tally.redacted),
        "person_ids_in_file": bool(reading.fmt.person_column and reading.fmt.person_column in reading.parser.positions),
        "no_lookup": [{"column": c, "value": v, "rows": n} for (c, v), n in tally.unmapped.most_common()],
        "problems": [{"column": c, "kind": k, "rows": n} for (c, k), n in tally.problem_kinds.most_common()],
        "problem_sample": tally.problems[:100],
        "time_zone": reading.fmt.time_zone,
        "times_with_offset": {report.headers.get(c, c): n for c, n in tally.zoned.most_common()},
        "first_observed": tally.first_observed.isoformat() if tally.first_observed else None,
        "last_observed": tally.last_observed.isoformat() if tally.last_observed else None,
        "warnings": report.warnings,
        "source": source_to_json(source),
    }


def _sealed_manifest(ctx: Context, manifest: dict[str, Any]) -> dict[str, Any]:
    """A list's manifest without its file's name or hash in the clear (the name is sealed with the key).

    The database's import record keeps both, sealed too (habeas.store.repository.sealed_files).
    """
    sealed = dict(manifest, file=None, sha256=None)
    sealed["file_sealed"] = ctx.keyring.encrypt(str(manifest["file"]), _list_file(ctx, manifest["release"]))
    sealed["problem_sample"] = [dict(p, file=None) for p in manifest["problem_sample"]]
    return sealed


def _tally_from_manifest(manifest: dict[str, Any]) -> Tally:
    tally = Tally(
        rows_read=manifest.get("rows_read", 0),
        rows_imported=manifest.get("rows_imported", 0),
        rows_rejected=manifest.get("rows_rejected", 0),
        notes=manifest.get("note_rows", 0),
    )
    for name in ("first_observed", "last_observed"):
        if manifest.get(name):
            setattr(tally, name, date.fromisoformat(manifest[name]))
    return tally


def _empty_rows(reading: DatasetReading) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(schema={"row": pl.Int64, **{s.name: pl.String for s in reading.fmt.columns}})


def _store_list(
    ctx: Context, source: Source, list_mapping: ListMapping, collected: list[Any], path: Path, sha: str
) -> dict[str, int]:
    """Put a mapped list's people and events in the database, validated like a case file, all or nothing."""
    from habeas.ingest.casefile import CaseFile
    from habeas.services import imports

    people = [p for records in collected for p in records.people]
    events = [e for records in collected for e in records.events_domain]
    casefile = CaseFile(sources=[source], cohorts=list_mapping.cohorts, people=people, events=events)
    try:
        summary = imports.import_records(ctx, casefile, path.name, sha)
    except imports.InvalidInput as exc:
        raise DatasetImportError(f"{path.name}: the list cannot be stored; nothing was imported\n{exc}") from exc
    return dict(summary.added)


# -- reading releases ---------------------------------------------------------------


def list_releases(ctx: Context) -> list[Release]:
    _reading_statistics(ctx)
    clean_abandoned_staging(ctx.settings.datasets_dir)
    return releases(ctx.settings.datasets_dir)


def _reading_statistics(ctx: Context, what: str | None = None) -> None:
    """Dataset records are anonymised public releases: reading them needs the statistics right, and is audited."""
    from habeas.security.access import Action
    from habeas.services import access

    access.require(ctx, Action.READ_STATISTICS)
    access.audit(ctx, "read_dataset", records=[("dataset", what)])


def dataset_sources(settings: Settings) -> list[Source]:
    """Every imported release as a habeas ``dataset`` source."""
    return [r.source for r in releases(settings.datasets_dir)]


PEOPLE_FORMATS = ("ice_detentions", "ice_removals", "mapped_list")


def get_release(ctx: Context, wanted: str | None, formats: str | tuple[str, ...] = "ice_detentions") -> Release:
    """The release named (an id or its unique prefix), else the latest imported of the given formats."""
    directory = ctx.settings.datasets_dir
    if wanted:
        found = find_release(directory, wanted)
        if found is None:
            raise NotFound(f"no dataset release {wanted!r}; `habeas datasets list` shows the releases")
        return found
    kinds = (formats,) if isinstance(formats, str) else formats
    kinds = tuple(k.replace("-", "_") for k in kinds)
    candidates = [r for r in releases(directory) if r.format in kinds]
    if not candidates:
        first = kinds[0]
        raise NotFound(f"no {first} release imported yet; `habeas datasets import {first.replace('_', '-')} FILE`")
    return candidates[-1]


def person_events(ctx: Context, person: str) -> tuple[list[Event], list[Source]]:
    """A dataset person's events (id ``RELEASE:ID``), each sourced to the release and row."""
    import polars as pl

    # The record builders (and, through the lookups, pycountry) load when a person's records are read.
    from habeas.ingest.datasets.ice_detentions.events import placement_events
    from habeas.ingest.datasets.ice_removals.events import removal_events
    from habeas.ingest.datasets.records import split_person_id

    _reading_statistics(ctx, person)
    try:
        rid, local = split_person_id(person)
    except ValueError as exc:
        raise NotFound(str(exc)) from exc
    found = find_release(ctx.settings.datasets_dir, rid)
    if found is None or found.id != rid:
        raise NotFound(f"no dataset release {rid!r} for person {person!r}")
    if found.format == "mapped_list":
        raise NotFound(f"the people of list {rid} are in the database: `habeas timeline ID` shows them")
    fmt = load_format(found.format)
    rows = found.scan().filter(pl.col(fmt.person_column or "person") == local).collect()
    if rows.is_empty():
        raise NotFound(f"no records for {person!r} in release {rid}")
    dicts = rows.to_dicts()
    if found.format == "ice_detentions":
        events = placement_events(person, rid, dicts, fmt, found.last_observed)
    elif found.format == "ice_removals":
        events = [e for row in dicts for e in removal_events(person, rid, row)]
    else:
        events = []
    return events, [found.source]


def dataset_people(ctx: Context, release: str | None = None, limit: int = 100, offset: int = 0) -> list[Person]:
    """People in one release (or every release), in the order the files list them."""
    import polars as pl

    from habeas.ingest.datasets.records import dataset_person

    _reading_statistics(ctx)
    chosen = [get_release(ctx, release)] if release else list_releases(ctx)
    people: list[Person] = []
    skip = offset
    for found in chosen:
        if found.format in ("ice_facilities", "mapped_list") or len(people) >= limit:
            continue  # facilities are not people; a list's people are in the database
        columns = found.scan().collect_schema().names()
        wanted = [c for c in ("citizenship_country_iso", "gender", "birth_year", "birth_date") if c in columns]
        firsts = found.scan().select(["person", "row", *wanted]).group_by("person", maintain_order=True).first()
        count = firsts.select(pl.len()).collect().item()
        if skip >= count:
            skip -= count
            continue
        for row in firsts.slice(skip, limit - len(people)).collect().iter_rows(named=True):
            people.append(dataset_person(found.id, row, str(row["person"])))
        skip = 0
    return people


# -- figures ------------------------------------------------------------------------------

# Shares `habeas stats share NAME` knows: (unit, flag column, description).
SHARES: dict[str, tuple[str, str, str]] = {
    "no_conviction": ("people", "no_conviction", "with no conviction on record in the release"),
    "transferred": ("stays", "transferred", "stays with at least one transfer"),
    "removed": ("stays", "removed", "stays that ended in removal"),
    "released": ("stays", "released", "stays that ended in release"),
    "ongoing": ("stays", "ongoing", "stays still open on the last observed day"),
}
REMOVAL_CONVICTION_FIELDS = ("msc_charge", "msc_category")


@dataclass(frozen=True)
class Figures:
    """A table of figures with what a reader needs to trust it: title, grouping, release, method note."""

    title: str
    key: str
    table: pl.DataFrame
    release: Release
    note: str
    unit: str = "rows"
    brief: tuple[str, ...] = ()  # the columns a terminal table shows (all when empty)


def _note(found: Release, method: str) -> str:
    manifest = found.manifest
    span = f"{manifest.get('first_observed')} to {manifest.get('last_observed')}"
    if manifest.get("sha256"):
        named = f"{manifest.get('file')} (release {found.id}, sha256 {str(manifest['sha256'])[:12]}…)"
    else:
        named = f"list {found.id}"  # a list's file is not named in figures that may be shared
    return f"Source: {named}, {manifest.get('rows_imported'):,} rows, observed {span}. {method}"


def _check_by(frame: pl.LazyFrame, by: str | None) -> None:
    if by is None:
        return
    names = frame.collect_schema().names()
    if by not in names:
        shown = ", ".join(n for n in names if n not in ("row", "redacted"))
        raise ServiceError(f"no column {by!r} to group by; the columns are: {shown}")


Where = str | Sequence[str] | None  # one --where condition, several (AND), or none


def _conditions(where: Where) -> tuple[str, ...]:
    return (where,) if isinstance(where, str) else tuple(where or ())


def _matching(frame: pl.LazyFrame, where: Where) -> pl.LazyFrame:
    """Only the rows meeting every ``--where`` condition (a row with an empty compared value meets none)."""
    from habeas.analytics.filters import ConditionError, conditions_expr

    try:
        expr = conditions_expr(_conditions(where), frame.collect_schema())
    except ConditionError as exc:
        raise ServiceError(str(exc)) from exc
    return frame if expr is None else frame.filter(expr)


def _among(where: Where) -> str:
    """How a figure's note says which rows it counts."""
    conditions = _conditions(where)
    return f" Only rows with {' and '.join(conditions)}." if conditions else ""


def _with_places(ctx: Context, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Facility name, city, state and type from the latest imported facility list, when there is one."""
    import polars as pl

    facilities = latest_release(ctx.settings.datasets_dir, "ice_facilities")
    if facilities is None or "facility_code" not in frame.collect_schema().names():
        return frame
    places = (
        facilities.scan()
        .select(
            "facility_code",
            pl.col("name").alias("facility_name"),
            pl.col("city").alias("facility_city"),
            pl.col("state").alias("facility_state"),
            pl.col("type").alias("facility_type"),
        )
        .unique("facility_code", keep="first")
    )
    return frame.join(places, on="facility_code", how="left")


def _detentions(ctx: Context, release_name: str | None) -> Release:
    found = get_release(ctx, release_name, "ice_detentions")
    if found.format != "ice_detentions":
        raise ServiceError(f"release {found.id} is {found.format}; this figure needs a detention history release")
    return found


def population_figures(
    ctx: Context, release_name: str | None = None, by: str | None = None,
    start: date | None = None, end: date | None = None, where: Where = None, measure: str = "midnight",
) -> tuple[Figures, Figures]:  # fmt: skip
    """Daily population (every day from ``start`` to ``end``, every group) and its per-group summary.

    ``measure`` is ``midnight`` (people held at 00:00) or ``24h`` (people held at any time of the day).
    """
    _reading_statistics(ctx)
    from habeas.analytics.population import MEASURE_LABELS, daily_population, population_summary

    if measure not in MEASURE_LABELS:
        raise ServiceError(f"--measure {measure}: choose midnight or 24h")
    if start is not None and end is not None and start > end:
        raise ServiceError(f"--from {start} is after --to {end}: the first day must come first")
    found = _detentions(ctx, release_name)
    rows = _matching(_with_places(ctx, found.scan()), where)
    _check_by(rows, by)
    last = found.last_observed or ctx.clock.today()
    daily = daily_population(rows, last, by, start, end, measure, found.first_observed)
    key = by or "all"
    counted = (
        "A person counts on a day when booked in at or before 00:00 and not yet booked out"
        if measure == "midnight"
        else "A person counts on every day they were held at any time of it"
    )
    method = (
        f"Measure: {MEASURE_LABELS[measure]}. {counted}; open placements count through the last observed day. "
        "Days marked undercounted miss people already held when the data begin; the summary's average and "
        "peak leave them out."
    ) + _among(where)
    title = f"Daily population in ICE detention{' by ' + by if by else ''} ({MEASURE_LABELS[measure].split(':')[0]})"
    note = _note(found, method)
    return (
        Figures(title, key, daily, found, note, "people"),
        Figures(title + " (summary)", key, population_summary(daily, key), found, note, "people"),
    )


def stay_figures(ctx: Context, release_name: str | None = None, by: str | None = None, where: Where = None) -> Figures:
    """Per group: stays, length in days (median, quantiles), transfers, ongoing stays (of the stays ``where`` says)."""
    _reading_statistics(ctx)
    import polars as pl

    from habeas.analytics.cohorts import distribution, shares
    from habeas.analytics.stays import stays

    found = _detentions(ctx, release_name)
    frame = _matching(_with_places(ctx, stays(found.scan(), found.last_observed or ctx.clock.today())), where)
    _check_by(frame, by)
    table = distribution(frame, "length_days", by)
    key = by or "all"
    moved = shares(frame, "transferred", by).select(key, pl.col("share").alias("share_transferred"))
    more = _grouped_counts(frame, key, by).join(moved, on=key, how="left")
    method = (
        "Stay length in days from stay book-in to stay book-out; ongoing stays run to the end of the last observed day."
    ) + _among(where)
    title = f"Length of stays in ICE detention{' by ' + by if by else ''}"
    brief = (key, "count", "people", "median", "p25", "p75", "p90", "share_transferred", "ongoing")
    return Figures(title, key, table.join(more, on=key, how="left"), found, _note(found, method), "stays", brief)


def _grouped_counts(frame: pl.LazyFrame, key: str, by: str | None) -> pl.DataFrame:
    import polars as pl

    from habeas.analytics.population import group_label

    labelled = frame.with_columns((group_label(by) if by else pl.lit("all")).alias(key))
    return (
        labelled.group_by(key)
        .agg(
            pl.col("person").n_unique().alias("people"),
            pl.col("transfers").mean().alias("mean_transfers"),
            pl.col("ongoing").sum().alias("ongoing"),
        )
        .collect()
    )


def share_figures(
    ctx: Context, what: str | None = None, release_name: str | None = None, by: str | None = None,
    where: Where = None,
) -> Figures:  # fmt: skip
    """A share with its 95% Wilson interval, overall or per group.

    A named share among the rows meeting ``where``; without a name, the share of rows meeting it.
    """
    _reading_statistics(ctx)
    from habeas.analytics.cohorts import shares

    conditions = _conditions(where)
    if what is None and not conditions:
        raise ServiceError(f"name one share ({', '.join(SHARES)}) or give --where COLUMN=VALUE")
    if what is not None and what not in SHARES:
        raise ServiceError(f"unknown share {what!r}; choose one of: {', '.join(SHARES)}")
    found = get_release(ctx, release_name, PEOPLE_FORMATS)
    frame, unit = _share_frame(ctx, found, what)
    if what is None:
        from habeas.analytics.filters import ConditionError, conditions_expr

        try:
            matches = conditions_expr(conditions, frame.collect_schema())
        except ConditionError as exc:
            raise ServiceError(str(exc)) from exc
        assert matches is not None  # conditions are not empty when no share is named (refused above)
        frame = frame.with_columns(matches.alias("matches"))
        flag, described, among = "matches", f"with {' and '.join(conditions)}", ""
    else:
        frame = _matching(frame, conditions)
        flag, described, among = SHARES[what][1], SHARES[what][2], _among(conditions)
    _check_by(frame, by)
    table = shares(frame, flag, by)
    method = (
        f"Share of {unit} {described}, with a 95% Wilson score interval. "
        "A redacted value counts as unknown and is left out of the total." + among
    )
    title = f"Share of {unit} {described}{' by ' + by if by else ''}"
    return Figures(title, by or "all", table, found, _note(found, method), unit)


def _share_frame(ctx: Context, found: Release, what: str | None) -> tuple[pl.LazyFrame, str]:
    """The rows a share counts (people, stays, removals or list rows) and what they are called."""
    from habeas.analytics.stays import no_conviction_on_record, people, stays

    if found.format == "ice_detentions":
        last = found.last_observed or ctx.clock.today()
        unit = SHARES[what][0] if what in SHARES else "stays"
        frame = people(found.scan(), last) if unit == "people" else stays(found.scan(), last)
    elif what in (None, "no_conviction"):
        unit = "removals" if found.format == "ice_removals" else "rows"
        frame = found.scan()
        if found.format == "ice_removals":
            frame = frame.with_columns(no_conviction_on_record(REMOVAL_CONVICTION_FIELDS).alias("no_conviction"))
    else:
        raise ServiceError(f"the share {what!r} needs a detention history release; {found.id} is {found.format}")
    return _with_places(ctx, frame), unit


def summary_figures(
    ctx: Context, release_name: str | None = None, by: str | None = None, where: Where = None
) -> Figures:
    """Per group: rows, people, and for detention history the stays and their median length."""
    _reading_statistics(ctx)
    import polars as pl

    from habeas.analytics.cohorts import counts, distribution

    found = get_release(ctx, release_name, (*PEOPLE_FORMATS, "ice_facilities"))
    rows = _matching(_with_places(ctx, found.scan()), where)
    _check_by(rows, by)
    unit = "person" if found.manifest.get("person_ids_in_file") else None
    table = counts(rows, by, unit)
    key = by or "all"
    if found.format == "ice_detentions":
        from habeas.analytics.stays import stays

        # The stays of the rows kept: a stay counts when one of its placements meets the conditions.
        kept = rows.select("person", "stay_book_in").unique()
        stay_rows = _with_places(ctx, stays(found.scan(), found.last_observed or ctx.clock.today()))
        stay_rows = stay_rows.join(kept, on=["person", "stay_book_in"], how="semi") if _conditions(where) else stay_rows
        if by is None or by in stay_rows.collect_schema().names():
            lengths = distribution(stay_rows, "length_days", by).select(
                key, pl.col("count").alias("stays"), pl.col("median").alias("median_stay_days")
            )
            table = table.join(lengths, on=key, how="left")
    title = f"{found.manifest.get('file') or found.id}: records{' by ' + by if by else ''}"
    method = "Counts of rows and of distinct people." + _among(where)
    return Figures(title, key, table, found, _note(found, method), "rows")

"""Reports and interchange: the court exhibit for one person, exports for partners' tools, PFIF import.

These gather through habeas.services.track (and habeas.services.check for flags, when that
service is part of the build), hand domain objects to habeas.reports / habeas.interop,
and return bytes or write files. The CLI and the web app call these.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from habeas.domain.timeline import Timeline
from habeas.domain.whereabouts import derive_whereabouts
from habeas.ingest.casefile import CaseFile
from habeas.interop.ftm import ftm_entities, write_ftm
from habeas.interop.pfif import DEFAULT_DOMAIN, PfifError, export_pfif
from habeas.interop.pfif_import import read_pfif
from habeas.interop.tables import export_tables
from habeas.reports.filing import Bates, ExhibitOptionError, ExhibitOptions, Preparer
from habeas.reports.html import render_html
from habeas.reports.known import citable_on
from habeas.reports.markdown import render_markdown
from habeas.reports.model import Report, build_report
from habeas.reports.pdf import render_pdf
from habeas.reports.settings import ExhibitSettings, ExhibitSettingsError, parse_exhibit_settings_text
from habeas.security.access import SYSTEM, Action, Resource, User, scope
from habeas.services import Context, ServiceError, access, track

REPORT_FORMATS = ("pdf", "html", "md")
EXPORT_FORMATS = ("ftm", "pfif", "csv", "parquet")
IMPORT_FORMATS = ("pfif",)


def _user(ctx: Context) -> User:
    return access.acting_user(ctx)


def _require(ctx: Context, action: Action, resource: Resource | None = None) -> None:
    access.require(ctx, action, resource if resource is not None else SYSTEM)


def _flags(
    ctx: Context, person_ids: Sequence[str] | None, cohort: str | None, as_of: date, known_on: date | None
) -> list[dict[str, Any]]:
    """Flags as CASEFILE.md dicts; none when the rules service is not part of this build."""
    try:
        from habeas.services import check
    except ImportError:  # the rules engine is optional; reports and exports then carry no flags
        return []
    if person_ids is not None and len(person_ids) == 1:
        found = check.flags_for(ctx, person_ids[0], as_of, known_on)
    else:
        found = check.check(ctx, person_ids, cohort, as_of=as_of, known_on=known_on)
    return [f.as_json() for f in found]


def exhibit_settings(ctx: Context) -> ExhibitSettings:
    """The `[exhibit]` table of the settings file; the defaults when there is no file."""
    path = ctx.settings.config_path
    if not path.exists():
        return ExhibitSettings()
    try:
        return parse_exhibit_settings_text(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(f"cannot read the settings file {path}: {exc}") from exc
    except ExhibitSettingsError as exc:
        raise ServiceError(str(exc)) from exc


def exhibit_options(
    ctx: Context,
    *,
    court: str | None = None,
    case_name: str | None = None,
    case_number: str | None = None,
    letter: str | None = None,
    preparer: str | None = None,
    role: str | None = None,
    bar_number: str | None = None,
    organization: str | None = None,
    lang: str | None = None,
    bates: str | None = None,
    include_flags: bool = False,
    memo: bool = False,
    show_a_number: bool = False,
) -> ExhibitOptions:
    """The exhibit's options: each one given here, else the settings file's `[exhibit]` value, else blank."""
    saved = exhibit_settings(ctx)

    def pick(given: str | None, default: str) -> str:
        return given if given is not None else default

    try:
        return ExhibitOptions(
            court=pick(court, saved.court),
            case_name=pick(case_name, saved.case_name),
            case_number=pick(case_number, saved.case_number),
            letter=pick(letter, saved.letter),
            preparer=Preparer(
                pick(preparer, saved.preparer),
                pick(role, saved.role),
                pick(bar_number, saved.bar_number),
                pick(organization, saved.organization),
            ),
            include_flags=include_flags,
            memo=memo,
            bates=Bates.parse(bates) if bates else None,
            language=pick(lang, saved.lang) or "en",
            show_a_number=show_a_number,
        )
    except ExhibitOptionError as exc:
        raise ServiceError(str(exc)) from exc


def _rule_flags(ctx: Context, timeline: Timeline, as_of: date) -> list[dict[str, Any]]:
    """The flags raised on the very timeline the exhibit shows (cut to what was citable on --known-on)."""
    try:
        from habeas.services import check
    except ImportError:  # the rules engine is optional; the exhibit then carries no flags
        return []
    from habeas.rules.engine import check_timeline

    return [f.as_json() for f in check_timeline(timeline, as_of, check.rule_settings(ctx))]


def build(
    ctx: Context,
    person_id: str,
    as_of: date,
    known_on: date | None = None,
    include_sensitive: bool = False,
    generated_at: datetime | None = None,
    options: ExhibitOptions | None = None,
) -> Report:
    """The report model for one person (what every format renders).

    With ``known_on``, sources published after that day are not cited, nor are events only they support.
    Without ``options``, the exhibit takes the settings file's `[exhibit]` table and nothing else.
    """
    options = options or exhibit_options(ctx)
    timeline = track.timeline(ctx, person_id, known_on)
    resource = Resource.person(person_id, timeline.person.cohorts)
    _require(ctx, Action.READ_PERSON, resource)
    if include_sensitive or options.show_a_number:
        _require(ctx, Action.READ_SENSITIVE, resource)
    timeline = citable_on(timeline)
    wanted = options.include_flags or options.memo
    return build_report(
        timeline,
        derive_whereabouts(timeline, as_of),
        _rule_flags(ctx, timeline, as_of) if wanted else [],
        generated_at=generated_at or ctx.clock.now(),
        include_sensitive=include_sensitive,
        options=options,
    )


def report(
    ctx: Context,
    person_id: str,
    as_of: date,
    known_on: date | None = None,
    fmt: str = "pdf",
    include_sensitive: bool = False,
    generated_at: datetime | None = None,
    options: ExhibitOptions | None = None,
) -> bytes:
    """The court exhibit (or, with ``options.memo``, the internal case memo) for one person as PDF, HTML or Markdown."""
    if fmt not in REPORT_FORMATS:
        raise ServiceError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    if options is not None and options.bates is not None and fmt != "pdf":
        raise ServiceError("--bates numbers the pages of a PDF; use it with --format pdf")
    built = build(ctx, person_id, as_of, known_on, include_sensitive, generated_at, options)
    if fmt == "pdf":
        return render_pdf(built)
    if fmt == "html":
        return render_html(built).encode("utf-8")
    return render_markdown(built).encode("utf-8")


def _export_scope(ctx: Context, cohort: str | None, include_sensitive: bool) -> None:
    actions = [Action.EXPORT, *([Action.READ_SENSITIVE] if include_sensitive else [])]
    for action in actions:
        if cohort is not None:
            _require(ctx, action, Resource.cohort(cohort))
        elif not scope(_user(ctx), action).all_records:
            raise ServiceError(f"not allowed to {action} every record; export a cohort you can reach with --cohort")


def export_data(
    ctx: Context,
    fmt: str,
    cohort: str | None = None,
    include_sensitive: bool = False,
    as_of: date | None = None,
    generated_at: datetime | None = None,
    pfif_domain: str = DEFAULT_DOMAIN,
) -> bytes:
    """An FtM (JSON lines) or PFIF 1.4 (XML) export, as bytes."""
    if fmt not in ("ftm", "pfif"):
        raise ServiceError(f"{fmt!r} is not a one-file export; use ftm or pfif (csv and parquet write a folder)")
    _export_scope(ctx, cohort, include_sensitive)
    casefile = track.export_casefile(ctx, cohort, include_sensitive)
    if fmt == "pfif":
        # Dated from the records and the as-of day, never the export's own time: repeated exports are identical.
        from habeas.services.check import rule_settings
        from habeas.settings import PfifSettings, PfifSettingsError

        try:
            names = PfifSettings.load(ctx.settings.config_path)
            return export_pfif(
                casefile,
                as_of=as_of or ctx.clock.today(),
                domain=pfif_domain,
                author_name=names.author_name or ctx.actor.name,
                source_name=names.source_name,
                missing_after_days=rule_settings(ctx).thresholds()["no_proof_of_life"]["critical_days"],
                include_sensitive=include_sensitive,
            )
        except (PfifError, PfifSettingsError) as exc:
            raise ServiceError(str(exc)) from exc
    flags = _flags(ctx, None, cohort, as_of or ctx.clock.today(), None)
    buffer = io.StringIO()
    write_ftm(ftm_entities(casefile, flags, include_sensitive), buffer)
    return buffer.getvalue().encode("utf-8")


def export(
    ctx: Context,
    fmt: str,
    out: Path,
    cohort: str | None = None,
    include_sensitive: bool = False,
    as_of: date | None = None,
    pfif_domain: str = DEFAULT_DOMAIN,
) -> list[Path]:
    """Write an export: ftm and pfif to the file ``out``; csv and parquet tables and a dictionary to folder ``out``."""
    if fmt not in EXPORT_FORMATS:
        raise ServiceError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt in ("ftm", "pfif"):
        data = export_data(ctx, fmt, cohort, include_sensitive, as_of, pfif_domain=pfif_domain)
        out.write_bytes(data)
        return [out]
    if out.exists() and not out.is_dir():
        raise ServiceError(f"{out} is a file; csv and parquet exports write a folder of tables")
    _export_scope(ctx, cohort, include_sensitive)
    casefile = track.export_casefile(ctx, cohort, include_sensitive)
    flags = _flags(ctx, None, cohort, as_of or ctx.clock.today(), None)
    return export_tables(casefile, out, [fmt], flags, include_sensitive)


@dataclass(frozen=True)
class PfifImportResult:
    """What an import of PFIF files stored, and what it left out (by record id and field name)."""

    summary: Any  # habeas.store.repository.ImportSummary
    left_out: list[str]
    people: int
    events: int


def import_pfif(ctx: Context, paths: Sequence[Path], home_domain: str = DEFAULT_DOMAIN) -> PfifImportResult:
    """Read PFIF files and store their records through the case-file import: all of them, or nothing."""
    _require(ctx, Action.IMPORT)
    try:
        result = read_pfif(list(paths), home_domain=home_domain)
    except (PfifError, OSError) as exc:
        raise ServiceError(str(exc)) from exc
    summary = _store(ctx, result.casefile, paths)
    return PfifImportResult(summary, result.left_out, len(result.casefile.people), len(result.casefile.events))


def _store(ctx: Context, casefile: CaseFile, paths: Sequence[Path]) -> Any:
    # The records go through the same validation and all-or-nothing import as a hand-written case file.
    name = "+".join(p.name for p in paths)[:200] or "pfif"
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    return track.import_records(ctx, casefile, name, digest)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    return str(value)

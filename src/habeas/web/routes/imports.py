"""Dataset uploads: the form's answer, a background import per upload, its progress, report and rejected rows."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from habeas.ingest.datasets import FORMAT_NAMES
from habeas.security.access import Action
from habeas.security.audit import Outcome
from habeas.services import NotFound
from habeas.web.i18n import N_, Language
from habeas.web.jobs import DatasetOptions, ImportJob, JobState, StagedUpload, safe_filename
from habeas.web.policy import Policy, Viewer, discard_staging
from habeas.web.rendering import render
from habeas.web.uploads import sealed_path

router = APIRouter(include_in_schema=False)

Importer = Annotated[Viewer, Depends(Policy.allows(Action.IMPORT))]
DatasetUploader = Annotated[Viewer, Depends(Policy.allows(Action.IMPORT, large_upload=True))]

# The formats the form offers, as the CLI names them (the form's <option>s list the same, in words).
FORMATS = tuple(name.replace("_", "-") for name in FORMAT_NAMES)
FORMAT_TITLES = {
    "ice-detentions": N_("ICE detention history (one row per placement)"),
    "ice-removals": N_("ICE removals (one row per departure)"),
    "ice-facilities": N_("ICE detention facility list (one row per facility)"),
    "mapped-list": N_("A list of people, read through a mapping file"),
}
# A spreadsheet opening the CSV would run a cell that starts like a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class DatasetChoice:
    """What the dataset form asked for, kept to show the form again when something is missing."""

    format: str = ""
    sheet: str = ""
    dry_run: bool = False
    strict: bool = False

    @classmethod
    def read(cls, form: Any) -> DatasetChoice:
        def text(name: str) -> str:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else ""

        return cls(text("format"), text("sheet")[:200], bool(text("dry_run")), bool(text("strict")))

    @property
    def options(self) -> DatasetOptions:
        return DatasetOptions(self.format, self.sheet or None, self.dry_run, self.strict)


def _chosen_file(form: Any, name: str) -> UploadFile | None:
    upload = form.get(name)
    return upload if isinstance(upload, UploadFile) and upload.filename else None


def _form_problems(choice: DatasetChoice, data: UploadFile | None, mapping: UploadFile | None) -> list[str]:
    problems = []
    if choice.format not in FORMATS:
        problems.append(N_("Choose the dataset's format."))
    if data is None:
        problems.append(N_("No file was chosen."))
    if choice.format == "mapped-list" and mapping is None:
        problems.append(N_("A list of people needs its mapping file (YAML)."))
    if mapping is not None and choice.format in FORMATS and choice.format != "mapped-list":
        problems.append(N_("A mapping file applies to a list of people only."))
    return problems


def _dataset_form(viewer: Viewer, choice: DatasetChoice, problems: list[str], status: int) -> HTMLResponse:
    shown = [viewer.language.gettext(p) for p in problems]
    return render(viewer, "import.html", status=status, problems=None, summary=None, filename=None,
                  dataset=choice, dataset_problems=shown)  # fmt: skip


@router.post("/import/datasets", response_class=HTMLResponse)
def upload_dataset(viewer: DatasetUploader) -> Response:
    """Start a background import of the sealed upload; whatever is not handed to a job is removed here."""
    state, form = viewer.state, viewer.extra["form"]
    try:
        choice = DatasetChoice.read(form)
        data, mapping = _chosen_file(form, "file"), _chosen_file(form, "mapping")
        problems = _form_problems(choice, data, mapping)
        staging = viewer.extra.get("staging")
        if problems or data is None or staging is None:
            return _dataset_form(viewer, choice, problems or [N_("No file was chosen.")], 400)
        staged = StagedUpload(
            staging.folder, sealed_path(data), safe_filename(data.filename or ""),
            sealed_path(mapping) if mapping is not None else None,
        )  # fmt: skip
        job = state.imports.start(viewer.ctx, staged, choice.options, on_stored=state.directory.changed)
        viewer.extra.pop("staging")  # the job owns the files now, and removes them when it ends
    finally:
        discard_staging(viewer)
    return RedirectResponse(f"/import/jobs/{job.id}", status_code=303)


def _job(viewer: Viewer, job_id: str) -> ImportJob:
    assert viewer.user is not None
    job = viewer.state.imports.find(job_id, viewer.user.name)
    if job is None:
        raise NotFound("no such import (imports are kept for a few hours, and shown only to whoever started them)")
    return job


@router.get("/import/jobs/{job_id}", response_class=HTMLResponse)
def import_job(viewer: Importer, job_id: str) -> Response:
    job = _job(viewer, job_id)
    report = job.report
    problems = report.tally.problems if report is not None else job.problems
    kinds: Counter[tuple[str, str]] = report.tally.problem_kinds if report is not None else Counter()
    title = viewer.language.gettext(FORMAT_TITLES.get(job.options.format, job.options.format))
    return render(viewer, "import_job.html", job=job, report=report, rejected=problems, kinds=kinds.most_common(),
                  problems_found=sum(kinds.values()), status_text=_status_text(job, viewer.language),
                  format_title=title)  # fmt: skip


@router.get("/import/jobs/{job_id}/status")
def import_job_status(viewer: Importer, job_id: str) -> Response:
    """How far the import is, for the page's script: no values of the file, only counts."""
    assert viewer.user is not None
    job = viewer.state.imports.find(job_id, viewer.user.name)
    if job is None:
        return JSONResponse({"error": "no such import"}, 404)
    return JSONResponse(
        {
            "state": job.state.value,
            "finished": job.finished,
            "rows": job.rows_done,
            "total": job.rows_total,
            "percent": job.percent,
            "text": _status_text(job, viewer.language),
        }
    )


def _status_text(job: ImportJob, lang: Language) -> str:
    if job.state is JobState.QUEUED:
        return lang.gettext("Waiting for another import to finish…")
    rows = lang.ngettext("%(num)s row read", "%(num)s rows read", job.rows_done) % {"num": lang.number(job.rows_done)}
    percent = job.percent
    if job.state is JobState.RUNNING and percent is not None:
        return lang.gettext("%(rows)s, about %(percent)s%% of the file") % {"rows": rows, "percent": percent}
    return rows


@router.get("/import/jobs/{job_id}/rejected.csv")
def rejected_rows(viewer: Importer, job_id: str) -> Response:
    """The rejected rows the import kept, one line per problem, for the user who ran it."""
    job = _job(viewer, job_id)
    problems = job.report.tally.problems if job.report is not None else job.problems
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("file", "row", "column", "kind", "problem"))
    for p in problems:
        writer.writerow([_cell(p.get(k)) for k in ("file", "row", "column", "kind", "problem")])
    release = job.report.release if job.report is not None else None
    viewer.audit("download_rejected_rows", Outcome.ALLOWED, "dataset", release)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="rejected-rows.csv"'},
    )


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value

"""Dataset import jobs kept in the database: started in one server process, followed from any.

The worker reading the file runs in the process that took the upload (habeas.web.jobs);
what it has done so far, and how it ended, is written here, so a page served by another
process (another worker, another machine) shows the same job. A job whose process is gone
(stopped, crashed) is shown as interrupted: its own machine sees that the process id is no
longer alive, any other machine that its heartbeat stopped. The import itself is all or
nothing, so an interrupted one stored nothing.

The job's file name and outcome (the report, and rejected rows that may quote the file) are
sealed with the database's keys; only counts and states are kept in clear.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from habeas.ingest.datasets import Tally
from habeas.security.crypto import FieldContext
from habeas.services import Context
from habeas.services.datasets import ImportReport

KEEP_FINISHED_SECONDS = 6 * 3600  # how long a finished job's report stays readable
MAX_FINISHED_JOBS = 100
HEARTBEAT_SECONDS = 5.0  # how often a running job says it is alive (and writes its progress)
# A job whose heartbeat is older than this is taken to have lost its process (seen from another machine).
STALE_HEARTBEAT_SECONDS = 60.0
INTERRUPTED = (
    "interrupted: the server process running this import stopped before it finished (a restart or a crash); "
    "upload the file again"
)


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for another import to finish
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # the file's fault, an unexpected error, or the process running it stopped


@dataclass(frozen=True)
class DatasetOptions:
    format: str  # as the CLI names it: ice-detentions, ice-removals, ice-facilities, mapped-list
    sheet: str | None = None
    dry_run: bool = False
    strict: bool = False


@dataclass
class ImportJob:
    """One dataset import: what was asked, how far it got, and its report or why it failed."""

    id: str
    owner: str
    filename: str
    options: DatasetOptions
    state: JobState = JobState.QUEUED
    rows_done: int = 0
    rows_total: int | None = None
    report: ImportReport | None = None
    error: str | None = None  # the service's message when it failed (the page adds "nothing was stored")
    unexpected: bool = False  # failed on something that is not the file's fault; the log has the error's type
    problems: list[dict[str, Any]] = field(default_factory=list)  # a failed import's rejected rows
    finished_at: float | None = None  # seconds since the epoch
    interrupted: bool = False  # its process stopped before it ended

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        """How far the reading is, when the file's size gave an estimate of its rows (100 only when done)."""
        if self.state is JobState.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, self.rows_done * 100 // self.rows_total)

    def advance(self, done: int, total: int | None) -> None:
        self.rows_done = done
        self.rows_total = max(done, total) if total else None


def _digest(job_id: str) -> str:
    return hashlib.sha256(job_id.encode()).hexdigest()


def _seal(ctx: Context, column: str, digest: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return ctx.keyring.encrypt(text, FieldContext("import_jobs", column, digest))


def _open(ctx: Context, column: str, digest: str, envelope: str) -> Any:
    return json.loads(ctx.keyring.decrypt(envelope, FieldContext("import_jobs", column, digest)))


def record_job(ctx: Context, job: ImportJob) -> None:
    """Keep a new job, as its own process's; jobs long finished are forgotten first."""
    from habeas.store import shared_state

    now = time.time()
    shared_state.forget_jobs(ctx.engine, now - KEEP_FINISHED_SECONDS, MAX_FINISHED_JOBS)
    digest = _digest(job.id)
    options = job.options
    row = shared_state.ImportJobRow(
        digest=digest, owner=job.owner, format=options.format, sheet=options.sheet, dry_run=options.dry_run,
        strict=options.strict, filename_enc=_seal(ctx, "filename", digest, job.filename), state=job.state.value,
        rows_done=job.rows_done, rows_total=job.rows_total, unexpected=False, host=socket.gethostname(),
        pid=os.getpid(), started_at=now, heartbeat_at=now,
    )  # fmt: skip
    shared_state.add_job(ctx.engine, row)


def record_progress(ctx: Context, job: ImportJob) -> None:
    """The job's state and rows read so far, with a heartbeat: its process is alive."""
    from habeas.store import shared_state

    shared_state.update_job(
        ctx.engine, _digest(job.id), state=job.state.value, rows_done=job.rows_done, rows_total=job.rows_total,
        heartbeat_at=time.time(),
    )  # fmt: skip


def record_outcome(ctx: Context, job: ImportJob) -> None:
    """How the job ended: its state, report or error and rejected rows (sealed), and when."""
    from habeas.store import shared_state

    digest = _digest(job.id)
    outcome = {
        "report": report_json(job.report) if job.report is not None else None,
        "error": job.error,
        "problems": job.problems,
    }
    shared_state.update_job(
        ctx.engine, digest, state=job.state.value, rows_done=job.rows_done, rows_total=job.rows_total,
        outcome_enc=_seal(ctx, "outcome", digest, outcome), unexpected=job.unexpected,
        finished_at=job.finished_at, heartbeat_at=time.time(),
    )  # fmt: skip


def find_job(ctx: Context, job_id: str, owner: str) -> ImportJob | None:
    """The job as kept now, if it exists and ``owner`` started it (anyone else is told there is no such job)."""
    from habeas.store import shared_state

    digest = _digest(job_id)
    row = shared_state.load_job(ctx.engine, digest)
    if row is None or not hmac.compare_digest(row.owner.encode(), owner.encode()):
        return None
    job = ImportJob(
        id=job_id, owner=row.owner, filename=_open(ctx, "filename", digest, row.filename_enc),
        options=DatasetOptions(row.format, row.sheet, row.dry_run, row.strict), state=JobState(row.state),
        rows_done=row.rows_done, rows_total=row.rows_total, unexpected=row.unexpected, finished_at=row.finished_at,
    )  # fmt: skip
    if row.outcome_enc is not None:
        outcome = _open(ctx, "outcome", digest, row.outcome_enc)
        job.report = report_from_json(outcome["report"]) if outcome.get("report") else None
        job.error, job.problems = outcome.get("error"), list(outcome.get("problems") or [])
    elif not job.finished and _lost(row.host, row.pid, row.heartbeat_at):
        job.state, job.error, job.interrupted = JobState.FAILED, INTERRUPTED, True
    return job


def _lost(host: str, pid: int, heartbeat_at: float) -> bool:
    """Whether the process that ran a job is gone: dead on this machine, or silent for too long."""
    if time.time() - heartbeat_at > STALE_HEARTBEAT_SECONDS:
        return True
    if host != socket.gethostname():
        return False
    return not process_alive(pid)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (one of another user's counts as alive)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user: not ours to judge
    return True


# -- the report, as JSON (sealed with the job) -----------------------------------------

_PAIR_COUNTERS = ("problem_kinds", "unmapped")  # Counter[tuple[str, str]]
_COUNTERS = ("redacted", "zoned")  # Counter[str]
_DAYS = ("first_observed", "last_observed")


def report_json(report: ImportReport) -> dict[str, Any]:
    """The report in JSON's types: counters of pairs as lists of [a, b, count], days as ISO text."""
    out = {f.name: getattr(report, f.name) for f in dataclasses.fields(report) if f.name != "tally"}
    out["unused_columns"] = list(report.unused_columns)
    tally: dict[str, Any] = {}
    for f in dataclasses.fields(report.tally):
        value = getattr(report.tally, f.name)
        if f.name in _PAIR_COUNTERS:
            value = [[*key, count] for key, count in value.items()]
        elif f.name in _COUNTERS:
            value = dict(value)
        elif f.name in _DAYS:
            value = value.isoformat() if value is not None else None
        tally[f.name] = value
    out["tally"] = tally
    return out


def report_from_json(data: dict[str, Any]) -> ImportReport:
    """The report :func:`report_json` wrote, with its counters and days back (unknown keys are left out)."""
    tally_data = dict(data.get("tally") or {})
    for name in _PAIR_COUNTERS:
        tally_data[name] = Counter({(a, b): n for a, b, n in tally_data.get(name) or []})
    for name in _COUNTERS:
        tally_data[name] = Counter(tally_data.get(name) or {})
    for name in _DAYS:
        tally_data[name] = date.fromisoformat(tally_data[name]) if tally_data.get(name) else None
    tally_names = {f.name for f in dataclasses.fields(Tally)}
    tally = Tally(**{k: v for k, v in tally_data.items() if k in tally_names})
    names = {f.name for f in dataclasses.fields(ImportReport)}
    fields = {k: v for k, v in data.items() if k in names and k != "tally"}
    fields["unused_columns"] = tuple(fields.get("unused_columns") or ())
    return ImportReport(tally=tally, **fields)

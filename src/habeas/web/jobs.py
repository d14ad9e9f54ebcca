"""Dataset imports in the background of the web server: the upload staged privately, the job kept for its user.

A dataset file can hold millions of rows; reading it takes longer than a request
should. The upload arrives sealed (habeas.web.uploads) in a private folder (0700) under
the data directory; the import runs in a thread of the server process as the user who
started it (their Context: the services check access and audit), reading the file
decrypted into a file without a name, and the folder is deleted when the import ends.
Jobs live in memory only: each is found by an unguessable id, and only by its owner.
Rejected rows may quote values of the file, so nothing of a job but its id and outcome
is ever logged.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from habeas.security.crypto import Keyring
from habeas.security.sealed import open_stream
from habeas.services import Context, ServiceError
from habeas.services.datasets import DatasetImportError, ImportReport, import_dataset
from habeas.web.protection import release_frames

log = logging.getLogger(__name__)

KEEP_FINISHED_SECONDS = 6 * 3600  # how long a finished job's report stays readable
MAX_FINISHED_JOBS = 100
STALE_UPLOAD_SECONDS = 24 * 3600  # staged files left behind by a server that was stopped mid-import


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for another import to finish
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class DatasetOptions:
    format: str  # as the CLI names it: ice-detentions, ice-removals, ice-facilities, mapped-list
    sheet: str | None = None
    dry_run: bool = False
    strict: bool = False


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded dataset (and its mapping), sealed in a private folder of its own, deleted after the import."""

    folder: Path
    file: Path  # sealed
    filename: str  # the file's own name, as the user knows it
    mapping: Path | None = None  # sealed

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def scrub(self, message: str) -> str:
        """A message without the private folder's path (the user knows the file by its own name)."""
        for prefix in (f"{self.folder}{os.sep}read{os.sep}", f"{self.folder}{os.sep}", str(self.folder)):
            message = message.replace(prefix, "")
        return message

    @contextmanager
    def opened(self, keyring: Keyring) -> Iterator[tuple[Path, Path | None]]:
        """The files in clear for the importer, for as long as it reads them; gone with the process if it dies.

        Each is decrypted into a file without a name (O_TMPFILE, or one unlinked at once) and
        reached through a symlink that carries the user's file name (the importer reports rows by
        it): the symlink names ``/proc/PID/fd/N``, so after a crash it leads nowhere.
        """
        with ExitStack() as stack:
            shown = self.folder / "read"
            data = _unsealed(stack, keyring, self.file, shown / self.filename)
            mapping = _unsealed(stack, keyring, self.mapping, shown / "mapping.yaml") if self.mapping else None
            yield data, mapping


def _unsealed(stack: ExitStack, keyring: Keyring, sealed: Path, shown: Path) -> Path:
    handle, named = stack.enter_context(_nameless_file(sealed.parent))
    with sealed.open("rb") as source:
        open_stream(keyring, source, handle)
    handle.flush()
    if named is not None:  # no /proc (not Linux): the file keeps a name while it is read, removed in finally
        return named
    shown.parent.mkdir(mode=0o700, exist_ok=True)
    shown.symlink_to(f"/proc/{os.getpid()}/fd/{handle.fileno()}")
    stack.callback(shown.unlink, missing_ok=True)
    return shown


@contextmanager
def _nameless_file(folder: Path) -> Iterator[tuple[IO[bytes], Path | None]]:
    """A file for the clear bytes, with no name where the system allows it (else a name removed in finally)."""
    named: Path | None = None
    try:
        handle = os.fdopen(os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o600), "w+b")
    except (AttributeError, OSError):  # no O_TMPFILE here, or a file system without it
        fd, name = tempfile.mkstemp(dir=folder, prefix="clear-")
        handle, named = os.fdopen(fd, "w+b"), Path(name)
        if Path(f"/proc/{os.getpid()}/fd/{fd}").exists():
            named.unlink()  # reached through /proc from now on
            named = None
    try:
        yield handle, named
    finally:
        handle.close()
        if named is not None:
            named.unlink(missing_ok=True)


def safe_filename(name: str, fallback: str = "dataset.csv") -> str:
    """The uploaded file's own name, without folders or characters a file system might mind."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .")[:120]
    cleaned = cleaned if cleaned != "mapping.yaml" else "dataset-mapping.yaml"
    return cleaned or fallback


def sweep_staged(root: Path) -> None:
    """Delete staging folders left by server processes that are gone (a crash, a stop mid-import).

    Their files are sealed; still, nothing of an import should outlive it. A folder of a live
    process (another worker of this server) is left alone, unless it is older than any import.
    """
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for folder in root.glob("import-*"):
        owner = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
        try:
            if not _alive(owner) or folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _alive(pid: str) -> bool:
    if not pid.isdigit() or int(pid) == 0:
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user: not ours to judge
    return True


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
    finished_at: float | None = None

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


class ImportJobs:
    """The dataset imports of this server process, a few at a time, each readable only by its owner."""

    def __init__(self, at_once: int = 2):
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(at_once)

    def start(
        self,
        ctx: Context,
        upload: StagedUpload,
        options: DatasetOptions,
        on_stored: Callable[[], None] | None = None,
    ) -> ImportJob:
        """Start importing ``upload`` as ``ctx``'s user; the upload is deleted when the import ends."""
        job = ImportJob(secrets.token_urlsafe(24), ctx.actor.name, upload.filename, options)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        worker = threading.Thread(
            target=self._run, args=(job, ctx, upload, on_stored), name="habeas-dataset-import", daemon=True
        )
        worker.start()
        return job

    def find(self, job_id: str, owner: str) -> ImportJob | None:
        """The job, if it exists and ``owner`` started it (anyone else is told there is no such job)."""
        job = self._jobs.get(job_id)
        if job is None or not hmac.compare_digest(job.owner.encode(), owner.encode()):
            return None
        return job

    def _run(self, job: ImportJob, ctx: Context, upload: StagedUpload, on_stored: Callable[[], None] | None) -> None:
        outcome = JobState.FAILED
        try:
            with self._slots:
                job.state = JobState.RUNNING
                outcome = self._import(job, ctx, upload, on_stored)
        finally:
            upload.discard()  # before the job says it ended: a finished job has left no file behind
            job.finished_at = time.monotonic()
            job.state = outcome

    def _import(
        self, job: ImportJob, ctx: Context, upload: StagedUpload, on_stored: Callable[[], None] | None
    ) -> JobState:
        options = job.options
        try:
            with upload.opened(ctx.keyring) as (data, mapping):
                report = import_dataset(
                    ctx, options.format, data, mapping=mapping, sheet=options.sheet,
                    dry_run=options.dry_run, strict=options.strict, progress=job.advance,
                )  # fmt: skip
        except DatasetImportError as exc:
            job.error, job.problems = upload.scrub(str(exc)), list(exc.problems)
            return JobState.FAILED
        except ServiceError as exc:
            job.error = upload.scrub(str(exc))
            return JobState.FAILED
        except Exception as exc:  # the job must end, and say so, whatever went wrong
            # Only the type: an error's text can quote a cell of the file, and cells may name people.
            log.error("dataset import job %s stopped on an unexpected %s", job.id[:8], type(exc).__name__)
            # What the failed import built (a MemoryError's rows) goes now, not at a later collection.
            release_frames(exc)
            job.unexpected = True
            return JobState.FAILED
        job.report = report
        if on_stored is not None and not report.dry_run and not report.already_imported and any(report.stored.values()):
            on_stored()  # a list's people went to the database: the directory's cached summaries are stale
        return JobState.DONE

    def _forget_old(self) -> None:
        now = time.monotonic()
        finished = sorted(
            (j for j in self._jobs.values() if j.finished_at is not None), key=lambda j: j.finished_at or 0.0
        )
        for number, job in enumerate(finished):
            too_many = len(finished) - number > MAX_FINISHED_JOBS
            if too_many or now - (job.finished_at or now) > KEEP_FINISHED_SECONDS:
                del self._jobs[job.id]

"""Dataset imports in the background of the web server: the upload staged privately, the job kept for its user.

A dataset file can hold millions of rows; reading it takes longer than a request
should. The upload arrives sealed (habeas.web.uploads) in a private folder (0700) under
the data directory; the import runs in a thread of the server process as the user who
started it (their Context: the services check access and audit), reading the file
decrypted into a file without a name, and the folder is deleted when the import ends.
Each job is kept in the database (habeas.services.jobs), so every server process can show
it; it is found by an unguessable id, and only by its owner. Rejected rows may quote values
of the file, so nothing of a job but its id and outcome is ever logged.
"""

from __future__ import annotations

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
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from habeas.security.crypto import Keyring
from habeas.security.sealed import open_stream
from habeas.services import Context, ServiceError, jobs
from habeas.services.datasets import DatasetImportError, import_dataset
from habeas.services.jobs import DatasetOptions, ImportJob, JobState
from habeas.web.protection import release_frames

__all__ = ["DatasetOptions", "ImportJob", "ImportJobs", "JobState", "StagedUpload", "safe_filename", "sweep_staged"]

log = logging.getLogger(__name__)

STALE_UPLOAD_SECONDS = 24 * 3600  # staged files left behind by a server that was stopped mid-import


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
    return pid.isdigit() and jobs.process_alive(int(pid))


class ImportJobs:
    """Dataset imports started in this server process, a few at a time; kept in the database for every process.

    The thread reading a file runs here; its progress and outcome are written to the database
    (habeas.services.jobs), so :meth:`find` answers the same in every worker and on every
    machine, and tells of a job whose process stopped that it was interrupted.
    """

    def __init__(self, base: Context, at_once: int = 2, heartbeat_seconds: float = jobs.HEARTBEAT_SECONDS):
        self.base = base  # the database and keys jobs are read with (each import runs as its own user)
        self._slots = threading.Semaphore(at_once)
        self._heartbeat = heartbeat_seconds

    def start(
        self,
        ctx: Context,
        upload: StagedUpload,
        options: DatasetOptions,
        on_stored: Callable[[], None] | None = None,
    ) -> ImportJob:
        """Start importing ``upload`` as ``ctx``'s user; the upload is deleted when the import ends."""
        job = ImportJob(secrets.token_urlsafe(24), ctx.actor.name, upload.filename, options)
        jobs.record_job(ctx, job)
        worker = threading.Thread(
            target=self._run, args=(job, ctx, upload, on_stored), name="habeas-dataset-import", daemon=True
        )
        worker.start()
        return job

    def find(self, job_id: str, owner: str) -> ImportJob | None:
        """The job, if it exists and ``owner`` started it (anyone else is told there is no such job)."""
        return jobs.find_job(self.base, job_id, owner)

    def _run(self, job: ImportJob, ctx: Context, upload: StagedUpload, on_stored: Callable[[], None] | None) -> None:
        outcome = JobState.FAILED
        ended = threading.Event()
        beating = threading.Thread(
            target=self._beat, args=(job, ctx, ended), name="habeas-import-heartbeat", daemon=True
        )
        beating.start()
        try:
            with self._slots:
                job.state = JobState.RUNNING
                jobs.record_progress(ctx, job)
                outcome = self._import(job, ctx, upload, on_stored)
        finally:
            upload.discard()  # before the job says it ended: a finished job has left no file behind
            ended.set()
            beating.join()
            job.finished_at = time.time()
            job.state = outcome
            try:
                jobs.record_outcome(ctx, job)
            except Exception as exc:  # the database is gone: the job will be shown as interrupted
                log.error("dataset import job %s could not record its end: %s", job.id[:8], type(exc).__name__)

    def _advanced(self, job: ImportJob, ctx: Context, done: int, total: int | None) -> None:
        """The importer read more rows: other processes see it now (it says so once per batch of rows)."""
        job.advance(done, total)
        jobs.record_progress(ctx, job)

    def _beat(self, job: ImportJob, ctx: Context, ended: threading.Event) -> None:
        """Write the job's progress every few seconds while it runs: other processes read it, and know it is alive."""
        while not ended.wait(self._heartbeat):
            try:
                jobs.record_progress(ctx, job)
            except Exception as exc:  # a busy database: the next beat tries again
                log.warning("dataset import job %s missed a heartbeat: %s", job.id[:8], type(exc).__name__)

    def _import(
        self, job: ImportJob, ctx: Context, upload: StagedUpload, on_stored: Callable[[], None] | None
    ) -> JobState:
        options = job.options
        try:
            with upload.opened(ctx.keyring) as (data, mapping):
                report = import_dataset(
                    ctx, options.format, data, mapping=mapping, sheet=options.sheet,
                    dry_run=options.dry_run, strict=options.strict,
                    progress=lambda done, total: self._advanced(job, ctx, done, total),
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

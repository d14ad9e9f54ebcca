"""Imported dataset releases on disk: Parquet files and a manifest per release under Settings.datasets_dir.

Layout::

    <datasets_dir>/<release_id>/manifest.json          what was imported, from which file, with what problems
    <datasets_dir>/<release_id>/rows/part-*.parquet    the accepted rows, typed, with their row numbers
    <datasets_dir>/<release_id>/events/part-*.parquet  (mapped lists only) the events each row gives

A release is written into a hidden staging directory beside the others and renamed into
place only when the whole import succeeded, so a failed or interrupted import leaves the
directory as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

try:
    import fcntl
except ImportError:  # Windows: no POSIX locks, so abandoned staging folders are left for the user
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows; callers check for None

from habeas.domain.dates import DateRange
from habeas.domain.model import Source

if TYPE_CHECKING:
    import polars as pl  # imported where a table is read or written: listing releases does not need it

MANIFEST = "manifest.json"
STAGING_PREFIX = ".staging-"
LOCK_SUFFIX = ".lock"
PENDING_PREFIX = ".pending-"


def release_id(format_name: str, sha256: str) -> str:
    """Releases are named by format and content: the same file imported twice is one release."""
    return f"{format_name}-{sha256[:12]}"


@dataclass(frozen=True)
class Release:
    id: str
    path: Path
    manifest: dict[str, Any]

    @property
    def format(self) -> str:
        return str(self.manifest["format"])

    @property
    def last_observed(self) -> date | None:
        value = self.manifest.get("last_observed")
        return date.fromisoformat(value) if value else None

    @property
    def first_observed(self) -> date | None:
        value = self.manifest.get("first_observed")
        return date.fromisoformat(value) if value else None

    def table(self, name: str = "rows") -> Path:
        return self.path / name

    def scan(self, name: str = "rows") -> pl.LazyFrame:
        """The table's rows, lazily: filters and column choices are pushed down to the Parquet files."""
        import polars as pl

        return pl.scan_parquet(self.table(name) / "*.parquet")

    @property
    def source(self) -> Source:
        return source_from_json(self.manifest["source"])


def source_to_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "kind": source.kind,
        "title": source.title,
        "publisher": source.publisher,
        "date": source.date.as_json() if source.date else None,
        "url": source.url,
        "sha256": source.sha256,
        "reliability": source.reliability,
        "rows": source.rows,
    }


def source_from_json(data: dict[str, Any]) -> Source:
    day = data.get("date")
    when = DateRange(date.fromisoformat(day["earliest"]), date.fromisoformat(day["latest"])) if day else None
    return Source(
        id=data["id"],
        kind=data.get("kind", "dataset"),
        title=data.get("title"),
        publisher=data.get("publisher"),
        date=when,
        url=data.get("url"),
        sha256=data.get("sha256"),
        reliability=data.get("reliability"),
        rows=data.get("rows"),
    )


def releases(datasets_dir: Path) -> list[Release]:
    """Every committed release, oldest import first."""
    if not datasets_dir.is_dir():
        return []
    found = []
    for path in datasets_dir.iterdir():
        manifest = path / MANIFEST
        if path.name.startswith(".") or not manifest.is_file():
            continue
        found.append(Release(path.name, path, json.loads(manifest.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda r: (r.manifest.get("imported_at", ""), r.id))


def find_release(datasets_dir: Path, wanted: str) -> Release | None:
    """The release with this id, or the only one whose id starts with it."""
    candidates = [r for r in releases(datasets_dir) if r.id == wanted]
    if not candidates:
        candidates = [r for r in releases(datasets_dir) if r.id.startswith(wanted)]
    return candidates[0] if len(candidates) == 1 else None


def latest_release(datasets_dir: Path, format_name: str) -> Release | None:
    matching = [r for r in releases(datasets_dir) if r.format == format_name]
    return matching[-1] if matching else None


def _lock_path(stage: Path) -> Path:
    return stage.with_name(stage.name + LOCK_SUFFIX)


def _hold(path: Path) -> int | None:
    """An exclusive lock on ``path``, kept while the returned descriptor is open; None when someone holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def clean_abandoned_staging(datasets_dir: Path) -> list[str]:
    """Remove the staging folders of imports that are not running any more (killed, or the machine stopped).

    A running import holds an exclusive lock on its staging folder's lock file for as long as it
    runs; the system releases it when the process ends however it ends. A folder whose lock can be
    taken, or that has no lock file (left by an older habeas), belongs to no running import.
    """
    if fcntl is None or not datasets_dir.is_dir():
        return []  # without POSIX locks a live import cannot be told from a dead one: leave everything
    for pending in datasets_dir.glob(f"{PENDING_PREFIX}*"):  # a lock file its import never got to rename
        with contextlib.suppress(OSError):
            if (fd := _hold(pending)) is not None:
                pending.unlink(missing_ok=True)
                os.close(fd)
    removed = []
    for path in sorted(datasets_dir.glob(f"{STAGING_PREFIX}*")):
        if not path.exists():
            continue  # a lock file removed with its folder just before
        stage = path.with_name(path.name.removesuffix(LOCK_SUFFIX))
        lock = _lock_path(stage)
        if path == lock and stage.exists():
            continue  # seen with its folder
        try:
            fd = _hold(lock) if lock.exists() else -1
            if fd is None:
                continue  # a live import
            shutil.rmtree(stage, ignore_errors=True)
            lock.unlink(missing_ok=True)
            if fd >= 0:
                os.close(fd)
            removed.append(stage.name)
        except OSError:
            continue  # not ours to remove (permissions): the next import run by its owner will
    return removed


class ReleaseWriter:
    """Write one release's tables in a staging directory; rename it into place on commit, else remove it.

    Each batch becomes one Parquet file of its table, so memory holds one batch at a time.
    """

    def __init__(self, datasets_dir: Path, release: str, compression: Literal["zstd", "lz4", "snappy"] = "zstd"):
        self.datasets_dir = datasets_dir
        self.release = release
        self.compression = compression
        self.final = datasets_dir / release
        self.stage = datasets_dir / f"{STAGING_PREFIX}{release}-{uuid.uuid4().hex[:8]}"
        self._schemas: dict[str, pl.Schema] = {}
        self._parts: dict[str, int] = {}
        self._created: list[Path] = []
        self._committed = False
        self._lock: int | None = None

    def __enter__(self) -> ReleaseWriter:
        missing = [p for p in (self.datasets_dir, *self.datasets_dir.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir()
            self._created.append(path)
        self._lock = self._hold_stage_lock()
        self.stage.mkdir()
        return self

    def _hold_stage_lock(self) -> int | None:
        """Lock the staging folder's lock file before the folder exists, so a cleaner never takes it for dead.

        The lock is taken on a private name and then renamed into place: a lock file under its
        final name is always already held.
        """
        if fcntl is None:
            return None
        pending = self.datasets_dir / f"{PENDING_PREFIX}{uuid.uuid4().hex}"
        fd = _hold(pending)
        assert fd is not None  # a fresh name nobody else knows
        os.rename(pending, _lock_path(self.stage))
        return fd

    def write(self, frame: pl.DataFrame, name: str = "rows") -> None:
        schema = self._schemas.get(name)
        if schema is None:
            self._schemas[name] = frame.schema
            (self.stage / name).mkdir()
        else:
            frame = _conform(frame, schema)
        if frame.height or name not in self._parts:
            part = self._parts.get(name, 0)
            frame.write_parquet(self.stage / name / f"part-{part:05d}.parquet", compression=self.compression)
            self._parts[name] = part + 1

    def commit(self, manifest: dict[str, Any], empty: dict[str, pl.DataFrame] | None = None) -> Path:
        """Write the manifest and move the release into place."""
        for name, frame in (empty or {}).items():
            if name not in self._schemas:
                self.write(frame.clear(), name)
        (self.stage / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        os.rename(self.stage, self.final)
        self._committed = True
        self._release_lock()
        return self.final

    def _release_lock(self) -> None:
        if self._lock is not None:
            _lock_path(self.stage).unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._committed:
            return
        shutil.rmtree(self.stage, ignore_errors=True)
        self._release_lock()
        for path in reversed(self._created):
            try:
                path.rmdir()
            except OSError:
                break  # something else was put there meanwhile: leave it


def _conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """A later batch in the first batch's columns and types (a column all empty in one batch, say)."""
    import polars as pl

    if frame.schema == schema:
        return frame
    return frame.select(
        [
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )

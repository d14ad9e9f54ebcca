"""Secret files: written 0600 in one atomic step, refused when other users could read them."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class SecretFileError(Exception):
    """A key file that is missing, unsafe or would be overwritten; the message says what to do."""


def write_secret_file(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Write ``data`` to ``path`` readable by its owner only.

    The file appears whole or not at all: it is written to a temporary file in the same
    directory, flushed to disk, then linked (or, with ``replace``, renamed) into place.
    Without ``replace`` an existing file is never overwritten, so a key cannot be lost
    by running an init command twice.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not replace and path.exists():
        raise SecretFileError(f"{path} already exists; habeas will not overwrite a key file")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _link_without_overwrite(tmp, path)
        _fsync_directory(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _link_without_overwrite(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise SecretFileError(f"{path} already exists; habeas will not overwrite a key file") from None
    except OSError:
        # Some file systems (FAT, a few network mounts) have no hard links: fall back to an
        # exclusive create, which still never overwrites.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise SecretFileError(f"{path} already exists; habeas will not overwrite a key file") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(tmp.read_bytes())
            handle.flush()
            os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_secret_file(path: Path) -> bytes:
    """The content of a key file, after checking that only its owner can read it."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise SecretFileError(f"key file {path} does not exist; create one with `habeas keys init`") from None
    except PermissionError:
        raise SecretFileError(f"key file {path} cannot be read by this user") from None
    with os.fdopen(fd, "rb") as handle:
        check_secret_file_mode(path, os.fstat(handle.fileno()))
        return handle.read()


def check_secret_file_mode(path: Path, info: os.stat_result) -> None:
    """Refuse a key file that is not a regular file, is readable by others, or belongs to another user."""
    if not stat.S_ISREG(info.st_mode):
        raise SecretFileError(f"key file {path} is not a regular file")
    if os.name != "posix":
        return  # Windows has no mode bits; protect the file with its ACL (see docs/security.md)
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise SecretFileError(
            f"key file {path} can be read or changed by other users (mode {mode:04o}); "
            f"run `chmod 600 {path}` and make sure nobody copied it meanwhile"
        )
    if info.st_uid not in (os.geteuid(), 0):
        raise SecretFileError(f"key file {path} belongs to another user (uid {info.st_uid})")

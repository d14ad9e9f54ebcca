"""How the web reads uploaded files: case files in memory only, dataset files sealed as they arrive.

Starlette spools any uploaded file over 1 MiB to the system's temporary folder, in clear.
Here the multipart body is parsed by a parser of our own: a case file (at most
``WebSettings.max_upload_bytes``) stays in memory, counted as it is read; a dataset
file is encrypted chunk by chunk (habeas.security.sealed, the keyring's key) into a
private staging folder, so no byte of it is written in clear. A mapped list of people
holds names that journalists and lawyers keep private; public ICE data is handled alike.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import IO, Any

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartParser

from habeas.security.crypto import Keyring
from habeas.security.sealed import seal_stream

CHUNK_BYTES = 1 << 20
MAX_FIELDS = 50  # the import forms have a handful; a body of thousands of tiny fields is refused
MAX_FILES = 2  # a dataset and its mapping
MAX_MAPPING_BYTES = 1 << 20  # a mapping is a short YAML file


class UploadTooLarge(Exception):
    """An uploaded file went past its limit while it was read; what was kept of it is removed."""

    def __init__(self, field: str, limit: int):
        self.field, self.limit = field, limit
        super().__init__(field)


class SealingWriter:
    """A file-like target for one upload: what is written is sealed into ``path`` by a thread, through a pipe.

    The pipe lives in the kernel's memory; the sealing thread reads it in chunks, so at no
    point is more than a chunk of the file held, or any of it written in clear.
    """

    def __init__(self, keyring: Keyring, path: Path):
        self.path = path
        read_end, write_end = os.pipe()
        self._source = os.fdopen(read_end, "rb")
        self._sink: IO[bytes] | None = os.fdopen(write_end, "wb")
        self._target = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._seal, args=(keyring,), name="habeas-upload-seal", daemon=True)
        self._thread.start()

    def _seal(self, keyring: Keyring) -> None:
        try:
            with self._source, self._target:
                seal_stream(keyring, self._source, self._target, CHUNK_BYTES)
        except BaseException as exc:  # reported to the writer, which raises it in the request
            self._error = exc

    def write(self, data: bytes) -> int:
        if self._sink is None:
            raise ValueError("the upload was already finished")
        self._sink.write(data)
        return len(data)

    def seek(self, offset: int) -> int:
        """The parser's "this part is complete": finish sealing (the file is read from ``path`` later)."""
        self.close()
        if self._error is not None:
            raise self._error
        return 0

    def close(self) -> None:
        if self._sink is not None:
            sink, self._sink = self._sink, None
            sink.close()
            self._thread.join()


class UploadParser(MultiPartParser):
    """Multipart parsing with each file sent where ``open_file`` says, and counted against its field's limit."""

    def __init__(
        self,
        headers: Headers,
        stream: AsyncGenerator[bytes, None],
        limits: dict[str, int],
        open_file: Callable[[str], Any] | None = None,
    ):
        super().__init__(headers, stream, max_files=MAX_FILES, max_fields=MAX_FIELDS)
        self.limits, self.open_file = limits, open_file
        # Starlette's spooled file for a part stays in memory up to this: past every limit, so never on disk.
        self.spool_max_size = max(limits.values(), default=0) + CHUNK_BYTES
        self._file_bytes = 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        self._file_bytes = 0
        if upload is not None and self.open_file is not None:
            spooled = upload.file
            upload.file = self.open_file(self._current_part.field_name)
            self._files_to_close_on_error[-1] = upload.file  # type: ignore[call-overload]  # typed as spooled files; it only closes them
            spooled.close()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self._file_bytes += end - start
            name = self._current_part.field_name
            limit = self.limits.get(name, 0)
            if self._file_bytes > limit:
                raise UploadTooLarge(name, limit)
        super().on_part_data(data, start, end)


async def form_in_memory(headers: Headers, stream: AsyncGenerator[bytes, None], limit: int) -> FormData:
    """A form whose file (at most ``limit`` bytes, or UploadTooLarge) is held in memory only."""
    return await UploadParser(headers, stream, limits={"file": limit}).parse()


def sealed_path(upload: UploadFile) -> Path:
    """Where a file part of a form read with :func:`form_sealed` was sealed."""
    if not isinstance(upload.file, SealingWriter):
        raise TypeError("this upload was not sealed as it arrived")
    return upload.file.path


class SealedStaging:
    """A private folder (0700) for one dataset upload's sealed files; removed whole by ``discard``."""

    def __init__(self, root: Path, keyring: Keyring):
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The process id lets a server that starts sweep the folders of processes that are gone.
        self.folder = root / f"import-{os.getpid()}-{secrets.token_hex(8)}"
        self.folder.mkdir(mode=0o700)
        self.keyring = keyring
        self.writers: list[SealingWriter] = []

    def open(self, field: str) -> SealingWriter:
        writer = SealingWriter(self.keyring, self.folder / f"{field}.sealed")
        self.writers.append(writer)
        return writer

    def discard(self) -> None:
        for writer in self.writers:
            writer.close()
        shutil.rmtree(self.folder, ignore_errors=True)


async def form_sealed(
    headers: Headers, stream: AsyncGenerator[bytes, None], staging: SealedStaging, limits: dict[str, int]
) -> FormData:
    """A form whose files are sealed into ``staging`` as they arrive (UploadTooLarge past a field's limit)."""
    parser = UploadParser(headers, stream, limits=limits, open_file=staging.open)
    try:
        return await parser.parse()
    except BaseException:
        staging.discard()
        raise

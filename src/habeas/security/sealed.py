"""Encrypted files (backups, exports): AES-GCM in chunks, so any size streams and no chunk can be cut or moved.

Layout: a header (magic, key id, a random salt), then chunks of ``4-byte length ||
ciphertext``. Each file gets its own key, derived from the keyring's key and the salt;
a chunk's nonce is its index plus a flag marking the last chunk, and the header is the
associated data of every chunk. Reordered, dropped, appended or altered chunks, and a
file cut short, all fail to open.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from habeas.security.crypto import DecryptionError, Keyring

MAGIC = b"HABEAS-SEALED-1\n"
SALT_BYTES = 16
CHUNK_BYTES = 1 << 20
TAG_BYTES = 16


def _file_cipher(keyring: Keyring, key_id: str, salt: bytes) -> AESGCM:
    base = keyring.key(key_id).subkey("sealed-file")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"habeas/sealed-file/v1")
    return AESGCM(hkdf.derive(base))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def seal_stream(keyring: Keyring, source: BinaryIO, target: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> None:
    """Encrypt everything ``source`` yields into ``target`` under the keyring's primary key."""
    key_id = keyring.primary_id.encode()
    salt = secrets.token_bytes(SALT_BYTES)
    header = MAGIC + len(key_id).to_bytes(1, "big") + key_id + salt
    cipher = _file_cipher(keyring, keyring.primary_id, salt)
    target.write(header)
    index, chunk = 0, source.read(chunk_bytes)
    while True:
        following = source.read(chunk_bytes)
        last = not following
        sealed = cipher.encrypt(_nonce(index, last), chunk, header)
        target.write(len(sealed).to_bytes(4, "big") + sealed)
        if last:
            return
        index, chunk = index + 1, following


def open_stream(keyring: Keyring, source: BinaryIO, target: IO[bytes]) -> str:
    """Decrypt a sealed stream into ``target``; return the id of the key that sealed it.

    ``target`` may hold a prefix of the plaintext when this raises: write it somewhere
    temporary and keep it only on success, as :func:`open_sealed_file` does.
    """
    header, key_id, salt = _read_header(source)
    cipher = _file_cipher(keyring, key_id, salt)
    index = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise DecryptionError("the sealed file is cut short: its last chunk is missing")
        sealed = source.read(int.from_bytes(size_bytes, "big"))
        last = not source.peek(1) if hasattr(source, "peek") else _at_end(source)
        try:
            target.write(cipher.decrypt(_nonce(index, last), sealed, header))
        except InvalidTag:
            raise DecryptionError(f"chunk {index} of the sealed file was altered, moved or cut") from None
        if last:
            return key_id
        index += 1


def _at_end(source: BinaryIO) -> bool:
    position = source.tell()
    at_end = not source.read(1)
    source.seek(position)
    return at_end


def _read_header(source: BinaryIO) -> tuple[bytes, str, bytes]:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise DecryptionError("not a habeas sealed file")
    length = source.read(1)
    key_id = source.read(length[0] if length else 0)
    salt = source.read(SALT_BYTES)
    if not length or len(key_id) != length[0] or len(salt) != SALT_BYTES:
        raise DecryptionError("the sealed file's header is cut short")
    return magic + length + key_id + salt, key_id.decode("ascii", "replace"), salt


def sealed_key_id(path: Path) -> str:
    """The id of the key a sealed file needs, read without decrypting."""
    with Path(path).open("rb") as handle:
        return _read_header(handle)[1]


def seal_file(keyring: Keyring, source: Path, target: Path) -> None:
    """Encrypt ``source`` to ``target`` (0600, written whole or not at all)."""
    with Path(source).open("rb") as reader, _atomic_output(Path(target)) as writer:
        seal_stream(keyring, reader, writer)


def open_sealed_file(keyring: Keyring, source: Path, target: Path) -> str:
    """Decrypt ``source`` to ``target`` (0600); ``target`` appears only if every chunk authenticates."""
    with Path(source).open("rb") as reader, _atomic_output(Path(target)) as writer:
        return open_stream(keyring, reader, writer)


@contextlib.contextmanager
def _atomic_output(target: Path) -> Iterator[BinaryIO]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()

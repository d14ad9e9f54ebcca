"""Sealed files (for backups) round-trip, and any cut, swap, append or flipped bit makes them refuse to open."""

from __future__ import annotations

import io
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.security.crypto import DecryptionError, Keyring
from habeas.security.sealed import MAGIC, open_sealed_file, open_stream, seal_file, seal_stream, sealed_key_id

KEYRING = Keyring.generate()


def sealed(data: bytes, chunk_bytes: int = 64) -> bytes:
    out = io.BytesIO()
    seal_stream(KEYRING, io.BytesIO(data), out, chunk_bytes=chunk_bytes)
    return out.getvalue()


def opened(blob: bytes, keyring: Keyring = KEYRING) -> bytes:
    out = io.BytesIO()
    open_stream(keyring, io.BytesIO(blob), out)
    return out.getvalue()


def chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    """The header and the framed chunks of a sealed blob."""
    header_len = len(MAGIC) + 1 + blob[len(MAGIC)] + 16
    header, rest, framed = blob[:header_len], blob[header_len:], []
    while rest:
        size = int.from_bytes(rest[:4], "big")
        framed.append(rest[: 4 + size])
        rest = rest[4 + size :]
    return header, framed


@settings(max_examples=100)
@given(data=st.binary(max_size=1000), chunk=st.integers(1, 300))
def test_any_data_opens_to_itself(data, chunk):
    assert opened(sealed(data, chunk)) == data


def test_the_sealed_bytes_do_not_contain_the_plaintext():
    data = b"Zelmira Quintanilla, A-098-765-432, asylum basis: religion" * 20
    blob = sealed(data)
    assert b"Zelmira" not in blob and b"098-765-432" not in blob


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, c: h + b"".join(c[:-1]),  # last chunk dropped
        lambda h, c: h + b"".join(c[1:]),  # first chunk dropped
        lambda h, c: h + b"".join([c[1], c[0], *c[2:]]),  # two chunks swapped
        lambda h, c: h + b"".join([*c, c[0]]),  # a chunk appended
        lambda h, c: h + b"".join(c)[:-1],  # last byte cut
        lambda h, c: h[:-1] + bytes([h[-1] ^ 1]) + b"".join(c),  # salt altered
        lambda h, c: h + b"".join(c)[:40] + bytes([b"".join(c)[40] ^ 1]) + b"".join(c)[41:],  # bit flipped
        lambda h, c: h,  # every chunk dropped
        lambda h, c: b"",  # empty file
    ],
    ids=["last dropped", "first dropped", "swapped", "appended", "cut", "salt", "bit", "no chunks", "empty"],
)
def test_a_tampered_sealed_file_refuses_to_open(tamper):
    header, framed = chunks(sealed(bytes(range(256)) * 2, chunk_bytes=100))
    assert len(framed) == 6
    with pytest.raises(DecryptionError):
        opened(tamper(header, framed))


def test_a_sealed_file_needs_the_key_that_sealed_it():
    with pytest.raises(DecryptionError, match=KEYRING.primary_id):
        opened(sealed(b"secret"), Keyring.generate())


def test_after_rotation_old_sealed_files_open_while_the_old_key_is_kept():
    blob = sealed(b"old backup")
    rotated = KEYRING.with_new_primary()
    assert opened(blob, rotated) == b"old backup"


def test_files_are_sealed_owner_only_and_opened_whole(tmp_path):
    source, target, back = tmp_path / "db.sqlite", tmp_path / "backup.sealed", tmp_path / "restored.sqlite"
    source.write_bytes(b"x" * 3_000_000)
    seal_file(KEYRING, source, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sealed_key_id(target) == KEYRING.primary_id
    assert open_sealed_file(KEYRING, target, back) == KEYRING.primary_id
    assert back.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(back.stat().st_mode) == 0o600


def test_a_damaged_sealed_file_leaves_no_partial_plaintext(tmp_path):
    source, target, back = tmp_path / "db.sqlite", tmp_path / "backup.sealed", tmp_path / "restored.sqlite"
    source.write_bytes(b"y" * 3_000_000)
    seal_file(KEYRING, source, target)
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(DecryptionError):
        open_sealed_file(KEYRING, target, back)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sealed", "db.sqlite"]

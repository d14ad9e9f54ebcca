"""Field-level encryption under keys kept outside the database: the keyring, envelopes, rotation.

An envelope is text: ``hv1.<key id>.<base64url(nonce || AES-GCM ciphertext)>``. The key id
is in clear so that rotation (and an operator) can find what each key encrypted; the
associated data binds the ciphertext to its table, column and row, so a value copied
into another row or column no longer decrypts. Plaintexts are padded to a multiple of
32 bytes so the length of a name shows only roughly in its ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from habeas.security.files import read_secret_file, write_secret_file

KEY_BYTES = 32
NONCE_BYTES = 12
ENVELOPE_VERSION = "hv1"
KEY_ENV = "HABEAS_KEY"
KEY_FILE_FORMAT = 1
PAD_BLOCK = 32


class KeyringError(Exception):
    """No usable key, or a key file that cannot be read; the message says what to do."""


class DecryptionError(Exception):
    """An envelope that does not decrypt: wrong key, wrong row, or altered. Never shows the value."""


@dataclass(frozen=True)
class FieldContext:
    """Where an encrypted value lives. It is authenticated with the ciphertext."""

    table: str
    column: str
    row_id: str

    def associated_data(self, key_id: str) -> bytes:
        parts = [ENVELOPE_VERSION, key_id, self.table, self.column, self.row_id]
        return b"habeas-field\x00" + b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)


class MasterKey:
    """One 256-bit key and the subkeys derived from it, one per purpose.

    The same key never serves two algorithms: AES-GCM, the identifier index, name-search
    tokens and backups each use their own subkey (HKDF-SHA256 with a distinct label).
    """

    __slots__ = ("_aead", "_secret", "created", "id")

    def __init__(self, secret: bytes, created: str | None = None) -> None:
        if len(secret) != KEY_BYTES:
            raise KeyringError(f"a habeas key is {KEY_BYTES} bytes; this one has {len(secret)}")
        self._secret = secret
        self.id = "k" + hmac.new(secret, b"habeas key id", hashlib.sha256).hexdigest()[:12]
        self.created = created
        self._aead = AESGCM(self.subkey("field-encryption"))

    def __repr__(self) -> str:
        return f"MasterKey(id={self.id!r})"  # never the secret

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(secrets.token_bytes(KEY_BYTES), created=datetime.now(UTC).isoformat(timespec="seconds"))

    def subkey(self, purpose: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"habeas/" + purpose.encode())
        return hkdf.derive(self._secret)

    def seal(self, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        return self._aead.encrypt(nonce, plaintext, associated_data)

    def open(self, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        return self._aead.decrypt(nonce, sealed, associated_data)

    def export(self) -> str:
        """The secret as base64, for the key file or the HABEAS_KEY variable."""
        return base64.b64encode(self._secret).decode()


class _HmacSha256:
    """HMAC-SHA256 under one key, its padded key states hashed once (RFC 2104; the same digests as ``hmac``).

    An import computes a few hundred thousand of these (ids, content digests, name tokens, blind
    indexes); copying two hash states costs about half of what ``hmac.new`` does each time.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\x00")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, data: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


class Keyring:
    """The keys habeas may use: one primary key that encrypts, and older keys that still decrypt."""

    def __init__(self, keys: Sequence[MasterKey], primary: str | None = None, identity: bytes | None = None) -> None:
        if not keys:
            raise KeyringError("a keyring needs at least one key")
        self._keys = {k.id: k for k in keys}
        self.primary_id = primary or keys[0].id
        if self.primary_id not in self._keys:
            raise KeyringError(f"primary key {self.primary_id} is not in the keyring")
        self._macs: dict[str, _HmacSha256] = {}
        # The secret behind the ids of records named by their content: it outlives key rotations, so a
        # fact imported again after a rotation gets the id it had. Key files older than it derive it
        # from their oldest key; the next rotation writes it down before that key is retired.
        self._identity = identity

    def __repr__(self) -> str:
        return f"Keyring(primary={self.primary_id!r}, keys={self.key_ids!r})"

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    @property
    def primary(self) -> MasterKey:
        return self._keys[self.primary_id]

    @classmethod
    def generate(cls) -> Keyring:
        return cls([MasterKey.generate()])

    def key(self, key_id: str) -> MasterKey:
        """The key with this id, to decrypt what it encrypted."""
        try:
            return self._keys[key_id]
        except KeyError:
            raise DecryptionError(f"the data was encrypted with key {key_id}, which is not in the keyring") from None

    def with_new_primary(self, key: MasterKey | None = None) -> Keyring:
        """This keyring plus a new key that becomes primary; the old keys still decrypt."""
        new = key or MasterKey.generate()
        keys = [new, *(k for k in self._keys.values() if k.id != new.id)]
        return Keyring(keys, primary=new.id, identity=self.identity_secret)

    def without(self, key_ids: Iterable[str]) -> Keyring:
        """This keyring with retired keys removed (never the primary)."""
        drop = set(key_ids)
        if self.primary_id in drop:
            raise KeyringError("the primary key cannot be removed; rotate to a new key first")
        kept = [k for k in self._keys.values() if k.id not in drop]
        return Keyring(kept, primary=self.primary_id, identity=self.identity_secret)

    # --- encryption -------------------------------------------------------------------

    def encrypt(self, plaintext: str, context: FieldContext) -> str:
        return self.encrypt_bytes(plaintext.encode(), context)

    def decrypt(self, envelope: str, context: FieldContext) -> str:
        return self.decrypt_bytes(envelope, context).decode()

    def encrypt_bytes(self, plaintext: bytes, context: FieldContext) -> str:
        key = self.primary
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = key.seal(nonce, _pad(plaintext), context.associated_data(key.id))
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{ENVELOPE_VERSION}.{key.id}.{body}"

    def decrypt_bytes(self, envelope: str, context: FieldContext) -> bytes:
        key_id, raw = _split_envelope(envelope)
        key = self.key(key_id)
        try:
            padded = key.open(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.associated_data(key_id))
        except InvalidTag:
            raise DecryptionError(
                f"the value in {context.table}.{context.column} for row {context.row_id} does not decrypt: "
                "it was altered or copied from another row"
            ) from None
        return _unpad(padded)

    def mac(self, purpose: str, data: bytes) -> bytes:
        """HMAC-SHA256 of ``data`` under the primary key's subkey for ``purpose`` (for indexes)."""
        keyed = self._macs.get(purpose)
        if keyed is None:
            keyed = self._macs[purpose] = _HmacSha256(self.primary.subkey(f"mac/{purpose}"))
        return keyed.digest(data)

    @property
    def identity_secret(self) -> bytes:
        """The secret of content-derived ids: the key file's own, else derived from the oldest key."""
        if self._identity is None:
            oldest = list(self._keys.values())[-1]  # a new key goes first: the last one is the oldest
            self._identity = oldest.subkey("record-identity")
        return self._identity

    def identity_mac(self, purpose: str, data: bytes) -> bytes:
        """HMAC-SHA256 for ids derived from content (events without an id, their content digests).

        Keyed, so that an id or a digest reveals nothing of the content to whoever lacks the key
        file; under a secret that key rotation keeps, so the same content keeps its id.
        """
        keyed = self._macs.get(f"identity/{purpose}")
        if keyed is None:
            subkey = hmac.new(self.identity_secret, b"habeas/identity/" + purpose.encode(), hashlib.sha256).digest()
            keyed = self._macs[f"identity/{purpose}"] = _HmacSha256(subkey)
        return keyed.digest(data)

    # --- storage ----------------------------------------------------------------------

    def to_json(self) -> bytes:
        keys = [{"id": k.id, "created": k.created, "secret": k.export()} for k in self._keys.values()]
        doc = {"habeas_keys": KEY_FILE_FORMAT, "primary": self.primary_id, "keys": keys,
               "identity": base64.b64encode(self.identity_secret).decode()}  # fmt: skip
        return (json.dumps(doc, indent=2) + "\n").encode()

    @classmethod
    def from_json(cls, data: bytes, origin: str = "key file") -> Keyring:
        try:
            doc = json.loads(data)
            if doc.get("habeas_keys") != KEY_FILE_FORMAT:
                raise KeyringError(f"{origin} is not a habeas key file (format {KEY_FILE_FORMAT})")
            keys = [MasterKey(_b64decode(k["secret"], origin), k.get("created")) for k in doc["keys"]]
            identity = _b64decode(doc["identity"], origin) if doc.get("identity") else None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeyringError(f"{origin} is not a valid habeas key file") from None
        for key, entry in zip(keys, doc["keys"], strict=True):
            if entry.get("id") not in (None, key.id):
                raise KeyringError(f"{origin}: key {entry.get('id')} does not match its secret")
        return cls(keys, primary=doc.get("primary"), identity=identity)

    def save(self, path: Path, *, replace: bool = False) -> None:
        """Write the key file with mode 0600; without ``replace`` an existing file is never touched."""
        write_secret_file(path, self.to_json(), replace=replace)

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        return cls.from_json(read_secret_file(path), origin=f"key file {path}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Keyring | None:
        """Keys from HABEAS_KEY: base64 keys separated by commas, the first one primary."""
        value = (os.environ if environ is None else environ).get(KEY_ENV, "").strip()
        if not value:
            return None
        return cls([MasterKey(_b64decode(part.strip(), KEY_ENV)) for part in value.split(",") if part.strip()])

    @classmethod
    def load(cls, key_file: Path, environ: Mapping[str, str] | None = None) -> Keyring:
        """HABEAS_KEY when it is set, else the key file. Never the database."""
        return cls.from_env(environ) or cls.from_file(key_file)


def _b64decode(text: str, origin: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{origin} does not hold a base64 key") from None


def _pad(data: bytes) -> bytes:
    # ISO/IEC 7816-4 padding: a 0x80 byte, then zeros up to the block size.
    size = (len(data) // PAD_BLOCK + 1) * PAD_BLOCK
    return data + b"\x80" + bytes(size - len(data) - 1)


def _unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise DecryptionError("the decrypted value has invalid padding")
    return stripped[:-1]


def _split_envelope(envelope: str) -> tuple[str, bytes]:
    parts = envelope.split(".")
    if len(parts) != 3 or parts[0] != ENVELOPE_VERSION:
        raise DecryptionError(f"not a habeas envelope (expected {ENVELOPE_VERSION}.<key id>.<data>)")
    try:
        raw = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("the envelope's data is not base64") from None
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionError("the envelope is too short to hold a nonce and a tag")
    return parts[1], raw


def envelope_key_id(envelope: str) -> str:
    """The id of the key that encrypted ``envelope``, read without decrypting."""
    return _split_envelope(envelope)[0]


def is_envelope(value: str) -> bool:
    return value.startswith(ENVELOPE_VERSION + ".") and value.count(".") == 2


def rotate(items: Iterable[tuple[FieldContext, str]], old: Keyring, new: Keyring) -> Iterator[tuple[FieldContext, str]]:
    """Re-encrypt every envelope under ``new``'s primary key, decrypting with ``old``.

    Envelopes already under the new primary key pass through unchanged, so a rotation that
    was interrupted can simply be run again. A value that does not decrypt stops the
    rotation with :class:`DecryptionError` before anything is yielded for it: the caller
    writes the results in one transaction, so no row is ever lost.
    """
    for context, envelope in items:
        if envelope_key_id(envelope) == new.primary_id:
            new.decrypt_bytes(envelope, context)  # prove it is intact before calling it rotated
            yield context, envelope
            continue
        yield context, new.encrypt_bytes(old.decrypt_bytes(envelope, context), context)

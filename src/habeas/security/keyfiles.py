"""Where habeas's two secret files live, and creating them: the encryption keys and the audit signing key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from habeas.security.audit import AuditSigner, public_key_text
from habeas.security.crypto import KEY_ENV, Keyring
from habeas.security.files import SecretFileError
from habeas.settings import Settings

KEY_FILE_ENV = "HABEAS_KEY_FILE"
AUDIT_KEY_FILE_ENV = "HABEAS_AUDIT_KEY_FILE"
KEY_FILE_NAME = "habeas.key"
AUDIT_KEY_FILE_NAME = "habeas-audit.key"


def key_file_path(settings: Settings, override: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """``override``, else ``$HABEAS_KEY_FILE``, else ``habeas.key`` in the data directory."""
    env = os.environ if environ is None else environ
    return Path(override or env.get(KEY_FILE_ENV) or settings.data_dir / KEY_FILE_NAME)


def audit_key_file_path(
    settings: Settings, override: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """``override``, else ``$HABEAS_AUDIT_KEY_FILE``, else ``habeas-audit.key`` in the data directory."""
    env = os.environ if environ is None else environ
    return Path(override or env.get(AUDIT_KEY_FILE_ENV) or settings.data_dir / AUDIT_KEY_FILE_NAME)


def keys_configured(settings: Settings, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a keyring is already given: ``$HABEAS_KEY`` set, or the key file present."""
    env = os.environ if environ is None else environ
    return bool(env.get(KEY_ENV, "").strip()) or key_file_path(settings, None, env).exists()


def load_keyring(settings: Settings, key_file: Path | None = None, environ: Mapping[str, str] | None = None) -> Keyring:
    """The keyring from ``$HABEAS_KEY`` when set, else from the key file."""
    return Keyring.load(key_file_path(settings, key_file, environ), environ)


def load_audit_signer(settings: Settings, path: Path | None = None) -> AuditSigner:
    return AuditSigner.from_file(audit_key_file_path(settings, path))


@dataclass(frozen=True)
class CreatedKeys:
    key_file: Path
    key_id: str
    audit_key_file: Path
    audit_key_id: str
    audit_public_key: str  # base64: record it somewhere the server's users cannot change
    environment_key_set: bool  # HABEAS_KEY is set, and wins over the new key file


def init_keys(
    settings: Settings,
    key_file: Path | None = None,
    audit_key_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> CreatedKeys:
    """Create a new encryption key file and audit signing key file, both 0600.

    Nothing is created unless both can be: an existing file is never overwritten, since
    losing a key means losing what it encrypted.
    """
    env = os.environ if environ is None else environ
    key_path = key_file_path(settings, key_file, env)
    audit_path = audit_key_file_path(settings, audit_key_file, env)
    if key_path.resolve() == audit_path.resolve():
        raise SecretFileError("the encryption key and the audit signing key need two different files")
    for path in (key_path, audit_path):
        if path.exists():
            raise SecretFileError(f"{path} already exists; habeas will not overwrite a key file")
    keyring, signer = Keyring.generate(), AuditSigner.generate()
    keyring.save(key_path)
    signer.save(audit_path)
    return CreatedKeys(
        key_file=key_path,
        key_id=keyring.primary_id,
        audit_key_file=audit_path,
        audit_key_id=signer.key_id,
        audit_public_key=public_key_text(signer.public_key),
        environment_key_set=bool(env.get(KEY_ENV, "").strip()),
    )

"""Key rotation: every envelope re-encrypted under a new key, the old key dropped once nothing names it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from habeas.security.access import Action
from habeas.security.crypto import KEY_ENV, DecryptionError, Keyring, KeyringError
from habeas.security.files import SecretFileError
from habeas.security.keyfiles import key_file_path
from habeas.services import Context, ServiceError, access
from habeas.store.rotation import key_usage, reencrypt_all


@dataclass(frozen=True)
class RotationResult:
    key_id: str
    finished_earlier_rotation: bool
    reencrypted: dict[str, int]
    identifier_index: int
    name_tokens: int
    removed: tuple[str, ...]  # old keys taken out of the key file
    still_used: dict[str, int]  # old keys that some values still name (a writer during rotation)
    key_file: Path | None  # None when the keys come from HABEAS_KEY


def _rotation_keyring(ctx: Context) -> tuple[Keyring, Path | None, bool]:
    """The keyring to rotate to, the key file it lives in, and whether an earlier rotation is being finished."""
    try:
        from_env = Keyring.from_env()
        if from_env is not None:
            if len(from_env.key_ids) < 2:
                raise ServiceError(
                    f"the keys come from {KEY_ENV}, which habeas cannot change: put a new key first in {KEY_ENV} "
                    "(the old one after it, separated by a comma), then run `habeas keys rotate` again"
                )
            return from_env, None, False
        path = key_file_path(ctx.settings)
        keyring = Keyring.from_file(path)
    except (KeyringError, SecretFileError) as exc:
        raise ServiceError(str(exc)) from exc
    if len(keyring.key_ids) > 1:
        return keyring, path, True  # an interrupted rotation: finish it rather than add a third key
    rotated = keyring.with_new_primary()
    rotated.save(path, replace=True)  # first: the new key is on disk before anything is encrypted with it
    return rotated, path, False


def rotate_keys(ctx: Context) -> RotationResult:
    """Re-encrypt everything under a new primary key; drop the old key once no value names it."""
    access.require(ctx, Action.MANAGE_KEYS)
    keyring, path, finishing = _rotation_keyring(ctx)
    try:
        counts = reencrypt_all(ctx.engine, keyring)
    except DecryptionError as exc:
        access.audit(ctx, "rotate_keys", "failed", [("key", keyring.primary_id)])
        raise ServiceError(f"nothing was re-encrypted: {exc}") from exc
    except SQLAlchemyError as exc:
        raise ServiceError(f"nothing was re-encrypted: the database refused ({exc.__class__.__name__})") from exc
    with ctx.engine.connect() as connection:
        usage = key_usage(connection)
    old = [k for k in keyring.key_ids if k != keyring.primary_id]
    removed = tuple(k for k in old if not usage.get(k))
    if path is not None and removed:
        keyring.without(removed).save(path, replace=True)
    ctx.__dict__.pop("keyring", None)  # this context's cached keyring is the old one
    access.audit(ctx, "rotate_keys", records=[("key", keyring.primary_id)])
    return RotationResult(
        key_id=keyring.primary_id,
        finished_earlier_rotation=finishing,
        reencrypted=counts.reencrypted,
        identifier_index=counts.identifier_index,
        name_tokens=counts.name_tokens,
        removed=removed,
        still_used={k: n for k, n in usage.items() if k != keyring.primary_id},
        key_file=path,
    )

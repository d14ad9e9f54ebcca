"""Field encryption: values round-trip, stay bound to their row, and survive key rotation; keys stay out of reach."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.security.crypto import (
    KEY_BYTES,
    DecryptionError,
    FieldContext,
    Keyring,
    KeyringError,
    MasterKey,
    envelope_key_id,
    is_envelope,
    rotate,
)
from habeas.security.files import SecretFileError

NAME = FieldContext("people", "name", "p-synthetic-1")
KEYRING = Keyring.generate()


@settings(max_examples=200)
@given(text=st.text(max_size=300))
def test_any_text_decrypts_to_itself(text):
    assert KEYRING.decrypt(KEYRING.encrypt(text, NAME), NAME) == text


def test_the_envelope_names_its_key_and_hides_the_value():
    envelope = KEYRING.encrypt("Zelmira Quintanilla-Ostrova", NAME)
    assert is_envelope(envelope)
    assert envelope_key_id(envelope) == KEYRING.primary_id
    assert "Zelmira" not in envelope
    assert b"Zelmira" not in base64.urlsafe_b64decode(envelope.split(".")[2] + "==")


def test_the_same_value_encrypts_differently_each_time():
    assert KEYRING.encrypt("same", NAME) != KEYRING.encrypt("same", NAME)


@pytest.mark.parametrize(
    "other",
    [
        FieldContext("people", "name", "p-synthetic-2"),
        FieldContext("people", "alias", "p-synthetic-1"),
        FieldContext("events", "name", "p-synthetic-1"),
    ],
    ids=["another row", "another column", "another table"],
)
def test_a_ciphertext_copied_elsewhere_does_not_decrypt(other):
    envelope = KEYRING.encrypt("Zelmira", NAME)
    with pytest.raises(DecryptionError, match="altered or copied") as caught:
        KEYRING.decrypt(envelope, other)
    assert "Zelmira" not in str(caught.value)


def test_a_flipped_bit_is_detected():
    version, key_id, body = KEYRING.encrypt("Zelmira", NAME).split(".")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 1
    tampered = f"{version}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionError):
        KEYRING.decrypt(tampered, NAME)


@pytest.mark.parametrize("envelope", ["plain text", "hv1.kabc", "hv2.k1.AAAA", "hv1.k1.@@@@", "hv1.k1.AAAA"])
def test_a_value_that_is_not_an_envelope_is_refused(envelope):
    with pytest.raises(DecryptionError):
        KEYRING.decrypt(envelope, NAME)


def test_a_value_under_an_unknown_key_names_the_key():
    envelope = Keyring.generate().encrypt("x", NAME)
    with pytest.raises(DecryptionError, match=envelope_key_id(envelope)):
        KEYRING.decrypt(envelope, NAME)


def test_ciphertext_length_shows_only_the_length_bucket():
    short, longer = KEYRING.encrypt("Al", NAME), KEYRING.encrypt("Alejandro Bartolomé", NAME)
    assert len(short) == len(longer)


def test_the_repr_of_keys_never_shows_the_secret():
    key = MasterKey.generate()
    assert key.export() not in repr(key)
    assert key.export() not in repr(Keyring([key]))


# --- rotation -----------------------------------------------------------------------------


def test_rotation_reencrypts_every_value_under_the_new_key_and_loses_none():
    old = Keyring.generate()
    rows = [(FieldContext("people", "name", f"p{i}"), f"synthetic name {i}") for i in range(50)]
    stored = [(ctx, old.encrypt(text, ctx)) for ctx, text in rows]
    new = old.with_new_primary()
    rotated = list(rotate(stored, old, new))
    assert [ctx for ctx, _ in rotated] == [ctx for ctx, _ in rows]
    assert {envelope_key_id(e) for _, e in rotated} == {new.primary_id}
    retired = new.without([old.primary_id])
    assert [retired.decrypt(e, ctx) for ctx, e in rotated] == [text for _, text in rows]


def test_rotation_can_be_run_again_after_an_interruption():
    old = Keyring.generate()
    new = old.with_new_primary()
    ctx = FieldContext("people", "name", "p1")
    already = new.encrypt("done before the crash", ctx)
    pending = old.encrypt("not yet", ctx)
    result = dict(enumerate(e for _, e in rotate([(ctx, already), (ctx, pending)], old, new)))
    assert result[0] == already
    assert new.decrypt(result[1], ctx) == "not yet"


def test_rotation_stops_at_a_value_that_does_not_decrypt():
    old = Keyring.generate()
    new = old.with_new_primary()
    good, bad = FieldContext("t", "c", "1"), FieldContext("t", "c", "2")
    items = [(good, old.encrypt("a", good)), (bad, old.encrypt("b", good))]
    results = rotate(items, old, new)
    next(results)
    with pytest.raises(DecryptionError):
        next(results)


def test_the_primary_key_cannot_be_retired():
    with pytest.raises(KeyringError, match="primary"):
        KEYRING.without([KEYRING.primary_id])


# --- where keys come from -------------------------------------------------------------------


def test_a_key_file_is_created_owner_only_and_loads_back(tmp_path):
    path = tmp_path / "keys" / "habeas.key"
    KEYRING.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = Keyring.from_file(path)
    assert loaded.primary_id == KEYRING.primary_id
    assert loaded.decrypt(KEYRING.encrypt("x", NAME), NAME) == "x"
    assert [p.name for p in path.parent.iterdir()] == ["habeas.key"], "no temporary file is left behind"


def test_a_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "habeas.key"
    KEYRING.save(path)
    before = path.read_bytes()
    with pytest.raises(SecretFileError, match="will not overwrite"):
        Keyring.generate().save(path)
    assert path.read_bytes() == before


def test_a_rotated_keyring_replaces_the_file_when_asked(tmp_path):
    path = tmp_path / "habeas.key"
    KEYRING.save(path)
    rotated = KEYRING.with_new_primary()
    rotated.save(path, replace=True)
    assert Keyring.from_file(path).key_ids == rotated.key_ids


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o666])
def test_a_key_file_others_can_read_is_refused(tmp_path, mode):
    path = tmp_path / "habeas.key"
    KEYRING.save(path)
    os.chmod(path, mode)
    with pytest.raises(SecretFileError, match="chmod 600"):
        Keyring.from_file(path)


def test_a_missing_key_file_says_how_to_create_one(tmp_path):
    with pytest.raises(SecretFileError, match="habeas keys init"):
        Keyring.from_file(tmp_path / "absent.key")


@pytest.mark.parametrize(
    "content", [b"not json", b'{"habeas_keys": 2, "keys": []}', b'{"habeas_keys": 1, "keys": [{"secret": "!!"}]}']
)
def test_a_damaged_key_file_is_refused(tmp_path, content):
    path = tmp_path / "habeas.key"
    path.write_bytes(content)
    os.chmod(path, 0o600)
    with pytest.raises(KeyringError):
        Keyring.from_file(path)


def test_the_environment_variable_wins_over_the_key_file(tmp_path):
    key = MasterKey.generate()
    keyring = Keyring.load(tmp_path / "absent.key", environ={"HABEAS_KEY": key.export()})
    assert keyring.primary_id == key.id


def test_the_environment_variable_can_carry_an_old_key_for_rotation():
    new, old = MasterKey.generate(), MasterKey.generate()
    keyring = Keyring.from_env({"HABEAS_KEY": f"{new.export()}, {old.export()}"})
    assert keyring is not None
    assert keyring.primary_id == new.id
    assert keyring.key_ids == (new.id, old.id)


def test_the_same_secret_has_the_same_key_id_in_a_file_and_in_the_environment(tmp_path):
    path = tmp_path / "habeas.key"
    KEYRING.save(path)
    from_env = Keyring.from_env({"HABEAS_KEY": KEYRING.primary.export()})
    assert from_env is not None and from_env.primary_id == Keyring.from_file(path).primary_id


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_environment_key_is_refused(value):
    with pytest.raises(KeyringError):
        Keyring.from_env({"HABEAS_KEY": value})


def test_without_the_environment_variable_there_is_no_environment_keyring():
    assert Keyring.from_env({}) is None


def test_a_key_has_256_bits():
    assert len(base64.b64decode(MasterKey.generate().export())) == KEY_BYTES == 32

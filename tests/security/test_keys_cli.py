"""`habeas keys init` creates both key files owner-only, once, and says where they are."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habeas.cli import app
from habeas.security.audit import AuditSigner
from habeas.security.crypto import Keyring

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "none.toml"))
    for name in ("HABEAS_KEY", "HABEAS_KEY_FILE", "HABEAS_AUDIT_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


def test_keys_init_creates_both_files_in_the_data_directory(home):
    result = runner.invoke(app, ["keys", "init"])
    assert result.exit_code == 0, result.output
    key_file, audit_file = home / "habeas.key", home / "habeas-audit.key"
    for path in (key_file, audit_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    keyring = Keyring.from_file(key_file)
    assert keyring.primary_id in result.output
    assert keyring.primary.export() not in result.output, "the secret is never printed"
    assert AuditSigner.from_file(audit_file).key_id


def test_keys_init_refuses_to_overwrite_and_changes_nothing(home):
    assert runner.invoke(app, ["keys", "init"]).exit_code == 0
    before = (home / "habeas.key").read_bytes()
    result = runner.invoke(app, ["keys", "init"])
    assert result.exit_code == 1
    assert "will not overwrite" in result.output
    assert (home / "habeas.key").read_bytes() == before


def test_keys_init_creates_neither_file_when_one_exists(home, tmp_path):
    audit = tmp_path / "audit.key"
    audit.write_text("something")
    result = runner.invoke(app, ["keys", "init", "--key-file", str(tmp_path / "k.key"), "--audit-key-file", str(audit)])
    assert result.exit_code == 1
    assert not (tmp_path / "k.key").exists()


def test_keys_init_writes_where_asked_and_reports_json(home, tmp_path):
    key_file = tmp_path / "elsewhere" / "my.key"
    result = runner.invoke(app, ["keys", "init", "--key-file", str(key_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["key_file"] == str(key_file)
    assert report["key_id"] == Keyring.from_file(key_file).primary_id
    assert report["audit_key_file"] == str(home / "habeas-audit.key")
    assert set(report) == {"key_file", "key_id", "audit_key_file", "audit_key_id", "audit_public_key"}


def test_keys_init_warns_when_the_environment_key_will_win(home, monkeypatch):
    monkeypatch.setenv("HABEAS_KEY", Keyring.generate().primary.export())
    result = runner.invoke(app, ["keys", "init"])
    assert result.exit_code == 0
    assert "HABEAS_KEY is set" in result.output

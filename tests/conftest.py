"""Shared fixtures: databases (SQLite always; PostgreSQL when a server answers) and service contexts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

# Wide, stable terminal output for the command-line tests, whatever runs them.
os.environ["COLUMNS"] = "200"

from habeas.services import Actor, Context
from habeas.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

# The project's machines run PostgreSQL here with trust auth; override with HABEAS_TEST_POSTGRES.
POSTGRES_ADMIN_URL = os.environ.get("HABEAS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no server for these tests
        return f"PostgreSQL tests skipped: no server answered at {POSTGRES_ADMIN_URL} ({type(exc).__name__})"
    return None


_PG_REASON = _postgres_reason()


def pytest_report_header(config: pytest.Config) -> str:
    return _PG_REASON or f"PostgreSQL: {POSTGRES_ADMIN_URL}"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real habeas data, keys, settings or database."""
    for name in ("HABEAS_DATABASE_URL", "HABEAS_KEY", "HABEAS_KEY_FILE", "HABEAS_AUDIT_KEY_FILE", "HABEAS_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "isolated-home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "isolated-config.toml"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if _PG_REASON:
        if os.environ.get("CI") == "true":
            pytest.fail(_PG_REASON + " — CI must run them")
        pytest.skip(_PG_REASON)
    name = f"habeas_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'habeas.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'habeas.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def make_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "no-config.toml"))

    def make(url: str, actor: str = "tester") -> Context:
        return Context(Settings.load(database_url=url), Actor(actor))

    return make


@pytest.fixture
def ctx(database_url: str, make_context) -> Context:  # type: ignore[no-untyped-def]
    from habeas.services import track

    context = make_context(database_url)
    track.init_database(context)
    return context

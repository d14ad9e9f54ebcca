"""Roles × operations through the services: every operation refuses a user without access, and says so in the log.

One database per kind (SQLite, PostgreSQL) serves the whole matrix: refused calls change
nothing but the audit log, and each case checks the entries appended after it started.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from habeas.services import Actor, Context, ServiceError, access, check, reports, security, track
from habeas.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get("HABEAS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DAY = date(2025, 6, 1)
ADMIN = "tester"


@dataclass(frozen=True)
class World:
    url: str
    root: Path
    casefile: Path

    def context(self, user: str) -> Context:
        # Explicit paths: the autouse fixture points HABEAS_HOME somewhere new for every test.
        settings = Settings(data_dir=self.root / "home", database_url=self.url, config_path=self.root / "habeas.toml")
        return Context(settings, Actor(user))


def _casefile(path: Path) -> Path:
    people = [
        {"id": "mx-1", "name": "Matrix Person One", "citizenship": "HN", "cohorts": ["mx-cohort"],
         "identifiers": {"a_number": "A000000001"}},
        {"id": "mx-2", "name": "Matrix Person Two", "citizenship": "GT"},
    ]  # fmt: skip
    events = [{"id": "mx-1-booked", "person": "mx-1", "kind": "booked_in", "date": "2025-01-02", "note": "synthetic"}]
    doc = {"habeas": 1, "cohorts": [{"id": "mx-cohort"}], "people": people, "events": events}
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _postgres_database() -> Iterator[str]:
    try:
        admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            name = f"habeas_matrix_{uuid.uuid4().hex[:12]}"
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no PostgreSQL server: {exc.__class__.__name__}")
        pytest.skip(f"PostgreSQL tests skipped: no server answered at {POSTGRES_ADMIN_URL}")
    try:
        yield sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp(f"matrix-{request.param}")
    if request.param == "sqlite":
        yield from _populated(f"sqlite:///{root / 'habeas.db'}", root)
    else:
        for url in _postgres_database():
            yield from _populated(url, root)


def _populated(url: str, root: Path) -> Iterator[World]:
    world = World(url, root, _casefile(root / "matrix.yaml"))
    (root / "habeas.toml").write_text("# the rules' defaults\n", encoding="utf-8")
    admin = world.context(ADMIN)
    track.init_database(admin)
    track.import_casefiles(admin, [world.casefile])
    for name, role in (("viewer-none", "viewer"), ("editor-none", "editor"), ("editor-all", "editor"),
                       ("viewer-all", "viewer"), ("retired", "admin")):  # fmt: skip
        security.add_user(admin, name, role)
    access.define_group(admin, "everything", all_records=True)
    access.grant(admin, "editor-all", "everything")
    access.grant(admin, "viewer-all", "everything")
    security.deactivate_user(admin, "retired")
    yield world


Operation = Callable[[Context, World], Any]

OPERATIONS: dict[str, Operation] = {
    "import": lambda c, w: track.import_casefiles(c, [w.casefile]),
    "timeline": lambda c, w: track.timeline(c, "mx-1"),
    "whereabouts": lambda c, w: track.whereabouts(c, "mx-1", DAY),
    "timelines": lambda c, w: track.timelines(c),
    "people": lambda c, w: track.people_with_whereabouts(c, DAY),
    "export": lambda c, w: track.export_casefile(c),
    "check": lambda c, w: check.check(c, as_of=DAY),
    "flags": lambda c, w: check.flags_for(c, "mx-1", DAY),
    "report": lambda c, w: reports.report(c, "mx-1", DAY, fmt="md"),
    "users add": lambda c, w: security.add_user(c, f"new-{uuid.uuid4().hex[:8]}", "viewer"),
    "users list": lambda c, w: access.list_users(c),
    "users grant": lambda c, w: access.grant(c, "viewer-none", "everything"),
    "audit log": lambda c, w: security.audit_log(c),
    "audit verify": lambda c, w: security.verify_audit(c),
    "backup": lambda c, w: security.backup(c, w.root / f"backup-{uuid.uuid4().hex[:8]}"),
    "publish": lambda c, w: security.publish(c, w.root / f"publication-{uuid.uuid4().hex[:8]}", as_of=DAY),
    "rotate": lambda c, w: security.rotate_keys(c),
}

RECORD_OPERATIONS = {"timeline", "whereabouts", "timelines", "people", "export", "check", "flags", "report"}
ADMIN_ONLY = {"users add", "users list", "users grant", "audit log", "audit verify", "backup", "publish", "rotate"}


def _refused_cases() -> Iterator[Any]:
    for operation in OPERATIONS:
        users = ["outsider", "retired"]
        if operation in RECORD_OPERATIONS:
            users += ["viewer-none", "editor-none"]
        if operation == "import":
            users += ["viewer-all"]
        if operation in ADMIN_ONLY:
            users += ["editor-all", "viewer-all"]
        for user in users:
            yield pytest.param(operation, user, id=f"{operation}-{user}")


def _denials_since(world: World, seq: int, user: str) -> list[str]:
    entries = world.context(ADMIN).audit_sink.entries()
    return [e.action for e in entries if e.seq > seq and e.actor == user and e.outcome == "denied"]


def _last_seq(world: World) -> int:
    last = world.context(ADMIN).audit_sink.last_entry()
    return last.seq if last else 0


@pytest.mark.parametrize(("operation", "user"), list(_refused_cases()))
def test_every_operation_refuses_a_user_without_access_and_audits_it(world: World, operation: str, user: str):
    seq = _last_seq(world)
    with pytest.raises(ServiceError) as refused:
        OPERATIONS[operation](world.context(user), world)
    assert _denials_since(world, seq, user), f"{operation} refused {user} ({refused.value}) without an audited denial"


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_an_admin_may_do_every_operation(world: World, operation: str):
    OPERATIONS[operation](world.context(ADMIN), world)


def test_the_audit_chain_holds_after_the_whole_matrix(world: World):
    assert security.verify_audit(world.context(ADMIN)).result.ok

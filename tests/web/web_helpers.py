"""Helpers of the web tests: a database with the examples and a planted canary, users of every role, sign-in."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pyotp
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.security.access import AccessGroup
from habeas.security.accounts import Accounts, MemoryUserStore, memory_accounts
from habeas.services import Actor, Context, access, security, track
from habeas.settings import Settings
from habeas.web.app import create_app
from habeas.web.config import WebSettings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TODAY = date(2025, 6, 1)
PASSWORD = "correct horse battery staple"
ADMIN_TOTP = pyotp.random_base32()

# A synthetic person nobody but admins and all-records editors may see. Its words must never reach anyone else.
CANARY_ID = "canary-x7q"
CANARY_NAME = "Qwertzy Canarinowski Plumbago"
CANARY_ALIAS = "Zebulon Vantablack"
CANARY_A_NUMBER = "A-987-654-321"
CANARY_COHORT = "canary-cohort-x7q"
CANARY_WORDS = ("Qwertzy", "Canarinowski", "Plumbago", "Zebulon", "Vantablack", "987654321", CANARY_ID, CANARY_COHORT)

CANARY_CASEFILE = {
    "habeas": 1,
    "sources": [{"id": "canary-src-x7q", "kind": "document", "title": "Synthetic record", "date": "2025-05-01"}],
    "cohorts": [{"id": CANARY_COHORT, "name": "Synthetic restricted cohort"}],
    "people": [
        {
            "id": CANARY_ID,
            "name": CANARY_NAME,
            "aliases": [CANARY_ALIAS],
            "citizenship": "VE",
            "cohorts": [CANARY_COHORT],
            "identifiers": {"a_number": CANARY_A_NUMBER},
            "sensitive": {"asylum_basis": ["political_opinion"]},
        }
    ],
    "events": [
        {"id": "canary-booked", "person": CANARY_ID, "kind": "booked_in", "date": "2025-04-01",
         "facility": "Synthetic Facility Vantablack", "sources": ["canary-src-x7q"]},
        {"id": "canary-removed", "person": CANARY_ID, "kind": "removed", "date": "2025-05-20", "destination": "SV",
         "sources": ["canary-src-x7q"]},
    ],
}  # fmt: skip

ROLES = ("anonymous", "viewer", "outsider", "editor", "admin")
OTHER_USERS = ("reader",)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@cache
def _hashed_users() -> MemoryUserStore:
    users = MemoryUserStore()
    users.add("admin", "admin", PASSWORD, totp_secret=ADMIN_TOTP)
    users.add("editor", "editor", PASSWORD, [AccessGroup("everyone", all_records=True)])
    users.add("viewer", "viewer", PASSWORD, [AccessGroup("demo flight", cohorts=frozenset({"demo-flight-2025-04"}))])
    users.add("outsider", "editor", PASSWORD, [AccessGroup("one case", people=frozenset({"ahr"}))])
    users.add("reader", "viewer", PASSWORD, [AccessGroup("one case", people=frozenset({"ahr"}))])
    users.add("retired", "editor", PASSWORD, [AccessGroup("everyone", all_records=True)], active=False)
    return users


def make_users() -> MemoryUserStore:
    """The test users, hashed once per test run (argon2id is slow on purpose), in a store of their own."""
    users = MemoryUserStore()
    for account in _hashed_users().accounts():
        users._accounts[account.name] = account
    return users


# The same users in the database, where the services look them up to decide and to audit.
# Their passwords live in the web's user store above; the services never see a password here.
GROUPS = {
    "everyone": {"all_records": True, "members": ("editor", "retired")},
    "demo flight": {"cohorts": ("demo-flight-2025-04",), "members": ("viewer",)},
    "one case": {"people": ("ahr",), "members": ("outsider", "reader")},
}


def make_database(folder: Path) -> Settings:
    """The examples and the canary in a new database whose first admin is "admin", with every test user."""
    config = folder / "habeas.toml"
    config.write_text("# the defaults\n", encoding="utf-8")
    # Explicit paths: the keys must land in this folder whatever $HABEAS_HOME says when a module fixture runs.
    settings = Settings(data_dir=folder / "home", database_url=f"sqlite:///{folder / 'habeas.db'}", config_path=config)
    admin = Context(settings, Actor("admin"))
    track.init_database(admin)
    canary = folder / "canary.yaml"
    canary.write_text(yaml.safe_dump(CANARY_CASEFILE, allow_unicode=True), encoding="utf-8")
    track.import_casefiles(admin, [EXAMPLES / "hernandez-romero.yaml", EXAMPLES / "fictional-cohort.yaml", canary])
    for account in _hashed_users().accounts():
        if account.name != "admin":
            security.add_user(admin, account.name, str(account.user.role))
    for name, group in GROUPS.items():
        people, cohorts = group.get("people", ()), group.get("cohorts", ())
        access.define_group(admin, name, people, cohorts, bool(group.get("all_records")))  # type: ignore[arg-type]
        for member in group["members"]:  # type: ignore[attr-defined]
            access.grant(admin, member, name)
    security.deactivate_user(admin, "retired")
    return settings


@dataclass
class Site:
    app: FastAPI
    accounts: Accounts
    settings: Settings

    def client(self, https: bool = False) -> TestClient:
        return TestClient(self.app, base_url="https://testserver" if https else "http://testserver")


def build_site(folder: Path, **web: object) -> Site:
    settings = make_database(folder)
    accounts = memory_accounts(make_users())
    options = {"secure_cookies": False, "today": lambda: TODAY, "warm_summaries": False, **web}
    return Site(create_app(settings, accounts, WebSettings(**options)), accounts, settings)  # type: ignore[arg-type]


def sign_in(client: TestClient, name: str, password: str = PASSWORD, code: str | None = None):  # type: ignore[no-untyped-def]
    """Sign in through the forms; an admin also passes the TOTP step. Returns the last response."""
    csrf = csrf_of(client.get("/sign-in").text)
    response = client.post(
        "/sign-in", data={"username": name, "password": password, "csrf": csrf, "next": "/"}, follow_redirects=False
    )
    if response.status_code == 303 and response.headers["location"].startswith("/sign-in/code"):
        page = client.get(response.headers["location"])
        response = client.post(
            "/sign-in/code",
            data={"csrf": csrf_of(page.text), "code": code or pyotp.TOTP(ADMIN_TOTP).now(), "next": "/"},
            follow_redirects=False,
        )
    return response


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free port, for a real browser: yields its address."""
    import uvicorn

    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20  # a start-up guard, not a speed check: a server that never starts fails
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{running.servers[0].sockets[0].getsockname()[1]}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)

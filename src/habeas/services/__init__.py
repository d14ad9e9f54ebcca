"""Use cases: gather from the store, decide in the core, apply; the CLI and the web call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from habeas.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from habeas.security.access import User
    from habeas.security.crypto import Keyring
    from habeas.store.audit import SqlAuditSink


@dataclass(frozen=True)
class Actor:
    """Who is acting. Every service call takes one explicitly."""

    name: str
    role: str = "admin"


class Clock(Protocol):
    """Where the services read the day and the time: passed in, so a test or a report can fix them."""

    def today(self) -> date: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock (UTC for times)."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    """What every service call is given: the settings, who is acting, and the clock."""

    settings: Settings
    actor: Actor
    clock: Clock = field(default_factory=SystemClock, compare=False)

    @cached_property
    def engine(self) -> Engine:
        """One engine per context (a CLI command, a web app), made on first use."""
        from habeas.store.db import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def keyring(self) -> Keyring:
        """The field-encryption keys: ``$HABEAS_KEY``, else the key file beside the database."""
        from habeas.security.crypto import KeyringError
        from habeas.security.files import SecretFileError
        from habeas.security.keyfiles import load_keyring

        try:
            return load_keyring(self.settings)
        except (KeyringError, SecretFileError) as exc:
            raise ServiceError(f"{exc} (`habeas init` creates a key for a new database)") from exc

    @cached_property
    def acting_user(self) -> User:
        """Who is acting, with their role and groups, loaded once (see habeas.services.access)."""
        from habeas.services.access import load_acting_user

        return load_acting_user(self)

    @cached_property
    def audit_sink(self) -> SqlAuditSink:
        from habeas.store.audit import SqlAuditSink

        return SqlAuditSink(self.engine)


class ServiceError(Exception):
    """A problem the user can fix, with a message that says how."""


class NotFound(ServiceError):
    """A person, cohort, source or event that is not in the database."""

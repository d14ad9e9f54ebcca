"""Use cases: gather from the store, decide in the core, apply; the CLI and the web call these."""

from __future__ import annotations

from dataclasses import dataclass

from habeas.settings import Settings


@dataclass(frozen=True)
class Actor:
    """Who is acting. Every service call takes one explicitly."""

    name: str
    role: str = "admin"


@dataclass(frozen=True)
class Context:
    settings: Settings
    actor: Actor


class ServiceError(Exception):
    """A problem the user can fix, with a message that says how."""


class NotFound(ServiceError):
    """A person, cohort, source or event that is not in the database."""

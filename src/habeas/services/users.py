"""Users: who may sign in and act, with one validated way to add a user or set a password."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from habeas.security.access import Action, Role
from habeas.security.accounts import SESSION_IDLE_MINUTES, SESSION_MAX_HOURS, Accounts
from habeas.security.passwords import hash_password, password_problems
from habeas.services import Context, NotFound, ServiceError, access
from habeas.store.accounts import SqlSessionStore, SqlTokenStore, SqlUserStore
from habeas.store.tables import UserRow, WebSessionRow

USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def _role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ServiceError(f"unknown role {value!r}; use admin, editor or viewer") from None


def _check_password(password: str | None) -> None:
    if password is not None and (problems := password_problems(password)):
        raise ServiceError("the password was refused: " + "; ".join(problems))


def add_user(ctx: Context, name: str, role: str | Role, password: str | None = None) -> None:
    """A new user; without a password they can use the command line but not sign in on the web.

    The one way a user is made, from the command line, the web's first start and the tests alike:
    the name, the role and the password are checked here, before anything is written.
    """
    if not USER_NAME.fullmatch(name):
        raise ServiceError(f"{name!r} is not a user name: use letters, digits, dots, dashes, @ (at most 64)")
    checked = _role(role)
    _check_password(password)
    access.require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        if session.get(UserRow, name) is not None:
            raise ServiceError(f"the user {name!r} already exists")
        digest = hash_password(password) if password else None
        now = ctx.clock.now()
        session.add(UserRow(name=name, role=checked.value, password_hash=digest, active=True, created_at=now))
    access.audit(ctx, "add_user", records=[("user", name)])


def set_password(ctx: Context, name: str, password: str) -> None:
    """Set ``name``'s password: an admin for anyone, any active user for themselves; a weak one is refused."""
    _check_password(password)
    if name != ctx.actor.name:
        access.require(ctx, Action.MANAGE_USERS)
    else:
        access.acting_user(ctx)  # a deactivated user may not change even their own password
    with Session(ctx.engine) as session, session.begin():
        row = session.get(UserRow, name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        row.password_hash = hash_password(password)
    access.audit(ctx, "set_password", records=[("user", name)])


change_password = set_password  # the command line's name for it


def deactivate_user(ctx: Context, name: str) -> None:
    """The user can no longer act (the record of what they did stays); never the last active admin."""
    access.require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        row = session.get(UserRow, name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        admins = session.scalars(select(UserRow.name).where(UserRow.role == Role.ADMIN.value, UserRow.active)).all()
        if row.role == Role.ADMIN.value and list(admins) == [name]:
            raise ServiceError(f"{name} is the last active admin; make another admin first")
        session.execute(update(UserRow).where(UserRow.name == name).values(active=False))
    access.audit(ctx, "deactivate_user", records=[("user", name)])


class SessionLimits(Protocol):
    """How long a web session may sit idle and live at most (the web's settings have both)."""

    @property
    def session_idle_minutes(self) -> int: ...
    @property
    def session_max_hours(self) -> int: ...


@dataclass(frozen=True)
class DefaultSessionLimits:
    session_idle_minutes: int = SESSION_IDLE_MINUTES
    session_max_hours: int = SESSION_MAX_HOURS


def stored_accounts(ctx: Context, limits: SessionLimits | None = None) -> Accounts:
    """The users, sessions and API tokens kept in the database, for the web app and the API.

    The store implements the accounts port (:mod:`habeas.security.accounts`); this is where the
    two are wired, so neither the web app nor the store knows the other.
    """
    limits = limits or DefaultSessionLimits()
    idle, lifetime = timedelta(minutes=limits.session_idle_minutes), timedelta(hours=limits.session_max_hours)
    return Accounts(SqlUserStore(ctx), SqlSessionStore(ctx, idle, lifetime), SqlTokenStore(ctx))


def reset_second_factor(ctx: Context, name: str) -> None:
    """Forget ``name``'s authenticator (a lost or stolen phone): an admin's act on the command line, audited.

    The user's web sessions end with it, and their next sign-in enrols a new authenticator after the password.
    An admin may reset their own: whoever runs the command line already holds the database and its keys, which
    the second factor protects from people signing in over the network.
    """
    access.require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        row = session.get(UserRow, name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        row.totp_secret_enc = None
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_name == name))
    access.audit(ctx, "reset_second_factor", records=[("user", name)])

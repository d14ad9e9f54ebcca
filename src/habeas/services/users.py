"""Users: who may sign in and act, with one validated way to add a user or set a password."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from habeas.security.access import Action, Role
from habeas.security.passwords import password_problems
from habeas.services import Context, NotFound, ServiceError, access
from habeas.store.tables import UserRow

USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ServiceError(f"unknown role {value!r}; use admin, editor or viewer") from None


def _check_password(password: str | None) -> None:
    if password is not None and (problems := password_problems(password)):
        raise ServiceError("the password was refused: " + "; ".join(problems))


def add_user(ctx: Context, name: str, role: str, password: str | None = None) -> None:
    """A new user; without a password they can use the command line but not sign in on the web."""
    if not USER_NAME.fullmatch(name):
        raise ServiceError(f"{name!r} is not a user name: use letters, digits, dots, dashes, @ (at most 64)")
    checked = _role(role)
    _check_password(password)
    access.add_user(ctx, name, checked, password)


def change_password(ctx: Context, name: str, password: str) -> None:
    _check_password(password)
    access.set_password(ctx, name, password)


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

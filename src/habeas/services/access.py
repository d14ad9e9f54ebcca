"""Who is acting, what they may reach, and the audit of every read, write and denial."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from habeas.security.access import SYSTEM, Action, Resource, Role, Scope, User, decide, scope
from habeas.security.audit import Outcome
from habeas.services import Context, NotFound, ServiceError
from habeas.store.accounts import load_user
from habeas.store.audit import record_many
from habeas.store.db import DatabaseError, ensure_current
from habeas.store.tables import (
    AccessGroupRow,
    GroupCohortRow,
    GroupPersonRow,
    UserGroupRow,
    UserRow,
)


class Forbidden(ServiceError):
    """The acting user may not do this. The denial is in the audit log."""


def acting_user(ctx: Context) -> User:
    """The acting user as stored, with their groups; loaded once per context (a command, a web request)."""
    return ctx.acting_user


def load_acting_user(ctx: Context) -> User:
    """Load the acting user; an unknown or deactivated name is refused, and the refusal audited."""
    try:
        ensure_current(ctx.engine)
    except DatabaseError as exc:
        raise ServiceError(str(exc)) from exc
    with Session(ctx.engine) as session:
        user = load_user(session, ctx.actor.name)
    if user is None:
        audit(ctx, "sign_in", Outcome.DENIED)
        raise Forbidden(
            f"there is no habeas user {ctx.actor.name!r} in this database; an admin can add one with "
            f"`habeas users add {ctx.actor.name} --role viewer`, or act as another with --user"
        )
    if not user.active:
        audit(ctx, "sign_in", Outcome.DENIED)
        raise Forbidden(f"the habeas user {ctx.actor.name!r} is deactivated")
    return user


def audit(
    ctx: Context,
    action: str,
    outcome: str = Outcome.ALLOWED,
    records: Sequence[tuple[str | None, str | None]] = ((None, None),),
    connection: Connection | None = None,
) -> None:
    """Record who did what to which records; never the records' values.

    With ``connection`` the entries are written in the caller's transaction (an import and
    its audit entries commit together); the checkpoint is then signed by the next audit.
    """
    if not records:
        return
    pending = ctx.__dict__.get(_PENDING)
    if pending is not None and connection is None:
        pending.append((action, str(outcome), list(records)))
        return
    entries = record_many(ctx.audit_sink, ctx.actor.name, action, str(outcome), list(records), connection)
    if connection is None:
        _maybe_sign(ctx, entries[-1].seq, action in SIGNED_AT_ONCE)


_PENDING = "_audit_pending"  # where audits_together keeps a block's entries, in the context's __dict__


@contextmanager
def audits_together(ctx: Context) -> Iterator[None]:
    """Write every audit entry of a block in one transaction when the block ends (one web page's reads).

    The entries are written even when the block fails (a denial is recorded), and are committed
    before the block's result can be shown: the caller answers only after the block.
    """
    if _PENDING in ctx.__dict__:  # already inside one: the outer block writes
        yield
        return
    pending: list[tuple[str, str, list[tuple[str | None, str | None]]]] = []
    ctx.__dict__[_PENDING] = pending
    try:
        yield
    finally:
        del ctx.__dict__[_PENDING]
        if pending:
            entries = ctx.audit_sink.record_all(ctx.actor.name, pending)
            _maybe_sign(ctx, entries[-1].seq, any(action in SIGNED_AT_ONCE for action, _, _ in pending))


def _maybe_sign(ctx: Context, newest: int, at_once: bool) -> None:
    """Sign a checkpoint when asked to at once, or when CHECKPOINT_EVERY entries went unsigned."""
    sink = ctx.audit_sink
    if not at_once:
        if newest - sink.signed_seq() < CHECKPOINT_EVERY:
            return
        sink.note_signed(None)  # another process may have signed meanwhile: look before signing
        if newest - sink.signed_seq() < CHECKPOINT_EVERY:
            return
    sign_checkpoint(ctx)
    # Signed (the sink noted the checkpoint), or no key here: either way, look again CHECKPOINT_EVERY entries on.
    sink.note_signed(max(newest, sink.signed_seq()))


# Sign the chain at least every this many entries, and at once after these actions.
CHECKPOINT_EVERY = 100
SIGNED_AT_ONCE = frozenset({"import", "export", "add_user", "grant", "revoke", "define_group", "set_password",
                            "rotate_keys", "backup", "restore", "publish"})  # fmt: skip


def sign_checkpoint(ctx: Context) -> None:
    """Sign the newest audit entry with the audit key kept outside the database (when there is one)."""
    from habeas.security.audit import AuditLog
    from habeas.security.files import SecretFileError
    from habeas.security.keyfiles import load_audit_signer

    try:
        signer = load_audit_signer(ctx.settings)
    except (SecretFileError, OSError):
        return  # no signing key on this machine: `habeas audit verify` reports the unsigned entries
    AuditLog(ctx.audit_sink, signer).checkpoint()


def not_found_message(kind: str, ident: str) -> str:
    """The one answer for a record that does not exist and for one out of the user's reach."""
    return f"no {kind} with id {ident!r} that you can reach; `habeas people` lists the people you can reach"


def require(ctx: Context, action: Action, resource: Resource = SYSTEM, hide: bool = False) -> User:
    """Allow the action or raise; a denial is audited. ``hide`` answers "not found" for records out of reach."""
    user = acting_user(ctx)
    decision = decide(user, action, resource)
    if not decision:
        audit(ctx, action.value, Outcome.DENIED, [(resource.kind.value, resource.id)])
        if hide and resource.id is not None:
            raise NotFound(not_found_message(resource.kind.value, resource.id))
        raise Forbidden(f"{ctx.actor.name} may not {action.value.replace('_', ' ')}: {decision.reason}")
    return user


def reachable(ctx: Context, action: Action = Action.READ_PERSON) -> Scope:
    """The records the acting user may take ``action`` on, for query filters."""
    return scope(acting_user(ctx), action)


def ensure_first_admin(session: Session, name: str, now: datetime) -> bool:
    """A new database gets one admin: whoever ran `habeas init`. Returns whether one was created."""
    if session.scalar(select(UserRow.name).limit(1)) is not None:
        return False
    session.add(UserRow(name=name, role=Role.ADMIN.value, password_hash=None, active=True, created_at=now))
    return True


def list_users(ctx: Context) -> list[tuple[User, bool]]:
    """Every user with their groups, and whether they have a password (for signing in on the web)."""
    require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session:
        rows = session.execute(select(UserRow.name, UserRow.password_hash).order_by(UserRow.name)).all()
        users = [(load_user(session, name), digest is not None) for name, digest in rows]
    audit(ctx, "list_users")
    return [(u, has) for u, has in users if u is not None]


def define_group(
    ctx: Context, name: str, people: Sequence[str] = (), cohorts: Sequence[str] = (), all_records: bool = False
) -> None:
    """Create a group, or add people and cohorts to it."""
    require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        group = session.get(AccessGroupRow, name)
        if group is None:
            session.add(AccessGroupRow(name=name, all_records=all_records))
        elif all_records:
            group.all_records = True
        session.flush()
        for pid in people:
            if session.get(GroupPersonRow, (name, pid)) is None:
                session.add(GroupPersonRow(group_name=name, person_id=pid))
        for cid in cohorts:
            if session.get(GroupCohortRow, (name, cid)) is None:
                session.add(GroupCohortRow(group_name=name, cohort_id=cid))
    audit(ctx, "define_group", records=[("group", name)])


def grant(ctx: Context, user: str, group: str) -> None:
    require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        if session.get(UserRow, user) is None:
            raise NotFound(f"no user {user!r}")
        if session.get(AccessGroupRow, group) is None:
            raise NotFound(f"no access group {group!r}; create it with `habeas groups add {group} ...`")
        if session.get(UserGroupRow, (user, group)) is None:
            session.add(UserGroupRow(user_name=user, group_name=group))
    audit(ctx, "grant", records=[("user", user), ("group", group)])


def revoke(ctx: Context, user: str, group: str) -> None:
    require(ctx, Action.MANAGE_USERS)
    with Session(ctx.engine) as session, session.begin():
        row = session.get(UserGroupRow, (user, group))
        if row is None:
            raise NotFound(f"{user!r} is not in the group {group!r}")
        session.delete(row)
    audit(ctx, "revoke", records=[("user", user), ("group", group)])

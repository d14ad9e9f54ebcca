"""Sign-in throttling kept in the database: attempts per address, failures and lockouts per name, spent codes.

Every server process (`habeas serve --workers N`, or several machines over one PostgreSQL
database) counts against the same rows, each count changed by one atomic statement
(habeas.store.shared_state), so five wrong passwords lock a name however the requests were
spread, and a TOTP code is good once, in whichever process it is entered first.

A name tried at sign-in can be a password typed in the wrong box, and an address is
personal data: both are kept as keyed digests (an HMAC under the database's keys), never
as written.
"""

from __future__ import annotations

import hashlib

from habeas.services import Context, ServiceError

PURPOSE = "sign-in-throttle"


def _key(ctx: Context, kind: str, value: str) -> str:
    message = kind.encode() + b"\x00" + value.encode()
    try:
        return ctx.keyring.mac(PURPOSE, message).hex()
    except ServiceError:  # no key yet (before `habeas init` made one): an unkeyed digest still hides the text
        return hashlib.sha256(b"habeas sign-in throttle\x00" + message).hexdigest()


def attempt_allowed(ctx: Context, address: str, now: float, window: float, limit: int) -> bool:
    """Count one sign-in attempt from ``address``; False once it made more than ``limit`` in its window."""
    from habeas.store import shared_state

    return shared_state.count_attempt(ctx.engine, _key(ctx, "address", address), now, window) <= limit


def failed(ctx: Context, name: str, now: float, window: float, limit: int) -> bool:
    """Count a failed sign-in under ``name`` (any name, existing or not); True when this one locks it."""
    from habeas.store import shared_state

    return shared_state.count_failure(ctx.engine, _key(ctx, "name", name.casefold()), now, window, limit)


def locked_until(ctx: Context, name: str) -> float:
    """When the lockout on ``name`` ends, in seconds since the epoch (0: not locked, or never was)."""
    from habeas.store import shared_state

    return shared_state.locked_until(ctx.engine, _key(ctx, "name", name.casefold()))


def succeeded(ctx: Context, name: str) -> None:
    """A right password: the name's failures are forgotten."""
    from habeas.store import shared_state

    shared_state.forget_failures(ctx.engine, _key(ctx, "name", name.casefold()))


def spend_code(ctx: Context, user: str, step: int) -> bool:
    """Spend ``user``'s TOTP code of time step ``step``; False when it, or a later one, was spent before."""
    from habeas.store import shared_state

    return shared_state.spend_step(ctx.engine, user, step)

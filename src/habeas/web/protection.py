"""The web layer's own defences: security headers, failures kept to their request, sign-in throttling and lockout."""

from __future__ import annotations

import gc
import ipaddress
import json
import logging
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from habeas.services import Context, throttle
from habeas.web.config import WebSettings

log = logging.getLogger(__name__)

# No inline script or style anywhere: everything comes from /static, so the policy needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeaders:
    """ASGI middleware: the headers above on every response; ``no-store`` on everything but static files.

    Pages show people's whereabouts; no browser or proxy cache should keep them, so
    every dynamic response says ``Cache-Control: no-store``. Static files (CSS, JS)
    carry no data and may be cached.
    """

    def __init__(self, app: Any, hsts: bool):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                own = {k.lower(): v for k, v in message.get("headers", [])}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                # A route may only be stricter: its own no-referrer, its own no-store (e.g. "private, no-store").
                headers.extend(
                    (k, v) for k, v in HEADERS if not (k == b"referrer-policy" and own.get(k) == b"no-referrer")
                )
                cache = own.get(b"cache-control", b"")
                if b"no-store" not in cache:
                    cache = b"public, max-age=3600" if static else b"no-store"
                headers.append((b"cache-control", cache))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    """The trusted proxies as networks; ValueError naming one that is not an address or a network."""
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{proxy!r} is not an IP address or network (such as 127.0.0.1 or 10.0.0.0/24)") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").split("]")[0])
    except ValueError:
        return None


class ForwardedFor:
    """ASGI middleware: the client's address from ``X-Forwarded-For``, only on requests from a trusted proxy.

    Each proxy appends the address it received the request from, so the header is read from the
    right, skipping trusted proxies: the first address that is not one is the client. Whatever a
    client wrote further left is never reached. From any other peer the header is ignored.
    """

    def __init__(self, app: Any, proxies: Iterable[str]):
        self.app = app
        self.networks = trusted_networks(proxies)

    def _trusted(self, host: str | None) -> bool:
        address = _address(host) if host else None
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str | None, forwarded: list[str]) -> str | None:
        """The client's address for a request from ``peer`` carrying these X-Forwarded-For values."""
        if not self._trusted(peer):
            return peer
        hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop if _address(hop) is not None else peer  # not an address: trust nothing left of it
        return hops[0] if hops else peer

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "http" and scope.get("client"):
            peer = scope["client"][0]
            forwarded = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
            client = self.client(peer, forwarded)
            if client != peer:
                scope = {**scope, "client": (client, 0)}  # the client's port is not forwarded
        await self.app(scope, receive, send)


FAILED_PAGE = (
    b"<!doctype html><html lang=en><meta charset=utf-8><title>habeas</title>"
    b"<p>The server could not answer this request; nothing was changed by it. Try again, or tell your admin.</p>"
)
FAILED_JSON = json.dumps({"error": "the server could not answer this request; nothing was changed by it"}).encode()


class ContainFailures:
    """ASGI middleware: an unexpected exception ends its own request with a 500, and nothing else.

    The exception is logged by type and place only (its text may quote a record) and let go at
    once, with the frames its traceback holds. Those frames keep whatever the failed request had
    built (a case file grown to gigabytes), inside reference cycles; and since the directory froze
    millions of objects out of the cycle collector, a full collection can be hours away. Until then
    the memory stayed taken, and argon2, which needs 64 MiB to check a password, refused every
    sign-in (as a wrong password) until a restart.
    """

    def __init__(self, app: Any, api_prefix: str):
        self.app = app
        self.api_prefix = api_prefix

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:  # the request failed; the server must go on serving the next one
            out_of_memory = isinstance(exc, MemoryError)
            _let_go(exc)
        else:
            return
        if out_of_memory:
            gc.collect()  # whatever cycles remain: the next sign-in needs the memory now
        if not started:
            await self._answer_500(scope, send)

    async def _answer_500(self, scope: dict[str, Any], send: Callable[..., Any]) -> None:
        api = str(scope.get("path", "")).startswith(self.api_prefix)
        body, kind = (FAILED_JSON, b"application/json") if api else (FAILED_PAGE, b"text/html; charset=utf-8")
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _let_go(exc: BaseException) -> None:
    """Log where ``exc`` happened (type and line, never its text), then let go of what it holds."""
    innermost = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f"{innermost[0].filename}:{innermost[0].lineno}" if innermost else "?"
    log.error("a request stopped on an unexpected %s at %s", type(exc).__name__, where)
    release_frames(exc)


def release_frames(exc: BaseException) -> None:
    """Drop the locals of the finished frames that ``exc`` and the exceptions chained to it hold."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)  # frames still running (the caller's) are left alone
            current.__traceback__ = None
        pending.extend((current.__context__, current.__cause__))


class SignInThrottle:
    """Counts failed sign-ins per user name (lockout) and attempts per client address (rate limit).

    A lockout applies to any name tried, existing or not, so it does not reveal which
    names are users. The counts are kept in the database (habeas.services.throttle), so
    every server process and machine counts together, and a restart forgets nothing.
    """

    def __init__(self, web: WebSettings, base: Context, clock: Callable[[], float] | None = None):
        self.web = web
        self.base = base
        self.clock = clock or (lambda: web.clock().timestamp())

    def address_allowed(self, address: str) -> bool:
        """Count one attempt from ``address``; False once it made too many in the window."""
        window, limit = self.web.attempts_window_seconds, self.web.attempts_per_address
        return throttle.attempt_allowed(self.base, address, self.clock(), window, limit)

    def locked_minutes(self, name: str) -> int:
        """Minutes left of the lockout on ``name`` (0 when it may try)."""
        left = throttle.locked_until(self.base, name) - self.clock()
        return max(0, int(left // 60) + (1 if left > 0 else 0))

    def failed(self, name: str) -> bool:
        """Count a failure for ``name``; True when this one locks it out."""
        window = self.web.lockout_minutes * 60
        return throttle.failed(self.base, name, self.clock(), window, self.web.lockout_failures)

    def succeeded(self, name: str) -> None:
        throttle.succeeded(self.base, name)


class SpentCodes:
    """The last TOTP time step each user signed in with, kept in the database: a code is good once, anywhere."""

    def __init__(self, base: Context):
        self.base = base

    def spend(self, user: str, step: int) -> bool:
        """Spend ``user``'s code of ``step``; False when it (or a later one) was spent, in any process."""
        return throttle.spend_code(self.base, user, step)

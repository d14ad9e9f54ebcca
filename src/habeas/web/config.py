"""The web app's own settings: cookies, sessions, sign-in limits, languages, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from habeas.security.accounts import SESSION_IDLE_MINUTES, SESSION_MAX_HOURS

LANGUAGES = ("en", "es")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebSettings:
    # Secure cookies are sent over HTTPS only. Turn off solely to test over http://127.0.0.1.
    secure_cookies: bool = True
    session_idle_minutes: int = SESSION_IDLE_MINUTES
    session_max_hours: int = SESSION_MAX_HOURS
    # Sign-in: failures per user name before a lockout, and how long the lockout lasts.
    lockout_failures: int = 5
    lockout_minutes: int = 15
    # Sign-in attempts per client address in a sliding window, before answering 429.
    attempts_per_address: int = 20
    attempts_window_seconds: int = 300
    # Second factor: wrong codes in a row (counted per account, across sign-ins and server processes,
    # reset only by a right code) before it locks; the first lock, doubled by each wrong code after
    # it, up to the longest.
    second_factor_failures: int = 5
    second_factor_lock_minutes: int = 15
    second_factor_max_lock_hours: int = 24
    # The time lockouts are measured in; tests pin it. TOTP codes are checked against the real time.
    clock: Callable[[], datetime] = field(default=utc_now)
    # Proxies (addresses or networks) whose X-Forwarded-For names the client. None by default: a header
    # any client can write must not choose the address that sign-in attempts are counted against.
    trusted_proxies: tuple[str, ...] = ()
    page_size: int = 50
    max_upload_bytes: int = 16 * 1024 * 1024
    # Dataset files (FOIA releases) are large; they are streamed to a private file, never held in memory.
    max_dataset_upload_bytes: int = 512 * 1024 * 1024
    default_language: str = "en"
    # Requests served at once by each server process. Each holds a database connection while it works;
    # more than the connection pool (15) would queue inside the pool and time out instead of here. Python
    # runs one thread at a time: more threads only let a slow page (a large cohort) not hold up the rest.
    worker_threads: int = 4
    # No longer read: the server computes nothing ahead (summaries are made when a page needs them, and
    # kept until the database's change log says they are stale). Kept so that callers setting it still work.
    warm_summaries: bool = True
    # Read the name index (every name decrypted) in the background as the server starts, so the first
    # search or list need not wait for it. Tests that swap the database under a running app turn it off.
    index_at_start: bool = True
    # "Today" for whereabouts and flags; tests and demos pin it.
    today: Callable[[], date] = field(default=date.today)

    @property
    def session_cookie(self) -> str:
        # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and for path /.
        return "__Host-habeas-session" if self.secure_cookies else "habeas-session"

    @property
    def presession_cookie(self) -> str:
        return "__Host-habeas-pre" if self.secure_cookies else "habeas-pre"

    @property
    def language_cookie(self) -> str:
        return "__Host-habeas-lang" if self.secure_cookies else "habeas-lang"

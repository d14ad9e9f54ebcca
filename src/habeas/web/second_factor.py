"""The second factor's lock: wrong TOTP codes counted per account, and a delay that grows with them.

A TOTP code has a million values, so guessing is stopped by counting: the count belongs
to the account (the user store keeps it, so every server process and a restart see it),
lives across sign-ins, and only a right code resets it. A right password does not: the
second factor exists for when the password is known to someone else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from habeas.security.accounts import SecondFactorFailures, UserStore
from habeas.web.config import WebSettings


def lock_delay(web: WebSettings, count: int) -> timedelta:
    """How long ``count`` wrong codes in a row lock the second factor: none below the limit, then doubling."""
    if count < web.second_factor_failures:
        return timedelta(0)
    doublings = min(count - web.second_factor_failures, 32)  # 2**32 first locks is past any longest lock
    delay = timedelta(minutes=web.second_factor_lock_minutes) * (1 << doublings)
    return min(delay, timedelta(hours=web.second_factor_max_lock_hours))


def locked_until(web: WebSettings, failures: SecondFactorFailures) -> datetime | None:
    delay = lock_delay(web, failures.count)
    if not delay or failures.last is None:
        return None
    return failures.last + delay


class SecondFactorLock:
    """Asks the user store how many wrong codes an account has had, and says whether it may try one now."""

    def __init__(self, web: WebSettings, users: UserStore):
        self.web, self.users = web, users

    def minutes_left(self, name: str) -> int:
        """Whole minutes (rounded up) until ``name`` may enter a code again; 0 when they may now."""
        return self._minutes_until(locked_until(self.web, self.users.second_factor_failures(name)))

    def failed(self, name: str) -> int:
        """Count a wrong code; the minutes of the lock it begins (0 while below the limit)."""
        failures = self.users.second_factor_failed(name, self.web.clock())
        return self._minutes_until(locked_until(self.web, failures))

    def passed(self, name: str) -> None:
        self.users.second_factor_passed(name)

    def _minutes_until(self, until: datetime | None) -> int:
        if until is None:
            return 0
        seconds = (until - self.web.clock()).total_seconds()
        return max(0, -int(-seconds // 60))

"""Each user's private, revocable calendar feed: a secret URL that serves their agenda as an iCalendar file.

Calendar apps cannot sign in, so the URL's secret stands for the user. It is shown once and kept
only as its SHA-256 digest; one feed per user (a new one replaces the old) until revoked. A fetch
acts as the feed's user, so the access model decides what it carries, and every fetch is audited;
a deactivated user's feed answers like a feed that does not exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from habeas.security.accounts import digest
from habeas.security.audit import Outcome
from habeas.services import Actor, Clock, Context, NotFound, access
from habeas.services.deadlines import agenda, calendar
from habeas.services.directory import acting
from habeas.store.feeds import SqlFeedStore

FEED_PREFIX = "hcal_"
READ_FEED = "read_calendar_feed"
RECORD = "calendar_feed"
DAYS_BEFORE = 14  # what just passed: a missed deadline or a hearing with nothing recorded stays in view
DAYS_AHEAD = 120  # the months a practice plans hearings and filings in
CALENDAR_NAME = "habeas"


@dataclass(frozen=True)
class Feed:
    """A user's feed as the account page shows it: when it was made (its secret is not kept)."""

    user: str
    created: datetime


def _key_id(key: str) -> str:
    return key[:12]  # names the feed in the audit log, as a token's id does; the secret cannot be had from it


def with_clock(base: Context, clock: Clock, actor: str | None = None) -> Context:
    """``base`` on another clock (and as ``actor``), sharing its engine, keys and audit log."""
    ctx = Context(base.settings, Actor(actor) if actor else base.actor, clock)
    shared = acting(base, ctx.actor.name).__dict__
    ctx.__dict__.update({k: shared[k] for k in ("engine", "audit_sink", "keyring") if k in shared})
    return ctx


def feed(ctx: Context) -> Feed | None:
    """The acting user's feed, if they have one."""
    found = SqlFeedStore(ctx.engine).of_user(ctx.actor.name)
    return Feed(found.user, found.created) if found is not None else None


def create_feed(ctx: Context) -> str:
    """A new feed for the acting user, replacing any they had; its secret, which is shown this once."""
    user = ctx.acting_user  # an unknown or deactivated user is refused (and the refusal audited) here
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    key = digest(secret)
    SqlFeedStore(ctx.engine).replace(user.name, key, ctx.clock.now())
    access.audit(ctx, "create_calendar_feed", Outcome.ALLOWED, [(RECORD, _key_id(key))])
    return secret


def revoke_feed(ctx: Context) -> bool:
    """End the acting user's feed: its URL answers 404 from now on. Whether there was one."""
    store = SqlFeedStore(ctx.engine)
    found = store.of_user(ctx.actor.name)
    if found is None or not store.revoke(found.user):
        return False
    access.audit(ctx, "revoke_calendar_feed", Outcome.ALLOWED, [(RECORD, _key_id(found.digest))])
    return True


def window(today: date) -> tuple[date, date]:
    """The days a feed covers: from ``DAYS_BEFORE`` days ago to ``DAYS_AHEAD`` days ahead."""
    return today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AHEAD)


def feed_calendar(ctx: Context, secret: str) -> bytes:
    """The agenda of the feed's user over the window around ``ctx.clock``'s today, as an iCalendar file.

    Acts as the feed's user whatever ``ctx``'s actor. An unknown or revoked secret, or a deactivated
    user's, is NotFound, audited as denied without the secret.
    """
    key = digest(secret)
    found = SqlFeedStore(ctx.engine).by_digest(key)
    if found is None or not found.active:
        actor = found.user if found is not None else "anonymous"
        record = _key_id(key) if found is not None else None
        access.audit(with_clock(ctx, ctx.clock, actor), READ_FEED, Outcome.DENIED, [(RECORD, record)])
        raise NotFound("there is no such calendar feed")
    owner = with_clock(ctx, ctx.clock, found.user)
    today = owner.clock.today()
    start, end = window(today)
    try:
        with access.audits_together(owner):
            access.audit(owner, READ_FEED, Outcome.ALLOWED, [(RECORD, _key_id(key))])
            found_agenda = agenda(owner, start, end, as_of=today)
    except access.Forbidden:  # deactivated since the row was read: no different from a revoked feed
        raise NotFound("there is no such calendar feed") from None
    return calendar(owner, found_agenda.items, name=CALENDAR_NAME)

"""Calendar feeds in the store, on SQLite and PostgreSQL: one per user, kept as a digest, and the migration."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest
import sqlalchemy as sa
from alembic import command

from habeas.security.accounts import digest
from habeas.services import NotFound, feeds, security
from habeas.services.directory import acting
from habeas.store.db import _alembic_config, current_revision, head_revision
from habeas.store.feeds import SqlFeedStore


class _Day:
    """A clock pinned to one day."""

    def __init__(self, day: date):
        self.day = day

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.now(UTC)


def _rows(ctx) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text("SELECT digest, user_name FROM calendar_feeds"))]


def test_a_feed_is_kept_as_its_digest_and_a_new_one_replaces_the_old(ctx) -> None:  # type: ignore[no-untyped-def]
    first = feeds.create_feed(ctx)
    second = feeds.create_feed(ctx)
    assert _rows(ctx) == [(digest(second), "tester")]
    assert first not in repr(_rows(ctx)) and second not in repr(_rows(ctx))
    with pytest.raises(NotFound):
        feeds.feed_calendar(ctx, first)
    calendar = icalendar.Calendar.from_ical(feeds.feed_calendar(feeds.with_clock(ctx, _Day(date(2025, 6, 1))), second))
    assert calendar["x-wr-calname"] == feeds.CALENDAR_NAME


def test_one_feed_per_user_is_a_constraint_of_the_table(ctx) -> None:  # type: ignore[no-untyped-def]
    feeds.create_feed(ctx)
    with pytest.raises(sa.exc.IntegrityError), ctx.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO calendar_feeds (digest, user_name, created_at) VALUES (:d, 'tester', :at)"),
            {"d": "0" * 64, "at": ctx.clock.now()},
        )


def test_revoking_deletes_the_row_and_only_the_users_own(ctx) -> None:  # type: ignore[no-untyped-def]
    security.add_user(ctx, "colleague", "viewer")
    theirs = feeds.create_feed(acting(ctx, "colleague"))
    feeds.create_feed(ctx)
    assert feeds.revoke_feed(ctx) is True
    assert _rows(ctx) == [(digest(theirs), "colleague")]
    assert SqlFeedStore(ctx.engine).of_user("tester") is None


def test_the_feeds_migration_goes_down_and_up_again(ctx) -> None:  # type: ignore[no-untyped-def]
    feeds.create_feed(ctx)
    config = _alembic_config(ctx.engine)
    command.downgrade(config, "0004")
    assert "calendar_feeds" not in sa.inspect(ctx.engine).get_table_names()
    assert current_revision(ctx.engine) == "0004"
    command.upgrade(config, "head")
    assert current_revision(ctx.engine) == head_revision()  # every later migration ran again too
    assert _rows(ctx) == []  # a downgrade forgets every feed: each URL is a 404 until its user makes a new one
    assert feeds.create_feed(ctx).startswith(feeds.FEED_PREFIX)

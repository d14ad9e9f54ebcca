"""The calendar feed: `GET /calendar/{secret}.ics`, a user's agenda for calendar apps, which cannot sign in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from habeas.services import NotFound, feeds
from habeas.web.policy import Policy, Viewer

router = APIRouter(include_in_schema=False)

# Public: the secret in the path is the credential, checked by the feeds service. No cookie is read
# for anything but the language of an error page, and nothing is changed, so there is no CSRF to check.
Anyone = Annotated[Viewer, Depends(Policy.public())]

FEED_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Disposition": 'inline; filename="habeas.ics"',
}


class _AppClock:
    """The web app's today (pinned in tests and demos), with the machine's time."""

    def __init__(self, today: Callable[[], date]):
        self._today = today

    def today(self) -> date:
        return self._today()

    def now(self) -> datetime:
        return datetime.now(UTC)


@router.get("/calendar/{secret}.ics")
def calendar_feed(viewer: Anyone, secret: str) -> Response:
    state = viewer.state
    try:
        body = feeds.feed_calendar(feeds.with_clock(state.base, _AppClock(state.web.today)), secret)
    except NotFound:
        raise HTTPException(404) from None  # the same page as any path that does not exist
    return Response(body, media_type="text/calendar; charset=utf-8", headers=FEED_HEADERS)

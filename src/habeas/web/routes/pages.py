"""Reading pages: the morning report, people (search, filters), one person, the rule catalogue."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from habeas.domain.dates import DateError, parse_day
from habeas.domain.schema import ID_PATTERN
from habeas.domain.vocabulary import Custody
from habeas.security.access import Action, Scope
from habeas.security.audit import AuditEntry, Outcome
from habeas.services import NotFound, ServiceError, access, security
from habeas.services.deadlines import DUE_SOON_DAYS
from habeas.services.directory import PersonView
from habeas.services.people import SORTS, PeopleQuery, morning_report, people_list
from habeas.web.forms import EventForm
from habeas.web.policy import Policy, Viewer
from habeas.web.rendering import event_form, render
from habeas.web.timeline_svg import PHONE, draw

router = APIRouter(include_in_schema=False)

Reader = Annotated[Viewer, Depends(Policy.allows(Action.READ_PERSON))]
SignedIn = Annotated[Viewer, Depends(Policy.signed_in())]
_ID = re.compile(ID_PATTERN)


# The days a page or the API answers for. Wider than any record, and narrow enough that the timeline's
# margins and the rules' windows around the day stay within what Python's dates can hold (years 1 to 9999).
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class BadDay(ServiceError):
    """A day parameter that is not a day, or one outside the days habeas answers for (a 400)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"{name}: write a day as YYYY-MM-DD, from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"
        )


def day_param(name: str, value: str | None, default: date, today: date) -> date:
    """The day a query parameter ``name`` gives (``default`` when left out); BadDay, naming it, otherwise.

    The value is not repeated in the answer: it came from the address bar and may be anything.
    """
    if not value:
        return default
    if value.strip() == "today":
        return today  # the app's today (pinned in tests and demos), not the machine's
    try:
        day = parse_day(value.strip())
    except DateError:
        raise BadDay(name) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise BadDay(name)
    return day


def clock_thresholds(viewer: Viewer) -> dict[str, float]:
    """The no-proof-of-life rule's thresholds as configured, to colour the clock the way the rule judges it."""
    for entry in viewer.state.directory.rules()[1]:
        if entry.rule.id == "no_proof_of_life" and entry.enabled:
            return entry.values
    return {}


def cohort_names(viewer: Viewer) -> dict[str, str]:
    """The names of the cohorts in the user's reach, by id, to show a cohort by its name rather than its id."""
    from habeas.services.directory import in_reach

    # From the cards: counting each cohort's members would derive everyone's summary on every page.
    return viewer.state.directory.cohort_names(in_reach(viewer.ctx))


def own_cohort_names(viewer: Viewer, person_id: str, cohorts: Sequence[str]) -> dict[str, str]:
    """The names of a person's cohorts, for the person page (which the reader may see: the person is in reach).

    The cohorts with this person as a member are those the person alone reaches; a person in no
    cohort needs no query at all.
    """
    if not cohorts:
        return {}
    return viewer.state.directory.cohort_names(Scope(people=frozenset({person_id})))


@router.get("/")
def home(viewer: SignedIn) -> RedirectResponse:
    return RedirectResponse("/morning" if viewer.may_at_all(Action.READ_PERSON) else "/rules", status_code=303)


@router.get("/people", response_class=HTMLResponse)
def people(
    viewer: Reader,
    q: str = "",
    custody: str = "",
    country: str = "",
    cohort: str = "",
    flag: str = "",
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "name",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    fragment: str = "",
) -> HTMLResponse:
    state, today = viewer.state, viewer.state.web.today()
    q = q.strip()[:200]
    query = PeopleQuery(q, custody, country, cohort, flag, sort)
    found = people_list(viewer.ctx, state.directory, query, today, page, state.web.page_size)
    args = {"q": q, "custody": custody, "country": country, "cohort": cohort, "flag": flag, "sort": sort}
    return render(
        viewer,
        "people_results.html" if fragment else "people.html",
        rows=found.rows,
        total=found.total,
        page=page,
        pages=max(1, -(-found.total // state.web.page_size)),
        args=args,
        cohorts=found.cohorts,
        cohort_names=cohort_names(viewer),
        countries=found.countries,
        custody_states=[c.value for c in Custody],
        rules=state.directory.rules()[1],
        clock_limits=clock_thresholds(viewer),
        today=today,
    )


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person(
    viewer: Reader,
    person_id: str,
    as_of: str | None = None,
    known_on: str | None = None,
    audit: Annotated[int, Query(ge=1, le=1_000)] = 1,
) -> HTMLResponse:
    return person_page(viewer, person_id, as_of, known_on, audit=audit)


@router.post("/people/{person_id}/sensitive", response_class=HTMLResponse)
def reveal_sensitive(viewer: Reader, person_id: str) -> HTMLResponse:
    """The person page with the sensitive attributes shown; the audit log records who asked to see them."""
    return person_page(viewer, person_id, reveal=True)


def well_formed(person_id: str) -> str:
    """The id, when it could be anybody's; otherwise the answer for a person who does not exist.

    An id no record can have (a control character, a kilobyte) is refused here with the services'
    own words for "not found", before it reaches the audit log, which would refuse to record it.
    """
    if not _ID.fullmatch(person_id):
        raise NotFound(access.not_found_message("person", person_id))
    return person_id


def viewed_person(
    viewer: Viewer, person_id: str, as_of: str | None, known_on: str | None
) -> tuple[PersonView, date, date | None]:
    """One person's view as of a day and as known on a day; the track service decides access and audits the read."""
    assert viewer.user is not None
    well_formed(person_id)
    today = viewer.state.web.today()
    day = day_param("as_of", as_of, today, today)
    known = day_param("known_on", known_on, today, today) if known_on else None
    view = viewer.state.directory.view(viewer.ctx, viewer.user, person_id, day, known)
    return view, day, known


AUDIT_PAGE = 20  # visits and changes per page of the person page's audit table


@dataclass(frozen=True)
class AuditRow:
    """One visit or one change: the entries one user's request wrote together (a visit reads the person and its log)."""

    at: str
    actor: str
    actions: tuple[str, ...]
    outcome: str


def audit_rows(entries: Sequence[AuditEntry]) -> list[AuditRow]:
    """The entries (oldest first) as one row per request: reads written together by one user, each change alone.

    Nothing is folded across requests: two visits a second apart are two rows.
    """
    rows: list[AuditRow] = []
    group: list[AuditEntry] = []

    def key(entry: AuditEntry) -> tuple[str, ...]:
        reading = entry.action.startswith("read")
        return (entry.actor, entry.at, entry.outcome) if reading else (entry.at, entry.action, str(entry.seq))

    def close() -> None:
        if group:
            actions = tuple(dict.fromkeys(e.action for e in group))
            rows.append(AuditRow(group[0].at, group[0].actor, actions, group[0].outcome))

    for entry in entries:
        if group and key(entry) != key(group[0]):
            close()
            group = []
        group.append(entry)
    close()
    return rows


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit table, newest first, and whether older rows follow."""

    rows: tuple[AuditRow, ...]
    page: int
    more: bool


def audit_page(entries: Sequence[AuditEntry], page: int) -> AuditPage:
    """Page ``page`` (from 1) of the rows of ``entries``, given at least the newest entries that page needs."""
    newest_first = audit_rows(entries)[::-1]
    start = (page - 1) * AUDIT_PAGE
    return AuditPage(tuple(newest_first[start : start + AUDIT_PAGE]), page, len(newest_first) > start + AUDIT_PAGE)


def person_page(
    viewer: Viewer,
    person_id: str,
    as_of: str | None = None,
    known_on: str | None = None,
    form: EventForm | None = None,
    audit: int = 1,
    reveal: bool = False,
) -> HTMLResponse:
    """The person page; after a rejected form, with the form as typed and its problems.

    ``audit`` is the page of its audit table; ``reveal`` shows the sensitive attributes, which
    is audited as a read of them (only for a user allowed to read them).
    """
    state = viewer.state
    today = state.web.today()
    with access.audits_together(viewer.ctx):  # the person read and the audit-log read: one audit write
        view, day, known = viewed_person(viewer, person_id, as_of, known_on)
        may_audit = viewer.may(Action.READ_AUDIT)
        # Each row is a request of one or a few entries: three entries a row is room enough for a page and the next.
        wanted = (audit + 1) * AUDIT_PAGE * 3
        entries = security.audit_log(viewer.ctx, person=view.timeline.person.id, newest=wanted) if may_audit else None
    revealed = reveal and view.may_read_sensitive and bool(view.timeline.person.sensitive)
    if revealed:
        viewer.audit("read_sensitive", Outcome.ALLOWED, "person", view.timeline.person.id)
    viewers = audit_page(entries, audit) if entries is not None else None
    catalogue = {entry.rule.id: entry for entry in state.directory.rules()[1]}
    return render(
        viewer,
        "person.html",
        status=400 if form is not None and form.problems else 200,
        view=view,
        person=view.timeline.person,
        where=view.whereabouts,
        drawing=draw(view.timeline, view.whereabouts),
        cohort_names=own_cohort_names(viewer, view.timeline.person.id, view.timeline.person.cohorts),
        events_by_id={entry.event.id: entry.event for entry in view.timeline.entries},
        phone_drawing=draw(view.timeline, view.whereabouts, PHONE),
        clock_limits=clock_thresholds(viewer),
        catalogue=catalogue,
        event_form=event_form(viewer, form or EventForm.empty(), view) if view.may_write else None,
        as_of=day,
        known_on=known,
        today=today,
        viewers=viewers,
        revealed=revealed,
        saved=viewer.request.query_params.get("saved"),
    )


EXHIBIT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


@router.get("/people/{person_id}/exhibit.{fmt}")
def exhibit(
    viewer: Reader, person_id: str, fmt: str, as_of: str | None = None, known_on: str | None = None
) -> Response:
    """The court exhibit of `habeas report`, as a download; the reports service checks access and audits."""
    from habeas.services import reports

    if fmt not in EXHIBIT_TYPES:
        return Response(status_code=404)
    well_formed(person_id)
    today = viewer.state.web.today()
    day = day_param("as_of", as_of, today, today)
    known = day_param("known_on", known_on, today, today) if known_on else None
    data = reports.report(viewer.ctx, person_id, day, known, fmt=fmt)
    name = f"{person_id}-{day.isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content=data, media_type=EXHIBIT_TYPES[fmt], headers=headers)


@router.get("/rules", response_class=HTMLResponse)
def rules(viewer: SignedIn) -> HTMLResponse:
    return render(viewer, "rules.html", catalogue=viewer.state.directory.rules()[1])


@router.get("/morning", response_class=HTMLResponse)
def morning(viewer: Reader, since: str | None = None) -> HTMLResponse:
    state = viewer.state
    assert viewer.user is not None
    today = state.web.today()
    previous = viewer.session.previous_visit if viewer.session else None
    start = day_param("since", since, previous if previous and previous < today else today - timedelta(days=1), today)
    report = morning_report(viewer.ctx, min(start, today), today, state.directory)
    return render(
        viewer,
        "morning.html",
        alerts=report.alerts,
        cards=report.cards,
        silent=report.silent,
        deadlines=report.deadlines,
        due_days=DUE_SOON_DAYS,
        clock_limits=clock_thresholds(viewer),
        counts=report.counts,
        total=report.total,
        assigned=report.assigned,
        since=min(start, today),
        today=today,
    )

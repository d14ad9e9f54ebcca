"""The JSON API under /api/v1: the same services as the pages, for programs holding a per-user API token."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field

from habeas.domain.timeline import Timeline
from habeas.security.access import Action
from habeas.services import ServiceError
from habeas.services.directory import PersonView, Summary
from habeas.services.people import PeopleQuery, morning_alerts, people_list
from habeas.web.forms import import_document
from habeas.web.policy import Policy, Viewer
from habeas.web.routes.pages import day_param, viewed_person

router = APIRouter(prefix="/api/v1", tags=["habeas"])

Reader = Annotated[Viewer, Depends(Policy.allows(Action.READ_PERSON, api=True))]
Writer = Annotated[Viewer, Depends(Policy.allows(Action.WRITE_EVENT, api=True))]
Importer = Annotated[Viewer, Depends(Policy.allows(Action.IMPORT, api=True))]
SignedIn = Annotated[Viewer, Depends(Policy.signed_in(api=True))]


class ApiError(BaseModel):
    """What the API answers when it will not or cannot do what was asked."""

    error: str = Field(description="what went wrong, in words")
    problems: list[str] = Field(
        default_factory=list, description="each problem found in the request or the case file, when there are any"
    )


_ERRORS: dict[int, str] = {
    400: "A value the services cannot use, such as a day that is not a date",
    401: "No API token, or one that is unknown, revoked or of an inactive user",
    403: "The token's role may not do this",
    404: "No such person, or none you may see",
    413: "The request is too large, or does not say how large it is",
    422: "The request or the case file is not valid; nothing was stored",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation can give, for the OpenAPI document: each one an ``ApiError``."""
    documented: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        documented[code] = {"model": ApiError, "description": _ERRORS[code]}
        if code == 401:
            header = {"description": "always `Bearer`", "schema": {"type": "string"}}
            documented[code]["headers"] = {"WWW-Authenticate": header}
    return documented


def _a_day(schema: dict[str, Any]) -> None:
    """A query day is a string when given: no `null` in the document, which a query cannot carry."""
    schema.pop("anyOf", None)
    # The years the web answers for (habeas.web.routes.pages.EARLIEST_DAY to LATEST_DAY), as a pattern.
    schema |= {"type": "string", "format": "date", "pattern": r"^(19\d\d|2[01]\d\d)-\d\d-\d\d$"}


def _day_query(description: str) -> Any:
    return Query(description=description, json_schema_extra=_a_day)


# A day in a query: YYYY-MM-DD (or `today`), read as the pages read their day fields; a bad day is a 400.
AsOf = Annotated[str | None, _day_query("see the record as of this day (YYYY-MM-DD); today when left out")]
KnownOn = Annotated[
    str | None, _day_query("see only what was recorded by this day (YYYY-MM-DD); everything when left out")
]
Since = Annotated[str | None, _day_query("flags new or graver since this day (YYYY-MM-DD); yesterday when left out")]

# Every operation: a token is needed (401); the readers and writers also pass their role (403).
READ_ERRORS = errors(401, 403, 422)
PERSON_ERRORS = errors(400, 401, 403, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 413, 422)


class PersonOut(BaseModel):
    id: str
    name: str | None
    aliases: list[str]
    citizenship: str | None
    cohorts: list[str]
    whereabouts: dict[str, Any] | None = None
    flags: list[str] = Field(default_factory=list, description="ids of the rules that flag the person today")


class PeoplePage(BaseModel):
    total: int
    page: int
    per_page: int
    people: list[PersonOut]


class PersonDetail(BaseModel):
    person: dict[str, Any]
    whereabouts: dict[str, Any]
    flags: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


class ImportOut(BaseModel):
    added: dict[str, int]
    updated: dict[str, int]
    unchanged: int


class EventIn(BaseModel):
    event: dict[str, Any] = Field(description="one event in case-file form, without `person`")
    sources: list[dict[str, Any]] = Field(default_factory=list, description="new sources the event cites")


def _summary_out(summary: Summary) -> PersonOut:
    card = summary.card
    return PersonOut(
        id=card.id,
        name=card.name,
        aliases=list(card.aliases),
        citizenship=card.citizenship,
        cohorts=list(card.cohorts),
        whereabouts=summary.whereabouts.as_json(),
        flags=[f.rule for f in summary.flags],
    )


@router.get(
    "/people", response_model=PeoplePage, responses=READ_ERRORS, summary="People you may see; search, filter, page"
)
def people(
    viewer: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    custody: str = "",
    cohort: str = "",
    flag: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PeoplePage:
    state, today = viewer.state, viewer.state.web.today()
    query = PeopleQuery(q, custody, cohort=cohort, flag=flag)
    found = people_list(viewer.ctx, state.directory, query, today, page, per_page)
    return PeoplePage(total=found.total, page=page, per_page=per_page, people=[_summary_out(s) for s in found.rows])


def _given(name: str, day: str | None) -> str | None:
    """A day the API is given must be a day: an empty value is a mistake here, not a day left out."""
    if day is not None and not day.strip():
        raise ServiceError(f"{name}: an empty day; leave the parameter out, or write YYYY-MM-DD")
    return day


def _view(viewer: Viewer, person_id: str, as_of: str | None, known_on: str | None) -> PersonView:
    return viewed_person(viewer, person_id, _given("as_of", as_of), _given("known_on", known_on))[0]


def _timeline_json(timeline: Timeline) -> list[dict[str, Any]]:
    from habeas.domain.codec import event_to_written

    return [
        {"status": e.status, "changed_by": e.changed_by, "replaces": e.replaces, "event": event_to_written(e.event)}
        for e in timeline.entries
    ]


@router.get(
    "/people/{person_id}",
    response_model=PersonDetail,
    responses=PERSON_ERRORS,
    summary="One person: whereabouts, flags, timeline",
)
def person(viewer: Reader, person_id: str, as_of: AsOf = None, known_on: KnownOn = None) -> PersonDetail:
    view = _view(viewer, person_id, as_of, known_on)
    p = view.timeline.person
    record: dict[str, Any] = {"id": p.id, "name": p.name, "aliases": list(p.aliases), "citizenship": p.citizenship}
    record |= {"birth_year": p.birth_year, "gender": p.gender, "cohorts": list(p.cohorts)}
    if view.may_read_sensitive:
        record |= {"identifiers": dict(p.identifiers), "sensitive": dict(p.sensitive)}
    return PersonDetail(
        person=record,
        whereabouts=view.whereabouts.as_json(),
        flags=[f.as_json() for f in view.flags],
        timeline=_timeline_json(view.timeline),
    )


@router.get(
    "/people/{person_id}/whereabouts", responses=PERSON_ERRORS, summary="Where the person is (CASEFILE.md shape)"
)
def whereabouts(viewer: Reader, person_id: str, as_of: AsOf = None, known_on: KnownOn = None) -> dict[str, Any]:
    return _view(viewer, person_id, as_of, known_on).whereabouts.as_json()


@router.get("/people/{person_id}/flags", responses=PERSON_ERRORS, summary="The person's flags (CASEFILE.md shape)")
def flags(viewer: Reader, person_id: str, as_of: AsOf = None, known_on: KnownOn = None) -> list[dict[str, Any]]:
    return [f.as_json() for f in _view(viewer, person_id, as_of, known_on).flags]


@router.post(
    "/people/{person_id}/events",
    response_model=ImportOut,
    responses=WRITE_ERRORS,
    summary="Add an event or a correction",
)
def add_event(viewer: Writer, person_id: str, body: EventIn) -> ImportOut:
    assert viewer.user is not None
    card = viewer.state.directory.reachable(viewer.ctx, viewer.user, Action.WRITE_EVENT, person_id)
    event = {**body.event, "person": card.id}
    event.pop("cohort", None)
    summary = import_document(viewer.ctx, {"habeas": 1, "sources": body.sources, "events": [event]}, "request.json")
    viewer.state.directory.changed(card.id)
    return ImportOut(added=summary.added, updated=summary.updated, unchanged=summary.unchanged)


@router.post(
    "/import",
    response_model=ImportOut,
    responses=errors(400, 401, 403, 413, 422),
    summary="Import a case file (JSON form), whole or not at all",
)
def import_casefile(viewer: Importer, document: Annotated[dict[str, Any], Body()]) -> ImportOut:
    assert viewer.user is not None
    summary = import_document(viewer.ctx, document, "request.json")
    viewer.state.directory.changed()
    return ImportOut(added=summary.added, updated=summary.updated, unchanged=summary.unchanged)


@router.get("/rules", responses=errors(401), summary="The rule catalogue with thresholds and legal bases")
def rules(viewer: SignedIn) -> list[dict[str, Any]]:
    return [entry.as_json() for entry in viewer.state.directory.rules()[1]]


@router.get(
    "/alerts",
    responses=errors(400, 401, 403, 422),
    summary="Flags new or graver since a day, deadlines due within 7 days or missed, and hearings passed with "
    "nothing recorded, for the people you may see",
)
def alerts(viewer: Reader, since: Since = None) -> dict[str, Any]:
    assert viewer.user is not None
    today = viewer.state.web.today()
    start = min(day_param("since", _given("since", since), today - timedelta(days=1), today), today)
    return morning_alerts(viewer.ctx, start, today, viewer.state.directory).as_json()

"""Cohort pages: the cohorts in the user's reach, and one cohort's members, flags and charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from habeas.domain.vocabulary import Custody
from habeas.security.access import Action
from habeas.services import cohorts
from habeas.web.cohort_charts import PHONE_WIDTH, population, stay_lengths
from habeas.web.policy import Policy, Viewer
from habeas.web.rendering import render
from habeas.web.routes.pages import clock_thresholds

router = APIRouter(include_in_schema=False)

Reader = Annotated[Viewer, Depends(Policy.allows(Action.READ_PERSON))]


@router.get("/cohorts", response_class=HTMLResponse)
def cohort_list(viewer: Reader) -> HTMLResponse:
    state = viewer.state
    today = state.web.today()
    found = cohorts.cohort_counts(viewer.ctx, state.directory, today)
    return render(viewer, "cohorts.html", cohorts=found, custody_states=[c.value for c in Custody], today=today)


@router.get("/cohorts/{cohort_id}", response_class=HTMLResponse)
def cohort(viewer: Reader, cohort_id: str) -> HTMLResponse:
    state = viewer.state
    today = state.web.today()
    view = cohorts.cohort_view(viewer.ctx, state.directory, cohort_id, today)
    return render(
        viewer,
        "cohort.html",
        view=view,
        cohort=view.cohort,
        rows=view.members,
        population=population(view.timelines, today),
        phone_population=population(view.timelines, today, PHONE_WIDTH),
        stays=stay_lengths(view.timelines, today),
        phone_stays=stay_lengths(view.timelines, today, PHONE_WIDTH),
        clock_limits=clock_thresholds(viewer),
        today=today,
    )

"""The link review queue: candidates, one candidate with its why and decisions, a person's combined view, and the forms.

Editors and admins only. Anyone else gets the answer a page that does not exist gets: the
queue's existence says nothing to a viewer. Access is decided in habeas.services.links, which
audits every denial; the forms (accept, reject, correct) are CSRF-checked by the route's
Policy like every other form.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from habeas.services import NotFound, ServiceError, access
from habeas.services import links as service
from habeas.web.i18n import N_
from habeas.web.policy import Policy, Viewer
from habeas.web.rendering import render

router = APIRouter(include_in_schema=False)

# Signed in, then the service decides: a viewer must not learn from a 403 that the queue exists.
SignedIn = Annotated[Viewer, Depends(Policy.signed_in())]
MAX_NOTE = 2000
CANDIDATE_ID = re.compile(r"[0-9a-f]{64}")  # a keyed digest's hex, as habeas.store.links makes them


def _linker_only(viewer: Viewer, action: str) -> None:
    """A user who may not link gets a missing page's answer; the service has audited the denial."""
    try:
        service.require_linker(viewer.ctx, action)
    except access.Forbidden:
        raise HTTPException(404) from None


@router.get("/links", response_class=HTMLResponse)
def queue(
    viewer: SignedIn,
    min: float | None = None,
    status: str = "pending",
    decided: str | None = None,
    candidate: str | None = None,
) -> Response:
    _linker_only(viewer, "link_review")
    least = min if min is not None and 0 <= min <= 1 else None
    chosen = status if status in service.STATUSES else "pending"
    shown = service.review(viewer.ctx, least, chosen)
    # The notice names a decision and links to a candidate, nothing else a crafted address could put there.
    made = decided if decided and decided.isascii() and decided.isdigit() else None
    on = candidate if made and candidate and CANDIDATE_ID.fullmatch(candidate) else None
    return render(viewer, "links.html", candidates=shown, min=least, wanted=chosen, decided=made, decided_on=on)


@router.get("/links/people/{person_id}", response_class=HTMLResponse)
def combined(viewer: SignedIn, person_id: str) -> Response:
    _linker_only(viewer, "link_show")
    shown = service.show(viewer.ctx, person_id)
    return render(viewer, "links_person.html", combined=shown, sources=service.decision_sources(viewer.ctx))


@router.get("/links/{candidate_id}", response_class=HTMLResponse)
def candidate(viewer: SignedIn, candidate_id: str, decided: str | None = None) -> Response:
    _linker_only(viewer, "link_review")
    return _candidate_page(viewer, candidate_id, decided=decided)


def _candidate_page(
    viewer: Viewer, candidate_id: str, problem: str | None = None, form: Any = None, decided: str | None = None
) -> Response:
    view = service.candidate(viewer.ctx, candidate_id)
    sources = service.decision_sources(viewer.ctx)
    status = 400 if problem else 200
    return render(
        viewer,
        "links_candidate.html",
        status=status,
        view=view,
        sources=sources,
        problem=problem,
        form=form or {},
        decided=decided,
    )


def _sourced(viewer: Viewer) -> tuple[str, str | None]:
    """The form's source and note (trimmed; the note cut to its limit)."""
    form = viewer.extra.get("form") or {}
    return str(form.get("source") or "").strip(), str(form.get("note") or "").strip()[:MAX_NOTE] or None


def _decide(viewer: Viewer, candidate_id: str, verdict: str) -> Response:
    _linker_only(viewer, "link_accept" if verdict == "same" else "link_reject")
    source, note = _sourced(viewer)
    decide = service.accept if verdict == "same" else service.reject
    try:
        decision = decide(viewer.ctx, candidate_id, source, note)
    except (NotFound, access.Forbidden):
        raise
    except ServiceError as exc:  # no such source, already decided: the page again, with the problem
        return _candidate_page(viewer, candidate_id, problem=str(exc), form={"source": source, "note": note or ""})
    # The notice links back to the candidate: a decision made by mistake is one form away from its correction.
    return RedirectResponse(f"/links?decided={decision.id}&candidate={quote(decision.candidate)}", status_code=303)


@router.post("/links/{candidate_id}/accept", response_class=HTMLResponse)
def accept(viewer: SignedIn, candidate_id: str) -> Response:
    return _decide(viewer, candidate_id, "same")


@router.post("/links/{candidate_id}/reject", response_class=HTMLResponse)
def reject(viewer: SignedIn, candidate_id: str) -> Response:
    return _decide(viewer, candidate_id, "different")


@router.post("/links/{candidate_id}/correct", response_class=HTMLResponse)
def correct(viewer: SignedIn, candidate_id: str) -> Response:
    """Reverse the decision in force on this candidate; the form names it, so a decision made meanwhile is refused."""
    _linker_only(viewer, "link_correct")
    source, note = _sourced(viewer)
    kept = {"source": source, "note": note or ""}
    named = str((viewer.extra.get("form") or {}).get("decision") or "").strip()
    if not (named.isascii() and named.isdigit() and len(named) <= 18):
        # The page again, saying what is missing (a candidate out of reach answers 404 there).
        problem = viewer.language.gettext(N_("The form does not say which decision to correct; reload the page."))
        return _candidate_page(viewer, candidate_id, problem=problem, form=kept)
    try:
        decision = service.correct(viewer.ctx, int(named), source, note, candidate=candidate_id)
    except (NotFound, access.Forbidden):
        raise
    except ServiceError as exc:  # no such source, corrected meanwhile: the page again, with the problem
        return _candidate_page(viewer, candidate_id, problem=str(exc), form=kept)
    return RedirectResponse(f"/links/{quote(candidate_id)}?decided={decision.id}", status_code=303)

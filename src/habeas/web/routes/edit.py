"""Writing pages: add an event or a correction to a person, import a case file, API tokens, calendar feed, users."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from habeas.security.access import Action
from habeas.security.audit import Outcome
from habeas.services import access, feeds
from habeas.services.track import InvalidInput
from habeas.web.forms import EventForm, casefile_document, import_document, import_upload, place_problems, quiet
from habeas.web.policy import Policy, Viewer
from habeas.web.rendering import render
from habeas.web.routes.pages import person_page

router = APIRouter(include_in_schema=False)

Writer = Annotated[Viewer, Depends(Policy.allows(Action.WRITE_EVENT))]
Importer = Annotated[Viewer, Depends(Policy.allows(Action.IMPORT))]
SignedIn = Annotated[Viewer, Depends(Policy.signed_in())]
UserManager = Annotated[Viewer, Depends(Policy.allows(Action.MANAGE_USERS))]


@router.post("/people/{person_id}/events", response_class=HTMLResponse)
def add_event(viewer: Writer, person_id: str) -> Response:
    state = viewer.state
    assert viewer.user is not None
    card = state.directory.reachable(viewer.ctx, viewer.user, Action.WRITE_EVENT, person_id)
    form = EventForm.read(viewer.extra["form"])
    document = casefile_document(form, card.id, state.web.today())
    try:
        summary = import_document(viewer.ctx, document)
    except InvalidInput as exc:
        place_problems(form, exc.problems)
        return person_page(viewer, card.id, form=form)
    state.directory.changed(card.id)
    done = "added" if summary.added["events"] else "unchanged"
    return RedirectResponse(f"/people/{quote(card.id, safe='')}?saved={done}", status_code=303)


@router.get("/import", response_class=HTMLResponse)
def import_form(viewer: Importer) -> Response:
    return render(viewer, "import.html", problems=None, summary=None, filename=None)


@router.post("/import", response_class=HTMLResponse)
def import_file(viewer: Importer) -> Response:
    state = viewer.state
    assert viewer.user is not None
    upload = viewer.extra["form"].get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return render(viewer, "import.html", status=400, problems=["no file was chosen"], summary=None, filename=None)
    content = upload.file.read(state.web.max_upload_bytes + 1)
    filename = upload.filename
    try:
        if len(content) > state.web.max_upload_bytes:
            raise InvalidInput([f"the file is larger than {state.web.max_upload_bytes // (1024 * 1024)} MiB"])
        summary = import_upload(viewer.ctx, content, filename)
    except InvalidInput as exc:
        return render(viewer, "import.html", status=400, problems=quiet(exc.problems), summary=None, filename=filename)
    state.directory.changed()
    return render(viewer, "import.html", problems=None, summary=summary, filename=filename)


def _account_page(
    viewer: Viewer, new_token: str | None = None, status: int = 200, new_feed_url: str | None = None
) -> Response:
    assert viewer.user is not None
    tokens = viewer.state.accounts.tokens.tokens(viewer.user.name)
    feed = feeds.feed(viewer.ctx)
    context = {"tokens": tokens, "new_token": new_token, "feed": feed, "new_feed_url": new_feed_url}
    return render(viewer, "account.html", status=status, **context)


@router.get("/account", response_class=HTMLResponse)
def account(viewer: SignedIn) -> Response:
    return _account_page(viewer)


@router.post("/account/tokens", response_class=HTMLResponse)
def new_token(viewer: SignedIn) -> Response:
    assert viewer.user is not None
    label: Any = viewer.extra["form"].get("label")
    label = label.strip()[:100] if isinstance(label, str) and label.strip() else "API token"
    info, secret = viewer.state.accounts.tokens.issue(viewer.user.name, label)
    viewer.audit("issue_token", Outcome.ALLOWED, "token", info.id)
    return _account_page(viewer, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(viewer: SignedIn, token_id: str) -> Response:
    assert viewer.user is not None
    if viewer.state.accounts.tokens.revoke(viewer.user.name, token_id):
        viewer.audit("revoke_token", Outcome.ALLOWED, "token", token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/calendar-feed", response_class=HTMLResponse)
def new_calendar_feed(viewer: SignedIn) -> Response:
    secret = feeds.create_feed(viewer.ctx)
    # The one time the URL exists outside the user's calendar app: it is not kept, only its digest.
    url = str(viewer.request.url_for("calendar_feed", secret=secret))
    return _account_page(viewer, new_feed_url=url)


@router.post("/account/calendar-feed/revoke")
def revoke_calendar_feed(viewer: SignedIn) -> Response:
    feeds.revoke_feed(viewer.ctx)
    return RedirectResponse("/account", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(viewer: UserManager) -> Response:
    return render(viewer, "users.html", users=access.list_users(viewer.ctx))

"""Jinja2 templates: one autoescaping environment, translations per request, and the page response."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.filters import do_urlencode
from jinja2.runtime import Context as TemplateContext
from markupsafe import Markup, escape

from habeas.domain.dates import DateRange, DayCount
from habeas.domain.model import Event
from habeas.domain.vocabulary import KIND_BY_NAME, KINDS, SOURCE_KINDS, FieldType
from habeas.rules.flag import Country, Flag, Part, Words
from habeas.services.directory import PersonView
from habeas.web.forms import EventForm
from habeas.web.i18n import Language
from habeas.web.labels import label
from habeas.web.policy import Viewer
from habeas.web.timeline_markup import timeline_svg

HERE = Path(__file__).parent
KINDS_SHOWN = tuple(k for k in KINDS if k.name != "correction")  # a correction's replacement takes one of these
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@pass_context
def _gettext(context: TemplateContext, message: str) -> str:
    lang: Language = context["lang"]
    return lang.gettext(message)


@lru_cache(maxsize=8192)
def _translated(code: str, message: str) -> Markup:
    # What Jinja's new-style gettext gives for a message without variables, kept: pages repeat their words.
    return Markup(Language(code).gettext(message)) % {}


@pass_context
def _page_gettext(context: TemplateContext, message: str, **variables: Any) -> Markup:
    """``_()`` in templates: the translation as markup (autoescaping is always on), variables escaped into it."""
    if not variables:
        return _translated(context["lang"].code, message)
    return Markup(context["lang"].gettext(message)) % variables


@pass_context
def _ngettext(context: TemplateContext, singular: str, plural: str, n: int) -> str:
    lang: Language = context["lang"]
    return lang.ngettext(singular, plural, n)


_BACKTICKED = re.compile(r"`([^`]+)`")


def inline_code(text: str) -> Markup:
    """Text with `backticked` names (thresholds, fields) shown as code, the way the rule texts write them."""
    escaped = str(escape(text))
    return Markup(_BACKTICKED.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))


@pass_context
def _label(context: TemplateContext, name: object, group: str) -> str:
    lang: Language = context["lang"]
    return lang.gettext(label(group, name))


@pass_context
def _show(context: TemplateContext, value: object, kind: str, name: str) -> str:
    """An event field's value in words of the page's language: dates, countries, yes/no, vocabulary values."""
    lang = context["lang"]
    spec = KIND_BY_NAME[kind].field(name) if kind in KIND_BY_NAME else None
    kind_of = spec.type if spec is not None else None
    if isinstance(value, DateRange):
        return str(lang.range(value))
    if isinstance(value, bool):
        return str(lang.gettext("yes") if value else lang.gettext("no"))
    if isinstance(value, Event):
        return f"{lang.gettext(label('kind', value.kind))}, {lang.range(value.date)}"
    if isinstance(value, (tuple, list)):
        return ", ".join(lang.gettext(label("value", v)) for v in value)
    if kind_of is FieldType.COUNTRY:
        return f"{lang.locale.territories.get(str(value), str(value))}"
    if kind_of is FieldType.ENUM:
        return str(lang.gettext(label("value", value)))
    return str(value)


@dataclass(frozen=True)
class Said:
    """A flag's explanation as a page shows it, and whether it is still the rule's English."""

    text: str
    english: bool


def said(lang: Language, part: Part) -> str:
    """A phrase of an explanation in words of ``lang``: its message translated, days and countries in its locale."""
    if isinstance(part, Words):
        template = lang.gettext(part.text) if part.text else ""
        values = {name: said(lang, value) for name, value in part.params}
        return template % values if values else template.replace("%%", "%")
    if isinstance(part, tuple):
        parts = [said(lang, p) for p in part]
        return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + lang.gettext("; and ") + parts[-1]
    if isinstance(part, DateRange):
        return lang.range(part)
    if isinstance(part, DayCount):
        return lang.days(part)
    if isinstance(part, date):
        return lang.day(part)
    if isinstance(part, Country):
        return str(lang.locale.territories.get(part.code, part.code))
    if isinstance(part, int):
        return lang.number(part)
    return str(part)


@pass_context
def _explain(context: TemplateContext, flag: Flag) -> Said:
    """A flag's explanation in the page's language where its rule gives it as a message; else the rule's English."""
    lang: Language = context["lang"]
    if flag.words is None or lang.code == "en":
        return Said(flag.explanation, english=True)
    return Said(said(lang, flag.words), english=False)


@cache
def static_url(name: str) -> str:
    """The URL of a static file with its content hash, so a cached copy is never stale."""
    version = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={version}"


def _query(args: dict[str, Any], **changes: Any) -> str:
    """A query string from the current arguments with some changed (for sorting and paging links)."""
    merged = {**args, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html", "svg", "xml"), default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package; checking their files on every page costs time
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]  # added to the environment by jinja2.ext.i18n
    env.globals["gettext"] = env.globals["_"] = _page_gettext  # the same result as new-style gettext, faster
    env.filters["label"] = _label
    env.filters["inline_code"] = inline_code
    env.globals["static_url"] = static_url
    env.globals["query"] = _query
    env.globals["show"] = _show
    env.globals["explain"] = _explain
    env.globals["timeline_svg"] = timeline_svg
    return env


def kind_fields(viewer: Viewer, form: EventForm) -> Markup:
    """The per-kind details of the event form; the empty form's are rendered once per language and kept."""
    if form.is_blank:
        return _blank_kind_fields(viewer.state.templates, viewer.language)
    return Markup(
        viewer.state.templates.get_template("event_kinds.html").render(
            form=form, lang=viewer.language, kinds=KINDS_SHOWN
        )
    )


@lru_cache(maxsize=16)
def _blank_kind_fields(env: Environment, language: Language) -> Markup:
    return Markup(env.get_template("event_kinds.html").render(form=EventForm.empty(), lang=language, kinds=KINDS_SHOWN))


# What a blank add-event form holds of one person and one session, as written in the form kept per language:
# plain words, which neither escaping nor URL encoding changes, so each is found and replaced as it is.
_PERSON_SLOT, _CSRF_SLOT = "habeas-form-person-slot", "habeas-form-csrf-slot"
_LIST_SLOTS = {
    name: Markup(f"habeas-form-{name}-slot") for name in ("event_options", "source_options", "event_datalist")
}


def event_form(viewer: Viewer, form: EventForm, view: PersonView) -> Markup:
    """The person page's add-event form; a blank one is rendered once per language, the person's lists put in.

    A form sent back with problems is rendered whole, as typed.
    """
    lists = _form_lists(viewer.language, form, view)
    person = view.timeline.person
    if not form.is_blank:
        template = viewer.state.templates.get_template("event_form.html")
        return Markup(
            template.render(
                form=form,
                person=person,
                csrf=viewer.csrf,
                lang=viewer.language,
                kinds=KINDS_SHOWN,
                kind_fields=kind_fields(viewer, form),
                source_kinds=list(SOURCE_KINDS),
                **lists,
            )
        )
    page = str(_blank_event_form(viewer.state.templates, viewer.language))
    page = page.replace(_PERSON_SLOT, str(escape(do_urlencode(person.id)))).replace(
        _CSRF_SLOT, str(escape(viewer.csrf))
    )
    for name, slot in _LIST_SLOTS.items():
        page = page.replace(slot, lists[name])
    return Markup(page)


@lru_cache(maxsize=16)
def _blank_event_form(env: Environment, language: Language) -> Markup:
    return Markup(
        env.get_template("event_form.html").render(
            form=EventForm.empty(),
            person={"id": _PERSON_SLOT},
            csrf=_CSRF_SLOT,
            lang=language,
            kinds=KINDS_SHOWN,
            kind_fields=_blank_kind_fields(env, language),
            source_kinds=list(SOURCE_KINDS),
            **_LIST_SLOTS,
        )
    )


def _form_lists(lang: Language, form: EventForm, view: PersonView) -> dict[str, Markup]:
    """The form's choices of the person's events (to correct, and the ids offered) and of their sources."""
    supersedes, source = form.get("supersedes"), form.get("source")
    events, ids = [], []
    for e in view.timeline.events:
        kind = escape(lang.gettext(label("kind", e.kind)))
        chosen = " selected" if supersedes == e.id else ""
        events.append(f'<option value="{escape(e.id)}"{chosen}>{escape(e.date)} · {kind} · {escape(e.id)}</option>')
        ids.append(f'<option value="{escape(e.id)}">{escape(e.date)} · {kind}</option>')
    sources = [
        f'<option value="{escape(s.id)}"{" selected" if source == s.id else ""}>{escape(s.title or s.id)}</option>'
        for s in view.timeline.sources.values()
    ]
    return {
        "event_options": Markup("\n".join(events)),
        "source_options": Markup("\n".join(sources)),
        "event_datalist": Markup("".join(ids)),
    }


def render(viewer: Viewer, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = viewer.state.templates
    page = env.get_template(template).render(
        viewer=viewer,
        lang=viewer.language,
        csrf=viewer.csrf,
        path=viewer.request.url.path,
        here=_here(viewer),
        **context,
    )
    response = HTMLResponse(page, status_code=status)
    remember_presession(viewer, response)
    return response


def _here(viewer: Viewer) -> str:
    """The current path and query, as a local "next" address for the language switch and sign-in."""
    url = viewer.request.url
    query = urlencode([(k, v) for k, v in viewer.request.query_params.multi_items() if k not in ("saved", "fragment")])
    return url.path + (f"?{query}" if query else "")


def remember_presession(viewer: Viewer, response: HTMLResponse | Any) -> None:
    if viewer.set_presession and viewer.presession:
        response.set_cookie(
            viewer.state.web.presession_cookie,
            viewer.presession,
            httponly=True,
            secure=viewer.state.web.secure_cookies,
            samesite="strict",
            path="/",
        )


def safe_next(value: str | None) -> str:
    """A local path to go to after a form, never another site (``//host`` or ``\\host`` are refused)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or "\n" in value or "\r" in value:
        return "/"
    return value

"""English and Spanish: every word shown is in the catalogs, translated, and dates follow the language."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from web_helpers import csrf_of

from habeas.domain.vocabulary import KINDS, Custody
from habeas.rules.registry import RULES
from habeas.web import labels
from habeas.web.i18n import LOCALES, Language, choose_language

WEB = Path(labels.__file__).parent


def _catalog(code: str):  # type: ignore[no-untyped-def]
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def test_every_spanish_message_is_translated_and_none_is_fuzzy() -> None:
    catalog = _catalog("es")
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or not all(m.string) if m.pluralizable else not m.string)
    ]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


def test_the_catalogs_hold_exactly_the_messages_the_code_uses(tmp_path: Path) -> None:
    """Extracting again gives the same message ids: no string was added without being sent to translation."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(pot), "."], cwd=WEB, check=True
    )
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for code in ("en", "es"):
        in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(code) if m.id}
        assert in_catalog == extracted, code


def test_every_name_of_the_vocabulary_and_every_rule_has_a_label() -> None:
    fields = {f.name for k in KINDS for f in k.fields}
    values = {v for k in KINDS for f in k.fields for v in f.values}
    assert {k.name for k in KINDS} <= set(labels.KINDS)
    assert {c.value for c in Custody} <= set(labels.CUSTODY)
    assert fields <= set(labels.FIELDS)
    assert values <= set(labels.VALUES)
    assert {r.id for r in RULES} == set(labels.RULE_TITLES)
    assert [labels.RULE_TITLES[r.id] for r in RULES] == [r.title for r in RULES]


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        ("es", "en-US,en;q=0.9", "es"),
        (None, "es-MX,es;q=0.9,en;q=0.5", "es"),
        (None, "fr-FR,fr;q=0.9", "en"),
        ("xx", "es", "es"),
        (None, None, "en"),
    ],
)
def test_the_language_comes_from_the_cookie_then_the_browser(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(cookie, header, "en") == expected


@pytest.mark.parametrize(
    ("code", "day", "number"),
    [("en", "Mar 16, 2025", "12,345"), ("es", "16 mar 2025", "12.345")],
)
def test_dates_and_numbers_follow_the_language(code: str, day: str, number: str) -> None:
    language = Language(code)
    assert language.day(date(2025, 3, 16)) == day
    assert language.number(12345) == number


def test_the_language_switch_turns_the_pages_spanish(clients: dict[str, TestClient]) -> None:
    client = clients["reader"]
    csrf = csrf_of(client.get("/people/ahr").text)
    switched = client.post("/language", data={"csrf": csrf, "lang": "es", "next": "/people/ahr"})
    assert switched.url.path == "/people/ahr"
    page = switched.text
    assert '<html lang="es">' in page and "Días sin prueba de vida" in page and "16 mar 2025" in page
    back = client.post("/language", data={"csrf": csrf_of(page), "lang": "en", "next": "https://evil.example/"})
    assert back.url.path == "/" or back.url.host == "testserver"


def test_templates_translate_exactly_as_jinjas_new_style_gettext_would() -> None:
    """The pages' faster ``_()`` keeps the meaning: markup kept, variables escaped, %% read as %."""
    from jinja2 import Environment

    from habeas.web.rendering import make_environment

    spanish = Language("es")
    reference = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    reference.install_gettext_callables(spanish.gettext, spanish.ngettext, newstyle=True)  # type: ignore[attr-defined]
    source = '{{ _("Members") }}|{{ _("Rows read: %(n)s", n="<b>5</b>") }}|{{ _("100%% sure") }}|{{ _("Day") }}'
    ours = make_environment().from_string(source).render(lang=spanish)
    assert ours == reference.from_string(source).render()
    assert "&lt;b&gt;5&lt;/b&gt;" in ours and "Integrantes" in ours and "100% sure" in ours

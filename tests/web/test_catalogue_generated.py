"""Kind labels and rule titles reach the catalogs from the core; messages.pot is current; Spanish has them all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from habeas.domain.vocabulary import KINDS, Custody
from habeas.reports.words import VALUE_LABELS
from habeas.rules.registry import RULES
from habeas.web import labels
from habeas.web.i18n import LOCALES, Language

WEB = Path(labels.__file__).parent
REGENERATE = "run `make i18n`, then translate what is new in locales/es/LC_MESSAGES/messages.po"
FROM_THE_CORE = [(group, name, text) for group, words in labels.FROM_THE_CORE.items() for name, text in words.items()]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _messages(catalog: Catalog) -> dict[Any, tuple[frozenset[str], tuple[str, ...]]]:
    """Each message id (with its plural) and what a translator is told about it: its flags and comments."""
    return {m.id: (frozenset(m.flags), tuple(m.auto_comments)) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("catalogue") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "N_", "--no-location", "-o", str(pot), "."]
    subprocess.run(command, cwd=WEB, check=True)
    return _read(pot)


def test_the_kinds_labels_and_the_rules_titles_come_from_the_core() -> None:
    assert {spec.name: spec.label for spec in KINDS} == labels.KINDS
    assert {rule.id: rule.title for rule in RULES} == labels.RULE_TITLES


@pytest.mark.parametrize("spec", KINDS, ids=lambda k: k.name)
def test_every_kind_has_a_label_that_reads_as_one(spec: Any) -> None:
    """A label is capitalised and a description is not: the two strings beside the name are not swapped."""
    assert spec.label[:1].isupper() and spec.label != spec.description
    assert not spec.description[:1].isupper()


@pytest.mark.parametrize(
    ("group", "name", "expected"),
    [
        ("kind", "booked_in", "Booked into detention"),
        ("kind", "record_check", "Criminal-record check"),
        ("kind", "something_new", "something new"),
        ("rule", "no_proof_of_life", "No proof of life"),
        ("rule", "removed_with_pending_proceedings", "Removed while proceedings were pending"),
        ("rule", "not_a_rule", "not a rule"),
        ("custody", "us_custody", "In US custody"),
        ("field", "supersedes", "Corrects"),
    ],
)
def test_a_label_reads_as_it_always_has(group: str, name: str, expected: str) -> None:
    assert labels.label(group, name) == expected


def test_extraction_gives_every_kind_label_and_rule_title(extracted: Catalog) -> None:
    ids = {m.id for m in extracted if m.id}
    assert [text for _, _, text in FROM_THE_CORE if text not in ids] == []
    assert f"rule: {RULES[0].id}" in extracted[RULES[0].title].auto_comments


def test_messages_pot_is_what_extraction_gives(extracted: Catalog) -> None:
    committed = _messages(_read(LOCALES / "messages.pot"))
    wanted = _messages(extracted)
    assert sorted(map(str, set(wanted) - set(committed))) == [], f"messages.pot lacks these; {REGENERATE}"
    assert sorted(map(str, set(committed) - set(wanted))) == [], f"messages.pot has messages no code uses; {REGENERATE}"
    assert committed == wanted, f"messages.pot is out of date; {REGENERATE}"


@pytest.mark.parametrize(("group", "name", "text"), FROM_THE_CORE, ids=[f"{g}:{n}" for g, n, _ in FROM_THE_CORE])
def test_every_kind_label_and_rule_title_is_translated_into_spanish(group: str, name: str, text: str) -> None:
    message = _read(LOCALES / "es" / "LC_MESSAGES" / "messages.po", "es").get(text)
    assert message is not None and message.string and not message.fuzzy, f"no Spanish for {group} {name}; {REGENERATE}"
    assert Language("es").gettext(labels.label(group, name)) == message.string


LABELS = [(group, name, text) for group, words in labels.GROUPS.items() for name, text in words.items()]


@pytest.mark.parametrize(("group", "name", "text"), LABELS, ids=[f"{g}:{n}" for g, n, _ in LABELS])
def test_every_label_a_page_shows_has_spanish(group: str, name: str, text: str) -> None:
    """Custody states, fields, values, sensitive attributes, audit actions, roles: none stays English in Spanish."""
    message = _read(LOCALES / "es" / "LC_MESSAGES" / "messages.po", "es").get(text)
    assert message is not None and message.string and not message.fuzzy, f"no Spanish for {group} {name}; {REGENERATE}"


GLOSSARY = {"Flag": "Alerta", "Flags": "Alertas", "warning": "advertencia", "Warnings": "Advertencias",
            "Alerts": "Alertas nuevas o agravadas"}  # fmt: skip


@pytest.mark.parametrize(("english", "spanish"), GLOSSARY.items())
def test_the_spanish_catalogue_uses_the_glossarys_terms(english: str, spanish: str) -> None:
    """docs/glossary.md: one Spanish word per idea (a flag is never an "aviso", a warning never an "alerta")."""
    assert Language("es").gettext(english) == spanish
    glossary = (Path(__file__).resolve().parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert spanish.split()[0].lower().removesuffix("s") in glossary.lower()


def test_every_spanish_message_about_flags_calls_them_alertas() -> None:
    """A flag is an "alerta" everywhere ("aviso" is kept for a legal notice, such as the EOIR-26)."""
    catalog = _read(LOCALES / "es" / "LC_MESSAGES" / "messages.po", "es")
    pairs = [(m.id if isinstance(m.id, str) else m.id[0], m.string if isinstance(m.string, str) else m.string[0])
             for m in catalog if m.id]  # fmt: skip
    astray = [mid for mid, text in pairs if re.search(r"\bflag(s|ged)?\b", mid, re.I) and "alerta" not in text.lower()]
    assert astray == []


def test_the_web_and_the_exhibit_name_values_custody_states_and_source_kinds_alike() -> None:
    """One table of each in the core (domain/labels.py): a page and the court exhibit never call a code two names."""
    shown = {"value": labels.VALUES, "source_kind": labels.SOURCE_KINDS, "reliability": labels.RELIABILITY,
             "severity": labels.SEVERITY, "certainty": labels.CERTAINTY}  # fmt: skip
    for group, table in shown.items():
        assert {code: labels.label(group, code) for code in table} == {code: VALUE_LABELS[code] for code in table}
    for state in Custody:  # a page starts a custody state with a capital, the exhibit writes it inside a sentence
        web = labels.label("custody", state)
        assert web[:1].isupper() and web[:1].lower() + web[1:] == VALUE_LABELS[state]

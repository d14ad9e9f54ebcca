"""The exhibit's words: every phrase has its Spanish, codes read as labels, and the [exhibit] settings are checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from habeas.domain import labels
from habeas.domain.vocabulary import CUSTODY_DESCRIPTIONS, KINDS, SOURCE_KINDS, Custody, FieldType
from habeas.reports.i18n import translations
from habeas.reports.settings import ExhibitSettings, ExhibitSettingsError, parse_exhibit_settings_text
from habeas.reports.words import CUSTODY_WORDS, FIELD_LABELS, VALUE_LABELS, WHERE_FIELDS, Words
from habeas.rules.flag import Certainty, Severity

REPORTS = Path(__file__).resolve().parents[2] / "src" / "habeas" / "reports"
# The labels the exhibit shares with the web live in the core (values, custody states, source kinds, ...).
SHARED_LABELS = Path(labels.__file__)


def _messages() -> set[str]:
    found = {spec.label for spec in KINDS}
    for module in [*sorted(REPORTS.glob("*.py")), SHARED_LABELS]:
        for _line, message, _comments, _context in extract_from_file(
            "python", module, keywords={"t": None, "N_": None}
        ):
            found.add(message)
    return found


def test_every_phrase_of_the_exhibit_has_a_spanish_translation() -> None:
    catalogue = translations("es")
    messages = _messages()
    assert len(messages) > 200
    # A message without a translation comes back as itself; only these read the same in Spanish.
    same = {"#", "DHS", "URL", "Bates", "in absentia", "judicial", "no", "G-28 (appearance before DHS)"}
    untranslated = sorted(m for m in messages if catalogue.gettext(m) == m and m not in same)
    assert untranslated == []


def test_every_field_and_value_of_the_vocabulary_has_a_label() -> None:
    # Without one, the exhibit would print the code itself (`without_inspection`).
    missing = []
    for kind in KINDS:
        for field in kind.fields:
            if field.name not in FIELD_LABELS and field.name not in WHERE_FIELDS and field.type != FieldType.EVENT:
                missing.append(f"{kind.name}.{field.name}")
            missing += [f"{kind.name}.{field.name}={v}" for v in field.values if v not in VALUE_LABELS]
    assert missing == []


def test_the_spanish_keeps_every_placeholder() -> None:
    catalogue = translations("es")
    for message in _messages():
        if "{" in message:
            words = Words("es")
            names = {part.split("}")[0] for part in message.split("{")[1:]}
            filled = words.t(message, **{name: f"<{name}>" for name in names})
            assert all(f"<{name}>" in filled for name in names), catalogue.gettext(message)


@pytest.mark.parametrize(
    ("value", "english", "spanish"),
    [
        (
            "gang_membership (Tren de Aragua)",
            "gang membership (Tren de Aragua)",
            "pertenencia a una pandilla (Tren de Aragua)",
        ),
        ("alien_enemies_act", "Alien Enemies Act", "Ley de Enemigos Extranjeros (Alien Enemies Act)"),
        (("tattoo", "social_media"), "tattoo, social media", "tatuaje, redes sociales"),
        (True, "yes", "sí"),
        ("CBP", "CBP", "CBP"),
        ("a_code_habeas_does_not_know", "a code habeas does not know", "a code habeas does not know"),
    ],
)
def test_values_read_as_labels_in_either_language(value: object, english: str, spanish: str) -> None:
    assert Words("en").value(value) == english
    assert Words("es").value(value) == spanish


def test_countries_are_named_in_the_readers_language() -> None:
    assert Words("en").country("US") == "United States (US)"
    assert Words("es").country("US") == "Estados Unidos (US)"
    assert Words("es").country("XX") == "XX"


def test_the_exhibit_settings_are_read_from_their_table() -> None:
    text = (
        '[exhibit]\ncourt = "U.S. District Court (synthetic)"\npreparer = "Synthetic Counsel"\nlang = "es"\n[rules.x]\n'
    )
    assert parse_exhibit_settings_text(text, "habeas.toml") == ExhibitSettings(
        court="U.S. District Court (synthetic)", preparer="Synthetic Counsel", lang="es"
    )
    assert parse_exhibit_settings_text("", "habeas.toml") == ExhibitSettings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[exhibit]\npreparr = "x"\n',
            r"habeas.toml: \[exhibit\] preparr: no such setting \(did you mean 'preparer'\?\)",
        ),
        ("[exhibit]\nbar_number = 12345\n", r"habeas.toml: \[exhibit\] bar_number: 12345 is not text"),
        ('exhibit = "A"\n', r"habeas.toml: `exhibit` must be a table"),
        ("[exhibit\n", r"habeas.toml: not valid TOML"),
    ],
)
def test_a_bad_exhibit_setting_is_named_with_its_file_and_key(text: str, message: str) -> None:
    with pytest.raises(ExhibitSettingsError, match=message):
        parse_exhibit_settings_text(text, "habeas.toml")


CORE_TABLES = {"value": labels.VALUES, "custody": labels.CUSTODY, "source kind": labels.SOURCE_KINDS,
               "reliability": labels.RELIABILITY, "severity": labels.SEVERITY,
               "certainty": labels.CERTAINTY}  # fmt: skip


def test_the_exhibit_reads_the_cores_one_table_of_each_and_says_every_label_in_spanish() -> None:
    """The labels of values, custody states and source kinds are the core's (the web's too): each has Spanish here."""
    catalogue = translations("es")
    for group, table in CORE_TABLES.items():
        for code, label in table.items():
            assert VALUE_LABELS[code] == label, f"{group} {code}"
            assert catalogue.gettext(label) != label or label in {"DHS", "judicial", "G-28 (appearance before DHS)"}, (
                f"no Spanish in exhibit.po for {group} {code}: {label!r}"
            )


def test_the_cores_tables_name_exactly_the_vocabularys_custody_states_and_source_kinds() -> None:
    assert set(labels.CUSTODY) == {str(state) for state in Custody}
    assert set(labels.SOURCE_KINDS) == set(SOURCE_KINDS)
    assert set(labels.SEVERITY) == {str(s) for s in Severity} and set(labels.CERTAINTY) == {str(c) for c in Certainty}
    assert {str(state): words for state, words in CUSTODY_DESCRIPTIONS.items()} == CUSTODY_WORDS

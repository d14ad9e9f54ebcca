"""Check: run the due-process rules over people's timelines; the rule catalogue.

The morning alerts (flags new or graver since a day) are in :mod:`habeas.services.people`,
which the web pages, the API and `habeas alerts` share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from habeas.rules.engine import at_least, check_timeline, most_severe_first
from habeas.rules.flag import Flag, Severity
from habeas.rules.registry import RULES
from habeas.rules.rule import Rule
from habeas.rules.settings import RuleSettings, RuleSettingsError, parse_rule_settings_text
from habeas.services import Context, ServiceError
from habeas.settings import default_config_path


def rule_settings(ctx: Context) -> RuleSettings:
    """The rule settings from the settings file; the defaults when the default file does not exist."""
    path = ctx.settings.config_path
    if not path.exists():
        if path == default_config_path():
            return RuleSettings()
        raise ServiceError(f"settings file {path} does not exist; create it or leave out --config to use the defaults")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(f"cannot read the settings file {path}: {exc}") from exc
    try:
        return parse_rule_settings_text(text, str(path))
    except RuleSettingsError as exc:
        raise ServiceError(str(exc)) from exc


def _severity(value: Severity | str | None) -> Severity | None:
    if value is None or isinstance(value, Severity):
        return value
    try:
        return Severity(value)
    except ValueError:
        raise ServiceError(f"unknown severity {value!r}; use info, warning or critical") from None


def gravest_first(flags: Sequence[Flag]) -> list[Flag]:
    """People with the gravest flags first; each person's flags most severe first."""
    grouped: dict[str, list[Flag]] = {}
    for flag in flags:
        grouped.setdefault(flag.person, []).append(flag)
    ordered = [most_severe_first(items) for items in grouped.values()]
    ordered.sort(key=lambda items: (-items[0].severity.rank, -items[0].certainty.rank, items[0].person))
    return [flag for items in ordered for flag in items]


def check(
    ctx: Context,
    person_ids: Sequence[str] | None = None,
    cohort: str | None = None,
    *,
    as_of: date,
    known_on: date | None = None,
    min_severity: Severity | str | None = None,
) -> list[Flag]:
    """The flags the enabled rules raise for the named people, a cohort, or everyone, on ``as_of``."""
    from habeas.services import track  # with the database: the rule catalogue and settings do not need it

    settings = rule_settings(ctx)
    minimum = _severity(min_severity)
    flags: list[Flag] = []
    for timeline in track.timelines(ctx, person_ids=person_ids, cohort=cohort, known_on=known_on):
        flags += at_least(check_timeline(timeline, as_of, settings), minimum)
    return gravest_first(flags)


def flags_for(ctx: Context, person_id: str, as_of: date, known_on: date | None = None) -> list[Flag]:
    """One person's flags on ``as_of`` (for the whereabouts view)."""
    from habeas.services import track

    return check_timeline(track.timeline(ctx, person_id, known_on), as_of, rule_settings(ctx))


@dataclass(frozen=True)
class CatalogueEntry:
    rule: Rule
    enabled: bool
    values: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        """The shape printed by ``habeas rules --format json``."""
        rule = self.rule
        return {
            "id": rule.id,
            "title": rule.title,
            "severity": rule.severity.value,
            "severities": [s.value for s in rule.severities],
            "enabled": self.enabled,
            "description": rule.description,
            "thresholds": [
                {
                    "name": t.name,
                    "value": self.values[t.name],
                    "default": t.default,
                    "unit": t.unit,
                    "description": t.description,
                }
                for t in rule.thresholds
            ],
            "uses": list(rule.uses),
            "legal_basis": [{"cite": c.cite, "why": c.why} for c in rule.legal_basis],
        }


def rule_catalogue(ctx: Context) -> list[CatalogueEntry]:
    """Every rule, with whether it is on and its thresholds as the settings file sets them."""
    settings = rule_settings(ctx)
    values = settings.thresholds(RULES)
    return [CatalogueEntry(rule, settings.enabled(rule.id), values[rule.id]) for rule in RULES]

"""Rule settings: thresholds and switches from TOML, and clear errors for everything else."""

from __future__ import annotations

import pytest
from rulecheck import ev, run

from habeas.rules.settings import RuleSettings, RuleSettingsError, parse_rule_settings_text


def test_defaults_apply_when_nothing_is_set() -> None:
    values = RuleSettings().thresholds()
    assert values["no_proof_of_life"] == {"warning_days": 7, "critical_days": 30}
    assert values["inquiry_unanswered"] == {"days": 30}
    assert values["prolonged_detention"] == {"days": 180, "final_order_days": 180}


def test_a_settings_file_overrides_thresholds_and_turns_rules_off() -> None:
    text = """
[database]
owned_by = "another part of habeas"

[rules.no_proof_of_life]
warning_days = 3
critical_days = 14.5

[rules.third_country_removal]
enabled = false
"""
    settings = parse_rule_settings_text(text, "habeas.toml")
    assert settings.thresholds()["no_proof_of_life"] == {"warning_days": 3, "critical_days": 14.5}
    assert settings.thresholds()["inquiry_unanswered"] == {"days": 30}
    assert not settings.enabled("third_country_removal") and settings.enabled("no_proof_of_life")


def test_a_disabled_rule_raises_nothing() -> None:
    removed = [ev("removed", "2025-03-15", destination="SV")]
    assert run("third_country_removal", removed, "2025-04-01")
    off = {"third_country_removal": {"enabled": False}}
    assert run("third_country_removal", removed, "2025-04-01", settings=off) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[rules.no_proof_of_lfe]\nwarning_days = 3",
                     ["[rules.no_proof_of_lfe]", "did you mean 'no_proof_of_life'"], id="unknown rule"),
        pytest.param("[rules.no_proof_of_life]\nwarning = 3", ["[rules.no_proof_of_life] warning", "no such threshold"],
                     id="unknown threshold"),
        pytest.param("[rules.access_denied]\ndays = 3", ["[rules.access_denied] days", "only `enabled`"],
                     id="threshold on a rule without thresholds"),
        pytest.param("[rules.inquiry_unanswered]\ndays = -1", ["[rules.inquiry_unanswered] days", "negative"],
                     id="negative"),
        pytest.param('[rules.inquiry_unanswered]\ndays = "thirty"', ["[rules.inquiry_unanswered] days", "not a number"],
                     id="text"),
        pytest.param("[rules.inquiry_unanswered]\ndays = true", ["days", "not a number"], id="boolean"),
        pytest.param('[rules.inquiry_unanswered]\nenabled = "no"', ["enabled", "not true or false"], id="bad switch"),
        pytest.param("[rules.no_proof_of_life]\nwarning_days = 40",
                     ["warning_days (40) is more than critical_days (30)"], id="warning after critical"),
        pytest.param("rules = 3", ["`rules` must be a table"], id="rules not a table"),
        pytest.param("[rules]\nno_proof_of_life = 3", ["[rules.no_proof_of_life] must be a table"],
                     id="rule not a table"),
        pytest.param("[rules.no_proof_of_life\n", ["not valid TOML"], id="broken TOML"),
    ],
)  # fmt: skip
def test_bad_settings_name_the_file_the_rule_and_the_key(text: str, expected: list[str]) -> None:
    with pytest.raises(RuleSettingsError) as raised:
        parse_rule_settings_text(text, "/etc/habeas.toml")
    message = str(raised.value)
    assert message.startswith("/etc/habeas.toml")
    for part in expected:
        assert part in message


def test_settings_errors_are_value_errors() -> None:
    assert issubclass(RuleSettingsError, ValueError)

"""The check commands as a user runs them: flags, the rule catalogue, the morning alerts, settings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from habeas.cli import app
from habeas.cli.app import context
from habeas.rules.registry import RULES
from habeas.services import NotFound
from habeas.services import check as checks

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FLAG_KEYS = ["rule", "severity", "certainty", "person", "as_of", "title", "explanation", "evidence", "sources",
             "legal_basis"]  # fmt: skip
runner = CliRunner()

# Synthetic people only. syn-1 is removed with a claim pending and handed to a foreign prison; the
# decision on the claim is reported later (src-later). syn-2 was released after nine days. syn-3 has
# been held since 2025-05-01 with no contact.
CASEFILE = {
    "habeas": 1,
    "sources": [
        {"id": "src-court", "kind": "court_record", "date": "2025-01-05"},
        {"id": "src-news", "kind": "article", "date": "2025-04-10"},
        {"id": "src-later", "kind": "article", "date": "2025-06-01"},
    ],
    "cohorts": [{"id": "grp", "name": "Synthetic group"}],
    "people": [
        {"id": "syn-1", "citizenship": "VE", "cohorts": ["grp"]},
        {"id": "syn-2", "citizenship": "GT", "cohorts": ["grp"]},
        {"id": "syn-3", "citizenship": "HN"},
    ],
    "events": [
        {"id": "s1-booked", "person": "syn-1", "kind": "booked_in", "date": "2025-01-02", "sources": ["src-court"]},
        {"id": "s1-claim", "person": "syn-1", "kind": "claim_filed", "date": "2025-01-03", "claim": "asylum",
         "sources": ["src-court"]},
        {"id": "s1-removed", "person": "syn-1", "kind": "removed", "date": "2025-03-15", "destination": "SV",
         "sources": ["src-news"]},
        {"id": "s1-held", "person": "syn-1", "kind": "handed_over", "date": "2025-03-16", "country": "SV",
         "facility": "Prison X", "sources": ["src-news"]},
        {"id": "s1-dismissed", "person": "syn-1", "kind": "decision", "date": "2025-05-20", "outcome": "dismissed",
         "claim": "asylum", "in_absentia": True, "sources": ["src-later"]},
        {"id": "s2-booked", "person": "syn-2", "kind": "booked_in", "date": "2025-02-01", "sources": ["src-court"]},
        {"id": "s2-released", "person": "syn-2", "kind": "released", "date": "2025-02-10", "reason": "bond",
         "sources": ["src-court"]},
        {"id": "s3-booked", "person": "syn-3", "kind": "booked_in", "date": "2025-05-01", "sources": ["src-court"]},
    ],
}  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("HABEAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HABEAS_CONFIG", str(tmp_path / "absent-default.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    return {"db": f"sqlite:///{tmp_path / 'check.db'}", "tmp": str(tmp_path)}


@pytest.fixture
def db(env: dict[str, str]) -> str:
    casefile = Path(env["tmp"]) / "synthetic.yaml"
    casefile.write_text(yaml.safe_dump(CASEFILE, sort_keys=False), encoding="utf-8")
    assert runner.invoke(app, ["init", "--db", env["db"]]).exit_code == 0
    imported = runner.invoke(app, ["import", str(casefile), "--db", env["db"]])
    assert imported.exit_code == 0, imported.output
    return env["db"]


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def flags_json(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["check", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def rules_of(flags: list[dict[str, object]], person: str | None = None) -> set[str]:
    return {str(f["rule"]) for f in flags if person is None or f["person"] == person}


def test_check_json_is_a_list_of_flags_in_the_casefile_shape(db: str) -> None:
    flags = flags_json("--as-of", "2025-06-15", "--db", db)
    assert flags and all(list(f) == FLAG_KEYS for f in flags)
    assert rules_of(flags, "syn-1") == {
        "removed_with_pending_proceedings", "third_country_removal", "decided_after_removal", "foreign_custody",
        "no_proof_of_life",
    }  # fmt: skip
    assert rules_of(flags, "syn-3") == {"no_proof_of_life"}
    pending = next(f for f in flags if f["rule"] == "removed_with_pending_proceedings")
    assert pending["evidence"] == ["s1-removed", "s1-claim", "s1-dismissed"]
    assert pending["sources"] == ["src-court", "src-news", "src-later"]  # in timeline order
    assert pending["as_of"] == "2025-06-15" and pending["certainty"] == "certain"


def test_check_exits_zero_when_nothing_is_flagged(db: str) -> None:
    assert flags_json("syn-2", "--as-of", "2025-06-15", "--db", db) == []
    code, out = run("check", "syn-2", "--as-of", "2025-06-15", "--db", db)
    assert code == 0 and "No flags as of 2025-06-15" in out


def test_check_lists_the_gravest_people_and_flags_first(db: str) -> None:
    flags = flags_json("--as-of", "2025-06-15", "--db", db)
    ranks = {"critical": 2, "warning": 1, "info": 0}
    first = [f for f in flags if f["person"] == flags[0]["person"]]
    assert [ranks[str(f["severity"])] for f in first] == sorted(
        (ranks[str(f["severity"])] for f in first), reverse=True
    )
    assert flags[0]["severity"] == "critical"


def test_check_table_reads_as_a_report(db: str) -> None:
    code, out = run("check", "syn-1", "--as-of", "2025-06-15", "--db", db)
    assert code == 0
    assert "Removed while proceedings were pending" in out and "CRITICAL" in out
    assert "removed on 2025-03-15 to SV" in out and "src-news" in out
    assert "Legal basis" in out and "8 U.S.C. § 1229a" in out
    assert "not legal advice" in out


def test_check_with_a_cohort_checks_only_its_members(db: str) -> None:
    flags = flags_json("--cohort", "grp", "--as-of", "2025-06-15", "--db", db)
    assert {f["person"] for f in flags} == {"syn-1"}


def test_min_severity_leaves_out_milder_flags(db: str) -> None:
    flags = flags_json("--as-of", "2025-06-15", "--min-severity", "critical", "--db", db)
    assert flags and {f["severity"] for f in flags} == {"critical"}


def test_known_on_leaves_out_what_was_reported_later(db: str) -> None:
    then = flags_json("syn-1", "--as-of", "2025-06-15", "--known-on", "2025-05-25", "--db", db)
    now = flags_json("syn-1", "--as-of", "2025-06-15", "--known-on", "2025-06-02", "--db", db)
    assert "decided_after_removal" not in rules_of(then) and "decided_after_removal" in rules_of(now)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "nobody"], "no person with id 'nobody'"),
        (["check", "--cohort", "no-such-group"], "no cohort with id 'no-such-group'"),
        (["check", "--as-of", "15/06/2025"], "--as-of"),
        (["alerts", "--since", "2025-07-01", "--as-of", "2025-06-01"], "after the day reported on"),
    ],
)
def test_bad_input_is_a_clear_error_and_a_non_zero_exit(db: str, args: list[str], message: str) -> None:
    code, out = run(*args, "--db", db)
    assert code != 0 and message in out


def write_config(env: dict[str, str], text: str) -> str:
    path = Path(env["tmp"]) / "thresholds.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_settings_file_changes_thresholds_and_turns_rules_off(db: str, env: dict[str, str]) -> None:
    config = write_config(
        env,
        "[rules.no_proof_of_life]\nwarning_days = 100\ncritical_days = 200\n[rules.foreign_custody]\nenabled = false\n",
    )
    flags = flags_json("syn-1", "--as-of", "2025-06-15", "--config", config, "--db", db)
    assert "no_proof_of_life" not in rules_of(flags) and "foreign_custody" not in rules_of(flags)
    later = flags_json("syn-1", "--as-of", "2025-07-01", "--config", config, "--db", db)
    assert [f["severity"] for f in later if f["rule"] == "no_proof_of_life"] == ["warning"]  # 107 days


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("[rules.no_such_rule]\ndays = 3\n", ["no_such_rule", "no rule"]),
        ("[rules.inquiry_unanswered]\ndays = -5\n", ["inquiry_unanswered", "days", "negative"]),
        ('[rules.inquiry_unanswered]\ndays = "soon"\n', ["inquiry_unanswered", "days", "not a number"]),
        ("[rules.inquiry_unanswered]\nhours = 5\n", ["inquiry_unanswered", "hours", "no such threshold"]),
    ],
)
def test_a_bad_settings_file_names_the_file_rule_and_key(
    db: str, env: dict[str, str], text: str, parts: list[str]
) -> None:
    config = write_config(env, text)
    for command in (["check", "--db", db], ["rules"], ["alerts", "--since", "2025-01-01", "--db", db]):
        code, out = run(*command, "--config", config)
        assert code != 0, command
        flat = " ".join(out.split())
        assert "thresholds.toml" in flat and all(p in flat for p in parts), out


def test_a_settings_file_named_on_the_command_line_must_exist(db: str, env: dict[str, str]) -> None:
    code, out = run("check", "--config", str(Path(env["tmp"]) / "missing.toml"), "--db", db)
    assert code != 0 and "missing.toml" in out and "does not exist" in out


def test_rules_lists_the_catalogue_with_thresholds_and_legal_basis(env: dict[str, str]) -> None:
    config = write_config(env, "[rules.inquiry_unanswered]\ndays = 14\n[rules.access_denied]\nenabled = false\n")
    result = runner.invoke(app, ["rules", "--format", "json", "--config", config])
    assert result.exit_code == 0, result.output
    catalogue = {r["id"]: r for r in json.loads(result.stdout)}
    assert list(catalogue) == [rule.id for rule in RULES] and "enforced_disappearance_indicators" in catalogue
    assert catalogue["inquiry_unanswered"]["thresholds"][0] | {"description": ""} == {
        "name": "days", "value": 14, "default": 30, "unit": "days", "description": "",
    }  # fmt: skip
    assert catalogue["access_denied"]["enabled"] is False and catalogue["no_proof_of_life"]["enabled"] is True
    assert any("Zadvydas" in c["cite"] for c in catalogue["prolonged_detention"]["legal_basis"])
    code, out = run("rules")
    assert code == 0 and "warning_days = 7 days" in out and "Zadvydas v. Davis, 533 U.S. 678 (2001)" in out


def test_alerts_show_what_is_new_or_worse_grouped_by_person(db: str) -> None:
    result = runner.invoke(app, ["alerts", "--since", "2025-05-05", "--as-of", "2025-06-15", "--format", "json",
                                 "--db", db])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["since"] == "2025-05-05" and report["today"] == "2025-06-15"
    people = {p["person"]: p["alerts"] for p in report["people"]}
    assert "syn-2" not in people
    # syn-3: four days in custody on 2025-05-05 (no flag); 45 days on 2025-06-15 (critical).
    assert [(a["change"], a["flag"]["rule"], a["flag"]["severity"]) for a in people["syn-3"]] == [
        ("new", "no_proof_of_life", "critical")
    ]
    # syn-1: the dismissal was reported on 2025-06-01, after the earlier report.
    assert ("new", "decided_after_removal") in {(a["change"], a["flag"]["rule"]) for a in people["syn-1"]}
    assert "third_country_removal" not in {a["flag"]["rule"] for a in people["syn-1"]}  # known on both days


def test_alerts_report_a_flag_that_grew_more_severe(db: str) -> None:
    result = runner.invoke(app, ["alerts", "--since", "2025-05-20", "--as-of", "2025-06-15", "--format", "json",
                                 "--db", db])  # fmt: skip
    alerts = {a["flag"]["rule"]: a for p in json.loads(result.stdout)["people"] if p["person"] == "syn-3"
              for a in p["alerts"]}  # fmt: skip
    assert alerts["no_proof_of_life"]["change"] == "more_severe"
    assert alerts["no_proof_of_life"]["previous"] == {"severity": "warning", "certainty": "certain"}
    code, out = run("alerts", "--since", "2025-05-20", "--as-of", "2025-06-15", "--db", db)
    assert code == 0 and "WORSE" in out and "was warning" in out and "syn-3" in out


def test_alerts_say_so_when_nothing_changed(db: str) -> None:
    code, out = run("alerts", "--since", "2025-06-15", "--as-of", "2025-06-15", "--db", db)
    assert code == 0 and "Nothing new or more severe since 2025-06-15" in out


@pytest.mark.parametrize("command", ["check", "rules", "alerts"])
def test_help_teaches_with_examples(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0 and "Examples" in out and f"habeas {command}" in out


def test_flags_for_gives_one_persons_flags_for_the_whereabouts_view(db: str) -> None:
    ctx = context(db)  # acting as the command line does
    flags = checks.flags_for(ctx, "syn-3", date(2025, 6, 15))
    assert [(f.rule, f.severity.value) for f in flags] == [("no_proof_of_life", "critical")]
    assert checks.flags_for(ctx, "syn-3", date(2025, 6, 15), known_on=date(2025, 1, 1)) == []
    with pytest.raises(NotFound):
        checks.flags_for(ctx, "nobody", date(2025, 6, 15))


# What the reporting on the examples supports, person by person: (rule, severity, certainty).
EXPECTED_FROM_THE_EXAMPLES = {
    # 1 July 2025: in CECOT since 16 March, no proof of life, a congressional inquiry refused, another to the
    # ambassador unanswered and a visit refused; removed to El Salvador (a Venezuelan) while his asylum claim
    # was pending; the claim was dismissed in May; the gang allegation rested on tattoos (and DHS's word on his
    # social media) and counsel found no record. The hearing set for 28 May may have been scheduled after the
    # removal, but the pending claim makes the flag certain.
    ("ahr", "2025-07-01"): {
        ("removed_with_pending_proceedings", "critical", "certain"),
        ("no_proof_of_life", "critical", "certain"),
        ("enforced_disappearance_indicators", "critical", "certain"),
        ("third_country_removal", "warning", "certain"),
        ("decided_after_removal", "warning", "certain"),
        ("foreign_custody", "warning", "certain"),
        ("access_denied", "warning", "certain"),
        ("inquiry_unanswered", "warning", "certain"),
        ("allegation_without_record", "warning", "certain"),
        ("allegation_on_appearance", "warning", "certain"),  # the allegation rests on appearance alone
    },
    # 20 July 2025: handed to Venezuelan authorities at Maiquetía on 18 July and released by the 23rd; the record
    # of what was done stays, the silence ends.
    ("ahr", "2025-07-20"): {
        ("removed_with_pending_proceedings", "critical", "certain"),
        ("third_country_removal", "warning", "certain"),
        ("decided_after_removal", "warning", "certain"),
        # possible: held by Venezuelan authorities from the 18th, released some day up to the 23rd
        ("foreign_custody", "warning", "possible"),
        ("access_denied", "warning", "certain"),
        ("inquiry_unanswered", "warning", "certain"),
        ("allegation_without_record", "warning", "certain"),
        ("allegation_on_appearance", "warning", "certain"),
    },
    # Fictional: a Honduran flown to Mexico in April, nothing since (the attorney visit was retracted).
    ("demo-a", "2025-07-01"): {
        ("third_country_removal", "warning", "certain"),
        ("no_proof_of_life", "critical", "certain"),
    },
    # Fictional: a Guatemalan flown to Mexico with a withholding claim and a hearing pending; one call
    # from abroad around 25 April.
    ("demo-b", "2025-07-01"): {
        ("removed_with_pending_proceedings", "critical", "certain"),
        ("third_country_removal", "warning", "certain"),
        ("no_proof_of_life", "critical", "certain"),
    },
}


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ is not in this checkout")
@pytest.mark.parametrize(("person", "as_of"), sorted(EXPECTED_FROM_THE_EXAMPLES))
def test_the_examples_raise_the_flags_the_reporting_supports_and_only_those(
    env: dict[str, str], person: str, as_of: str
) -> None:
    assert runner.invoke(app, ["init", "--db", env["db"]]).exit_code == 0
    files = [str(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert runner.invoke(app, ["import", *files, "--db", env["db"]]).exit_code == 0
    flags = flags_json(person, "--as-of", as_of, "--db", env["db"])
    assert {(f["rule"], f["severity"], f["certainty"]) for f in flags} == EXPECTED_FROM_THE_EXAMPLES[(person, as_of)]

"""Conflicting accounts between sources; allegations with no criminal record behind them or resting on appearance."""

from __future__ import annotations

import pytest
from rulecheck import ev, outcome, run

WARNING, WARNING_POSSIBLE = ("warning", "certain"), ("warning", "possible")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([ev("transferred", "2025-03-16", facility="A", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], WARNING,
                     id="in the US and in El Salvador on the same day"),
        pytest.param([ev("transferred", "2025-03-16", facility="A", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-a", "src-b"])], None,
                     id="one source behind both"),
        pytest.param([ev("transferred", "2025-03-16", facility="A", sources=[]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], None, id="unsourced"),
        pytest.param([ev("removed", "2025-03-16", destination="SV", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], None,
                     id="removal and hand-over agree"),
        pytest.param([ev("transferred", "2025-03", facility="A", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], WARNING_POSSIBLE,
                     id="transfer some day that month"),
        pytest.param([ev("booked_in", "2025-01-05", sources=["src-a"]),
                      ev("handed_over", "2025-03-16", country="SV", sources=["src-b"])], None,
                     id="different times"),
        pytest.param([ev("died", "2025-03-01", country="SV", sources=["src-a"]),
                      ev("proof_of_life", "2025-04-01", evidence="video", sources=["src-b"])], WARNING,
                     id="alive after a reported death"),
    ],
)  # fmt: skip
def test_conflicting_accounts(events, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("conflicting_accounts", events, "2025-05-01")) == expected


def test_conflicting_accounts_names_both_sources() -> None:
    events = [
        ev("transferred", "2025-03-16", "t", facility="A", sources=["src-a"]),
        ev("handed_over", "2025-03-16", "h", country="SV", sources=["src-b"]),
    ]
    (flag,) = run("conflicting_accounts", events, "2025-05-01")
    assert flag.evidence == ("t", "h") and set(flag.sources) == {"src-a", "src-b"}
    assert "src-a vs src-b" in flag.explanation


TATTOOS = ev("allegation", "2024-08", "alleged", claim="gang_membership", by="DHS", basis=["tattoo"])


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([TATTOOS], "2025-05-01", WARNING, id="tattoos, no record check"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="none_found")], "2025-06-01", WARNING,
                     id="tattoos, record check found nothing"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found")], "2025-06-01", None,
                     id="a record was found"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership", basis=["criminal_record", "tattoo"])],
                     "2025-05-01", None, id="alleged on a criminal record"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership")], "2025-05-01", WARNING,
                     id="no basis stated"),
        pytest.param([ev("allegation", "2025-05", basis=["informant"])], "2025-05-10", WARNING_POSSIBLE,
                     id="allegation may fall after as-of"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found", bears_on_allegation=False)],
                     "2025-06-01", WARNING, id="the record found does not bear on the allegation"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found", found="traffic_offense")],
                     "2025-06-01", WARNING, id="only a traffic ticket found, gang membership alleged"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found", found="traffic offence",
                                  bears_on_allegation=True)], "2025-06-01", None,
                     id="what the check says about bearing wins over the words"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found", found="assault conviction")],
                     "2025-06-01", None, id="a record whose bearing is not recorded may be the one alleged"),
        pytest.param([ev("allegation", "2024-08", claim="reckless_driving", basis=["informant"]),
                      ev("record_check", "2025-05-29", result="record_found", found="traffic_offense")],
                     "2025-06-01", None, id="a traffic record can bear on a driving allegation"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found", bears_on_allegation=False),
                      ev("record_check", "2025-05-30", result="record_found", bears_on_allegation=True)],
                     "2025-06-01", None, id="one check found a record that bears on it"),
    ],
)  # fmt: skip
def test_allegation_without_record(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("allegation_without_record", events, as_of)) == expected


def test_allegation_explanation_says_what_it_rests_on() -> None:
    (flag,) = run("allegation_without_record", [TATTOOS], "2025-05-01")
    assert flag.explanation.startswith("An allegation of gang membership by DHS on 2024-08 rests on tattoos")
    assert "No criminal-record check is on file" in flag.explanation


def test_an_unrelated_record_is_named_and_does_not_silence_the_flag() -> None:
    ticket = ev("record_check", "2025-05-29", "ticket", result="record_found", found="traffic_offense",
                jurisdiction="Texas")  # fmt: skip
    (flag,) = run("allegation_without_record", [TATTOOS, ticket], "2025-06-01")
    assert "does not bear on the allegation: traffic offense (Texas, 2025-05-29)." in flag.explanation
    assert flag.evidence == ("alleged", "ticket")
    assert "1229a(c)(2)" in flag.legal_basis and "1229a(c)(3)(A)" in flag.legal_basis


CONVICTION = ev("record_check", "2025-05-29", result="record_found", found="conviction for the conduct alleged",
                bears_on_allegation=True)  # fmt: skip


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param([TATTOOS], "2025-05-01", WARNING, id="tattoos only"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership", basis=["tattoo", "clothing",
                      "social_media", "nationality", "association"])], "2025-05-01", WARNING,
                     id="every appearance basis together is still appearance"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership", basis=["tattoo", "criminal_record"])],
                     "2025-05-01", None, id="tattoos and a criminal record"),
        pytest.param([TATTOOS, CONVICTION], "2025-06-01", None, id="tattoos, and a conviction for the alleged conduct"),
        pytest.param([TATTOOS, ev("record_check", "2025-05-29", result="record_found", found="traffic_offense")],
                     "2025-06-01", WARNING, id="tattoos and a traffic ticket"),
        pytest.param([ev("allegation", "2024-08", basis=["tattoo", "informant"])], "2025-05-01", None,
                     id="an informant too: not appearance alone"),
        pytest.param([ev("allegation", "2024-08", basis=["tattoo", "other"])], "2025-05-01", None,
                     id="other grounds too: not known to be appearance alone"),
        pytest.param([ev("allegation", "2024-08", claim="gang_membership")], "2025-05-01", None,
                     id="no basis stated: allegation_without_record's business"),
        pytest.param([ev("allegation", "2025-05", basis=["clothing"])], "2025-05-10", WARNING_POSSIBLE,
                     id="may fall after as-of"),
    ],
)  # fmt: skip
def test_allegation_on_appearance(events, as_of, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome(run("allegation_on_appearance", events, as_of)) == expected


def test_appearance_flag_explains_itself_and_cites_what_it_can_name() -> None:
    (flag,) = run("allegation_on_appearance", [TATTOOS], "2025-05-01")
    assert flag.explanation.startswith(
        "An allegation of gang membership by DHS on 2024-08 rests on tattoos and nothing"
    )
    assert flag.evidence == ("alleged",)
    for cite in ("50 U.S.C. § 21", "604 U.S. ___ (2025)", "Apr. 7, 2025", "605 U.S. ___ (2025)", "May 16, 2025",
                 "No. 1:25-cv-00766-JEB (D.D.C.)", "507 U.S. 292"):  # fmt: skip
        assert cite in flag.legal_basis, cite

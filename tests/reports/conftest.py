"""Fixtures for the report tests: a synthetic case and the report built from it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from habeas.domain.timeline import build_timeline
from habeas.domain.whereabouts import derive_whereabouts
from habeas.ingest.casefile import CaseFile, parse_casefiles
from habeas.reports.filing import ExhibitOptions, Preparer
from habeas.reports.known import citable_on
from habeas.reports.model import Report, build_report

DATA = Path(__file__).parent / "data"
AS_OF = date(2025, 5, 1)
GENERATED_AT = datetime(2025, 5, 2, 9, 30, tzinfo=UTC)

SYNTHETIC_FLAG = {
    "rule": "removed_with_pending_proceedings",
    "severity": "critical",
    "certainty": "certain",
    "person": "syn-ana",
    "as_of": "2025-05-01",
    "title": "Removed while proceedings were pending",
    "explanation": "Removed while the asylum claim was undecided.",
    "evidence": ["syn-claim", "syn-handed"],
    "sources": ["syn-court-2025-02", "syn-news-2025-04-02"],
    "legal_basis": "Synthetic legal basis for the test.",
}


def synthetic_casefile() -> CaseFile:
    return parse_casefiles([DATA / "synthetic.yaml"])


SYNTHETIC_OPTIONS = ExhibitOptions(
    court="United States District Court for the Southern District of Example",
    case_name="Ana Ejemplo, Petitioner, v. Warden of the Example Detention Center, Respondent.",
    case_number="3:25-cv-00000 (synthetic)",
    letter="A",
    preparer=Preparer("Counsel of record (synthetic)", "Counsel for Petitioner", "EX 000000"),
)


def synthetic_report(
    include_sensitive: bool = False,
    as_of: date = AS_OF,
    known_on: date | None = None,
    options: ExhibitOptions = SYNTHETIC_OPTIONS,
) -> Report:
    casefile = synthetic_casefile()
    sources = {s.id: s for s in casefile.sources}
    timeline = citable_on(build_timeline(casefile.people[0], casefile.events, sources, known_on))
    return build_report(
        timeline,
        derive_whereabouts(timeline, as_of),
        [SYNTHETIC_FLAG],
        generated_at=GENERATED_AT,
        include_sensitive=include_sensitive,
        options=options,
    )


@pytest.fixture
def make_report():  # type: ignore[no-untyped-def]
    return synthetic_report


@pytest.fixture
def report() -> Report:
    return synthetic_report()


@pytest.fixture
def sensitive_report() -> Report:
    return synthetic_report(include_sensitive=True)

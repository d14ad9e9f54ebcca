"""Fixtures for the interchange tests: the synthetic case shared with the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.ingest.casefile import CaseFile, parse_casefiles

SYNTHETIC = Path(__file__).parents[1] / "reports" / "data" / "synthetic.yaml"
PFIF_SAMPLES = Path(__file__).parents[3] / "shared" / "interop" / "pfif"

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

# Values that must never leave habeas without include_sensitive.
SECRETS = ("A000000000", "political_opinion", "unwell")


@pytest.fixture
def flags() -> list[dict[str, object]]:
    return [dict(SYNTHETIC_FLAG)]


@pytest.fixture
def secrets() -> tuple[str, ...]:
    return SECRETS


@pytest.fixture
def casefile() -> CaseFile:
    return parse_casefiles([SYNTHETIC])


@pytest.fixture
def pfif_sample() -> Path:
    path = PFIF_SAMPLES / "sample-pfif-1.4.xml"
    if not path.is_file():
        pytest.skip(f"the PFIF 1.4 sample is not there ({path}); it ships in shared/interop/pfif/")
    return path

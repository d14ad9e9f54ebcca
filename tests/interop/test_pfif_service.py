"""The PFIF export service: names from the [pfif] settings, the threshold from the rule settings, no export time.

Over a real SQLite database holding the synthetic case (no real person).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from habeas.interop.pfif import NS, pfif_problems
from habeas.services import Actor, Context, ServiceError, reports, track
from habeas.settings import Settings

SYNTHETIC = Path(__file__).parents[1] / "reports" / "data" / "synthetic.yaml"
AS_OF = date(2025, 5, 1)
_PFIF = f"{{{NS}}}"


@dataclass(frozen=True)
class FixedClock:
    moment: datetime

    def today(self) -> date:
        return self.moment.date()

    def now(self) -> datetime:
        return self.moment


def _context(url: str, config: Path, moment: datetime) -> Context:
    return Context(Settings.load(database_url=url, config_path=config), Actor("tester"), FixedClock(moment))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "habeas.toml"
    path.write_text('[pfif]\nauthor_name = "Synthetic Legal Aid"\nsource_name = "Synthetic Tracker"\n', "utf-8")
    return path


@pytest.fixture
def url(sqlite_url: str, config: Path) -> str:
    ctx = _context(sqlite_url, config, datetime(2025, 4, 3, 8, 0, tzinfo=UTC))
    track.init_database(ctx)
    track.import_casefiles(ctx, [SYNTHETIC])
    return sqlite_url


def _notes(data: bytes) -> list[dict[str, str]]:
    root = ElementTree.fromstring(data)
    return [{c.tag.removeprefix(_PFIF): c.text or "" for c in note} for note in root.iter(f"{_PFIF}note")]


def test_exports_at_different_times_of_the_same_records_as_of_one_day_are_identical(url: str, config: Path) -> None:
    morning = _context(url, config, datetime(2025, 6, 1, 9, 0, tzinfo=UTC))
    evening = _context(url, config, datetime(2025, 9, 9, 23, 59, tzinfo=UTC))
    first = reports.export_data(morning, "pfif", as_of=AS_OF)
    assert pfif_problems(first) == []
    assert reports.export_data(evening, "pfif", as_of=AS_OF) == first
    assert b"2025-06-01" not in first and b"2025-09-09" not in first


def test_the_export_names_its_author_and_source_from_the_settings(url: str, config: Path) -> None:
    data = reports.export_data(_context(url, config, datetime(2025, 6, 1, tzinfo=UTC)), "pfif", as_of=AS_OF)
    root = ElementTree.fromstring(data)
    assert {e.text for e in root.iter(f"{_PFIF}author_name")} == {"Synthetic Legal Aid"}
    assert {e.text for e in root.iter(f"{_PFIF}source_name")} == {"Synthetic Tracker"}
    assert b"tester" not in data  # the user who exports is not named when the settings name an author


def test_the_missing_threshold_is_the_no_proof_of_life_rules_critical_days(url: str, config: Path) -> None:
    # Handed over on 16 March: 46 days without proof of life on 1 May.
    ctx = _context(url, config, datetime(2025, 6, 1, tzinfo=UTC))
    (where,) = [
        n for n in _notes(reports.export_data(ctx, "pfif", as_of=AS_OF)) if "/whereabouts." in n["note_record_id"]
    ]
    assert where["status"] == "believed_missing"
    config.write_text(config.read_text("utf-8") + "\n[rules.no_proof_of_life]\ncritical_days = 60\n", "utf-8")
    (where,) = [
        n for n in _notes(reports.export_data(ctx, "pfif", as_of=AS_OF)) if "/whereabouts." in n["note_record_id"]
    ]
    assert "status" not in where


def test_a_bad_pfif_settings_table_stops_the_export_with_the_file_named(url: str, config: Path) -> None:
    config.write_text('[pfif]\nauthor = "x"\n', "utf-8")
    with pytest.raises(ServiceError, match=r"habeas\.toml: \[pfif\] author: no such setting"):
        reports.export_data(_context(url, config, datetime(2025, 6, 1, tzinfo=UTC)), "pfif", as_of=AS_OF)

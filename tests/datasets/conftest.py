"""Fixtures for dataset tests: a context with its own data directory, and files shaped like the releases."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from habeas.services import Actor, Context
from habeas.settings import Settings

SHARED_DATASETS = Path(__file__).parents[3] / "shared" / "datasets"
REAL_REMOVALS = SHARED_DATASETS / "ice-removals-seattle-expedited-fy2012-2019.csv"
REAL_FACILITIES = SHARED_DATASETS / "ice-facility-list-2017.psv.gz"

# The title and note rows ICE puts above the header, as in the released removals file.
TITLE_ROWS = (
    "ERO-LESA Statistical Tracking Unit",
    "For Official Use Only (FOUO)/Pre-decisional",
    "UW v. DHS - ICE Productions",
    "Please review the last tab for footnotes.",
    "",
)

DETENTION_HEADER = (
    "Stay Book In Date Time",
    "Detention Book In Date And Time",
    "Detention Book Out Date Time",
    "Stay Book Out Date Time",
    "Citizenship Country",
    "Gender",
    "Birth Year",
    "Most Serious Conviction (MSC) Criminal Charge Category",
    "MSC Charge",
    "Detention Facility Code",
    "Detention Facility",
    "Detention Release Reason",
    "Stay Release Reason",
    "Anonymized Identifier",
)


def real_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"real release {path.name} not found in {path.parent} (the shared datasets folder)")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    home = tmp_path / "home"
    return Settings(data_dir=home, database_url=f"sqlite:///{home / 'habeas.db'}", config_path=tmp_path / "none.toml")


@pytest.fixture
def dctx(settings: Settings) -> Context:
    from habeas.services import track

    context = Context(settings, Actor("tester"))
    track.init_database(context)  # the acting user "tester" becomes the database's first admin
    return context


def csv_text(rows: Sequence[Sequence[object]], separator: str = ",") -> str:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if separator in text or '"' in text else text

    return "".join(separator.join(cell(v) for v in row) + "\n" for row in rows)


@pytest.fixture
def write_release(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV shaped like a release: title rows, the header, the rows, then footnotes."""

    def write(
        name: str,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        titles: Sequence[str] = TITLE_ROWS,
        footnotes: Sequence[str] = (),
        separator: str = ",",
        compress: bool = False,
        encoding: str = "utf-8",
    ) -> Path:
        width = len(header)
        padded = [[t, *[""] * (width - 1)] for t in titles]
        notes = [[f, *[""] * (width - 1)] for f in footnotes]
        text = csv_text([*padded, header, *rows, *notes], separator)
        path = tmp_path / name
        data = text.encode(encoding)
        path.write_bytes(gzip.compress(data) if compress else data)
        return path

    return write


def detention_row(
    person: str,
    stay_in: str,
    book_in: str,
    book_out: str | None,
    stay_out: str | None,
    facility: str = "CSCNWWA",
    reason: str | None = "Removed",
    stay_reason: str | None = "Removed",
    conviction: str | None = None,
    country: str = "MEXICO",
) -> list[object]:
    names = {"CSCNWWA": "NORTHWEST DETENTION CENTER", "STWRTGA": "STEWART DETENTION CENTER", "EPC": "EL PASO SPC"}
    return [
        stay_in, book_in, book_out, stay_out, country, "Male", 1990, "Traffic Offenses" if conviction else None,
        conviction, facility, names.get(facility, facility), reason if book_out else None,
        stay_reason if stay_out else None, person,
    ]  # fmt: skip

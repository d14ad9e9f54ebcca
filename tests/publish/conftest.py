"""Synthetic people for the public page's tests: 400 fictitious people with custody, hearings and flags."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from habeas.cli import app

ADMIN = "publish-admin"
AS_OF = "2025-06-01"
PEOPLE = 400
COUNTRIES = ("VE", "GT", "HN", "SV", "MX", "CU", "NI", "CO", "EC", "HT", "IN", "CN")
FACILITIES = ("Otay Mesa Detention Center", "El Valle Detention Facility", "Port Isabel Service Processing Center")
runner = CliRunner()


def synthetic_case_file(count: int = PEOPLE, seed: int = 15) -> dict[str, Any]:
    """Fictitious people (names "Synthetic N"), each with a book-in and, for most, what happened next."""
    rng = random.Random(seed)
    people, events = [], []
    for i in range(count):
        pid = f"syn-{i:03d}"
        basis = rng.choice(["political_opinion", "religion", "race"])
        people.append({"id": pid, "name": f"Synthetic {i}", "citizenship": rng.choice(COUNTRIES[: 4 + i % 9]),
                       "sensitive": {"asylum_basis": [basis]}})  # fmt: skip
        booked = f"2025-0{1 + i % 4}-{1 + i % 27:02d}"
        events.append({"id": f"{pid}-in", "person": pid, "kind": "booked_in", "date": booked,
                       "facility": rng.choice(FACILITIES)})  # fmt: skip
        fate = rng.random()
        if fate < 0.45:
            events.append({"id": f"{pid}-hs", "person": pid, "kind": "hearing_scheduled", "date": booked,
                           "scheduled_for": "2025-09-15"})  # fmt: skip
        if fate < 0.25:
            events.append({"id": f"{pid}-out", "person": pid, "kind": "removed", "date": "2025-05-10",
                           "destination": rng.choice(["SV", "VE", "MX", "GT"])})  # fmt: skip
        elif fate < 0.35:
            events.append({"id": f"{pid}-out", "person": pid, "kind": "released", "date": "2025-05-12"})
        elif fate < 0.42:
            events.append({"id": f"{pid}-out", "person": pid, "kind": "handed_over", "date": "2025-04-20",
                           "to": "El Salvador", "country": "SV"})  # fmt: skip
        elif fate < 0.7:
            events.append({"id": f"{pid}-pol", "person": pid, "kind": "proof_of_life", "date": "2025-05-25"})
    return {"habeas": 1, "people": people, "events": events}


def make_db(url: str, folder: Path, doc: dict[str, Any]) -> str:
    (folder / "people.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    for command in (["init"], ["import", str(folder / "people.yaml")]):
        result = runner.invoke(app, [*command, "--db", url, "--user", ADMIN])
        assert result.exit_code == 0, result.output
    return url


def publish(db: str, out: Path, *extra: str) -> Any:
    return runner.invoke(app, ["publish", "--out", str(out), "--as-of", AS_OF, *extra, "--db", db, "--user", ADMIN])


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One database of 400 synthetic people, published in English and in Spanish, and its flags (habeas check)."""
    folder = tmp_path_factory.mktemp("publish")
    db = make_db(f"sqlite:///{folder / 'habeas.db'}", folder, synthetic_case_file())
    out = {}
    for lang in ("en", "es"):
        result = publish(db, folder / lang, "--lang", lang, "--publisher", "Example Coalition (synthetic)")
        assert result.exit_code == 0, result.output
        out[lang] = folder / lang
    out["db"] = folder / "habeas.db"
    checked = runner.invoke(app, ["check", "--as-of", AS_OF, "--format", "json", "--db", db, "--user", ADMIN])
    assert checked.exit_code == 0, checked.output
    (folder / "flags.json").write_text(checked.output, encoding="utf-8")
    out["flags"] = folder / "flags.json"
    return out

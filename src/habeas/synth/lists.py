"""Synthetic lists of people with known truth: the same fictitious people, written by several sources.

Each list records a person with a given probability (a list may depend on the first one, the
way people known to one source are more often known to another), in its own style (full name
with accents, an upper-case roster "SURNAMES, GIVEN", separate name columns) and with the
mistakes real lists make: a letter wrong, the second surname dropped, accents lost, name order
swapped, the birth year off by one, a field missing. An optional anonymized release holds no
names, only birth year, citizenship, sex and custody spells. ``truth`` says which person each
record is, for measuring linkage and for testing population estimates.

Every person here is fictitious: names come from names.yaml, facilities from data.yaml.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from habeas.linkage.types import CustodySpell, LinkRecord, RecordRef
from habeas.synth.reference import reference

RELEASE_SOURCE = "release"
STYLES = ("full", "roster", "parts")  # list k is written in style k mod 3
# Weight of each mistake relative to ``corruption`` (0.3 makes a typo in 15% of records).
MISTAKES = {"typo": 0.5, "drop_surname": 0.4, "accents": 0.5, "swap": 0.3, "year_off": 0.3, "missing": 0.3}


@dataclass(frozen=True)
class Person:
    id: str
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    birth_date: date
    citizenship: str
    sex: str
    custody: tuple[CustodySpell, ...]


@dataclass(frozen=True)
class SyntheticLists:
    records: tuple[LinkRecord, ...]
    truth: Mapping[RecordRef, str]  # record → the true person's id
    lists: tuple[str, ...]  # the named lists' source ids, in order
    people: int  # people drawn, whether or not any list holds them
    release: str | None = None  # the anonymized release's source id, when made


@cache
def _names() -> dict[str, Any]:
    text = resources.files("habeas.synth").joinpath("names.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def synthetic_lists(
    people: int,
    lists: int = 3,
    *,
    seed: int,
    inclusion: float | Sequence[float] = 0.6,
    dependence: float = 0.0,
    corruption: float = 0.3,
    release: bool = False,
) -> SyntheticLists:
    """``people`` fictitious people recorded in ``lists`` lists (and an anonymized release).

    ``inclusion`` is each list's probability of holding a person (one value, or one per list).
    ``dependence`` (-1 to 1) ties lists 2.. to list 1: at d > 0 a person on list 1 is on list k
    with probability p + d(1 - p) and a person not on it with p(1 - d); d < 0 reverses the tie.
    ``corruption`` scales how often a record has each kind of mistake (0 makes exact copies).
    """
    probabilities = _inclusion(inclusion, lists)
    if not -1.0 <= dependence <= 1.0:
        raise ValueError(f"dependence must be between -1 and 1, not {dependence}")
    if not 0.0 <= corruption <= 1.0:
        raise ValueError(f"corruption must be between 0 and 1, not {corruption}")
    rng = random.Random(seed)
    sources = tuple(f"list-{k + 1}" for k in range(lists))
    records: list[LinkRecord] = []
    truth: dict[RecordRef, str] = {}
    for index in range(people):
        person = _person(rng, index)
        first = rng.random() < probabilities[0] if lists else False
        for k, source in enumerate(sources):
            held = first if k == 0 else rng.random() < _tied(probabilities[k], dependence, first)
            if held:
                record = _written(rng, person, RecordRef(source, str(len(truth) + 1)), STYLES[k % 3], corruption)
                records.append(record)
                truth[record.ref] = person.id
        if release and person.custody and rng.random() < 0.8:
            record = _release_row(rng, person)
            records.append(record)
            truth[record.ref] = person.id
    return SyntheticLists(tuple(records), truth, sources, people, RELEASE_SOURCE if release else None)


def _inclusion(inclusion: float | Sequence[float], lists: int) -> list[float]:
    values = [float(inclusion)] * lists if isinstance(inclusion, (int, float)) else [float(p) for p in inclusion]
    if len(values) != lists:
        raise ValueError(f"inclusion gives {len(values)} probabilities for {lists} lists")
    if any(not 0.0 <= p <= 1.0 for p in values):
        raise ValueError("each inclusion probability must be between 0 and 1")
    return values


def _tied(p: float, dependence: float, on_first: bool) -> float:
    if dependence >= 0:
        return p + dependence * (1 - p) if on_first else p * (1 - dependence)
    return p * (1 + dependence) if on_first else p - dependence * (1 - p)


def _weighted(rng: random.Random, table: str) -> str:
    values, cumulative = _cumulative(table)
    return rng.choices(values, cum_weights=cumulative)[0]


@cache
def _cumulative(table: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """A table of names.yaml (or the facilities), its values and running totals of its weights, summed once.

    random.choices sums weights= into exactly these running totals on every call, so passing
    them as cum_weights= draws the same values from the same seed, without the sum per draw.
    """
    if table == "facilities":
        facilities = reference()["facilities"]
        return tuple(f["code"] for f in facilities), tuple(accumulate(f["weight"] for f in facilities))
    weights: Mapping[str, float] = _names()[table]
    return tuple(weights), tuple(accumulate(weights.values()))


def _person(rng: random.Random, index: int) -> Person:
    sex = _weighted(rng, "sex")
    pool = "given_male" if sex == "M" else "given_female"
    given = tuple(_weighted(rng, pool) for _ in range(1 if rng.random() < 0.35 else 2))
    if len(given) == 2 and given[0] == given[1]:
        given = given[:1]
    surnames = tuple(
        _weighted(rng, "particle_surnames") if rng.random() < 0.04 else _weighted(rng, "surnames") for _ in range(2)
    )
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(46 * 365))
    return Person(f"person-{index + 1:07d}", given, surnames, born, _weighted(rng, "citizenship"), sex,
                  _custody(rng))  # fmt: skip


def _custody(rng: random.Random) -> tuple[CustodySpell, ...]:
    start = date(2024, 1, 1) + timedelta(days=rng.randrange(400))
    spells = []
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        facility = _weighted(rng, "facilities")
        end = start + timedelta(days=rng.randrange(3, 90))
        spells.append(CustodySpell(facility, start, end))
        start = end
    return tuple(spells)


def _written(rng: random.Random, person: Person, ref: RecordRef, style: str, corruption: float) -> LinkRecord:
    """The person as one list writes them, with this list's mistakes."""
    mistakes = {m for m, weight in MISTAKES.items() if rng.random() < corruption * weight}
    given, surnames = list(person.given), list(person.surnames)
    if "drop_surname" in mistakes:
        surnames = surnames[:1]
    if "typo" in mistakes:
        given, surnames = _typo(rng, given, surnames)
    if style == "roster" or "accents" in mistakes:
        given, surnames = [_plain(w) for w in given], [_plain(w) for w in surnames]
    record = LinkRecord(
        ref,
        birth_date=person.birth_date if style == "full" else None,
        birth_year=person.birth_date.year,
        citizenship=person.citizenship,
        sex=person.sex,
        custody=person.custody[:1] if style == "roster" else (),
    )
    record = _named(record, style, given, surnames, "swap" in mistakes)
    if "year_off" in mistakes:
        record = replace(record, birth_date=None, birth_year=person.birth_date.year + rng.choice((-1, 1)))
    if "missing" in mistakes:
        lost = rng.choice(("birth_year", "citizenship", "sex"))
        record = replace(
            record,
            birth_date=None,
            birth_year=None if lost == "birth_year" else record.birth_year,
            citizenship=None if lost == "citizenship" else record.citizenship,
            sex=None if lost == "sex" else record.sex,
        )
    return record


def _named(record: LinkRecord, style: str, given: list[str], surnames: list[str], swap: bool) -> LinkRecord:
    if style == "parts":
        return replace(record, given_names=" ".join(given), surnames=" ".join(surnames))
    if style == "roster":
        written = f"{' '.join(surnames)}, {' '.join(given)}"
        return replace(record, full_name=(" ".join(surnames + given) if swap else written).upper())
    return replace(record, full_name=" ".join(surnames + given if swap else given + surnames))


def _typo(rng: random.Random, given: list[str], surnames: list[str]) -> tuple[list[str], list[str]]:
    words = given + surnames
    at = rng.randrange(len(words))
    word = words[at]
    letter = rng.randrange(1, len(word)) if len(word) > 1 else 0
    kind = rng.choice(("change", "drop", "swap"))
    if kind == "drop" and len(word) > 3:
        word = word[:letter] + word[letter + 1 :]
    elif kind == "swap" and letter < len(word) - 1:
        word = word[:letter] + word[letter + 1] + word[letter] + word[letter + 2 :]
    else:
        word = word[:letter] + rng.choice("aeioulnrst".replace(word[letter].lower(), "")) + word[letter + 1 :]
    words[at] = word
    return words[: len(given)], words[len(given) :]


def _plain(word: str) -> str:
    """The word without accents (ñ becomes n), as many lists type it."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _release_row(rng: random.Random, person: Person) -> LinkRecord:
    return LinkRecord(
        RecordRef(RELEASE_SOURCE, f"{rng.getrandbits(64):016x}"),
        named=False,
        birth_year=person.birth_date.year,
        citizenship=person.citizenship,
        sex=person.sex,
        custody=person.custody,
    )


COLUMNS = ("No.", "Name", "Nationality", "Sex", "Birth year", "Birth date", "Facility", "Booked in")


def write_lists(result: SyntheticLists, out_dir: Path) -> list[Path]:
    """For each list (and the release) a CSV and a mapping for `habeas datasets import mapped-list`, and truth.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in (*result.lists, *([result.release] if result.release else [])):
        rows = [r for r in result.records if r.ref.source == source]
        csv_path, mapping_path = out_dir / f"{source}.csv", out_dir / f"{source}.mapping.yaml"
        with csv_path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            writer.writerows(_row(r) for r in rows)
        mapping_path.write_text(yaml.safe_dump(_mapping(source), sort_keys=False, allow_unicode=True), encoding="utf-8")
        written += [csv_path, mapping_path]
    truth_path = out_dir / "truth.csv"
    with truth_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("source", "record_id", "person"))
        writer.writerows((ref.source, ref.record_id, person) for ref, person in sorted(result.truth.items()))
    return [*written, truth_path]


def _row(record: LinkRecord) -> tuple[str, ...]:
    name = record.full_name or ", ".join(p for p in (record.surnames, record.given_names) if p)
    spell = record.custody[0] if record.custody else None
    return (
        record.ref.record_id,
        name,
        record.citizenship or "",
        {"M": "male", "F": "female"}.get(record.sex or "", ""),
        str(record.birth_year) if record.birth_year else "",
        record.birth_date.isoformat() if record.birth_date else "",
        (spell.facility or "") if spell else "",
        spell.start.isoformat() if spell and spell.start else "",
    )


def _mapping(source: str) -> dict[str, Any]:
    anonymized = source == RELEASE_SOURCE
    person: dict[str, Any] = {"id": "No."}
    if not anonymized:
        person["name"] = "Name"
    person |= {"citizenship": "Nationality", "gender": "Sex", "birth_year": "Birth year"}
    return {
        "title": f"Synthetic {'anonymized release' if anonymized else 'list'} {source} (fictitious people)",
        "publisher": "habeas synth",
        "id_prefix": f"{source}-",
        "person": person,
        "events": [{"kind": "booked_in", "date": "Booked in", "facility_code": "Facility"}],
    }

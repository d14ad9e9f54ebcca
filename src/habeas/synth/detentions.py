"""Synthetic detention history: people, their stays, and the placements chained inside each stay."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from habeas.synth.reference import draw, draw_index, reference

MINUTES_PER_DAY = 1440


def detention_placements(rows: int, seed: int = 0, start: date = date(2012, 1, 1), years: float = 12.0) -> pl.DataFrame:
    """``rows`` placements in canonical columns, over ``years`` from ``start``.

    Stays hold one to eight placements (the later ones are transfers); a few people have
    several stays; stays still open on the last observed day have no book-out; most people
    have no conviction on record.
    """
    if rows <= 0:
        return _frame(np.random.default_rng(seed), _empty_plan(), start)
    rng = np.random.default_rng(seed)
    last_day = start + timedelta(days=round(365.25 * years))
    plan = _plan(rng, rows, (last_day - start).days * MINUTES_PER_DAY)
    return _frame(rng, plan, start)


def _empty_plan() -> pl.DataFrame:
    schema = {"person": pl.Int64, "stay": pl.Int64, "book_in": pl.Int64, "book_out": pl.Int64}
    return pl.DataFrame(schema=schema | {"stay_in": pl.Int64, "stay_out": pl.Int64, "last": pl.Boolean})


def _plan(rng: np.random.Generator, rows: int, span: int) -> pl.DataFrame:
    """Minutes from the start for every placement: person, stay, book-in/out, stay in/out."""
    n_stays = int(rows * 0.75) + 16
    per_stay = np.minimum(rng.geometric(0.62, n_stays), 8)
    stays_per_person = rng.choice([1, 2, 3], p=[0.86, 0.11, 0.03], size=n_stays)
    person_of_stay = np.repeat(np.arange(n_stays), stays_per_person)[:n_stays]
    duration = np.clip(np.exp(rng.normal(np.log(12 * MINUTES_PER_DAY), 1.3, per_stay.sum())), 120, 3 * 365 * 1440)
    stay_of_placement = np.repeat(np.arange(n_stays), per_stay)
    placements = pl.DataFrame(
        {
            "stay": stay_of_placement,
            "person": person_of_stay[stay_of_placement],
            "duration": duration.astype(np.int64),
        }
    )
    gap = np.exp(rng.normal(np.log(300 * MINUTES_PER_DAY), 0.8, n_stays)).astype(np.int64)
    stays = (
        placements.group_by("stay", maintain_order=True)
        .agg(pl.first("person"), stay_length=pl.sum("duration"))
        .with_columns(gap=gap, first_start=rng.integers(0, span, n_stays)[person_of_stay])
        .with_columns(
            stay_in=pl.col("first_start")
            + (pl.col("stay_length") + pl.col("gap")).cum_sum().over("person")
            - (pl.col("stay_length") + pl.col("gap"))
        )
        .with_columns(stay_out=pl.col("stay_in") + pl.col("stay_length"))
    )
    plan = (
        placements.join(stays.select("stay", "stay_in", "stay_out"), on="stay")
        .with_columns(book_out=pl.col("stay_in") + pl.col("duration").cum_sum().over("stay"))
        .with_columns(book_in=pl.col("book_out") - pl.col("duration"))
        .filter(pl.col("book_in") < span)
        .with_columns(
            last=pl.col("book_out") == pl.col("stay_out"),
            book_out=pl.when(pl.col("book_out") <= span).then("book_out"),
            stay_out=pl.when(pl.col("stay_out") <= span).then("stay_out"),
        )
        .sort("person", "book_in")
        .head(rows)
    )
    return _close_cut_person(plan)


def _close_cut_person(plan: pl.DataFrame) -> pl.DataFrame:
    """The person cut by ``head`` keeps an open last placement, as if still held on the last day."""
    if plan.is_empty():
        return plan
    last_row = plan.height - 1
    if plan["last"][last_row] or plan["book_out"][last_row] is None:
        return plan
    cut_stay = plan["stay"][last_row]
    return plan.with_columns(
        book_out=pl.when(pl.int_range(pl.len()) == last_row).then(None).otherwise("book_out"),
        stay_out=pl.when(pl.col("stay") == cut_stay).then(None).otherwise("stay_out"),
        last=pl.when(pl.int_range(pl.len()) == last_row).then(True).otherwise("last"),
    )


def _frame(rng: np.random.Generator, plan: pl.DataFrame, start: date) -> pl.DataFrame:
    ref = reference()
    people = _people(rng, plan)
    origin = datetime(start.year, start.month, start.day)

    def stamp(name: str) -> pl.Expr:
        return (pl.lit(origin) + pl.duration(minutes=pl.col(name))).alias(name)

    facility = _facilities(rng, plan)
    reasons = draw(rng, ref["stay_release_reasons"], plan["stay"].n_unique() if plan.height else 0)
    stay_reason = pl.DataFrame({"stay": plan["stay"].unique(maintain_order=True), "reason": reasons})
    return (
        plan.with_columns(facility)
        .join(stay_reason, on="stay", how="left")
        .with_columns(
            stay_release_reason=pl.when(pl.col("stay_out").is_not_null()).then("reason"),
            detention_release_reason=pl.when(pl.col("book_out").is_null())
            .then(None)
            .when(pl.col("last"))
            .then("reason")
            .otherwise(pl.lit("Transferred")),
        )
        .join(people, left_on="person", right_on="index", how="left")
        .with_columns(
            stamp("stay_in").alias("stay_book_in"),
            stamp("book_in"),
            stamp("book_out"),
            stamp("stay_out").alias("stay_book_out"),
        )
        .with_columns(entry_date=(pl.col("stay_book_in") - pl.duration(days="entry_days_before")).dt.date())
        .with_columns(
            msc_conviction_date=(pl.col("stay_book_in") - pl.duration(days="conviction_days_before")).dt.date()
        )
        .with_columns(
            person=pl.col("anonymized_id"),
            birth_year=pl.col("stay_book_in").min().over("person").dt.year() - pl.col("age"),
        )
        .select(COLUMNS)
    )


COLUMNS = [
    "person", "stay_book_in", "book_in", "book_out", "stay_book_out", "birth_country", "citizenship_country",
    "gender", "birth_year", "entry_date", "entry_status", "msc_category", "msc_charge", "msc_conviction_date",
    "final_program", "facility_code", "facility", "area_of_responsibility", "detention_release_reason",
    "stay_release_reason",
]  # fmt: skip


def _facilities(rng: np.random.Generator, plan: pl.DataFrame) -> list[pl.Series]:
    ref = reference()
    facilities = ref["facilities"]
    index = draw_index(rng, [f["weight"] for f in facilities], plan.height)
    # A transfer goes to another facility: move a repeat of the previous one to the next in the list.
    previous = np.roll(index, 1)
    same_stay = plan["stay"].to_numpy() == np.roll(plan["stay"].to_numpy(), 1)
    index = np.where(same_stay & (index == previous), (index + 1) % len(facilities), index)
    aor_names = ref["areas_of_responsibility"]
    codes = np.array([f["code"] for f in facilities], dtype=object)
    names = np.array([f["name"] for f in facilities], dtype=object)
    aors = np.array([aor_names[f["aor"]] for f in facilities], dtype=object)
    return [
        pl.Series("facility_code", codes[index], dtype=pl.String),
        pl.Series("facility", names[index], dtype=pl.String),
        pl.Series("area_of_responsibility", aors[index], dtype=pl.String),
    ]


def _people(rng: np.random.Generator, plan: pl.DataFrame) -> pl.DataFrame:
    ref = reference()
    index = plan["person"].unique().sort().to_numpy()
    n = len(index)
    citizenship = draw(rng, ref["countries"], n)
    born_elsewhere = rng.random(n) < 0.04
    birth_country = np.where(born_elsewhere, draw(rng, ref["countries"], n), citizenship)
    convicted = rng.random(n) < ref["conviction_share"]
    categories = list(ref["conviction_categories"])
    category = np.array(categories, dtype=object)[rng.integers(0, len(categories), n)]
    charges = {c: np.array(v, dtype=object) for c, v in ref["conviction_categories"].items()}
    pick = rng.integers(0, 3, n)
    charge = np.empty(n, dtype=object)
    for name, options in charges.items():
        mask = category == name
        charge[mask] = options[pick[mask] % len(options)]
    entry_known = rng.random(n) > 0.15
    return pl.DataFrame(
        {
            "index": index,
            "anonymized_id": _anonymized_ids(rng, n),
            "citizenship_country": citizenship.astype(str),
            "birth_country": birth_country.astype(str),
            "gender": draw(rng, ref["genders"], n).astype(str),
            "age": np.clip(rng.normal(32, 10, n), 16, 80).astype(np.int32),
            "entry_status": draw(rng, ref["entry_statuses"], n).astype(str),
            "final_program": draw(rng, ref["final_programs"], n).astype(str),
            "msc_category": pl.Series(category.astype(str)).scatter(np.flatnonzero(~convicted), None),
            "msc_charge": pl.Series(charge.astype(str)).scatter(np.flatnonzero(~convicted), None),
            "conviction_days_before": pl.Series(rng.integers(30, 3650, n)).scatter(np.flatnonzero(~convicted), None),
            "entry_days_before": pl.Series(rng.integers(1, 5000, n)).scatter(np.flatnonzero(~entry_known), None),
        },
        schema_overrides={"msc_category": pl.String, "msc_charge": pl.String},
    )


def _anonymized_ids(rng: np.random.Generator, n: int) -> pl.Series:
    """Distinct opaque ids (16 hex digits), like the hashed identifiers of the releases."""
    salt = np.uint64(rng.integers(0, 2**40))
    # Multiplying by an odd constant modulo 2**64 and xor-shifting are bijections: the ids are distinct.
    mixed = np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + salt
    mixed ^= mixed >> np.uint64(29)
    values = pl.Series("v", mixed * np.uint64(0xBF58476D1CE4E5B9), dtype=pl.UInt64)

    def digit(k: int) -> pl.Expr:
        nibble: pl.Expr = pl.col("v") // (16**k) % 16
        return nibble.replace_strict(range(16), list("0123456789abcdef"))

    return pl.DataFrame(values).select(pl.concat_str([digit(k) for k in reversed(range(16))]))["v"]

"""The linkage model as Splink settings: the columns it reads, its comparisons and its blocking rules.

Imported only by habeas.linkage.engine, inside find_candidates: it imports Splink at the top.
Every comparison here uses SQL that DuckDB and Spark both run natively (equality, Levenshtein,
array intersections), so the same model runs on either engine without Splink's Spark UDF jar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from habeas.linkage.names import NormalizedName, normalize_name
from habeas.linkage.types import ComparisonLevel, LinkRecord

MAX_MONTHS_PER_SPELL = 24  # a spell longer than two years adds no more months to compare


@dataclass(frozen=True)
class Level:
    level: ComparisonLevel
    label: str


@dataclass(frozen=True)
class Field:
    """One comparison: its Splink definition and, per comparison vector value, the level in words."""

    name: str  # "name", "birth", ...: the Comparison.field and Splink's output column name
    levels: dict[int, Level]


def record_columns(records: Sequence[LinkRecord]) -> tuple[dict[str, list[Any]], list[NormalizedName]]:
    """The columns Splink compares, one row per record, with unique_id its index in ``records``.

    A record marked anonymized (named=False) gets no name columns at all, whatever it holds:
    an anonymized row is compared on its attributes only.
    """
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    names: list[NormalizedName] = []
    name_columns: dict[tuple[str | None, ...], tuple[NormalizedName, dict[str, Any]]] = {}  # lists repeat names
    for index, record in enumerate(records):
        written = (record.full_name, record.given_names, record.surnames) if record.named else (None, None, None)
        if written not in name_columns:
            name_columns[written] = _name_columns(*written)
        name, by_name = name_columns[written]
        names.append(name)
        year = record.birth_year if record.birth_year is not None else (record.birth_date and record.birth_date.year)
        spells = [s for s in record.custody if s.facility and s.facility.strip()]
        facilities = sorted({s.facility.strip().upper() for s in spells if s.facility})
        months = sorted({f"{s.facility.strip().upper()}|{m}" for s in spells if s.facility for m in _months(s)})
        row = {
            "unique_id": index,
            "named": 1 if record.named else 0,
            **by_name,
            "birth_date": record.birth_date.isoformat() if record.birth_date else None,
            "birth_year": year or None,
            "citizenship": (record.citizenship or "").strip().upper() or None,
            "sex": (record.sex or "").strip().upper() or None,
            "facilities": facilities or None,
            "custody_months": months or None,
        }
        for key, value in row.items():
            columns[key].append(value)
    return columns, names


def _name_columns(full: str | None, given: str | None, surnames: str | None) -> tuple[NormalizedName, dict[str, Any]]:
    name = normalize_name(full, given, surnames)
    skeletons = sorted(name.skeletons)
    return name, {
        "name_key": name.key or None,
        "name_words": sorted(name.word_set) or None,
        "name_skeletons": skeletons or None,
        "name_size": len(name.word_set) or None,
        "skeleton_size": len(skeletons) or None,
        "word_pairs": [" ".join(p) for p in combinations(skeletons, 2)] or None,
        "word_triples": [" ".join(t) for t in combinations(skeletons, 3)] or None,
    }


COLUMNS = (
    "unique_id", "named", "name_key", "name_words", "name_skeletons", "name_size", "skeleton_size", "word_pairs",
    "word_triples",
    "birth_date", "birth_year", "citizenship", "sex", "facilities", "custody_months",
)  # fmt: skip
LIST_COLUMNS = frozenset({"name_words", "name_skeletons", "word_pairs", "word_triples", "facilities", "custody_months"})


def _months(spell: Any) -> list[str]:
    """The months (YYYY-MM) a spell covers, from its start (or its end when only that is known)."""
    start, end = spell.start or spell.end, spell.end or spell.start
    if start is None:
        return []
    months: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < MAX_MONTHS_PER_SPELL:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _levels(*labels: tuple[ComparisonLevel, str]) -> dict[int, Level]:
    """Splink numbers a comparison's levels from the top (n - 1) down to 0, and -1 for the null level."""
    null, *rest = labels
    count = len(rest)
    return {-1: Level(*null)} | {count - 1 - i: Level(*pair) for i, pair in enumerate(rest)}


FIELDS = (
    Field("name", _levels(
        ("missing", "no name on one side"),
        ("exact", "same three or more name words, in any order"),
        ("exact", "same one or two name words, in any order"),
        ("close", "names differ by one or two letters"),
        ("partial", "one name holds all three or more words of the other (a surname or given name dropped)"),
        ("partial", "one name holds all three or more words of the other, but for a vowel or a doubled letter"),
        ("partial", "one name holds both words of the other"),
        ("partial", "one name holds both words of the other, but for a vowel or a doubled letter"),
        ("partial", "each word of one name is within a letter of a word of the other, three or more words"),
        ("partial", "each word of one name is within a letter of a word of the other"),
        ("partial", "two or more name words agree"),
        ("partial", "two or more name words agree but for a vowel or a doubled letter"),
        ("partial", "one name word agrees"),
        ("differs", "names differ"),
    )),
    Field("birth", _levels(
        ("missing", "no birth date or year on one side"),
        ("exact", "same date of birth"),
        ("exact", "same birth year"),
        ("close", "birth years one apart"),
        ("differs", "birth years differ"),
    )),
    Field("citizenship", _levels(
        ("missing", "no citizenship on one side"), ("exact", "same citizenship"), ("differs", "citizenship differs")
    )),
    Field("sex", _levels(("missing", "no sex on one side"), ("exact", "same sex"), ("differs", "sex differs"))),
    Field("custody", _levels(
        ("missing", "no custody spell on one side"),
        ("exact", "held in the same facility in the same month"),
        ("partial", "a facility in common, at other times"),
        ("differs", "no facility in common"),
    )),
)  # fmt: skip


def _comparisons(dialect: str) -> list[Any]:
    """The comparisons, with starting m and u probabilities used wherever training cannot estimate one.

    The starting values are judgement, not estimates: m (share among true matches) favours
    agreement with room for the mistakes lists make; u (share among non-matches) is small for
    agreement on several name words and large for citizenship and sex, which most people on
    these lists share (Venezuelan men).
    """
    name = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("name_key"),
            # A name of one or two words ("José Mejías") is shared by many people; three or more
            # words rarely are: the levels tell them apart, so each gets its own weight.
            cll.And(cll.ExactMatchLevel("name_key"), _at_least_three("name_size")),
            cll.ExactMatchLevel("name_key"),
            cll.LevenshteinLevel("name_key", 2),
            cll.And(cll.ArraySubsetLevel("name_words"), _at_least_three("name_size")),
            cll.And(cll.ArraySubsetLevel("name_skeletons"), _at_least_three("skeleton_size")),
            cll.And(cll.ArraySubsetLevel("name_words"), cll.ArrayIntersectLevel("name_words", 2)),
            cll.And(cll.ArraySubsetLevel("name_skeletons"), cll.ArrayIntersectLevel("name_skeletons", 2)),
            _near_subset(dialect, 3),
            _near_subset(dialect, 2),
            cll.ArrayIntersectLevel("name_words", 2),
            cll.ArrayIntersectLevel("name_skeletons", 2),
            cll.ArrayIntersectLevel("name_words", 1),
            cll.ElseLevel(),
        ],
        output_column_name="name",
    ).configure(
        m_probabilities=[0.55, 0.15, 0.07, 0.06, 0.04, 0.04, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01],
        u_probabilities=[
            0.00005,
            0.0003,
            0.0002,
            0.0001,
            0.0001,
            0.0005,
            0.0005,
            0.0001,
            0.0005,
            0.003,
            0.004,
            0.1,
            0.89075,
        ],
    )
    birth = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.CustomLevel("birth_date_l = birth_date_r", "same date of birth"),
            cll.ExactMatchLevel("birth_year"),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1", "years one apart"),
            cll.ElseLevel(),
        ],
        output_column_name="birth",
    ).configure(m_probabilities=[0.55, 0.35, 0.07, 0.03], u_probabilities=[0.0001, 0.022, 0.044, 0.9339])
    custody = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("facilities"),
            cll.ArrayIntersectLevel("custody_months", 1),
            cll.ArrayIntersectLevel("facilities", 1),
            cll.ElseLevel(),
        ],
        output_column_name="custody",
    ).configure(m_probabilities=[0.6, 0.25, 0.15], u_probabilities=[0.001, 0.02, 0.979])
    citizenship = cl.ExactMatch("citizenship").configure(m_probabilities=[0.97, 0.03], u_probabilities=[0.8, 0.2])
    sex = cl.ExactMatch("sex").configure(m_probabilities=[0.98, 0.02], u_probabilities=[0.8, 0.2])
    return [name, birth, _named(citizenship, "citizenship"), _named(sex, "sex"), custody]


def _near_subset(dialect: str, size: int) -> Any:
    """Every word of one name is within one letter of some word of the other (a typo and a dropped word).

    Written per dialect: DuckDB's list lambdas and Spark's higher-order functions differ, and
    both engines run it natively.
    """
    if dialect == "spark":

        def within(a: str, b: str) -> str:
            return f"forall({a}, x -> exists({b}, y -> levenshtein(x, y) <= 1))"

        shared = "size(array_intersect(name_words_l, name_words_r))"
    else:

        def within(a: str, b: str) -> str:
            near = f"list_bool_or(list_transform({b}, lambda y: levenshtein(x, y) <= 1))"
            return f"list_bool_and(list_transform({a}, lambda x: {near}))"

        shared = "len(list_intersect(name_words_l, name_words_r))"

    # All but one word of the shorter name agree exactly: a cheap test first, so that the word by
    # word comparison runs only on the few pairs that pass it (random pairs almost never do).
    condition = (
        f"least(name_size_l, name_size_r) >= {size} and {shared} >= least(name_size_l, name_size_r) - 1 and "
        f"({within('name_words_l', 'name_words_r')} or {within('name_words_r', 'name_words_l')})"
    )
    return cll.CustomLevel(condition, f"near subset, {size}+ words")


def _at_least_three(size_column: str) -> Any:
    """Both records' names have three or more (distinct) words."""
    return cll.CustomLevel(f"least({size_column}_l, {size_column}_r) >= 3", "three or more words")


def _named(comparison: Any, name: str) -> Any:
    comparison.output_column_name = name
    return comparison


def blocking_rules(named: bool) -> list[Any]:
    """Which pairs are compared at all: the model only scores pairs a rule lets through.

    Comparing every pair is quadratic (10^12 pairs for a million records). Each rule is an
    equality join, cheap in DuckDB and Spark, chosen so that the mistakes lists make still
    leave one rule that holds for the true pair. Between named records:
    - the same name words in any order: catches accents lost, order swapped, every field but
      the name wrong or missing;
    - two name words and the birth year (or years one apart): catches a typo in one word or a
      dropped surname. A word pair alone ("jose gonzalez") is common enough to make blocks of
      thousands; the year divides them by about fifty;
    - three name words, any birth year: catches a year off by one or missing when three words
      survive (four-word names with one typo or one dropped surname).
    Words are compared here by their skeleton (names.skeleton: first letter and consonants), so
    a vowel typed wrong in a word still lets its pairs and triples meet.
    Between named records and anonymized rows (never two of either: the model links the two
    sides only): the same birth year, or a stay in the same facility in the same month.
    """
    if not named:
        return [block_on("birth_year"), block_on("custody_months", arrays_to_explode=["custody_months"])]
    pairs = ["word_pairs"]
    return [
        block_on("name_key"),
        block_on("word_pairs", "birth_year", arrays_to_explode=pairs),
        # ... and birth years one apart, either way: two more equality joins. They find the pairs
        # with a typo or a dropped word and the year off by one (1-2% of true pairs on synthetic
        # lists) for about twice the pairs to score; the cost of scale is in these two rules.
        CustomRule("l.word_pairs = r.word_pairs and l.birth_year = r.birth_year + 1", arrays_to_explode=pairs),
        CustomRule("l.word_pairs = r.word_pairs and l.birth_year + 1 = r.birth_year", arrays_to_explode=pairs),
        block_on("word_triples", arrays_to_explode=["word_triples"]),
    ]


def settings(link_type: str, named: bool, dialect: str = "duckdb") -> SettingsCreator:
    """The model between named records (``named``), or between named records and anonymized rows."""
    comparisons = _comparisons(dialect) if named else _comparisons(dialect)[1:]
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]  # one of Splink's three literals, chosen by the engine
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules(named),
        retain_matching_columns=True,  # Splink keeps the comparison vectors (gamma_) only with them
        retain_intermediate_calculation_columns=True,
        max_iterations=25,
        em_convergence=0.0001,
    )

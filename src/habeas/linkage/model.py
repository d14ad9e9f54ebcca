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
    an anonymized row is compared on its attributes only. Written in one pass, each name's
    columns made once for all the records whose names have the same words (a million records
    hold far fewer names).
    """
    names: list[NormalizedName] = []
    name_rows: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    columns: dict[str, list[Any]] = {c: [] for c in ATTRIBUTE_COLUMNS}
    for record in records:
        name = normalize_name(record.full_name, record.given_names, record.surnames) if record.named else NO_NAME
        names.append(name)
        row = by_key.get(name.key)
        if row is None:
            row = by_key[name.key] = _name_columns(name)
        name_rows.append(row)
        year = record.birth_year if record.birth_year is not None else (record.birth_date and record.birth_date.year)
        columns["named"].append(1 if record.named else 0)
        columns["birth_date"].append(record.birth_date.isoformat() if record.birth_date else None)
        columns["birth_year"].append(year or None)
        columns["citizenship"].append((record.citizenship or "").strip().upper() or None)
        columns["sex"].append((record.sex or "").strip().upper() or None)
        facilities, months = _custody(record.custody) if record.custody else (None, None)
        columns["facilities"].append(facilities)
        columns["custody_months"].append(months)
    columns["unique_id"] = list(range(len(records)))
    for column in NAME_COLUMNS:
        columns[column] = [row[column] for row in name_rows]
    return columns, names


def _custody(custody: Sequence[Any]) -> tuple[list[str] | None, list[str] | None]:
    spells = [s for s in custody if s.facility and s.facility.strip()]
    facilities = sorted({s.facility.strip().upper() for s in spells})
    months = sorted({f"{s.facility.strip().upper()}|{m}" for s in spells for m in _months(s)})
    return facilities or None, months or None


def _name_columns(name: NormalizedName) -> dict[str, Any]:
    skeletons = sorted(name.skeletons)
    return {
        "name_key": name.key or None,
        "name_words": sorted(name.word_set) or None,
        "name_skeletons": skeletons or None,
        "name_size": len(name.word_set) or None,
        "skeleton_size": len(skeletons) or None,
        **_blocking_keys(skeletons),
    }


def _blocking_keys(skeletons: list[str]) -> dict[str, list[str] | None]:
    """Keys of the name's skeletons (sorted, joined by a space) that the blocking rules join on.

    ``name_sets``: the whole name and the name less each word in turn, when three or more words
    remain. A true pair whose names differ by one mistake (a typo in one word, a surname
    dropped) has one in common: the whole of the shorter name, or the longer less one word.
    ``name_pairs``: every two words of the name.
    """
    keys = {" ".join(skeletons)} if len(skeletons) >= 3 else set()
    if len(skeletons) >= 4:
        keys |= {" ".join(skeletons[:i] + skeletons[i + 1 :]) for i in range(len(skeletons))}
    pairs = [" ".join(p) for p in combinations(skeletons, 2)]
    return {"name_sets": sorted(keys) or None, "name_pairs": pairs or None}


COLUMNS = (
    "unique_id", "named", "name_key", "name_words", "name_skeletons", "name_size", "skeleton_size", "name_sets",
    "name_pairs",
    "birth_date", "birth_year", "citizenship", "sex", "facilities", "custody_months",
)  # fmt: skip
NAME_COLUMNS = ("name_key", "name_words", "name_skeletons", "name_size", "skeleton_size", "name_sets", "name_pairs")
ATTRIBUTE_COLUMNS = ("named", "birth_date", "birth_year", "citizenship", "sex", "facilities", "custody_months")
NO_NAME = NormalizedName(())
LIST_COLUMNS = frozenset({"name_words", "name_skeletons", "name_sets", "name_pairs", "facilities", "custody_months"})


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
            # Levenshtein is the costliest test of a pair: keys whose lengths differ by more than
            # two letters cannot be within two edits, and skip it.
            cll.CustomLevel(
                "abs(length(name_key_l) - length(name_key_r)) <= 2 and levenshtein(name_key_l, name_key_r) <= 2",
                "Levenshtein distance of name_key <= 2",
            ),
            _subset(dialect, "name_words", "name_size", 3, "one name holds all the other's words, 3+"),
            _subset(dialect, "name_skeletons", "skeleton_size", 3, "one name holds all the other's skeletons, 3+"),
            _subset(dialect, "name_words", "name_size", 2, "one name holds all the other's words, 2+"),
            _subset(dialect, "name_skeletons", "skeleton_size", 2, "one name holds all the other's skeletons, 2+"),
            _near_subset(dialect, 3),
            _near_subset(dialect, 2),
            cll.ArrayIntersectLevel("name_words", 2),
            # Two skeletons in common is one skeleton pair in common: a test of overlap, no list built.
            cll.CustomLevel(_overlap(dialect, "name_pairs"), "two or more skeletons agree"),
            cll.CustomLevel(_overlap(dialect, "name_words"), "one name word agrees"),
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
            # Only the words of a that b lacks are compared letter by letter (a word b holds is within
            # no edits of itself): the same test, with a fraction of the Levenshtein calls.
            near = f"list_bool_or(list_transform({b}, lambda y: levenshtein(x, y) <= 1))"
            unshared = f"list_filter({a}, lambda x: not list_contains({b}, x))"
            return f"coalesce(list_bool_and(list_transform({unshared}, lambda x: {near})), true)"

        shared = "len(list_intersect(name_words_l, name_words_r))"

    # All but one word of the shorter name agree exactly: a cheap test first, so that the word by
    # word comparison runs only on the few pairs that pass it (random pairs almost never do).
    condition = (
        f"least(name_size_l, name_size_r) >= {size} and {shared} >= least(name_size_l, name_size_r) - 1 and "
        f"({within('name_words_l', 'name_words_r')} or {within('name_words_r', 'name_words_l')})"
    )
    return cll.CustomLevel(condition, f"near subset, {size}+ words")


def _subset(dialect: str, column: str, size_column: str, size: int, label: str) -> Any:
    """The smaller of the two word sets lies within the other, and has at least ``size`` words.

    The same pairs as Splink's ArraySubsetLevel and an intersection of ``size`` (the lists are
    sets, so the intersection is the smaller list exactly when it is a subset), tested without
    building the intersection: the costliest part of scoring millions of pairs.
    """
    left, right, size_l, size_r = f"{column}_l", f"{column}_r", f"{size_column}_l", f"{size_column}_r"

    def within(small: str, big: str) -> str:
        if dialect == "spark":
            return f"forall({small}, x -> array_contains({big}, x))"
        return f"list_has_all({big}, {small})"

    condition = (
        f"least({size_l}, {size_r}) >= {size} and ("
        f"({size_l} <= {size_r} and {within(left, right)}) or ({size_l} > {size_r} and {within(right, left)}))"
    )
    return cll.CustomLevel(condition, label)


def _overlap(dialect: str, column: str) -> str:
    """The two lists have an element in common (our lists hold no nulls)."""
    if dialect == "spark":
        return f"arrays_overlap({column}_l, {column}_r)"
    return f"list_has_any({column}_l, {column}_r)"


def _at_least_three(size_column: str) -> Any:
    """Both records' names have three or more (distinct) words."""
    return cll.CustomLevel(f"least({size_column}_l, {size_column}_r) >= 3", "three or more words")


def _named(comparison: Any, name: str) -> Any:
    comparison.output_column_name = name
    return comparison


def blocking_rules(named: bool) -> list[Any]:
    """Which pairs are compared at all: the model only scores pairs a rule lets through.

    Comparing every pair is quadratic (10^12 pairs for a million records), and so is any block
    on a common value: the rules are equality joins on keys rare enough that blocks stay small,
    chosen so that the mistakes lists make still leave one rule that holds for the true pair.
    Between named records:
    - the same name words in any order: catches accents lost, order swapped, every field but
      the name wrong or missing;
    - a key of three or more words in common (the whole name or the name less one word, see
      _blocking_keys) and birth years at most one apart, or one missing: catches a typo in one
      word or a dropped surname in names of three or more words, and in four-word names a
      mistake in each record;
    - for a name of two or three words, two of its words and the birth year, or years one
      apart: the same for the shorter names, where two words alone ("jose gonzalez") make
      blocks of thousands that the year divides by about fifty.
    Names of four or more words are not blocked on two of their words: such pairs ("js grc" in
    every José ... García ...) were most of the pairs scored at scale (29 million of 45 million
    among a million records), and a true pair with one mistake keeps three words in common.
    Nor on three words whatever the birth years: namesakes born years apart were 13 million
    pairs there, and a mistake in the name and in the year at once is rare.
    Words are compared here by their skeleton (names.skeleton: first letter and consonants), so
    a vowel typed wrong in a word still lets its keys meet.
    Between named records and anonymized rows (never two of either: the model links the two
    sides only): the same birth year, or a stay in the same facility in the same month.
    """
    if not named:
        return [block_on("birth_year"), block_on("custody_months", arrays_to_explode=["custody_months"])]
    sets, pairs = ["name_sets"], ["name_pairs"]
    short = "least(l.skeleton_size, r.skeleton_size) <= 3"
    both_short = "greatest(l.skeleton_size, r.skeleton_size) <= 3"
    return [
        block_on("name_key"),
        CustomRule(
            "l.name_sets = r.name_sets and (abs(l.birth_year - r.birth_year) <= 1"
            " or l.birth_year is null or r.birth_year is null)",
            arrays_to_explode=sets,
        ),
        CustomRule(f"l.name_pairs = r.name_pairs and l.birth_year = r.birth_year and {short}", arrays_to_explode=pairs),
        # Years one apart: one equality join each way (a join on the word pair alone would
        # enumerate every namesake pair, whatever the year, before filtering).
        CustomRule(
            f"l.name_pairs = r.name_pairs and l.birth_year = r.birth_year + 1 and {both_short}", arrays_to_explode=pairs
        ),
        CustomRule(
            f"l.name_pairs = r.name_pairs and l.birth_year + 1 = r.birth_year and {both_short}", arrays_to_explode=pairs
        ),
    ]


def settings(link_type: str, named: bool, dialect: str = "duckdb") -> SettingsCreator:
    """The model between named records (``named``), or between named records and anonymized rows."""
    comparisons = _comparisons(dialect) if named else _comparisons(dialect)[1:]
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]  # one of Splink's three literals, chosen by the engine
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules(named),
        # The compared values are not copied into every pair's row (at a million records they would
        # outweigh the records); engine._score keeps the comparison vectors (gamma_) and match weights.
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        max_iterations=25,
        em_convergence=0.0001,
    )

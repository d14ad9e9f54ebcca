"""Finding candidate pairs: Splink's Fellegi–Sunter model, trained without labels, on DuckDB or Spark.

find_candidates takes records from several sources (named lists, tracked people, anonymized
release rows) and returns the pairs whose match probability reaches the threshold, each with
how every field compared. Training is unsupervised: u probabilities from random pairs (all
pairs when there are few enough, so both engines see the same ones), a first prior from pairs
that agree on every name word and the birth year, m probabilities by expectation maximisation
in two sessions (pairs with the same name words train the other fields; pairs with the same
birth year train the name), then the prior and u settled together (see _Run._settle_prior).
Named records are linked with each other by one model and anonymized rows with named records
by another, on attributes only. Whatever training cannot estimate keeps the starting values
of habeas.linkage.model, and the result says so in its notes.

Splink, DuckDB, pyarrow and pyspark are imported inside the functions that use them.
"""

from __future__ import annotations

import logging
import os
import shutil
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from habeas.linkage.types import Candidate, Engine, LinkRecord, LinkResult, RecordRef

DEFAULT_THRESHOLD = 0.5  # more likely than not: candidates go to a person for review, not straight to a link
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
SEED = 20250315  # the u sample and nothing else: the same records give the same candidates
ALL_PAIRS_UP_TO = 1_000_000  # below this many pairs, u comes from every pair, not a sample
U_SAMPLE_PAIRS = 1_000_000  # Splink suggests 10^7; the unmixing floors the rarest levels anyway
EM_MAX_PAIRS = 1_000_000
PRIOR_RECALL = 0.7  # a first guess at the share of true pairs agreeing on every name word and the birth year
PRIOR_ROUNDS = 50  # rounds of the prior's fixed point, in Python over counted patterns (cheap)

Progress = Callable[[str], None]


class LinkageError(ValueError):
    """Input linkage cannot work with, or an engine that cannot run, said in words."""


def find_candidates(
    records: Sequence[LinkRecord],
    *,
    engine: Engine = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    within_sources: bool = False,
    progress: Progress | None = None,
) -> LinkResult:
    """Pairs of records that may be the same person, most probable first.

    Pairs are across different sources, and within a source too when ``within_sources`` (to find
    duplicates). Anonymized records (named=False) are compared on their attributes only and
    paired only with named records.
    """
    link_type = _check(records, engine, threshold, within_sources)
    say = progress or (lambda _message: None)
    with _quiet_splink(progress):
        if engine == "spark":
            say("starting a local Spark session")
            session, stop = _spark_session()
            make_api: Callable[[], tuple[Any, Callable[[], None]]] = lambda: _spark_api(session)  # noqa: E731
        else:
            make_api, stop = _duckdb_api, lambda: None
        try:
            return _run(records, make_api, engine, link_type, threshold, say)
        finally:
            stop()


def _check(records: Sequence[LinkRecord], engine: str, threshold: float, within_sources: bool) -> str:
    if engine not in ENGINES:
        raise LinkageError(f"unknown engine {engine!r}: choose duckdb or spark")
    if not 0.0 < threshold <= 1.0:
        raise LinkageError(f"threshold {threshold} is not a probability above 0 and at most 1")
    sources = {r.ref.source for r in records}
    if len(sources) < 2 and not within_sources:
        raise LinkageError(
            f"linking needs records from at least two sources, got {len(sources)}"
            " (to find duplicates within one source, link within sources)"
        )
    if len(records) < 2:
        raise LinkageError(f"linking needs at least two records, got {len(records)}")
    seen: set[RecordRef] = set()
    for record in records:
        if record.ref in seen:
            raise LinkageError(f"record {record.ref.record_id} of {record.ref.source} appears twice")
        seen.add(record.ref)
        if not _comparable(record):
            raise LinkageError(
                f"record {record.ref.record_id} of {record.ref.source} has none of the fields linkage compares:"
                " a name (unless anonymized), a birth date or year, citizenship, sex, or a custody facility"
            )
    if not any(r.named and (r.full_name or r.given_names or r.surnames) for r in records):
        raise LinkageError("no record has a name: anonymized rows are only linked to named records")
    if within_sources:
        return "dedupe_only" if len(sources) == 1 else "link_and_dedupe"
    return "link_only"


def _comparable(record: LinkRecord) -> bool:
    from habeas.linkage.names import normalize_name

    named = record.named and bool(normalize_name(record.full_name, record.given_names, record.surnames))
    custody = any(s.facility and s.facility.strip() for s in record.custody)
    fields = (record.birth_date, record.birth_year, (record.citizenship or "").strip(), (record.sex or "").strip())
    return named or custody or any(fields)


def _run(
    records: Sequence[LinkRecord],
    make_api: Callable[[], tuple[Any, Callable[[], None]]],
    engine: Engine,
    link_type: str,
    threshold: float,
    say: Progress,
) -> LinkResult:
    """Named records with each other (names and attributes), then anonymized rows with named records.

    Two models, because the two kinds of pair are different populations: between named records
    the name carries most of the evidence; an anonymized row has only attributes, and its own
    prior (at most one named person per row) must not borrow the confidence names give.
    """
    named = [r for r in records if r.named]
    anonymized = [r for r in records if not r.named]
    sources = sorted({r.ref.source for r in named})
    candidates: list[Candidate] = []
    notes: list[str] = []
    pairs = 0
    trained: Any = None
    if len(sources) >= 2 or (link_type != "link_only" and len(named) >= 2):
        kind = "dedupe_only" if len(sources) == 1 else link_type
        groups = [sources.index(r.ref.source) for r in named]
        say(f"linking {len(named):,} named records")
        with _api(make_api) as db_api:
            run = _Run(db_api, engine, named, groups, kind, True, "named")
            found, trained = run.link(threshold, say, None)
        candidates += found
        notes += run.notes
        pairs += run.pairs
    if anonymized:
        say(f"linking {len(anonymized):,} anonymized rows to named records, on attributes only")
        groups = [0] * len(named) + [1] * len(anonymized)
        with _api(make_api) as db_api:
            run = _Run(db_api, engine, named + anonymized, groups, "link_only", False, "attributes")
            found, _ = run.link(threshold, say, trained)
        candidates += found
        notes += [f"anonymized rows: {note}" for note in run.notes]
        pairs += run.pairs
    candidates.sort(key=lambda c: (-c.probability, c.left, c.right))
    return LinkResult(tuple(candidates), threshold, engine, len(records), pairs, tuple(notes))


@contextmanager
def _api(make_api: Callable[[], tuple[Any, Callable[[], None]]]) -> Iterator[Any]:
    """A database API of its own for each model: Splink caches blocked pairs per API, by a fixed name."""
    db_api, close = make_api()
    try:
        yield db_api
    finally:
        close()


class _Run:
    """One Splink model over some records: register, train, settle the prior, predict, explain."""

    def __init__(self, db_api: Any, engine: Engine, records: list[LinkRecord], groups: list[int], link_type: str,
                 named: bool, prefix: str) -> None:  # fmt: skip
        from splink import Linker

        from habeas.linkage import model

        self.engine, self.records, self.named = engine, records, named
        columns, self.names = model.record_columns(records)
        tables = _tables(db_api, columns, groups, f"{prefix}_records")
        self.linker: Any = Linker(tables, model.settings(link_type, named, engine), log_level=None)
        self.total = _total_pairs(groups, link_type)
        self.smaller_side = min(Counter(groups).values())
        self.notes: list[str] = []
        self.pairs = 0

    def link(self, threshold: float, say: Progress, start_from: Any) -> tuple[list[Candidate], Any]:
        if start_from is not None:
            _copy_m(start_from, self.linker)
        raw_u, sampled = self._train(say)
        say("blocking pairs")
        blocked = self.linker.inference.compute_blocked_pairs_for_predict()
        self.pairs = _count(self.linker, blocked)
        say(f"comparing {self.pairs:,} pairs")
        vectors = _comparison_vectors(self.linker, blocked)
        self._settle_prior(raw_u, sampled, say, vectors)
        self.notes += _untrained(self.linker)
        say("scoring pairs")
        predictions = _score(self.linker, vectors, threshold)
        rows = _prediction_rows(predictions, self.engine)
        say(f"explaining {len(rows['unique_id_l']):,} candidates")
        return _candidates(rows, self.records, self.names, threshold), self.linker

    def _train(self, say: Progress) -> tuple[list[list[float]], float]:
        """Unsupervised training: a first prior, u from random pairs, m by expectation maximisation."""
        from splink import block_on

        training = self.linker.training
        if self.named:
            say("estimating how often two random records are the same person")
            try:
                training.estimate_probability_two_random_records_match(
                    [block_on("name_key", "birth_year")], recall=PRIOR_RECALL
                )
            except Exception as exc:  # Splink raises bare Exceptions here (no pair agrees): keep the start
                self.notes.append(f"no pair agrees on every name word and birth year ({_short(exc)})")
        else:  # a first guess: one anonymized row in four has its person among the named records
            self._set_prior(0.25 * self.smaller_side / max(self.total, 1))
        say("estimating u probabilities from random pairs")
        sampled = self.total if self.total <= ALL_PAIRS_UP_TO else U_SAMPLE_PAIRS
        training.estimate_u_using_random_sampling(max_pairs=sampled, seed=SEED, min_count_per_level=None)
        raw_u = [[lvl.u_probability for lvl in _levels(c)] for c in self.linker._settings_obj.comparisons]
        em_pairs = EM_MAX_PAIRS if self.total > ALL_PAIRS_UP_TO else None
        sessions: tuple[tuple[tuple[str, ...], str], ...] = (
            (("name_key",), "birth, citizenship, sex and custody"),
            (("birth_year",), "names"),
        )
        if not self.named:
            sessions = ((("birth_year",), "citizenship, sex and custody"),)
        for columns, trains in sessions:
            say(f"training the m probabilities of {trains} (expectation maximisation)")
            try:
                training.estimate_parameters_using_expectation_maximisation(block_on(*columns), max_pairs=em_pairs)
            except Exception as exc:  # too few pairs for a session: the other session and the start remain
                self.notes.append(f"training of {trains} failed ({_short(exc)}); starting values were kept")
        return raw_u, sampled

    def _set_prior(self, value: float) -> None:
        self.linker._settings_obj._probability_two_random_records_match = value  # no public setter in Splink

    def _settle_prior(self, raw_u: list[list[float]], sampled: float, say: Progress, vectors: Any) -> None:
        """The prior and u, estimated together from the blocked pairs until they agree.

        Splink counts u among random pairs as if none matched. Between lists of the same people
        that is far from true: about one cross-list pair in N is a match (N people), while
        namesakes agreeing on every name word are rarer than that, so u of the agreeing levels
        is mostly matches, and the name would weigh almost nothing. A random pair is a match
        with probability lambda (the prior), so the measured u is (1 - lambda) u + lambda m:
        solve for u, with m from EM. Lambda in turn is the expected number of matches (the sum
        of match probabilities over the blocked pairs; pairs outside every block are taken as
        non-matches) over all pairs: an EM step on lambda alone, repeated to a fixed point.
        """
        settings = self.linker._settings_obj
        floor = 0.5 / max(sampled, 1.0)  # a level never seen holds at most half a pair of the sample
        if not self.named:
            # Attributes alone are weak and correlated (a birth year and a facility month say little
            # about who else shares them); the fixed point drifts up and overstates matches that the
            # data cannot support. The attribute model keeps its conservative starting prior.
            _unmix(settings, raw_u, float(settings._probability_two_random_records_match), floor)
            return
        patterns = _patterns(self.linker, vectors)
        for round_ in range(PRIOR_ROUNDS):
            prior = float(settings._probability_two_random_records_match)
            _unmix(settings, raw_u, prior, floor)
            settled = min(max(_expected_matches(settings, patterns, prior) / max(self.total, 1), 1e-12), 0.5)
            say(f"prior, round {round_ + 1}: {settled:.3g}")
            self._set_prior(settled)
            if abs(settled - prior) <= 0.005 * prior:
                break
        _unmix(settings, raw_u, float(settings._probability_two_random_records_match), floor)


def _comparison_vectors(linker: Any, blocked: Any) -> Any:
    """How each blocked pair compares, field by field (the gamma columns): computed once, then counted and scored.

    The comparisons are most of the cost of a run (the name's levels are list functions on every
    pair), so they are not recomputed when the prior changes: Splink's own SQL builds the vectors
    here, and its own scoring SQL reads them in _score.
    """
    from splink.internals.comparison_vector_values import compute_comparison_vector_values_from_id_pairs_sqls
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    settings = linker._settings_obj
    pipeline = CTEPipeline([blocked])
    enqueue_df_concat_with_tf(linker, pipeline)
    sqls = compute_comparison_vector_values_from_id_pairs_sqls(
        settings._columns_to_select_for_blocking,
        settings._columns_to_select_for_comparison_vector_values,
        input_tablename_l="__splink__df_concat_with_tf",
        input_tablename_r="__splink__df_concat_with_tf",
        source_dataset_input_column=settings.column_info_settings.source_dataset_input_column,
        unique_id_input_column=settings.column_info_settings.unique_id_input_column,
        link_type=settings._link_type,
        sql_dialect_str=linker._sql_dialect_str,
    )
    pipeline.enqueue_list_of_sqls(sqls)
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _patterns(linker: Any, vectors: Any) -> list[tuple[tuple[int, ...], int]]:
    """How many blocked pairs show each combination of comparison levels, counted in SQL."""
    names = [c.output_column_name for c in linker._settings_obj.comparisons]
    gammas = ", ".join(f"gamma_{n}" for n in names)
    counted = linker.misc.query_sql(
        f"select {gammas}, count(*) as n from {vectors.physical_name} group by {gammas}", output_type="splink_df"
    ).as_record_list()
    return [(tuple(int(row[f"gamma_{n}"]) for n in names), int(row["n"])) for row in counted]


def _score(linker: Any, vectors: Any, threshold: float) -> Any:
    """The pairs at or above the threshold, scored by Splink's SQL with the settled prior and u, gammas kept."""
    from splink.internals.dialects import SplinkDialect
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls

    settings = linker._settings_obj
    pipeline = CTEPipeline([vectors])
    sqls = predict_from_comparison_vectors_sqls(
        unique_id_input_columns=settings.column_info_settings.unique_id_input_columns,
        core_model_settings=settings.core_model_settings,
        sql_dialect=SplinkDialect.from_string(settings._sql_dialect_str),
        threshold_match_probability=threshold,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # the match weight of each field, for the explanation
        training_mode=True,  # keeps the gamma columns without the compared values
    )
    pipeline.enqueue_list_of_sqls(sqls)
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _expected_matches(settings: Any, patterns: list[tuple[tuple[int, ...], int]], prior: float) -> float:
    """The sum of match probabilities over the blocked pairs, as Splink would score them (no term frequencies)."""
    factors = [
        {lvl.comparison_vector_value: lvl.m_probability / lvl.u_probability for lvl in _levels(c)}
        for c in settings.comparisons
    ]
    expected = 0.0
    for gammas, count in patterns:
        odds = prior / (1 - prior)
        for factor, gamma in zip(factors, gammas, strict=True):
            odds *= factor.get(gamma, 1.0)  # the null level (-1) moves nothing
        expected += count * odds / (1 + odds)
    return expected


def _levels(comparison: Any) -> list[Any]:
    return [lvl for lvl in comparison.comparison_levels if not lvl.is_null_level]


def _unmix(settings: Any, raw_u: list[list[float]], prior: float, floor: float) -> None:
    for comparison, measured in zip(settings.comparisons, raw_u, strict=True):
        levels = _levels(comparison)
        if len(levels) != len(measured):  # Splink rebuilt the comparison (seen on tiny inputs): keep its u
            continue
        unmixed = [
            max((u - prior * lvl.m_probability) / (1 - prior), floor) for lvl, u in zip(levels, measured, strict=True)
        ]
        total = sum(unmixed)
        for lvl, value in zip(levels, unmixed, strict=True):
            lvl.u_probability = value / total


def _copy_m(source: Any, target: Any) -> None:
    """Start the attribute model from what the named model learnt about the same fields."""
    learnt = {c.output_column_name: c for c in source._settings_obj.comparisons}
    for comparison in target._settings_obj.comparisons:
        if comparison.output_column_name in learnt:
            for lvl, known in zip(_levels(comparison), _levels(learnt[comparison.output_column_name]), strict=True):
                lvl.m_probability = known.m_probability


def _total_pairs(groups: list[int], link_type: str) -> int:
    n = len(groups)
    if link_type != "link_only":
        return n * (n - 1) // 2
    sizes = Counter(groups).values()
    return (n * n - sum(k * k for k in sizes)) // 2


def _tables(db_api: Any, columns: dict[str, list[Any]], groups: list[int], prefix: str) -> list[Any]:
    """One table per group (Splink tells sources apart by table; a source id may be any text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from habeas.linkage.model import COLUMNS, LIST_COLUMNS

    types = {c: pa.list_(pa.string()) if c in LIST_COLUMNS else pa.string() for c in COLUMNS}
    types |= {c: pa.int32() for c in ("birth_year", "name_size", "skeleton_size")}
    types |= {"unique_id": pa.int64(), "named": pa.int8()}
    table = pa.table(columns, schema=pa.schema([(c, types[c]) for c in COLUMNS]))
    group = pa.array(groups, pa.int32())
    return [_register(db_api, table.filter(pc.equal(group, k)), f"{prefix}_{k}") for k in sorted(set(groups))]


def _register(db_api: Any, table: Any, name: str) -> Any:
    if getattr(db_api, "spark", None) is not None:
        return db_api.register(db_api.spark.createDataFrame(table), dataset_display_name=name)
    return db_api.register(table, dataset_display_name=name)


def _untrained(linker: Any) -> list[str]:
    notes = []
    for comparison in linker._settings_obj.comparisons:  # Splink has no public accessor for this
        missing = [
            lvl.label_for_charts
            for lvl in comparison.comparison_levels
            if not lvl.is_null_level and not (lvl._has_estimated_m_values and lvl._has_estimated_u_values)
        ]
        if missing:
            levels = "; ".join(missing)
            notes.append(f"{comparison.output_column_name}: no estimate for {levels} (starting values used)")
    return notes


def _count(linker: Any, blocked: Any) -> int:
    result = linker.misc.query_sql(f"select count(*) as n from {blocked.physical_name}", output_type="splink_df")
    return int(result.as_record_list()[0]["n"])


def _prediction_rows(predictions: Any, engine: Engine) -> dict[str, list[Any]]:
    from habeas.linkage.model import FIELDS

    present = {c.unquote().name for c in predictions.columns}
    wanted = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    wanted += [c for f in FIELDS for c in (f"gamma_{f.name}", f"mw_{f.name}") if c in present]
    if engine == "spark":
        frame = predictions.as_spark_dataframe().select(*wanted)
        collected = frame.collect()
        return {c: [row[c] for row in collected] for c in wanted}
    table = predictions.as_duckdbpyrelation().select(", ".join(wanted)).to_arrow_table()
    return {c: table.column(c).to_pylist() for c in wanted}


def _candidates(
    rows: dict[str, list[Any]], records: Sequence[LinkRecord], names: Sequence[Any], threshold: float
) -> list[Candidate]:
    from habeas.linkage.explain import explain

    out = []
    for i in range(len(rows["unique_id_l"])):
        probability = float(rows["match_probability"][i])
        if probability < threshold:
            continue
        a, b = int(rows["unique_id_l"][i]), int(rows["unique_id_r"][i])
        if records[b].ref < records[a].ref:
            a, b = b, a
        comparisons = explain(records[a], records[b], names[a], names[b], rows, i)
        out.append(Candidate(records[a].ref, records[b].ref, probability, float(rows["match_weight"][i]), comparisons))
    out.sort(key=lambda c: (-c.probability, c.left, c.right))
    return out


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__


def _duckdb_api() -> tuple[Any, Callable[[], None]]:
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    return DuckDBAPI(connection), connection.close


def _spark_session() -> tuple[Any, Callable[[], None]]:
    """A local Spark session (every core, a temporary scratch directory), or what is missing."""
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise LinkageError("the Spark engine needs Java (17 or later): install a JDK or set JAVA_HOME")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise LinkageError("the Spark engine needs pyspark: pip install pyspark") from exc
    import tempfile

    scratch = tempfile.TemporaryDirectory(prefix="habeas-spark-")
    try:
        session = (
            SparkSession.builder.master("local[*]")
            .appName("habeas-link")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.default.parallelism", "8")
            .config("spark.driver.memory", os.environ.get("HABEAS_SPARK_MEMORY", "4g"))
            .config("spark.local.dir", scratch.name)
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        session.sparkContext.setCheckpointDir(os.path.join(scratch.name, "checkpoints"))
    except Exception as exc:  # py4j and Spark raise many kinds when the JVM cannot start
        scratch.cleanup()
        raise LinkageError(f"the Spark engine could not start a local session: {_short(exc)}") from exc

    def stop() -> None:
        session.stop()
        scratch.cleanup()

    return session, stop


def _spark_api(session: Any) -> tuple[Any, Callable[[], None]]:
    from splink import SparkAPI

    spark_api: Any = SparkAPI  # untyped in Splink
    api = spark_api(spark_session=session, register_udfs_automatically=False, num_partitions_on_repartition=8)
    return api, lambda: None


@contextmanager
def _quiet_splink(progress: Progress | None) -> Iterator[None]:
    """Splink logs every step at INFO; habeas says nothing unless progress is asked for, then forwards INFO."""
    logger = logging.getLogger("splink")
    before = (logger.level, logger.propagate, list(logger.handlers))
    handler: logging.Handler | None = None
    logger.propagate = False
    logger.handlers = []
    if progress is not None:
        handler = _Forward(progress)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    else:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(before[0])
        logger.propagate = before[1]
        logger.handlers = before[2]


class _Forward(logging.Handler):
    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if message:
            self.progress(message.splitlines()[0][:200])

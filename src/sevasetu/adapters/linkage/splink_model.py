"""Fellegi-Sunter linkage of legacy records to registry people with Splink 4.

Both sides arrive as pandas frames with the same columns (``COLUMNS``). DuckDB derives the
comparison and blocking keys, Splink trains the model on the data itself (u by random
sampling, m by EM on a few blocking rules, no labels) and scores the pairs the blocking rules
produce, on DuckDB or on Spark in local mode. What comes back is the trained model and, for
each legacy record, its best few candidates with each field's part of the match weight.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

# One frame per side, one row per record or person. ``birth_year`` is derived from an age
# when the legacy form has no birth date; ``birth_min``/``birth_max`` are the span of birth
# dates the record allows (the date twice, or the year-long span an age on a day implies).
COLUMNS = [
    "unique_id",
    "name_key",
    "sex",
    "birth_date",
    "birth_year",
    "birth_min",
    "birth_max",
    "area_code",
    "district_code",
    "phone",
    "id_hash",
]
# Each field the review page shows, and the Splink comparison whose Bayes factor it carries.
FIELDS = {
    "name": "name",
    "birth": "birth",
    "sex": "sex",
    "area": "area",
    "phone": "phone",
    "identifier": "id_hash",
}
# Comparisons whose exact level is adjusted for how common the value is (name, birth date).
TF_ADJUSTED = frozenset({"name", "birth"})
TOP_CANDIDATES = 3  # kept per legacy record, best first

# The keys the comparisons and the blocking rules use, derived once per side in DuckDB.
# ``name_sorted`` makes "Das Amit" equal "Amit Das"; ``skeleton`` drops vowels, h, y and the
# spaces of the sorted name, so that vowel spellings (Fatima/Fatema, Sanjay/Sanjoy) and
# written or unwritten aspiration meet in one block; ``initial`` is the sorted name's first
# letter. Blocks stay small on a million people: a birth date alone is not a key (estimated
# birth dates of adults pile up on a few days), nor is a name skeleton across a district.
_PREPARE = """
CREATE OR REPLACE TABLE {out} AS
SELECT unique_id, name_key,
       array_to_string(list_sort(string_split(name_key, ' ')), ' ') AS name_sorted,
       regexp_replace(array_to_string(list_sort(string_split(name_key, ' ')), ''),
                      '[aeiouhy]', '', 'g') AS skeleton,
       left(array_to_string(list_sort(string_split(name_key, ' ')), ' '), 1) AS initial,
       list_sort(string_split(name_key, ' '))[1] AS word_first,
       list_sort(string_split(name_key, ' '))[-1] AS word_last,
       left(list_sort(string_split(name_key, ' '))[1], 1) AS initial_first,
       left(list_sort(string_split(name_key, ' '))[-1], 1) AS initial_last,
       sex, CAST(birth_date AS VARCHAR) AS birth_date, CAST(birth_year AS INTEGER) AS birth_year,
       CAST(birth_min AS VARCHAR) AS birth_min, CAST(birth_max AS VARCHAR) AS birth_max,
       CAST(left(CAST(birth_min AS VARCHAR), 4) AS INTEGER) AS birth_year_min,
       area_code, district_code, phone, id_hash
FROM {src}
"""


@dataclass(frozen=True, slots=True)
class ModelOptions:
    backend: str = "duckdb"  # duckdb | spark
    memory_limit: str = "4GB"
    threads: int = 2
    floor_weight: float = 0.0  # pairs below this are not kept as candidates
    u_pairs: float = 2e6  # random pairs sampled to estimate u
    seed: int = 7


@dataclass(slots=True)
class ScoredCandidate:
    record_id: str
    person_id: str
    match_weight: float
    match_probability: float
    contributions: dict[str, float]


@dataclass(slots=True)
class LinkageResult:
    model: dict[str, Any]
    pairs_scored: int
    candidates: list[ScoredCandidate] = field(default_factory=list)


class LinkageFailed(Exception):
    """The model could not be trained: the reason, in a sentence."""


Step = Callable[[str], None]


def _settings() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_sorted").configure(label_for_charts="first/last swapped"),
            cll.DamerauLevenshteinLevel("name_key", 1).configure(label_for_charts="one typo"),
            cll.ExactMatchLevel("skeleton").configure(label_for_charts="same consonants"),
            cll.DamerauLevenshteinLevel("name_sorted", 1).configure(
                label_for_charts="swapped, one typo"
            ),
            cll.JaroWinklerLevel("name_key", 0.95),
            cll.JaroWinklerLevel("name_sorted", 0.95),
            cll.JaroWinklerLevel("name_key", 0.88),
            cll.JaroWinklerLevel("name_sorted", 0.88),
            cll.ElseLevel(),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.CustomLevel('"birth_year_l" IS NULL OR "birth_year_r" IS NULL').configure(
                is_null_level=True
            ),
            cll.ExactMatchLevel("birth_date", term_frequency_adjustments=True),
            # Ranges overlap: a birth date inside the span an age implies (dates are ISO text).
            cll.CustomLevel(
                '"birth_min_l" <= "birth_max_r" AND "birth_min_r" <= "birth_max_l"',
                "birth date consistent with the age",
            ),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.CustomLevel('"birth_year_l" = "birth_year_r"', "same birth year"),
            cll.CustomLevel('abs("birth_year_l" - "birth_year_r") <= 1', "birth year within 1"),
            cll.CustomLevel('abs("birth_year_l" - "birth_year_r") <= 3', "birth year within 3"),
            cll.ElseLevel(),
        ],
    )
    area = cl.CustomComparison(
        output_column_name="area",
        comparison_levels=[
            cll.NullLevel("district_code"),
            cll.ExactMatchLevel("area_code").configure(label_for_charts="same village"),
            cll.ExactMatchLevel("district_code").configure(label_for_charts="same district"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            name,
            birth,
            cl.ExactMatch("sex").configure(term_frequency_adjustments=False),
            area,
            cl.ExactMatch("phone"),
            cl.ExactMatch("id_hash"),
        ],
        # Equi-joins only: each stays cheap on millions of records.
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("id_hash"),
            block_on("skeleton", "area_code"),
            block_on("skeleton", "birth_year"),
            block_on("skeleton", "birth_year_min"),  # an age's other possible year
            block_on("name_key", "birth_year"),
            block_on("birth_date", "area_code", "initial"),
            # A typo or spelling in one word of the name, no phone and no birth date: one word
            # of the sorted name and the other's initial, in the village, born the same year
            # (either year an age allows).
            block_on("area_code", "birth_year", "word_first", "initial_last"),
            block_on("area_code", "birth_year", "word_last", "initial_first"),
            block_on("area_code", "birth_year_min", "word_first", "initial_last"),
            block_on("area_code", "birth_year_min", "word_last", "initial_first"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )


# EM blocks: each leaves some fields free to learn their m probabilities.
_EM_RULES = (("name_key", "birth_year"), ("birth_date", "area_code", "initial"), ("phone",))
# Pairs surely the same person, to estimate how many of all pairs match (lambda).
_DETERMINISTIC = ("name_key", "birth_date", "district_code")


def _duckdb(options: ModelOptions, spill: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{options.memory_limit}'")
    con.execute(f"SET threads = {int(options.threads)}")
    con.execute(f"SET temp_directory = '{spill}'")  # beyond the memory limit, to disk
    con.execute("SET preserve_insertion_order = false")
    return con


def _prepare(con: duckdb.DuckDBPyConnection, legacy: pd.DataFrame, registry: pd.DataFrame) -> None:
    for name, frame in (("legacy", legacy), ("registry", registry)):
        con.register(f"{name}_raw", frame[COLUMNS])
        con.execute(_PREPARE.format(out=f"{name}_keys", src=f"{name}_raw"))
        con.unregister(f"{name}_raw")


def link_records(
    legacy: Sequence[tuple[Any, ...]],
    registry: Sequence[tuple[Any, ...]],
    options: ModelOptions,
    step: Step,
) -> LinkageResult:
    """Train on the two sides (rows in ``COLUMNS`` order, dates as ISO text) and score them;
    raises ``LinkageFailed`` when EM cannot train."""
    logging.getLogger("splink").setLevel(logging.ERROR)  # the caller shows its own steps
    spill = tempfile.mkdtemp(prefix="sevasetu-duckdb-")
    con = _duckdb(options, spill)
    try:
        step("preparing keys")
        _prepare(
            con,
            pd.DataFrame.from_records(legacy, columns=COLUMNS),
            pd.DataFrame.from_records(registry, columns=COLUMNS),
        )
        if options.backend == "spark":
            from .spark import spark_linker

            with spark_linker(con, _settings(), options) as linker:
                return _run(linker, options, step, _spark_top(linker))
        from splink import DuckDBAPI, Linker

        linker = Linker(
            ["legacy_keys", "registry_keys"],
            _settings(),
            db_api=DuckDBAPI(con),
            input_table_aliases=["legacy", "registry"],
        )
        return _run(linker, options, step, _duckdb_top(con))
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


Top = Callable[[Any, float], tuple[int, Iterator[tuple[Any, ...]]]]


def _run(linker: Any, options: ModelOptions, step: Step, top: Top) -> LinkageResult:
    from splink import block_on

    try:
        step("estimating how many pairs match")
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*_DETERMINISTIC)], recall=0.7
        )
        step("estimating u by random sampling")
        linker.training.estimate_u_using_random_sampling(
            max_pairs=options.u_pairs, seed=options.seed
        )
        for rule in _EM_RULES:
            step(f"estimating m by EM on pairs with the same {' and '.join(rule)}")
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*rule), fix_probability_two_random_records_match=True
            )
    except Exception as exc:  # Splink raises plain exceptions (no pairs, a singular model)
        raise LinkageFailed(_first_line(exc)) from exc
    model = linker.misc.save_model_to_json()
    if not _trained(model):
        raise LinkageFailed("EM found no matching pairs to learn from")
    step("scoring the blocked pairs")
    predictions = linker.inference.predict(threshold_match_weight=options.floor_weight)
    pairs, rows = top(predictions, options.floor_weight)
    step("choosing each record's candidates")
    candidates = [
        ScoredCandidate(
            str(r[0]),
            str(r[1]),
            float(r[2]),
            float(r[3]),
            {f: round(_log2(bf), 3) for f, bf in zip(FIELDS, r[4:], strict=True)},
        )
        for r in rows
    ]
    return LinkageResult(model=model, pairs_scored=pairs, candidates=candidates)


def _trained(model: dict[str, Any]) -> bool:
    """At least the name comparison learnt an m probability from the data."""
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("m_probability") is not None and not level.get("is_null_level"):
                return True
    return False


def _log2(bf: Any) -> float:
    value = float(bf) if bf is not None else 1.0
    return math.log2(value) if value > 0 else -30.0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


_TOP_SQL = """
SELECT id_l, id_r, match_weight, match_probability, {bfs}
FROM (
  SELECT CASE WHEN source_dataset_l = 'legacy' THEN unique_id_l ELSE unique_id_r END AS id_l,
         CASE WHEN source_dataset_l = 'legacy' THEN unique_id_r ELSE unique_id_l END AS id_r,
         match_weight, match_probability, {factors},
         row_number() OVER (PARTITION BY CASE WHEN source_dataset_l = 'legacy'
                            THEN unique_id_l ELSE unique_id_r END
                            ORDER BY match_weight DESC) AS rank
  FROM {table} WHERE match_weight >= {floor}
) WHERE rank <= {top}
"""


def _top_sql(table: str, floor: float) -> str:
    bfs = ", ".join(f"bf_{column}" for column in FIELDS.values())
    # A field's part includes its term-frequency adjustment: a rare name or birth date weighs
    # more than a common one.
    factors = ", ".join(
        f"bf_{c} * coalesce(bf_tf_adj_{c}, 1) AS bf_{c}" if c in TF_ADJUSTED
        else f"bf_{c}"
        for c in FIELDS.values()
    )  # fmt: skip
    return _TOP_SQL.format(
        bfs=bfs, factors=factors, table=table, floor=float(floor), top=TOP_CANDIDATES
    )


def _duckdb_top(con: duckdb.DuckDBPyConnection) -> Top:
    def top(predictions: Any, floor: float) -> tuple[int, Iterator[tuple[Any, ...]]]:
        table = predictions.physical_name
        pairs = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        rows = con.execute(_top_sql(table, floor)).fetchall()
        return int(pairs[0] if pairs else 0), iter(rows)

    return top


def _spark_top(linker: Any) -> Top:
    def top(predictions: Any, floor: float) -> tuple[int, Iterator[tuple[Any, ...]]]:
        frame = predictions.as_spark_dataframe()
        frame.createOrReplaceTempView("sevasetu_predictions")
        spark = frame.sparkSession
        pairs = frame.count()
        rows = spark.sql(_top_sql("sevasetu_predictions", floor)).collect()
        return int(pairs), iter(tuple(r) for r in rows)

    return top

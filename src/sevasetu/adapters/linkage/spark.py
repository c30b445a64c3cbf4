"""Splink on Spark in local mode: the same model and rules as on DuckDB, for sources too big
for one machine's DuckDB (a cluster's master URL is the only change). Needs Java 17."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from .splink_model import ModelOptions


def java_available() -> bool:
    return shutil.which("java") is not None


@contextmanager
def spark_linker(
    con: duckdb.DuckDBPyConnection, settings: Any, options: ModelOptions
) -> Iterator[Any]:
    """A Splink linker on a local Spark session, fed the two prepared DuckDB tables."""
    from pyspark.sql import SparkSession
    from splink import Linker, SparkAPI
    from splink.backends.spark import similarity_jar_location

    work = tempfile.mkdtemp(prefix="sevasetu-spark-")
    found = con.execute("SELECT count(*) FROM registry_keys").fetchone()
    # About 50,000 rows a partition: a small source is not cut into slivers that each cost a
    # task, a national one is spread over the cores.
    partitions = str(max(1, min(400, int(found[0] if found else 0) // 50_000)))
    spark = (
        SparkSession.builder.master(f"local[{max(1, int(options.threads))}]")
        .appName("sevasetu-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", options.memory_limit.replace("GB", "g"))
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.local.dir", work)
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(f"{work}/checkpoints")
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frames: list[Any] = [
            spark.createDataFrame(con.table(f"{name}_keys").df()).repartition(int(partitions))
            for name in ("legacy", "registry")
        ]
        yield Linker(
            frames,
            settings,
            db_api=SparkAPI(spark_session=spark),
            input_table_aliases=["legacy", "registry"],
        )
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)

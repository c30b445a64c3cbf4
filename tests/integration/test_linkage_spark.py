"""The Spark backend (local mode) links a small source like DuckDB does. Skipped only where
Java is missing; the database under it does not matter to Spark, so it runs on SQLite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from sevasetu.adapters.db.tables import legacy_link_runs, legacy_links
from sevasetu.adapters.linkage.spark import java_available
from sevasetu.bootstrap import AppContext
from sevasetu.services.demo import load_demo
from sevasetu.services.linkage import link_legacy_records

from ..builders import legacy_copies

pytestmark = pytest.mark.skipif(not java_available(), reason="Spark needs Java 17 (java)")


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: Spark reads the prepared frames, not the database under them."""
    path = tmp_path / "spark.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_spark_links_a_small_source(ctx: AppContext) -> None:
    load_demo(ctx, people=500, seed=3, history=False)
    truth = legacy_copies(ctx, "cg-teeka", 120)
    (summary,) = link_legacy_records(ctx, "cg-teeka", backend="spark", auto=9.0, review=2.0)
    with ctx.engine.connect() as conn:
        links = {r.record_id: (r.decision, r.person_id) for r in conn.execute(select(legacy_links))}
        backend = conn.execute(select(legacy_link_runs.c.backend)).scalar_one()
    assert backend == "spark" and set(links) == set(truth)
    autos = {rid: pid for rid, (decision, pid) in links.items() if decision == "auto"}
    assert len(autos) == summary.auto >= 60
    assert all(truth[rid] == pid for rid, pid in autos.items())

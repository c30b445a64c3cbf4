"""How long the reconciliation report takes for a district.

    .venv/bin/python bench/reconciliation.py                         # PostgreSQL and SQLite
    .venv/bin/python bench/reconciliation.py --backend postgresql --people 1000000

Builds a fresh database (PostgreSQL: ``sevasetu_bench_reconcile``, dropped at the end; SQLite:
a file under ``var/bench/``, deleted at the end) and loads the demo population with its
immunisation history: ``--district-share`` of the people in Raigarh, the rest in Nadia (so
that Raigarh's adults take one second dose in ten in another district of their state... the
demo sends them to a facility of their state outside their district). Then, as if a legacy
portal's first doses had been merged, ``--legacy-share`` of Raigarh's COVID1 records become
``source = 'legacy'`` with their staged legacy record and dose, and as many second-dose-only
people get a legacy record waiting for review. Finally it builds the Raigarh report in-process
(``services.reconciliation``, the queries and the classification; no HTTP), ``--runs`` times,
and prints the median and the slowest with the counts, as JSON and a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from rich.console import Console
from rich.table import Table
from sqlalchemy import select, update

from sevasetu.adapters.db.bulk import bulk_insert
from sevasetu.adapters.db.tables import (
    facilities,
    legacy_candidates,
    legacy_doses,
    legacy_imports,
    legacy_links,
    legacy_records,
    vaccinations,
)
from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.services.reconciliation import reconciliation_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, bench_settings, drop_postgres, fresh_database  # noqa: E402

console = Console(stderr=True)
DATABASE = "sevasetu_bench_reconcile"
DISTRICT = "IN-CG-RGH"
STATE = "IN-CG"


def load(ctx: AppContext, people: int, share: float) -> None:
    """The demo population with its doses: ``share`` in Raigarh, the rest in Nadia."""
    from sevasetu.adapters.db.migrate import upgrade
    from sevasetu.services.areas import load_geography
    from sevasetu.services.demo import load_demo

    upgrade(ctx.engine)
    load_geography(ctx)
    raigarh = int(people * share)
    started = time.perf_counter()
    load_demo(ctx, people=raigarh, districts=[DISTRICT], history=True)
    if people > raigarh:
        load_demo(ctx, people=people - raigarh, districts=["IN-WB-NAD"], history=True,
                  append=True)  # fmt: skip
    console.print(f"loaded {people:,} people with their doses in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip


def analyse(ctx: AppContext) -> None:
    """Fresh planner statistics, as autovacuum would have gathered after such a load."""
    if ctx.engine.dialect.name == "postgresql":
        with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def stage_legacy(ctx: AppContext, share: float, seed: int = 5) -> dict[str, int]:
    """Turn ``share`` of Raigarh's COVID1 records into merged legacy doses, and give as many
    people whose COVID1 is then dropped a legacy record waiting for review."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    v, f = vaccinations.c, facilities.c
    with ctx.engine.begin() as conn:
        firsts = conn.execute(
            select(v.state_code, v.id, v.person_id, v.given_on)
            .join(facilities, f.code == v.facility_code)
            .where(v.dose_code == "COVID1", f.area_code.like(f"{DISTRICT}%"))
        ).all()
        rng.shuffle(firsts)
        n = int(len(firsts) * share)
        merged, reviewed = firsts[:n], firsts[n : 2 * n]
        import_id = ctx.new_id()
        bulk_insert(conn, legacy_imports, [dict(
            state_code=STATE, id=import_id, source="cg-teeka", file_name="bench.csv",
            file_sha256=import_id.replace("-", "").ljust(64, "0"), mapping_sha256="0" * 64,
            rows_read=2 * n, rows_imported=2 * n, rows_rejected=0, imported_by="bench",
            imported_at=now)])  # fmt: skip
        records, doses, links, candidates, ids = [], [], [], [], []
        for i, row in enumerate(merged + reviewed):
            record_id = ctx.new_id()
            records.append(dict(
                state_code=STATE, id=record_id, source="cg-teeka", import_id=import_id,
                source_row_id=f"CGT-{i}", name="x", name_latin="x", name_key="x",
                area_text="", raw={}, created_at=now))  # fmt: skip
            doses.append(dict(
                state_code=STATE, id=ctx.new_id(), record_id=record_id, schedule="covid19-india",
                dose_code="COVID1", given_on=row.given_on, product="", facility_text="",
                area_code=None, vaccination_id=row.id if i < n else None))  # fmt: skip
            decision = "auto" if i < n else "review"
            links.append(dict(state_code=STATE, record_id=record_id, person_id=row.person_id,
                              match_weight=8.0, decision=decision, run_id=import_id,
                              decided_by="bench", decided_at=now))  # fmt: skip
            candidates.append(dict(state_code=STATE, record_id=record_id,
                                   person_id=row.person_id, run_id=import_id, match_weight=8.0,
                                   match_probability=0.9, contributions={}))  # fmt: skip
            if i < n:
                ids.append(row.id)
        for table, rows in ((legacy_records, records), (legacy_doses, doses),
                            (legacy_links, links), (legacy_candidates, candidates)):  # fmt: skip
            for start in range(0, len(rows), 10_000):
                bulk_insert(conn, table, rows[start : start + 10_000])
        for start in range(0, len(ids), 5_000):
            conn.execute(update(vaccinations).where(v.id.in_(ids[start:start + 5_000]))
                         .values(source="legacy", facility_code=None))  # fmt: skip
        for start in range(0, len(reviewed), 5_000):  # their first dose never reached us
            conn.execute(vaccinations.delete().where(
                v.id.in_([r.id for r in reviewed[start:start + 5_000]])))  # fmt: skip
    return {"merged_first_doses": n, "review_records": len(reviewed)}


def measure(ctx: AppContext, runs: int) -> dict[str, object]:
    officer = Principal(kind="system", id="bench", role=Role.STATE_ADMIN, name="bench",
                        area_code="IN", state_code=STATE)  # fmt: skip
    times, report = [], None
    for _ in range(runs):
        started = time.perf_counter()
        report = reconciliation_report(ctx, officer, DISTRICT)
        times.append(time.perf_counter() - started)
    assert report is not None
    h = report.headline.districts[0]
    assert h.balanced()
    return {
        "median_s": round(median(times), 2), "max_s": round(max(times), 2), "runs": runs,
        "first_before": h.first_before, "second_before": h.second_before,
        "first_after": h.first_after, "explained": {k.value: n for k, n in h.explained.items()},
        "offsets": {k.value: n for k, n in h.offsets.items()}, "records": len(h.rows),
    }  # fmt: skip


def run(backend: str, people: int, share: float, legacy: float, runs: int) -> dict[str, object]:
    url = fresh_database(backend, DATABASE)
    ctx = AppContext(bench_settings(url))
    try:
        load(ctx, people, share)
        staged = stage_legacy(ctx, legacy)
        analyse(ctx)
        found = measure(ctx, runs)
    finally:
        ctx.close()
        if backend == "postgresql":
            drop_postgres(DATABASE)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{BENCH_DIR / DATABASE}.db{suffix}").unlink(missing_ok=True)
    return {"backend": backend, "people": people, "raigarh_share": share, **staged, **found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--district-share", type=float, default=0.15)
    parser.add_argument("--legacy-share", type=float, default=0.15)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    results = [run(b, args.people, args.district_share, args.legacy_share, args.runs)
               for b in backends]  # fmt: skip
    print(json.dumps({"machine": platform.machine(), "results": results}, indent=2))
    table = Table("backend", "people", "COVID1/COVID2 before", "(a) (b) (c) (d)", "records",
                  "median s", "max s", title="Reconciliation report of Raigarh")  # fmt: skip
    for r in results:
        e: dict[str, int] = r["explained"]  # type: ignore[assignment]
        before = f"{r['first_before']:,}/{r['second_before']:,}"
        classes = " ".join(str(e[k]) for k in ("legacy", "elsewhere", "review", "unexplained"))
        table.add_row(str(r["backend"]), f"{r['people']:,}", before, classes,
                      f"{r['records']:,}", str(r["median_s"]), str(r["max_s"]))  # fmt: skip
    Console().print(table)


if __name__ == "__main__":
    main()

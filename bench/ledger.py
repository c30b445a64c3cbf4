"""The services ledger at scale: duplicate-benefit detection and the disaster priority list.

    .venv/bin/python bench/ledger.py                                  # PostgreSQL, 1M people
    .venv/bin/python bench/ledger.py --backend sqlite --people 100000 --runs 3

Builds a fresh database (PostgreSQL: ``sevasetu_bench_ledger``; SQLite: a file under
``var/bench/``; both dropped at the end) with the demo population, half in Nadia's five blocks
(about a tenth each) and half in Kolkata, all in West Bengal. Two monthly schemes of one
exclusive group are saved (a ration for everyone, an allowance from 18), and each person gets
``--records`` service records, one a month, written with COPY (``adapters.db.bulk``), already
resolved as a department's import leaves them. Planted among them: one person in 1,000 paid
twice in a month, one in 1,000 paid both schemes in a month, one child in 500 given the adult
allowance, and one person in 5,000 dead since May and still paid. Then it times the detection
(``FindingRepository.detect``: set-based INSERT ... SELECT ... GROUP BY, the whole state) and
the priority list of one block (``services.priority.priority_list``), ``--runs`` times each,
and prints the medians and the slowest with the counts, as JSON and a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import median

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from sevasetu.adapters.db.bulk import bulk_insert
from sevasetu.adapters.db.tables import benefit_findings, people, person_attributes, service_records
from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.domain.benefits import FindingKind
from sevasetu.services.priority import priority_list
from sevasetu.services.schemes import save_scheme

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    BENCH_DIR,
    bench_settings,
    drop_postgres,
    fresh_database,
    load_people,
    progress_bar,
)

console = Console(stderr=True)
DATABASE = "sevasetu_bench_ledger"
STATE = "IN-WB"
BLOCK = "IN-WB-NAD-KN1"
AREAS = ["IN-WB-NAD", "IN-WB-KOL"]
RATION, ALLOWANCE = "BENCH-RATION", "BENCH-ALLOWANCE"
ADMIN = Principal(kind="system", id="bench", role=Role.STATE_ADMIN, name="bench",
                  area_code=STATE, state_code=STATE)  # fmt: skip
CHUNK = 200_000


def schemes(ctx: AppContext) -> None:
    common = {"department": "WB-FOOD", "period": "monthly", "area": STATE,
              "exclusive_group": "BENCH-GROUP"}  # fmt: skip
    save_scheme(ctx, ADMIN, RATION, {**common, "name": "Monthly ration", "benefit": "in_kind",
                                     "amount": 35, "rules": []})  # fmt: skip
    save_scheme(ctx, ADMIN, ALLOWANCE, {**common, "name": "Monthly allowance",
                                        "benefit": "cash", "amount": 1000,
                                        "rules": ["age >= 18"]})  # fmt: skip


def records(ctx: AppContext, per_person: int, seed: int, write: bool = True) -> dict[str, int]:
    """Every person's records, with the planted ones; returns what was planted (only that,
    with ``write`` off: a reused database keeps the records it has)."""
    rng = random.Random(seed)
    with ctx.uow() as uow:
        everyone = uow.conn.execute(
            select(people.c.id, people.c.birth_date).where(people.c.state_code == STATE)
            .order_by(people.c.id)
        ).all()  # fmt: skip
    planted = {"duplicate": 0, "exclusive": 0, "too_young": 0, "deceased": 0}
    # As a bulk load does: the secondary indexes are built once after the rows, not row by row.
    secondary = [i for i in service_records.indexes if not i.unique]
    if write:
        with ctx.engine.begin() as conn:
            for index in secondary:
                index.drop(conn)
    now = datetime.now(UTC)
    total = len(everyone) * per_person
    rows: list[dict] = []
    dead: list[dict] = []
    written = 0
    with progress_bar(console) as bar:
        task = bar.add_task("service records (COPY)", total=total, rate="")
        started = time.perf_counter()

        def flush() -> None:
            nonlocal written, rows
            with ctx.uow(write=True) as uow:
                bulk_insert(uow.conn, service_records, rows)
                uow.commit()
            written += len(rows)
            rows = []
            rate = f"{written / (time.perf_counter() - started):,.0f}/s"
            bar.update(task, completed=written, rate=rate)

        for n, (person_id, born) in enumerate(everyone):
            adult_on = date(born.year + 18, born.month, min(born.day, 28))
            months = list(range(1, per_person + 1))
            extra: list[tuple[int, str]] = []
            if n % 1000 == 1:
                extra.append((months[3], "dup"))
                planted["duplicate"] += 1
            if n % 1000 == 2:
                extra.append((months[4], "excl"))
                planted["exclusive"] += 1
            if n % 5000 == 3:
                dead.append({"state_code": STATE, "person_id": person_id, "disabled": False,
                             "chronic_illness": False, "deceased_on": date(2026, 5, 1),
                             "updated_by": "bench", "updated_at": now})  # fmt: skip
                planted["deceased"] += 1
            # A planted extra record falls on its month's day, so a double payment is of the
            # same scheme even in the month the person turns 18.
            days = {m: date(2026, (m - 1) % 12 + 1, 1 + rng.randrange(27)) for m in months}
            for month, kind in [(m, "") for m in months] + extra:
                day = days[month]
                adult = day >= adult_on
                scheme = ALLOWANCE if adult else RATION
                if kind == "excl":
                    scheme = RATION if adult else ALLOWANCE
                    if not adult:
                        planted["too_young"] += 1
                if not adult and n % 500 == 4 and month == months[0]:
                    scheme = ALLOWANCE  # a child given the adult allowance
                    planted["too_young"] += 1
                rows.append({
                    "state_code": STATE, "id": f"b{n:09d}-{month:02d}-{kind or 'r'}",
                    "department": "WB-FOOD", "scheme_code": scheme,
                    "reference": f"R{n:08d}{month:02d}{kind}", "delivered_on": day,
                    "period_key": f"2026-{(month - 1) % 12 + 1:02d}", "year": 2026,
                    "amount": 1000.0 if scheme == ALLOWANCE else 35.0, "status": "resolved",
                    "person_id": person_id, "resolved_by": "bd_nid", "created_by": "bench",
                    "created_at": now,
                })  # fmt: skip
            if not write:
                rows = []
            elif len(rows) >= CHUNK:
                flush()
        if rows:
            flush()
    if not write:
        return planted
    analyze(ctx)
    with ctx.engine.begin() as conn:
        for index in secondary:
            index.create(conn)
    with ctx.uow(write=True) as uow:
        bulk_insert(uow.conn, person_attributes, dead)
        uow.commit()
    return planted


def analyze(ctx: AppContext) -> None:
    """Fresh planner statistics, as autovacuum would gather after a large import."""
    if ctx.engine.dialect.name == "postgresql":
        with ctx.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def detect_once(ctx: AppContext) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    with ctx.uow(write=True) as uow:
        uow.benefit_findings.detect(STATE, None, datetime.now(UTC))
        uow.commit()
    seconds = time.perf_counter() - started
    with ctx.uow() as uow:
        counts = dict(uow.conn.execute(
            select(benefit_findings.c.kind, func.count()).group_by(benefit_findings.c.kind)
        ).all())  # fmt: skip
    return seconds, {str(k): int(v) for k, v in counts.items()}


def priority_once(ctx: AppContext) -> tuple[float, int, int]:
    started = time.perf_counter()
    ranked = priority_list(ctx, ADMIN, BLOCK)
    return time.perf_counter() - started, ranked.residents, len(ranked.people)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=10, help="records per person")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database's people")
    args = parser.parse_args()
    url = fresh_database(args.backend, DATABASE, reuse=args.reuse)
    ctx = AppContext(bench_settings(url))
    try:
        loaded = load_people(ctx, args.people, districts=AREAS)
        with ctx.uow() as uow:
            kept = uow.conn.execute(select(func.count()).select_from(service_records)).scalar()
        fresh = not (args.reuse and kept)
        with ctx.uow(write=True) as uow:  # a reused database keeps its people and records
            for table in (benefit_findings,) + (
                (service_records, person_attributes) if fresh else ()
            ):
                uow.conn.execute(table.delete())
            uow.commit()
        if fresh:
            schemes(ctx)
        started = time.perf_counter()
        planted = records(ctx, args.records, seed=11, write=fresh)
        if not fresh:
            analyze(ctx)
        generated = time.perf_counter() - started
        with ctx.uow() as uow:
            total = uow.conn.execute(select(func.count()).select_from(service_records)).scalar()
        detections = [detect_once(ctx) for _ in range(args.runs)]
        priorities = [priority_once(ctx) for _ in range(args.runs)]
    finally:
        ctx.close()
        if not args.keep:
            if args.backend == "postgresql":
                drop_postgres(DATABASE)
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{BENCH_DIR / DATABASE}.db{suffix}").unlink(missing_ok=True)
    found = detections[-1][1]
    result = {
        "backend": args.backend, "people": loaded, "service_records": total,
        "records_written_s": round(generated, 1), "planted": planted, "found": found,
        "found_matches_planted": all(
            found.get(k.value, 0) == planted[k.value]
            for k in (FindingKind.DUPLICATE, FindingKind.EXCLUSIVE, FindingKind.DECEASED)),
        "detect_median_s": round(median(d[0] for d in detections), 2),
        "detect_max_s": round(max(d[0] for d in detections), 2),
        "detect_first_s": round(detections[0][0], 2),
        "priority_area": BLOCK, "priority_residents": priorities[0][1],
        "priority_ranked": priorities[0][2],
        "priority_median_s": round(median(p[0] for p in priorities), 3),
        "priority_max_s": round(max(p[0] for p in priorities), 3),
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }  # fmt: skip
    print(json.dumps(result))
    table = Table(title=f"services ledger ({args.backend})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    console.print(table)


if __name__ == "__main__":
    main()

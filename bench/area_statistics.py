"""Area statistics and the child-marriage outreach list of one block of 100,000 people.

    .venv/bin/python bench/area_statistics.py                                 # PostgreSQL
    .venv/bin/python bench/area_statistics.py --backend sqlite --runs 3

Builds a fresh database (PostgreSQL: ``sevasetu_bench_statistics``; SQLite: a file under
``var/bench/``; both dropped at the end unless ``--keep``) with ``--people`` demo people, all in
Tala upazila (Satkhira, Bangladesh), with their immunisation history (the demo's: routine doses
for children). Bangladesh's schemes are loaded and one resident in five is given VGF rice this
year and every resident aged 65 or more the old-age allowance (service records written with
COPY, already resolved). Then it times ``services.statistics.area_statistics`` (the pyramid,
households, identifiers, every scheme's coverage and the immunisation of children 12-23 months,
per ward) and ``services.marriage.marriage_alerts`` for the upazila, ``--runs`` times each, in
process with their audit entries, and prints the first, median and slowest as JSON.
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
from sqlalchemy import func, select

from sevasetu.adapters.db.bulk import bulk_insert
from sevasetu.adapters.db.tables import people, service_records, vaccinations
from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.services.marriage import marriage_alerts
from sevasetu.services.schemes import load_schemes, scheme_files
from sevasetu.services.statistics import area_statistics

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
DATABASE = "sevasetu_bench_statistics"
STATE = "BD-D"
BLOCK = "BD-D-SAT-TAL"
ADMIN = Principal(kind="system", id="bench", role=Role.STATE_ADMIN, name="bench",
                  area_code=STATE, state_code=STATE)  # fmt: skip
CHUNK = 100_000


def services(ctx: AppContext, seed: int) -> int:
    """VGF rice for one resident in five this year, the old-age allowance for those 65+."""
    load_schemes(ctx, ADMIN, [p for p in scheme_files() if "bangladesh" in p.name])
    rng = random.Random(seed)
    today = ctx.today()
    with ctx.uow() as uow:
        everyone = uow.conn.execute(
            select(people.c.id, people.c.birth_date).where(people.c.state_code == STATE)
        ).all()
    now = datetime.now(UTC)
    rows = []
    for n, (person_id, born) in enumerate(everyone):
        day = date(today.year, 1 + rng.randrange(today.month), 1 + rng.randrange(27))
        given = []
        if rng.random() < 0.2:
            given.append(("BD-DRRO", "BD-VGF-RICE", 30.0))
        if today.year - born.year > 65:
            given.append(("BD-DSS", "BD-OLD-AGE-ALLOWANCE", 600.0))
        for department, scheme, amount in given:
            rows.append({
                "state_code": STATE, "id": f"s{n:09d}-{scheme[-4:]}", "department": department,
                "scheme_code": scheme, "reference": f"B{n:09d}{scheme[-4:]}",
                "delivered_on": day, "period_key": f"{day.year}-{day.month:02d}",
                "year": day.year, "amount": amount, "status": "resolved",
                "person_id": person_id, "resolved_by": "bd_nid", "created_by": "bench",
                "created_at": now,
            })  # fmt: skip
    with progress_bar(console) as bar:
        task = bar.add_task("service records (COPY)", total=len(rows), rate="")
        for start in range(0, len(rows), CHUNK):
            with ctx.uow(write=True) as uow:
                bulk_insert(uow.conn, service_records, rows[start : start + CHUNK])
                uow.commit()
            bar.update(task, completed=min(start + CHUNK, len(rows)))
    if ctx.engine.dialect.name == "postgresql":
        with ctx.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return len(rows)


def timed(make) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    found = make()
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args()
    url = fresh_database(args.backend, DATABASE, reuse=args.reuse)
    ctx = AppContext(bench_settings(url))
    try:
        loaded = load_people(ctx, args.people, districts=[BLOCK], history=True)
        with ctx.uow() as uow:
            records = uow.conn.execute(select(func.count()).select_from(service_records)).scalar()
            doses = uow.conn.execute(select(func.count()).select_from(vaccinations)).scalar()
        if not records:
            records = services(ctx, seed=13)
        stats = [timed(lambda: area_statistics(ctx, ADMIN, BLOCK)) for _ in range(args.runs)]
        alerts = [timed(lambda: marriage_alerts(ctx, ADMIN, BLOCK)) for _ in range(args.runs)]
    finally:
        ctx.close()
        if not args.keep:
            if args.backend == "postgresql":
                drop_postgres(DATABASE)
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{BENCH_DIR / DATABASE}.db{suffix}").unlink(missing_ok=True)
    total = stats[-1][1].total  # type: ignore[attr-defined]
    result = {
        "backend": args.backend, "area": BLOCK, "people": loaded, "doses": doses,
        "service_records": records, "residents": total.residents,
        "wards": len(stats[-1][1].wards) - 1,  # type: ignore[attr-defined]
        "households": total.households, "children_12_23_months": total.children,
        "fully_immunised": total.fully_immunised,
        "statistics_first_s": round(stats[0][0], 3),
        "statistics_median_s": round(median(s[0] for s in stats), 3),
        "statistics_max_s": round(max(s[0] for s in stats), 3),
        "alerts_people": len(alerts[-1][1].people),  # type: ignore[attr-defined]
        "alerts_median_s": round(median(a[0] for a in alerts), 3),
        "alerts_max_s": round(max(a[0] for a in alerts), 3),
        "runs": args.runs, "python": platform.python_version(),
    }  # fmt: skip
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

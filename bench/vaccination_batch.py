"""Batch vaccination over loopback: doses recorded per second through the real HTTP API.

For each database (PostgreSQL and SQLite): load N demo people into a fresh database (or reuse
it with --reuse), give a facility a lot for every dose of the India UIP schedule, start
`sevasetu serve` with uvicorn, then send batches of --batch-size doses (each dose due for its
child that day, from the facility's lot) to POST /api/v1/vaccinations/batch from a few client
threads, a bounded number of batches. The PostgreSQL database is dropped afterwards unless
--keep is given.

Prints one JSON document and a table; the figures go into docs/benchmarks.md.
Run: .venv/bin/python bench/vaccination_batch.py [--people 200000] [--backend postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import bench_settings, drop_postgres, fresh_database, load_people, serving  # noqa: E402

from sevasetu.adapters.schedules import load_schedule  # noqa: E402
from sevasetu.bootstrap import AppContext  # noqa: E402
from sevasetu.domain.lots import VaccineLot  # noqa: E402
from sevasetu.domain.schedule import Status, due_doses  # noqa: E402
from sevasetu.services.auth import add_user, issue_token  # noqa: E402

console = Console(stderr=True)
DATABASE = "sevasetu_bench_batch"
FACILITY = "IN-WB-NAD-KN1-CHC"


def prepare(ctx: AppContext, wanted: int) -> tuple[str, list[dict]]:
    """An ANM's token, lots at the facility, and ``wanted`` doses each due on the day for its
    child (one of several first doses per child: no two items touch the same dose)."""
    today = ctx.today()
    schedule = load_schedule("india-uip")
    with ctx.uow() as uow:
        exists = uow.users.by_username("bench.anm") is not None
    if not exists:
        add_user(ctx, None, username="bench.anm", password="bench-password-1", role="anm",
                 area_code="IN-WB-NAD", full_name="Bench ANM")  # fmt: skip
    with ctx.uow(write=True) as uow:
        held = {lot.lot for lot in uow.lots.at_facility("IN-WB", FACILITY)}
        for dose in schedule.doses:
            if f"L-{dose.code}" not in held:
                uow.lots.add(VaccineLot(
                    "IN-WB", FACILITY, f"P-{dose.code}", f"L-{dose.code}",
                    today + timedelta(days=365), (dose.code,), "bench", 10_000, "bench",
                    ctx.now(),
                ))  # fmt: skip
        uow.commit()
    token = issue_token(ctx, "bench.anm", label="bench", days=1)
    tree = ctx.area_tree()
    with ctx.engine.connect() as conn:
        children = conn.execute(
            text("SELECT id, birth_date, area_code FROM people WHERE birth_date > :since "
                 "AND NOT EXISTS (SELECT 1 FROM vaccinations v WHERE v.person_id = people.id) "
                 "ORDER BY id"),
            {"since": today - timedelta(days=5 * 365)},
        ).all()  # fmt: skip
    items: list[dict] = []
    for person_id, birth, area_code in children:
        if isinstance(birth, str):
            birth = date.fromisoformat(birth)
        for status in due_doses(schedule, birth=birth, today=today, given={},
                                flags=tree.flags(area_code)):  # fmt: skip
            if status.status in (Status.DUE, Status.OVERDUE) and len(items) < wanted:
                items.append({"person_id": person_id, "dose_code": status.code,
                              "given_on": today.isoformat(), "facility_code": FACILITY,
                              "lot": f"L-{status.code}"})  # fmt: skip
        if len(items) >= wanted:
            break
    # Spread a child's doses over different batches, as sessions would send them.
    items.sort(key=lambda item: (item["dose_code"], item["person_id"]))
    return token, items


def drive(base: str, token: str, batches: list[list[dict]], clients: int) -> dict:
    work: queue.Queue[list[dict]] = queue.Queue()
    for batch in batches:
        work.put(batch)
    latencies: list[float] = []
    counts = {"created": 0, "refused": 0, "http_errors": 0}
    refusals: dict[str, int] = {}
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120,
                          headers={"Authorization": f"Bearer {token}"}) as http:  # fmt: skip
            while True:
                try:
                    batch = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                answer = http.post("/api/v1/vaccinations/batch", json={"items": batch})
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    if answer.status_code != 200:
                        counts["http_errors"] += 1
                        continue
                    body = answer.json()
                    counts["created"] += body["created"]
                    counts["refused"] += body["refused"]
                    for item in body["items"]:
                        if item["status"] == "error":
                            code = item["problem"]["code"]
                            refusals[code] = refusals.get(code, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    doses = counts["created"] + counts["refused"]
    return {
        "batches": len(batches),
        "doses": doses,
        **counts,
        "refusals": refusals,
        "seconds": round(elapsed, 2),
        "doses_per_s": round(doses / elapsed, 1),
        "created_per_s": round(counts["created"] / elapsed, 1),
        "batch_p50_s": round(statistics.median(latencies), 3),
        "batch_max_s": round(max(latencies), 3),
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    url = fresh_database(backend, DATABASE, reuse=args.reuse)
    ctx = AppContext(bench_settings(url))
    loaded = load_people(ctx, args.people)
    batches = args.batches if backend == "postgresql" else args.sqlite_batches
    token, items = prepare(ctx, batches * args.batch_size)
    ctx.close()
    chunks = [items[i : i + args.batch_size] for i in range(0, len(items), args.batch_size)]
    workers = 1 if backend == "sqlite" else args.workers
    try:
        with serving(url, workers) as base:
            console.print(f"[bold]{backend}[/bold]: {len(chunks)} batches of {args.batch_size} ...")
            figures = drive(base, token, chunks, args.clients)
            return {"backend": backend, "people": loaded, "workers": workers,
                    "clients": args.clients, **figures}  # fmt: skip
    finally:
        if backend == "postgresql" and not args.keep:
            drop_postgres(DATABASE)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], action="append")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=30, help="on PostgreSQL")
    parser.add_argument("--sqlite-batches", type=int, default=15)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    parser.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL database")
    args = parser.parse_args()
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cpu",
        "runs": [run_backend(b, args) for b in (args.backend or ["postgresql", "sqlite"])],
    }
    print(json.dumps(results, indent=2))
    table = Table("backend", "batches", "doses", "created", "refused", "s", "doses/s",
                  "batch p50 s", "batch max s")  # fmt: skip
    for r in results["runs"]:
        table.add_row(r["backend"], str(r["batches"]), str(r["doses"]), str(r["created"]),
                      str(r["refused"]), str(r["seconds"]), f"{r['doses_per_s']:.0f}",
                      str(r["batch_p50_s"]), str(r["batch_max_s"]))  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()

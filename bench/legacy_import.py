"""How fast a legacy export is imported into staging (target: 50,000 rows/s on PostgreSQL).

    .venv/bin/python bench/legacy_import.py --rows 1000000
    .venv/bin/python bench/legacy_import.py --rows 200000 --backend sqlite

Each run starts from a fresh database (``sevasetu_bench_legacy`` on the local PostgreSQL, or a
file under ``var/bench/``) with the geography and a demo registry (``--registry`` people, 70 %
in Nadia). The export is the synthetic generator's (``sevasetu legacy generate``: damaged
names in Latin and Bengali, ages, phones, first doses), repeated with fresh row ids up to
``--rows``; how fast the generator wrote its rows from the registry is reported too. The
figure is ``import_legacy`` from reading the file to the commit, as ``sevasetu legacy
import`` runs it; the client's CPU time (both its processes on PostgreSQL, its two threads on
SQLite) and the load average before and after the run are printed too, as the two cores are
shared with the database. The databases and files are dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sevasetu.bootstrap import AppContext
from sevasetu.services.legacy_import import import_legacy
from sevasetu.services.legacy_synthetic import write_legacy_export

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, bench_settings, drop_postgres, fresh_database, load_people  # noqa: E402

NAME = "sevasetu_bench_legacy"


def export_of(ctx: AppContext, rows: int, work: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A legacy export of ``rows`` rows: the generator's rows, repeated with new row ids; and
    how fast the generator wrote them from the registry."""
    started = time.perf_counter()
    made = write_legacy_export(ctx, work / "sample", area="IN-WB-NAD", seed=11)
    seconds = time.perf_counter() - started
    generated = {"generated_rows": made.rows, "generate_seconds": round(seconds, 2),
                 "generated_rows_per_second": round(made.rows / seconds)}  # fmt: skip
    with made.csv_path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        sample = list(reader)
    big = work / "legacy.csv"
    with big.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for n in range(rows):
            row = sample[n % len(sample)]
            writer.writerow([f"B{n:010d}", *row[1:]])
    return big, made.mapping_path, generated


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench(backend: str, rows: int, registry: int, console: Console) -> dict[str, Any]:
    url = fresh_database(backend, NAME)
    ctx = AppContext(bench_settings(url))
    work = BENCH_DIR / "legacy_import"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        load_people(ctx, registry)
        path, mapping, generated = export_of(ctx, rows, work)
        console.print(f"[dim]{backend}: importing {rows:,} rows from {path.stat().st_size:,} bytes")
        load = os.getloadavg()[0]
        started, cpu, forked = time.perf_counter(), time.process_time(), _children_cpu()
        summary = import_legacy(ctx, path, source="bench", mapping_path=mapping,
                                rejects_path=work / "rejects.csv")  # fmt: skip
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # On PostgreSQL the rows are read and checked in a forked process: its CPU counts.
        cpu += _children_cpu() - forked
        return {
            "backend": backend, "rows": summary.rows_read, "imported": summary.rows_imported,
            "rejected": summary.rows_rejected, "doses": summary.doses,
            "seconds": round(seconds, 2), "rows_per_second": round(summary.rows_read / seconds),
            "client_cpu_seconds": round(cpu, 2),
            "rows_per_client_cpu_second": round(summary.rows_read / cpu),
            "load_average_before": round(load, 1),
            "load_average_after": round(os.getloadavg()[0], 1),
            "registry_people": registry, **generated,
        }  # fmt: skip
    finally:
        ctx.close()
        shutil.rmtree(work, ignore_errors=True)
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{BENCH_DIR / NAME}.db{suffix}").unlink(missing_ok=True)
        else:
            drop_postgres(NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--registry", type=int, default=20_000, help="demo people to draw from")
    args = parser.parse_args()
    console = Console(stderr=True)
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    results = [bench(b, args.rows, args.registry, console) for b in backends]
    print(json.dumps(results, indent=2))
    table = Table("backend", "rows", "imported", "rejected", "doses", "seconds", "rows/s")
    for r in results:
        table.add_row(r["backend"], f"{r['rows']:,}", f"{r['imported']:,}", f"{r['rejected']:,}",
                      f"{r['doses']:,}", str(r["seconds"]),
                      f"{r['rows_per_second']:,}")  # fmt: skip
    Console().print(table)


if __name__ == "__main__":
    main()

"""How long a state's move takes: export, import and verify, SQLite to PostgreSQL and
PostgreSQL to PostgreSQL.

    .venv/bin/python bench/tenant_transfer.py --people 1000000
    .venv/bin/python bench/tenant_transfer.py --people 20000 --keep   # keep the databases
    .venv/bin/python bench/tenant_transfer.py --reuse    # the sources a --keep run left
    # issue 8's figure: a state of 1M people with their doses (about 6M), PostgreSQL only
    .venv/bin/python bench/tenant_transfer.py --people 1000000 --doses --one-state \
        --sources postgresql

The demo population (``common.load_people``: 70 % of it in Nadia, West Bengal) is loaded into
a fresh SQLite file and a fresh PostgreSQL database (``--doses``: with their doses;
``--one-state``: all of them in Nadia, so the state is the whole population); West Bengal is
exported from each, imported into a fresh PostgreSQL database (the geography only) and
verified there. Prints the figures as
JSON and a table, with the projection for a whole state from the rows per second measured. The
databases and bundles are dropped afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sevasetu.adapters.db.migrate import upgrade
from sevasetu.bootstrap import AppContext
from sevasetu.services import certificates
from sevasetu.services.areas import load_geography
from sevasetu.services.tenant_export import export_state
from sevasetu.services.tenant_import import import_bundle
from sevasetu.services.tenant_verify import verify_state

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    BENCH_DIR,
    bench_settings,
    drop_postgres,
    fresh_database,
    load_people,
)

STATE = "IN-WB"
WINDOW_HOURS = 2.0  # West Bengal's portal was closed 10:00-12:00 for its move (S4)


def transfer(console: Console, source: AppContext, target_name: str, label: str) -> dict[str, Any]:
    target = AppContext(bench_settings(fresh_database("postgresql", target_name)))
    upgrade(target.engine)
    load_geography(target)
    bundle = BENCH_DIR / f"{label}-bundle"
    shutil.rmtree(bundle, ignore_errors=True)
    figures: dict[str, Any] = {"pair": label}
    # The settings' secret is new each run: a reused database's key was sealed with another.
    certificates.rotate_key(source, actor="bench")
    try:
        started = time.perf_counter()
        manifest = export_state(source, STATE, bundle)
        figures["export_s"] = time.perf_counter() - started
        console.print(f"{label}: exported in {figures['export_s']:.1f} s")
        trusted = certificates.jwks(source)
        started = time.perf_counter()
        report = import_bundle(target, bundle, trusted)
        figures["import_s"] = time.perf_counter() - started
        console.print(f"{label}: imported in {figures['import_s']:.1f} s")
        started = time.perf_counter()
        _, differences = verify_state(target, STATE, bundle, trusted)
        figures["verify_s"] = time.perf_counter() - started
        console.print(f"{label}: verified in {figures['verify_s']:.1f} s")
        assert all(d.same for d in differences), [d.name for d in differences if not d.same]
        figures["rows"] = sum(e.rows for e in manifest.tables)
        figures["inserted"] = sum(report.inserted.values())
        figures["people"] = next(e.rows for e in manifest.tables if e.name == "people")
        figures["doses"] = next(e.rows for e in manifest.tables if e.name == "vaccinations")
        figures["bundle_mib"] = round(sum(p.stat().st_size for p in bundle.iterdir()) / 2**20, 1)
        figures["total_s"] = figures["export_s"] + figures["import_s"] + figures["verify_s"]
        figures["rows_per_s"] = round(figures["rows"] / figures["total_s"])
        for key in ("export_s", "import_s", "verify_s", "total_s"):
            figures[key] = round(figures[key], 1)
    finally:
        target.close()
        shutil.rmtree(bundle, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse loaded source databases")
    parser.add_argument("--doses", action="store_true", help="load the people's doses too")
    parser.add_argument("--one-state", action="store_true", help="everyone in West Bengal")
    parser.add_argument("--sources", default="sqlite,postgresql", help="source backends")
    parser.add_argument("--tag", default="", help="a suffix for the databases' names")
    parser.add_argument("--load-only", action="store_true", help="load the sources, keep them")
    args = parser.parse_args(argv)
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    keep = args.keep or args.load_only
    console = Console(stderr=True)
    results = []
    prefix = f"sevasetu_bench_tenant{args.tag}"
    names = [f"{prefix}_src", f"{prefix}_dst1", f"{prefix}_dst2"]
    sqlite_file = BENCH_DIR / f"tenant{args.tag}_src.db"
    try:
        for backend, name, target in (("sqlite", f"tenant{args.tag}_src", names[1]),
                                      ("postgresql", names[0], names[2])):  # fmt: skip
            if backend not in sources:
                continue
            source = AppContext(bench_settings(fresh_database(backend, name, reuse=args.reuse)))
            loaded = load_people(source, args.people, history=args.doses,
                                 districts=["IN-WB-NAD"] if args.one_state else None)  # fmt: skip
            console.print(f"{backend}: {loaded:,} people loaded")
            if args.load_only:
                source.close()
                continue
            results.append({"source": backend, **transfer(
                console, source, target, f"{backend}-to-postgresql")})  # fmt: skip
            source.close()
    finally:
        if not keep:
            for name in names:
                drop_postgres(name)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)

    if args.load_only:
        return 0
    machine = {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    best = min(r["total_s"] / r["rows"] for r in results if r["source"] == results[-1]["source"])
    per_person = results[-1]["rows"] / results[-1]["people"]
    people_in_window = int(WINDOW_HOURS * 3600 / (best * per_person))
    print(json.dumps({"people_loaded": args.people, "results": results, "machine": machine,
                      "rows_per_person": round(per_person, 2),
                      "people_in_two_hours": people_in_window}, indent=2))  # fmt: skip
    table = Table(title=f"{STATE} of {args.people:,} demo people: export, import, verify")
    for column in ("pair", "people", "doses", "rows", "export s", "import s", "verify s",
                   "total s", "rows/s", "bundle MiB"):  # fmt: skip
        table.add_column(column, justify="left" if column == "pair" else "right")
    for r in results:
        table.add_row(r["pair"], f"{r['people']:,}", f"{r['doses']:,}", f"{r['rows']:,}",
                      str(r["export_s"]), str(r["import_s"]),
                      str(r["verify_s"]), str(r["total_s"]), f"{r['rows_per_s']:,}",
                      str(r["bundle_mib"]))  # fmt: skip
    Console(width=140).print(table)
    Console().print(
        f"at {per_person:.2f} rows a person, PostgreSQL to PostgreSQL moves about "
        f"{people_in_window:,} people in {WINDOW_HOURS:.0f} hours on this machine"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the services ledger adds to ``sevasetu demo load`` (the step ``make run`` takes).

    .venv/bin/python bench/demo_ledger.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/demo_ledger.py --backend sqlite --runs 3

Each run loads the default demo (2,000 people with their doses) into a fresh database without
the ledger, then adds the ledger alone (the bundled schemes, a year of service records and one
run of the detection) and times both; the figures print as JSON and as a table. The
databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sevasetu.adapters.db.migrate import upgrade
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.services.demo import DEFAULT_DISTRICTS, load_demo
from sevasetu.services.demo_ledger import load_demo_ledger

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, drop_postgres, fresh_database  # noqa: E402

NAME = "sevasetu_bench_demo_ledger"


def one_run(backend: str, people: int, seed: int) -> dict[str, Any]:
    ctx = AppContext(Settings(database_url=fresh_database(backend, NAME)))
    try:
        upgrade(ctx.engine)
        started = time.perf_counter()
        load_demo(ctx, people=people, seed=seed, ledger=False)
        demo = time.perf_counter() - started
        tree = ctx.area_tree()
        started = time.perf_counter()
        summary = load_demo_ledger(
            ctx, tree, {tree.get(c).state_code for c in DEFAULT_DISTRICTS}, seed
        )
        ledger = time.perf_counter() - started
    finally:
        ctx.close()
    return {"demo_s": demo, "ledger_s": ledger, "records": summary.records,
            "findings": summary.findings}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console(stderr=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    with console.status("loading the demo") as status:
        for backend in backends:
            runs = []
            for n in range(args.runs):
                status.update(f"{backend}: run {n + 1} of {args.runs}")
                runs.append(one_run(backend, args.people, args.seed))
            results.append({
                "backend": backend, "people": args.people, "runs": args.runs,
                "demo_s": round(statistics.median(r["demo_s"] for r in runs), 2),
                "ledger_s": round(statistics.median(r["ledger_s"] for r in runs), 2),
                "records": runs[0]["records"], "findings": runs[0]["findings"],
            })  # fmt: skip
    if "postgresql" in backends:
        drop_postgres(NAME)
    (BENCH_DIR / f"{NAME}.db").unlink(missing_ok=True)
    print(json.dumps(results, indent=2))
    table = Table(title="demo load: the services ledger's share (medians)")
    for column in ("backend", "people", "demo without ledger (s)", "ledger (s)", "records",
                   "findings"):  # fmt: skip
        table.add_column(column)
    for r in results:
        table.add_row(r["backend"], str(r["people"]), str(r["demo_s"]), str(r["ledger_s"]),
                      str(r["records"]), str(r["findings"]))  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()

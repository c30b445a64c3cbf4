"""How fast the demo population generates and loads.

    .venv/bin/python bench/load_people.py --people 1000000
    .venv/bin/python bench/load_people.py --people 200000 --database-url sqlite
    .venv/bin/python bench/load_people.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Each run starts from a fresh database: on PostgreSQL the database ``sevasetu_bench_load`` on
the given server (dropped and created through the server's ``postgres`` database), on SQLite a
new file under ``var/bench/``. It runs the migrations, then times the generator alone and
``load_demo`` (generation plus loading), and prints the figures as JSON and as a table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from sevasetu.adapters.db.migrate import upgrade
from sevasetu.adapters.demo import generate
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.services.areas import load_geography
from sevasetu.services.demo import DEFAULT_DISTRICTS, demo_residences, load_demo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, DEFAULT_POSTGRES, fresh_postgres, fresh_sqlite, progress_bar  # noqa: E402

BENCH_DATABASE = "sevasetu_bench_load"
SQLITE_FILE = BENCH_DIR / "load_people.db"


def figure(what: str, backend: str, people: int, seconds: float) -> dict[str, Any]:
    return {
        "backend": backend, "what": what, "people": people, "seconds": round(seconds, 2),
        "people_per_second": round(people / seconds) if seconds else None,
    }  # fmt: skip


def bench(url: str, people: int, seed: int, console: Console) -> list[dict[str, Any]]:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        url = fresh_sqlite(Path(make_url(url).database or SQLITE_FILE))
    else:
        url = fresh_postgres(url, BENCH_DATABASE)
    ctx = AppContext(Settings(database_url=url))
    try:
        upgrade(ctx.engine)
        load_geography(ctx)
        tree = ctx.area_tree()
        residences, weights = demo_residences(tree, DEFAULT_DISTRICTS, seed)
        results = []

        with progress_bar(console) as bar:
            task = bar.add_task(f"{backend}: generate", total=people, rate="")
            started = time.perf_counter()
            made = 0
            for batch in generate(
                seed=seed, people=people, residences=residences, weights=weights,
                today=ctx.today(), now=ctx.now(), identifier_hash=ctx.identifier_hash,
            ):  # fmt: skip
                made += len(batch.people)
                rate = made / (time.perf_counter() - started)
                bar.update(task, completed=made, rate=f"{rate:,.0f}/s")
            generated = time.perf_counter() - started
        results.append(figure("generation", backend, made, generated))

        with progress_bar(console) as bar:
            task = bar.add_task(f"{backend}: generate+load", total=people, rate="")
            started = time.perf_counter()

            def advance(n: int) -> None:
                rate = n / (time.perf_counter() - started)
                bar.update(task, completed=n, rate=f"{rate:,.0f}/s")

            summary = load_demo(ctx, people=people, seed=seed, progress=advance)
            loaded = time.perf_counter() - started
        row = figure("generation+load", backend, summary.people, loaded)
        row.update(households=summary.households, identifiers=summary.identifiers)
        results.append(row)
        return results
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url", action="append", dest="urls",
        help="a PostgreSQL server URL (its database is replaced by sevasetu_bench_load) or a "
        "SQLite URL ('sqlite' alone: var/bench/load_people.db); repeatable. Default: both.",
    )  # fmt: skip
    args = parser.parse_args(argv)
    urls = args.urls or [DEFAULT_POSTGRES, "sqlite"]
    urls = [f"sqlite:///{SQLITE_FILE}" if u == "sqlite" else u for u in urls]

    console = Console(stderr=True)
    results: list[dict[str, Any]] = []
    for url in urls:
        results.extend(bench(url, args.people, args.seed, console))

    machine = {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps({"results": results, "machine": machine}, indent=2))
    table = Table(title=f"Demo population: {args.people:,} people")
    for column in ("backend", "what", "people", "seconds", "people/s"):
        table.add_column(column, justify="left" if column in ("backend", "what") else "right")
    for r in results:
        table.add_row(
            r["backend"], r["what"], f"{r['people']:,}", f"{r['seconds']:.1f}",
            f"{r['people_per_second']:,}",
        )  # fmt: skip
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

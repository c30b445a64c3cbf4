"""API throughput over loopback with the demo district loaded.

For each database (PostgreSQL and SQLite): load N demo people into a fresh database (or reuse
the one from an earlier run with --reuse), start `sevasetu serve` with uvicorn workers, then
drive it with wrk (a C load generator, so the client does not eat the server's CPU):

  empty     GET /livez                       the framework alone, no database
  read      GET /api/v1/people/{id}          token check, person, identifiers, audit entry
  register  POST /api/v1/people              validation, search-before-register, audit entry

Prints one JSON document and a table; the figures go into docs/benchmarks.md.
Run: .venv/bin/python bench/api_throughput.py [--people 1000000] [--backend postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import bench_settings, fresh_database, load_people, serving  # noqa: E402

from sevasetu.bootstrap import AppContext  # noqa: E402
from sevasetu.domain.identifiers import generate_aadhaar_like  # noqa: E402
from sevasetu.services.auth import add_user, issue_token  # noqa: E402

console = Console(stderr=True)
# One wrk thread drives thousands of requests a second and leaves the cores to the server.
WRK_THREADS = 1


def wrk(script: str, url: str, env: dict[str, str], seconds: int, connections: int) -> dict:
    cmd = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(ROOT / "bench" / script),
        url,
    ]
    out = subprocess.run(
        cmd,
        env={**os.environ, **env, "BENCH_DIR": str(ROOT / "bench")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def prepare(ctx: AppContext, workdir: Path, bodies: int) -> dict[str, str]:
    """A district officer's token, a file of person ids to read, a file of bodies to register."""
    with ctx.uow() as uow:
        if uow.users.by_username("bench.officer") is None:
            add_user(
                ctx,
                None,
                username="bench.officer",
                password="bench-password-1",
                role="district_officer",
                area_code="IN-WB-NAD",
                full_name="Bench Officer",
            )
    token = issue_token(ctx, "bench.officer", label="bench", days=1)
    from sqlalchemy import text

    with ctx.engine.connect() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT id FROM people WHERE state_code = 'IN-WB' "
                    "AND area_code LIKE 'IN-WB-NAD-%' LIMIT 20000"
                )
            )
        ]
    villages = [a.code for a in ctx.area_tree().within("IN-WB-NAD") if a.level.value == "village"]
    # Seeded by the population, so a rerun on a reused database brings numbers not yet used.
    with ctx.uow() as uow:
        rng = random.Random(uow.people.count())
    # New people: names made of random syllables, so that search-before-register does its full
    # work (candidates read and compared) but rarely finds a near match to confirm.
    consonants = "কখগঘচছজঝটঠডঢতথদধনপফবভমযরলশসহ"
    vowels = ["", "া", "ি", "ী", "ু", "ে", "ো"]

    def word() -> str:
        return "".join(
            rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))
        )

    ids_file, bodies_file = workdir / "ids.txt", workdir / "bodies.jsonl"
    ids_file.write_text("\n".join(ids) + "\n")
    with bodies_file.open("w") as handle:
        for _ in range(bodies):
            body = {
                "name": f"{word()} {word()}",
                "sex": rng.choice(["female", "male"]),
                "birth_date": date(
                    rng.randint(1950, 2025), rng.randint(1, 12), rng.randint(1, 28)
                ).isoformat(),
                "area_code": rng.choice(villages),
                "phone": f"+9197{rng.randint(10_000_000, 99_999_999)}",
                "identifiers": {"aadhaar": generate_aadhaar_like(rng)},
            }
            handle.write(json.dumps(body, ensure_ascii=False) + "\n")
    return {
        "BENCH_TOKEN": token,
        "BENCH_IDS": str(ids_file),
        "BENCH_BODIES": str(bodies_file),
        "BENCH_THREADS": str(WRK_THREADS),
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    url = fresh_database(backend, "sevasetu_bench_api", reuse=args.reuse)
    ctx = AppContext(bench_settings(url))
    loaded = load_people(ctx, args.people)
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    env = prepare(ctx, workdir, bodies=args.seconds * 600)
    ctx.close()
    # SQLite has one writer: one process whose threads queue for it in order; PostgreSQL gets
    # a process per core.
    workers = 1 if backend == "sqlite" else args.workers
    with serving(url, workers) as base:
        figures: dict = {
            "backend": backend,
            "people": loaded,
            "workers": workers,
            "connections": args.connections,
        }
        for name, script, path in [
            ("empty", "wrk_empty.lua", "/livez"),
            ("read", "wrk_get_person.lua", "/"),
            ("register", "wrk_post.lua", "/"),
        ]:
            console.print(f"[bold]{backend}[/bold]: {name} for {args.seconds}s ...")
            wrk("wrk_empty.lua", base + "/livez", env, 2, 4)  # warm the workers
            figures[name] = wrk(script, base + path, env, args.seconds, args.connections)
        for name in ("read", "register"):
            figures[name]["ratio_to_empty"] = round(
                figures[name]["rps"] / figures["empty"]["rps"], 3
            )
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], action="append")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: `make bench` installs it (apt-get install wrk)")
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cpu",
        "runs": [run_backend(b, args) for b in (args.backend or ["postgresql", "sqlite"])],
    }
    print(json.dumps(results, indent=2))
    table = Table(
        "backend", "endpoint", "req/s", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "ratio to empty"
    )
    for run in results["runs"]:
        for name in ("empty", "read", "register"):
            f = run[name]
            table.add_row(
                run["backend"],
                name,
                f"{f['rps']:.0f}",
                f"{f['p50_ms']:.1f}",
                f"{f['p95_ms']:.1f}",
                f"{f['p99_ms']:.1f}",
                str(f["non_2xx"] + f["socket_errors"]),
                str(f.get("ratio_to_empty", "")),
            )
    console.print(table)


if __name__ == "__main__":
    main()

"""Bookings over HTTP: throughput, latency, and no overbooking when hundreds hit hot slots.

For each database: load N demo people, plan sessions for tomorrow at Nadia's facilities, start
`sevasetu serve` (uvicorn), then drive POST /api/v1/bookings with wrk, each body a different
person (a district officer books for people of the district):

  spread  many sessions with room: bookings/s and latency (the target: 300/s, p95 < 100 ms)
  hot     one session, five slots of 50 places, 500 connections at once: every place is
          taken once, the rest get 409, and the stored counts equal the booking rows

Prints one JSON document and a table; the figures go into docs/benchmarks.md.
Run: .venv/bin/python bench/booking_throughput.py [--people 200000] [--backend postgresql|sqlite]
     [--profile 300]   # first: the statements of one booking, and where the CPU of 300 goes
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import sys
from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path
from time import process_time

from rich.console import Console
from rich.table import Table
from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from api_throughput import wrk  # noqa: E402
from common import (  # noqa: E402
    bench_settings,
    drop_postgres,
    fresh_database,
    load_people,
    serving,
)

from sevasetu.bootstrap import AppContext  # noqa: E402
from sevasetu.domain.sessions import AgeBand, SessionSpec  # noqa: E402
from sevasetu.services.auth import add_user, issue_token, principal_for_token  # noqa: E402
from sevasetu.services.bookings import book  # noqa: E402
from sevasetu.services.lots import LotInput, add_lot  # noqa: E402
from sevasetu.services.sessions import plan_session  # noqa: E402

console = Console(stderr=True)
DATABASE = "sevasetu_bench_booking"
DISTRICT = "IN-WB-NAD"
HOT_SLOTS, HOT_PLACES = 5, 50


def prepare(ctx: AppContext, workdir: Path, spread_bodies: int, hot_bodies: int) -> dict:
    with ctx.uow() as uow:
        if uow.users.by_username("bench.booker") is None:
            add_user(
                ctx,
                None,
                username="bench.booker",
                password="bench-password-1",
                role="district_officer",
                area_code=DISTRICT,
                full_name="Bench Booker",
            )
    token = issue_token(ctx, "bench.booker", label="bench", days=1)
    officer = principal_for_token(ctx, token)
    tomorrow = date.today() + timedelta(days=1)  # the server judges by the real clock
    with ctx.uow() as uow:
        codes = [a.code for a in ctx.area_tree().within(DISTRICT)]
        facilities = [f.code for f in uow.areas.facilities(codes)]
    for code in facilities:  # a session offers only a vaccine its facility holds
        td = LotInput(product="Td (bench)", lot=f"TD-{tomorrow:%Y%m%d}", dose_codes=["TD10"],
                      expiry=tomorrow + timedelta(days=365), doses_received=100_000)  # fmt: skip
        add_lot(ctx, officer, code, td)
    spread = []
    for code in facilities:
        spec = SessionSpec(facility_code=code, day=tomorrow, starts=time(9), ends=time(17),
                           slot_minutes=30, capacity_per_slot=400, offers=("TD10",),
                           ages=AgeBand("10y"), walk_in_percent=0)  # fmt: skip
        spread.append(plan_session(ctx, officer, spec).session.id)
    hot_spec = SessionSpec(
        facility_code=facilities[0], day=tomorrow, starts=time(9), ends=time(9, 5 * HOT_SLOTS),
        slot_minutes=5, capacity_per_slot=HOT_PLACES, offers=("TD10",), walk_in_percent=0,
    )  # fmt: skip
    hot = plan_session(ctx, officer, hot_spec).session.id
    with ctx.engine.connect() as conn:
        people = [r[0] for r in conn.execute(text(
            "SELECT id FROM people WHERE state_code = 'IN-WB' AND area_code LIKE :a "
            "AND birth_date <= :b ORDER BY id LIMIT :n"),
            {"a": f"{DISTRICT}-%", "b": date.today().replace(year=date.today().year - 11),
             "n": spread_bodies + hot_bodies})]  # fmt: skip
    if len(people) < spread_bodies + hot_bodies:
        sys.exit(f"only {len(people)} eligible people; load more with --people")
    rng = random.Random(11)
    rng.shuffle(people)
    files = {}
    for name, chosen, sessions, slots in (
        ("spread", people[:spread_bodies], spread, 16),
        ("hot", people[spread_bodies:], [hot], HOT_SLOTS),
    ):
        path = workdir / f"bookings-{name}.jsonl"
        with path.open("w") as handle:
            for pid in chosen:
                handle.write(json.dumps({"person_id": pid, "session_id": rng.choice(sessions),
                                         "slot_number": rng.randint(1, slots),
                                         "dose_code": "TD10"}) + "\n")  # fmt: skip
        files[name] = str(path)
    return {"token": token, "files": files, "hot": hot}


def overbooking(ctx: AppContext, session_id: str) -> dict:
    """Per slot of the hot session: places, the stored count, the active booking rows."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.number, s.bookable, s.booked, (SELECT count(*) FROM bookings b "
            "WHERE b.session_id = s.session_id AND b.slot_number = s.number "
            "AND b.status = 'booked') FROM session_slots s WHERE s.session_id = :id "
            "ORDER BY s.number"), {"id": session_id}).all()  # fmt: skip
    return {
        "slots": [{"slot": n, "places": p, "count": c, "rows": r} for n, p, c, r in rows],
        "overbooked": sum(max(0, r - p) for _, p, _, r in rows),
        "count_mismatch": sum(1 for _, _, c, r in rows if c != r),
    }


def profile(ctx: AppContext, token: str, bodies: list[dict]) -> None:
    """The use case in-process (no HTTP): each statement of one booking, then the CPU profile
    of the rest (``time.process_time``: what the server's cores spend, not waiting)."""
    principal = principal_for_token(ctx, token)
    for body in bodies[:20]:  # warm: statement caches, prepared statements, schedule dates
        book(ctx, principal, **body)
    statements: Counter[str] = Counter()

    def count(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        statements[" ".join(statement.split())[:100]] += 1

    event.listen(ctx.engine, "before_cursor_execute", count)
    book(ctx, principal, **bodies[20])
    event.remove(ctx.engine, "before_cursor_execute", count)
    console.print(f"[bold]one booking[/bold]: {sum(statements.values())} statements (COMMIT "
                  "not counted; psycopg's own BEGIN neither)")  # fmt: skip
    for statement, n in statements.items():
        console.print(f"  {n} x {statement}", soft_wrap=True)
    rest = bodies[21:]
    profiler = cProfile.Profile(process_time)
    started = process_time()
    profiler.enable()
    for body in rest:
        book(ctx, principal, **body)
    profiler.disable()
    per = (process_time() - started) / len(rest) * 1000
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    console.print(f"[bold]{len(rest)} bookings[/bold], {per:.2f} ms CPU each (profiled)\n"
                  f"{out.getvalue()}", soft_wrap=True)  # fmt: skip


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    url = fresh_database(backend, DATABASE)
    ctx = AppContext(bench_settings(url))
    loaded = load_people(ctx, args.people)
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    prepared = prepare(ctx, workdir, spread_bodies=args.seconds * 800 + args.profile + 21,
                       hot_bodies=6_000)  # fmt: skip
    if args.profile:  # with bodies of their own: the runs below book other people
        with open(prepared["files"]["spread"]) as handle:
            bodies = [json.loads(line) for line in handle]
        profile(ctx, prepared["token"], bodies[-(args.profile + 21) :])
        with open(prepared["files"]["spread"], "w") as handle:
            handle.writelines(json.dumps(b) + "\n" for b in bodies[: -(args.profile + 21)])
    workers = 1 if backend == "sqlite" else args.workers
    try:
        with serving(url, workers) as base:
            env = {"BENCH_TOKEN": prepared["token"], "BENCH_PATH": "/api/v1/bookings",
                   "BENCH_THREADS": "1"}  # fmt: skip
            figures: dict = {"backend": backend, "people": loaded, "workers": workers}
            wrk("wrk_empty.lua", base + "/livez", env, 2, 4)  # warm the workers
            console.print(f"[bold]{backend}[/bold]: spread bookings for {args.seconds}s ...")
            figures["spread"] = wrk("wrk_post.lua", base + "/",
                                    {**env, "BENCH_BODIES": prepared["files"]["spread"]},
                                    args.seconds, args.connections)  # fmt: skip
            console.print(f"{backend} spread: {json.dumps(figures['spread'])}")
            console.print(f"[bold]{backend}[/bold]: 500 connections on {HOT_SLOTS} hot slots ...")
            hot_env = {**env, "BENCH_BODIES": prepared["files"]["hot"]}
            figures["hot"] = wrk("wrk_post.lua", base + "/", hot_env, 10, 500)
            figures["hot"]["check"] = overbooking(ctx, prepared["hot"])
            return figures
    finally:
        ctx.close()
        if backend == "postgresql":
            drop_postgres(DATABASE)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], action="append")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="first profile N bookings in-process (statements, CPU)")  # fmt: skip
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: `make bench` installs it (apt-get install wrk)")
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cpu",
        "runs": [run_backend(b, args) for b in (args.backend or ["postgresql", "sqlite"])],
    }
    print(json.dumps(results, indent=2))
    table = Table("backend", "run", "req/s", "p50 ms", "p95 ms", "p99 ms", "non-2xx",
                  "overbooked")  # fmt: skip
    for run in results["runs"]:
        for name in ("spread", "hot"):
            f = run[name]
            table.add_row(run["backend"], name, f"{f['rps']:.0f}", f"{f['p50_ms']:.1f}",
                          f"{f['p95_ms']:.1f}", f"{f['p99_ms']:.1f}",
                          str(f["non_2xx"] + f["socket_errors"]),
                          str(f.get("check", {}).get("overbooked", "")))  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()

"""The data-centre move of the demo state, rehearsed from the command line exactly as an operator
would, between two PostgreSQL databases, with the hospital desk queueing through the window.

    .venv/bin/python bench/hospital_rehearsal.py              # the demo (2,000 people)
    .venv/bin/python bench/hospital_rehearsal.py --people 20000 --keep
    # issue 8's size: 1M people and their doses in West Bengal, loaded once and kept
    .venv/bin/python bench/tenant_transfer.py --people 1000000 --doses --one-state \
        --sources postgresql --load-only --tag _rehearse
    .venv/bin/python bench/hospital_rehearsal.py --origin sevasetu_bench_tenant_rehearse_src

Prepares the origin (``sevasetu db upgrade``, ``areas load``, ``demo load``, ``schemes load``;
with ``--origin``: a database loaded beforehand, given ``db upgrade``, ``schemes load`` and a new
signing key, since each run's secret is new and the key the loader left was sealed with another)
and an empty target (``db upgrade``, ``areas load``), then runs ``sevasetu tenant rehearse
--state IN-WB --from ORIGIN --to TARGET`` and prints its report (each step's time, the freeze,
every table's counts and hashes on both sides, the load, the hospital events: queued,
replayed, already recorded, lost, duplicated) with the load average before and after. The
databases ``sevasetu_bench_rehearsal_*`` and the bundle are dropped afterwards unless
``--keep``; an ``--origin`` database only once the state has moved away from it (it refuses
the state's writes from then on), so that a failed rehearsal can be run again without loading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    BENCH_DIR,
    DEFAULT_POSTGRES,
    ROOT,
    SECRETS,
    drop_postgres,
    fresh_postgres,
)
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ORIGIN, TARGET = "sevasetu_bench_rehearsal_origin", "sevasetu_bench_rehearsal_target"
SEVASETU = str(ROOT / ".venv" / "bin" / "sevasetu")


def sevasetu(url: str, *args: str, show: bool = False) -> str:
    env = {**os.environ, **SECRETS, "SEVASETU_DATABASE_URL": url, "COLUMNS": "160",
           "SEVASETU_ENVIRONMENT": "development"}  # fmt: skip
    done = subprocess.run([SEVASETU, *args], env=env, cwd=ROOT, text=True, capture_output=True)
    if show or done.returncode != 0:
        print(done.stdout, end="")
        print(done.stderr, end="", file=sys.stderr)
    if done.returncode != 0:
        raise SystemExit(f"sevasetu {' '.join(args)} failed with {done.returncode}")
    return done.stdout


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def kept_postgres(name: str) -> str:
    """The URL of a database loaded beforehand (``bench/tenant_transfer.py --load-only``)."""
    url = make_url(DEFAULT_POSTGRES).set(drivername="postgresql+psycopg", database=name)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            people = conn.execute(text("SELECT count(*) FROM people")).scalar_one()
            doses = conn.execute(text("SELECT count(*) FROM vaccinations")).scalar_one()
    finally:
        engine.dispose()
    print(f"origin {name}: {people:,} people, {doses:,} doses")
    return url.render_as_string(hide_password=False)


def moved_away(url: str) -> bool:
    """The origin recorded that another deployment keeps the state now."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM state_authority WHERE state_code = 'IN-WB' "
                "AND NOT authoritative")).scalar_one())  # fmt: skip
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000, help="demo people at the origin")
    parser.add_argument("--keep", action="store_true", help="keep the databases and bundle")
    parser.add_argument("--origin", help="a kept PostgreSQL database holding the state already")
    args = parser.parse_args()
    origin_name = args.origin or ORIGIN
    origin = kept_postgres(args.origin) if args.origin else fresh_postgres(DEFAULT_POSTGRES, ORIGIN)
    target = fresh_postgres(DEFAULT_POSTGRES, TARGET)
    work = BENCH_DIR / "rehearsal"
    shutil.rmtree(work, ignore_errors=True)
    size = f"{args.people:,} demo people"
    try:
        for url in (origin, target):
            sevasetu(url, "db", "upgrade")
            if url == target or not args.origin:
                sevasetu(url, "areas", "load")
        if args.origin:
            sevasetu(origin, "keys", "rotate")
            size = args.origin
        else:
            sevasetu(origin, "demo", "load", "--people", str(args.people), "--no-legacy")
        sevasetu(origin, "schemes", "load")
        before = load_average()
        began = time.monotonic()
        sevasetu(origin, "tenant", "rehearse", "--state", "IN-WB", "--from", origin, "--to",
                 target, "--work-dir", str(work), show=True)  # fmt: skip
        seconds = time.monotonic() - began
        print(f"rehearsal of {size}: {seconds:.1f} s in all; "
              f"load average before {before}, after {load_average()}")  # fmt: skip
    finally:
        if not args.keep:
            if not args.origin or moved_away(origin):
                drop_postgres(origin_name)
            drop_postgres(TARGET)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

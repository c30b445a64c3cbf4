"""The data-centre move of the demo state, rehearsed from the command line exactly as an operator
would, between two PostgreSQL databases, with the hospital desk queueing through the window.

    .venv/bin/python bench/hospital_rehearsal.py              # the demo (2,000 people)
    .venv/bin/python bench/hospital_rehearsal.py --people 20000 --keep

Prepares the origin (``sevasetu db upgrade``, ``areas load``, ``demo load``, ``schemes load``)
and an empty target (``db upgrade``, ``areas load``), then runs ``sevasetu tenant rehearse
--state IN-WB --from ORIGIN --to TARGET`` and prints its report (each step's time, the freeze,
every table's counts and hashes on both sides, the load, the hospital events: queued,
replayed, already recorded, lost, duplicated) with the load average before and after. The
databases ``sevasetu_bench_rehearsal_*`` and the bundle are dropped afterwards unless
``--keep``.
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
from common import BENCH_DIR, DEFAULT_POSTGRES, ROOT, SECRETS, drop_postgres, fresh_postgres  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000, help="demo people at the origin")
    parser.add_argument("--keep", action="store_true", help="keep the databases and bundle")
    args = parser.parse_args()
    origin = fresh_postgres(DEFAULT_POSTGRES, ORIGIN)
    target = fresh_postgres(DEFAULT_POSTGRES, TARGET)
    work = BENCH_DIR / "rehearsal"
    shutil.rmtree(work, ignore_errors=True)
    try:
        for url in (origin, target):
            sevasetu(url, "db", "upgrade")
            sevasetu(url, "areas", "load")
        sevasetu(origin, "demo", "load", "--people", str(args.people), "--no-legacy")
        sevasetu(origin, "schemes", "load")
        before = load_average()
        began = time.monotonic()
        sevasetu(origin, "tenant", "rehearse", "--state", "IN-WB", "--from", origin, "--to",
                 target, "--work-dir", str(work), show=True)  # fmt: skip
        seconds = time.monotonic() - began
        print(f"rehearsal of {args.people:,} demo people: {seconds:.1f} s in all; "
              f"load average before {before}, after {load_average()}")  # fmt: skip
    finally:
        if not args.keep:
            drop_postgres(ORIGIN)
            drop_postgres(TARGET)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

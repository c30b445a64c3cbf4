"""Schedule status for many children: the engine alone, on every core.

    .venv/bin/python bench/schedule_status.py [--children 1000000] [--processes 2]

Children are born over the last six years; each has had the doses that fell due more than four
weeks before today with probability 0.85, given on a day within four weeks of the due date (as
in the field). The history is drawn from the schedule's recommended ages, not from the engine,
so each child is judged exactly once; the wall time includes drawing the histories.
Prints children/s, microseconds per child and the wall time, as JSON and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import date, timedelta
from multiprocessing import Pool

from rich.console import Console
from rich.table import Table

from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain.schedule import Status, due_doses

TODAY = date(2026, 11, 22)
DRAWN_BEFORE = TODAY - timedelta(days=28)
FLAGS = frozenset({"pcv_offered"})  # West Bengal offers PCV


def judge_chunk(args: tuple[int, int]) -> int:
    seed, count = args
    schedule = load_schedule("india-uip")
    rng = random.Random(seed)
    due_or_overdue = 0
    for _ in range(count):
        birth = TODAY - timedelta(days=rng.randint(0, 6 * 365))
        given: dict[str, date] = {}
        for dose, dates in zip(schedule.doses, schedule.dates_for(birth), strict=True):
            if dose.group == "child" and dates.due < DRAWN_BEFORE and rng.random() < 0.85:
                day = dates.due + timedelta(days=rng.randint(0, 27))
                if day <= TODAY and (dates.last is None or day <= dates.last):
                    given[dose.code] = day
        judged = due_doses(schedule, birth=birth, today=TODAY, given=given, flags=FLAGS)
        due_or_overdue += any(s.status in (Status.DUE, Status.OVERDUE) for s in judged)
    return due_or_overdue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    chunks = [(seed, 10_000) for seed in range(args.children // 10_000)]
    started = time.perf_counter()
    with Pool(args.processes) as pool:
        with_due = sum(pool.imap_unordered(judge_chunk, chunks))
    seconds = time.perf_counter() - started
    children = len(chunks) * 10_000
    figures = {
        "date": TODAY.isoformat(), "children": children, "processes": args.processes,
        "seconds": round(seconds, 1), "children_per_second": round(children / seconds),
        "us_per_child_per_core": round(seconds * args.processes / children * 1e6, 1),
        "children_with_a_dose_due": with_due,
    }  # fmt: skip
    print(json.dumps(figures, indent=2))
    table = Table("children", "processes", "seconds", "children/s", "µs per child per core")
    table.add_row(f"{children:,}", str(args.processes), f"{seconds:.1f}",
                  f"{figures['children_per_second']:,}",
                  str(figures["us_per_child_per_core"]))  # fmt: skip
    Console(stderr=True).print(table)


if __name__ == "__main__":
    main()

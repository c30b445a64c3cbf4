"""Linking a legacy source to the registry with Splink on DuckDB: time, and quality on the
synthetic truth (targets: 1M against 1M in under 15 minutes on two cores; pairwise precision
at least 0.99 and recall at least 0.97 at the automatic-link threshold).

    .venv/bin/python bench/legacy_link.py --people 1000000 --legacy 1000000
    .venv/bin/python bench/legacy_link.py --people 100000 --legacy 100000 --reuse --keep

A fresh PostgreSQL database (``sevasetu_bench_link``) gets ``--people`` demo people, all in
West Bengal (one state: the registry a source is linked against), through ``load_people``.
The legacy side is the synthetic generator's (``sevasetu legacy generate``) over that state,
run with more seeds until ``--legacy`` rows are there (each seed draws its own damage and row
ids, so a person may have several legacy rows, as duplicates on a portal do), imported with
``import_legacy``. The timed figure is ``link_legacy_records`` (what ``sevasetu legacy link``
runs) from reading both sides to the commit of candidates, decisions and merged doses.
Quality: a (legacy row, person) pair linked automatically is right when truth.csv pairs them;
recall counts the truth pairs whose person is in the registry. A sweep over automatic-link
thresholds (from the stored candidates, with the same decision rule) shows the trade-off.
The database and files are dropped at the end (``--keep`` keeps them for another run).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from sevasetu.adapters.db.tables import legacy_candidates, legacy_records
from sevasetu.bootstrap import AppContext
from sevasetu.domain.linkage import Candidate, Thresholds, decide
from sevasetu.services.legacy_import import import_legacy
from sevasetu.services.legacy_synthetic import Shares, write_legacy_export
from sevasetu.services.linkage import link_legacy_records, link_rows, thresholds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402  # noqa: E402
    BENCH_DIR,
    DEFAULT_POSTGRES,
    bench_settings,
    drop_postgres,
    fresh_postgres,
    load_people,
)

NAME = "sevasetu_bench_link"
SOURCE = "bench-portal"
STATE = "IN-WB"


def stage_legacy(ctx: AppContext, target: int, work: Path, console: Console) -> dict[str, str]:
    """Generate and import exports until ``target`` rows are staged; the truth, by row id."""
    truth_path = work / "truth.csv"
    with ctx.engine.connect() as conn:
        staged = conn.execute(
            select(func.count())
            .select_from(legacy_records)
            .where(legacy_records.c.source == SOURCE)
        ).scalar_one()
    if staged and truth_path.exists():
        return _read_truth(truth_path)
    truth: dict[str, str] = {}
    seed, rows, share = 1, 0, 1.0
    started = time.perf_counter()
    while rows < 0.98 * target:  # a last seed for a few rows would only add its duplicates
        made = write_legacy_export(
            ctx, work / f"seed{seed}", area=STATE, seed=seed, shares=Shares(in_legacy=share)
        )
        import_legacy(
            ctx,
            made.csv_path,
            source=SOURCE,
            mapping_path=made.mapping_path,
            rejects_path=work / f"rejects{seed}.csv",
        )
        truth.update(_read_truth(made.truth_path))
        rows += made.rows
        console.print(f"[dim]seed {seed}: {made.rows:,} legacy rows ({rows:,} in all)")
        per_person = made.rows / max(made.linked, 1)
        share = min(1.0, (target - rows) / max(made.linked * per_person / share, 1))
        seed += 1
    with truth_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["source_row_id", "person_id"])
        writer.writerows(sorted(truth.items()))
    console.print(f"[dim]staged {rows:,} legacy rows in {time.perf_counter() - started:.0f} s")
    return truth


def _read_truth(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["source_row_id"]: r["person_id"] for r in csv.DictReader(f)}


def quality(ctx: AppContext, truth: dict[str, str]) -> dict[str, Any]:
    """Precision and recall of the automatic links, and the share sent to review."""
    in_registry = sum(1 for p in truth.values() if p)
    auto = right = review = new = records = 0
    for _, person, _, decision, row_id in link_rows(ctx, SOURCE):
        records += 1
        if decision == "auto":
            auto += 1
            right += truth.get(row_id) == person
        review += decision == "review"
        new += decision == "new"
    return {
        "records": records,
        "truth_pairs": in_registry,
        "auto": auto,
        "review": review,
        "new": new,
        "precision": round(right / max(auto, 1), 4),
        "recall": round(right / max(in_registry, 1), 4),
        "review_share": round(review / max(records, 1), 4),
    }


def sweep(ctx: AppContext, truth: dict[str, str], limits: Thresholds) -> list[dict[str, Any]]:
    """The same decision rule at other automatic-link thresholds, from the stored candidates."""
    c, r = legacy_candidates.c, legacy_records.c
    by_record: dict[str, tuple[str, list[Candidate]]] = {}
    with ctx.engine.connect() as conn:
        query = select(c.record_id, r.source_row_id, c.person_id, c.match_weight).join(
            legacy_records, (r.state_code == c.state_code) & (r.id == c.record_id)
        )
        for rid, row_id, person, weight in conn.execute(query.execution_options(yield_per=50_000)):
            by_record.setdefault(rid, (row_id, []))[1].append(Candidate(person, weight))
    in_registry = sum(1 for p in truth.values() if p)
    out = []
    for auto, review in ((12, 4), (3, 0), (2, 0), (1, 0), (0, 0), (limits.auto, limits.review)):
        rule = Thresholds(auto=auto, review=review, margin=limits.margin)
        linked = right = reviewed = 0
        for row_id, candidates in by_record.values():
            outcome = decide(candidates, rule)
            if outcome.decision.value == "auto":
                linked += 1
                right += truth.get(row_id) == outcome.person_id
            reviewed += outcome.decision.value == "review"
        out.append(
            {
                "auto_threshold": auto,
                "review_threshold": review,
                "precision": round(right / max(linked, 1), 4),
                "recall": round(right / max(in_registry, 1), 4),
                "review_share": round(reviewed / max(len(truth), 1), 4),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--legacy", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="reuse the database of a kept run")
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    args = parser.parse_args()
    console = Console(stderr=True)
    url = fresh_postgres(DEFAULT_POSTGRES, NAME, reuse=args.reuse)
    ctx = AppContext(bench_settings(url))
    work = BENCH_DIR / "legacy_link"
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    try:
        people = load_people(ctx, args.people, districts=[STATE])
        truth = stage_legacy(ctx, args.legacy, work, console)
        steps: list[tuple[str, float]] = []
        started = time.perf_counter()

        def step(what: str) -> None:
            steps.append((what, round(time.perf_counter() - started, 1)))
            console.print(f"[dim]{steps[-1][1]:>7} s  {what}")

        (summary,) = link_legacy_records(ctx, SOURCE, step=step)
        seconds = time.perf_counter() - started
        limits = thresholds(ctx)
        result = {
            "people": people,
            "legacy_records": summary.records,
            "seconds": round(seconds, 1),
            "pairs_kept": summary.pairs_scored,
            "auto_threshold": limits.auto,
            "review_threshold": limits.review,
            "margin": limits.margin,
            "doses_merged": summary.doses_merged,
            **quality(ctx, truth),
            "steps": steps,
            "sweep": sweep(ctx, truth, limits),
        }
    finally:
        ctx.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            drop_postgres(NAME)
    print(json.dumps(result, indent=2))
    table = Table(
        "people",
        "legacy",
        "seconds",
        "auto",
        "review",
        "new",
        "precision",
        "recall",
        "review share",
    )
    table.add_row(
        f"{people:,}",
        f"{result['records']:,}",
        str(result["seconds"]),
        f"{result['auto']:,}",
        f"{result['review']:,}",
        f"{result['new']:,}",
        str(result["precision"]),
        str(result["recall"]),
        str(result["review_share"]),
    )
    Console().print(table)


if __name__ == "__main__":
    main()

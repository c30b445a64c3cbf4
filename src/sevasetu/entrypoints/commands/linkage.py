"""``sevasetu legacy link`` and ``sevasetu legacy links``: link a legacy source's records to the
registry, and write the decisions out (registered on the ``legacy`` group in ``cli.py``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import context, err, friendly, out


@friendly
def link(
    source: Annotated[str, typer.Option(help="the legacy source's name, as imported")],
    backend: Annotated[str, typer.Option(help="duckdb (default) or spark (local mode)")] = "duckdb",
    auto_threshold: Annotated[
        float | None,
        typer.Option(
            help="match weight to link automatically (default SEVASETU_LINKAGE_AUTO_WEIGHT)"
        ),
    ] = None,
    review_threshold: Annotated[
        float | None,
        typer.Option(
            help="match weight to send to review (default SEVASETU_LINKAGE_REVIEW_WEIGHT)"
        ),
    ] = None,
) -> None:
    """Link the source's records to registry people: automatically, to review, or new."""
    from ...services.linkage import link_legacy_records

    ctx = context()
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]linking[/bold] {task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("starting", total=None)
        summaries = link_legacy_records(
            ctx,
            source,
            backend=backend,
            auto=auto_threshold,
            review=review_threshold,
            step=lambda what: bar.update(task, description=what),
        )
    for s in summaries:
        out.print(
            f"{source} in {s.state_code}: {s.records} records, {s.pairs_scored:,} pairs kept; "
            f"{s.auto} linked automatically, {s.review} to review, {s.new} new people, "
            f"{s.kept} clerks' decisions kept; {s.doses_merged} doses merged, "
            f"{s.doses_removed} removed (run {s.run_id})"
        )


@friendly
def links(
    source: Annotated[str, typer.Option(help="the legacy source's name")],
    out_path: Annotated[Path, typer.Option("--out", help="the CSV file to write")],
) -> None:
    """Write legacy_record_id,person_id,match_weight,decision (and source_row_id) per record."""
    from ...services.linkage import link_rows

    ctx = context()
    rows = link_rows(ctx, source)  # an unknown source is refused before the file is opened
    written = 0
    with out_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["legacy_record_id", "person_id", "match_weight", "decision", "source_row_id"]
        )
        for record_id, person_id, weight, decision, row_id in rows:
            writer.writerow(
                [
                    record_id,
                    person_id or "",
                    "" if weight is None else f"{weight:.3f}",
                    decision,
                    row_id,
                ]
            )
            written += 1
    out.print(f"{written} records of {source} written to {out_path}")

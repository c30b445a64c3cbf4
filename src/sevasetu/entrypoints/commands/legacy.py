"""``sevasetu legacy ...``: legacy exports into staging, and synthetic exports with their truth."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ...services.tabular_import import ImportSummary
from . import context, err, friendly, out

app = typer.Typer(help="Legacy records: import, synthetic exports.", no_args_is_help=True)

# Options the import commands (legacy, people, surveys) share, written once.
RejectsOption = Annotated[
    Path | None, typer.Option(help="where rejected rows go (default FILE.rejects.csv)")
]
ConfirmNewOption = Annotated[
    bool, typer.Option(help="register people even when a similar one is already registered")
]


@contextmanager
def rows_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar of rows read (on stderr), as a callback taking the rows done so far.
    It appears at the first rows, so that a refusal before reading stands alone."""
    bar = Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), console=err,
    )  # fmt: skip
    task = None

    def update(done: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        bar.stop()


def print_summary(s: ImportSummary) -> None:
    if s.already_imported:
        out.print(f"{s.file_name} was already imported for {s.source} ({s.rows_imported} rows "
                  f"imported, {s.rows_rejected} rejected); nothing to do")  # fmt: skip
        return
    extra = [f"{n} {what}" for n, what in ((s.doses, "doses"), (s.households, "households")) if n]
    more = f" ({', '.join(extra)})" if extra else ""
    out.print(f"{s.file_name}: {s.rows_read} rows read, {s.rows_imported} imported{more}, "
              f"{s.rows_rejected} rejected")  # fmt: skip
    if s.rejects_path is not None:
        out.print(f"rejected rows and their reasons: {s.rejects_path}")


@app.command("import")
@friendly
def import_(
    file: Annotated[Path, typer.Argument(help="the export: CSV or Excel .xlsx")],
    source: Annotated[str, typer.Option(help="the legacy source's name, e.g. cg-teeka")],
    mapping: Annotated[Path, typer.Option(help="the mapping file (TOML); see docs/legacy.md")],
    state: Annotated[
        str | None, typer.Option(help="state code of the records (else file.state in the mapping)")
    ] = None,
    rejects: RejectsOption = None,
) -> None:
    """Stage a legacy export's people and doses (all rows or none; same file twice: no-op)."""
    from ...adapters.tabular import count_rows
    from ...services.legacy_import import import_legacy

    ctx = context()
    try:
        with rows_bar("rows read", count_rows(file) if file.is_file() else None) as progress:
            summary = import_legacy(ctx, file, source=source, mapping_path=mapping,
                                    state_code=state, rejects_path=rejects,
                                    progress=progress)  # fmt: skip
    finally:
        ctx.close()
    print_summary(summary)


@app.command("generate")
@friendly
def generate(
    out_dir: Annotated[
        Path, typer.Option("--out", help="directory for legacy.csv, mapping.toml, truth.csv")
    ],
    area: Annotated[
        str, typer.Option(help="area whose registry people the export is drawn from")
    ] = "IN-CG-RGH",
    seed: int = 7,
    share: Annotated[
        list[str] | None,
        typer.Option(help="NAME=FRACTION to change a share of damage, e.g. --share typo=0.1 "
                     "(see docs/legacy.md for the names)"),
    ] = None,
) -> None:  # fmt: skip
    """Write a synthetic legacy export of registry people with known truth and realistic damage."""
    from ...services.legacy_synthetic import Shares, write_legacy_export

    shares = Shares.parse(share or [])
    ctx = context()
    try:
        with rows_bar("legacy rows", None) as progress:
            made = write_legacy_export(ctx, out_dir, area=area, seed=seed, shares=shares,
                                       progress=progress)  # fmt: skip
    finally:
        ctx.close()
    out.print(
        f"{made.rows} legacy rows ({made.linked} of registry people, {made.legacy_only} only in "
        f"the legacy file, {made.duplicates} duplicates) written to {made.csv_path}; mapping "
        f"{made.mapping_path}, truth {made.truth_path}"
    )

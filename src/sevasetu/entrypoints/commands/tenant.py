"""``sevasetu tenant export|import|verify|switch|rehearse``: move a state's data between
deployments (docs/data-residency.md)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ...domain.errors import InvalidInput
from ...domain.tenancy import Manifest, TableDifference
from . import context, err, friendly, out

app = typer.Typer(help="A state's data: export, import, verify, move.", no_args_is_help=True)
CLI_ACTOR = "cli"
TRUST_HELP = "the origin's public keys: its /.well-known/jwks.json or `sevasetu keys jwks` file"


@contextmanager
def _progress(what: str) -> Iterator[Any]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"),
                  TextColumn("{task.fields[rows]:>12,} rows"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}

        def advance(table: str, rows: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(f"{what} {table}", rows=0)
            bar.update(tasks[table], rows=rows)

        yield advance


@contextmanager
def _steps() -> Iterator[tuple[Any, Any]]:
    """Each step's name as it begins, and under it the rows each table of the state has reached
    in that step (the tables of the step before are cleared)."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"),
                  TextColumn("{task.fields[rows]:>12,} rows"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}
        current = [""]

        def step(name: str) -> None:
            for task in tasks.values():
                bar.remove_task(task)
            tasks.clear()
            current[0] = name
            err.print(f"[bold]{name}[/bold]")

        def advance(table: str, rows: int) -> None:
            if table not in tasks:
                if rows == 0:
                    return
                tasks[table] = bar.add_task(f"{current[0]} {table}", rows=0)
            bar.update(tasks[table], rows=rows)

        yield step, advance


def _trust(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput("trust", reason=f"{path} is not a JWKS or JWK file ({exc}).") from None
    if not isinstance(document, dict):
        raise InvalidInput("trust", reason=f"{path} is not a JWKS or JWK file.")
    return document


def _manifest_table(manifest: Manifest) -> Table:
    table = Table("table", "rule", "rows", "content sha-256", title=f"{manifest.state_code} at "
                  f"schema {manifest.schema_version}, key {manifest.key_id[:12]}…")  # fmt: skip
    for e in manifest.tables:
        table.add_row(e.name, e.rule, f"{e.rows:,}", e.content_sha256[:16])
    return table


@app.command("export")
@friendly
def export(
    state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")],
    out_dir: Annotated[Path, typer.Option("--out", help="a new or empty directory")],
) -> None:
    """Every table's rows of the state, a manifest and its signature."""
    from ...services.tenant_export import export_state

    ctx = context()
    try:
        with _progress("exporting") as advance:
            manifest = export_state(ctx, state, out_dir, advance)
    finally:
        ctx.close()
    out.print(_manifest_table(manifest))
    out.print(f"bundle written to {out_dir} (signed by key {manifest.key_id})")


@app.command("import")
@friendly
def import_(
    bundle: Annotated[Path, typer.Argument(help="the bundle directory")],
    trust: Annotated[Path | None, typer.Option(help=TRUST_HELP)] = None,
) -> None:
    """Check a bundle and load it in one transaction; a second run changes nothing."""
    from ...services.tenant_import import import_bundle

    ctx = context()
    try:
        with _progress("importing") as advance:
            report = import_bundle(ctx, bundle, _trust(trust), advance)
    finally:
        ctx.close()
    if report.no_op:
        out.print(f"{report.manifest.state_code}: every row was already here; nothing changed")
        return
    for name, rows in report.inserted.items():
        out.print(f"  {name}: {rows:,} rows")
    out.print(f"{report.manifest.state_code} imported ({sum(report.inserted.values()):,} rows); "
              f"run `sevasetu tenant verify` next")  # fmt: skip


def differences_table(title: str, differences: list[TableDifference]) -> Table:
    table = Table("table", "live", "bundle", "missing", "extra", "changed", "content",
                  title=title)  # fmt: skip
    for d in differences:
        table.add_row(
            d.name, f"{d.live_rows:,}", f"{d.bundle_rows:,}", str(d.missing_count),
            str(d.extra_count), str(d.changed_count),
            "same" if d.same else f"{d.live_sha256[:12]} ≠ {d.bundle_sha256[:12]}",
        )  # fmt: skip
    return table


def _details(differences: list[TableDifference]) -> None:
    for d in differences:
        for kind in ("missing", "extra", "changed"):
            keys = getattr(d, kind)
            if keys:
                more = getattr(d, f"{kind}_count") - len(keys)
                shown = ", ".join("/".join(str(v) for v in k) for k in keys)
                out.print(f"{d.name} {kind}: {shown}" + (f" and {more} more" if more else ""))


@app.command("verify")
@friendly
def verify(
    state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")],
    against: Annotated[Path, typer.Option(help="the bundle directory")],
    trust: Annotated[Path | None, typer.Option(help=TRUST_HELP)] = None,
) -> None:
    """Compare the live rows of the state with a bundle, table by table."""
    from ...services.tenant_verify import verify_state

    ctx = context()
    try:
        _, differences = verify_state(ctx, state, against, _trust(trust))
    finally:
        ctx.close()
    out.print(differences_table(f"{state.upper()} against {against}", differences))
    _details(differences)
    if not all(d.same for d in differences):
        err.print("[red]the database differs from the bundle[/red]")
        raise typer.Exit(1)
    out.print("identical: every table, every row")


@app.command("switch")
@friendly
def switch(
    state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")],
    keeper: Annotated[str, typer.Option(help="the deployment that keeps the state from now")],
    bundle: Annotated[Path, typer.Option(help="the bundle the move carried")],
    here: Annotated[
        bool, typer.Option("--here/--elsewhere", help="this deployment is the keeper (the target)")
    ],  # fmt: skip
) -> None:
    """Record where the state is kept now. At the origin (--elsewhere) its writes are refused
    from then on: its copy is the backup."""
    from ...services.tenant_switch import record_switch

    ctx = context()
    try:
        authority = record_switch(ctx, state, keeper, here=here, bundle=bundle, actor=CLI_ACTOR)
    finally:
        ctx.close()
    out.print(f"{authority.state_code} is kept " + ("here" if here else f"at {keeper}"))


@app.command("purge")
@friendly
def purge(
    state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")],
    yes: Annotated[bool, typer.Option("--yes", help="really delete the backup copy")] = False,
) -> None:
    """Delete the copy a move left here (the state is kept elsewhere), so that the state can be
    moved back later."""
    from ...services.tenant_purge import purge_backup

    if not yes:
        raise InvalidInput("yes", reason="Purging deletes the state's rows here; add --yes.")
    ctx = context()
    try:
        purged = purge_backup(ctx, state, actor=CLI_ACTOR)
    finally:
        ctx.close()
    out.print(f"{purged.state_code}: {sum(purged.rows.values()):,} rows of the backup deleted")


@app.command("rehearse")
@friendly
def rehearse(
    state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")],
    from_url: Annotated[str, typer.Option("--from", help="origin database URL")],
    to_url: Annotated[str, typer.Option("--to", help="target database URL")],
    work_dir: Annotated[Path | None, typer.Option(help="where the bundle is kept")] = None,
    window: Annotated[int, typer.Option(help="announced window, minutes")] = 120,
    scheme: Annotated[
        str | None,
        typer.Option(help="the hospital desk's scheme (default: the state's health-service one)"),
    ] = None,
) -> None:
    """The whole window on real databases, with a load generator reading throughout and a
    hospital desk queueing admissions and discharges, replayed at the target after the switch."""
    from ...services.tenant_rehearsal import rehearse as run

    base = context()
    origin = _at(base, from_url)
    target = _at(base, to_url)
    base.close()
    directory = work_dir or Path(tempfile.mkdtemp(prefix="sevasetu-rehearsal-"))
    name = target.engine.url.render_as_string(hide_password=True)
    try:
        with _steps() as (step, advance):
            report = run(origin, target, state, directory, target_name=name,
                         window_minutes=window, step=step, scheme=scheme,
                         progress=advance)  # fmt: skip
    finally:
        origin.close()
        target.close()
    steps = Table("step", "seconds", title=f"rehearsal of {report.state_code}")
    for step, seconds in report.steps:
        steps.add_row(step, f"{seconds:.2f}")
    out.print(steps)
    out.print(_both_sides(report.origin, report.target))
    _details(report.origin + report.target)
    t = report.load
    out.print(
        f"writes frozen for {report.freeze_seconds:.2f} s; load: {t.reads} reads "
        f"({t.read_failures} failed), writes {t.writes_accepted} accepted, "
        f"{t.writes_refused} refused as in maintenance, {t.write_failures} failed"
    )
    out.print(f"bundle kept in {report.bundle}")
    desk = report.hospital
    if desk is None:
        err.print("[yellow]no hospital desk: the state has no health-service scheme loaded "
                  "(sevasetu schemes load)[/yellow]")  # fmt: skip
    else:
        out.print(_hospital_table(desk))
    if not (report.identical and report.switched and t.read_failures == 0) or (
        desk is not None and not desk.exactly_once
    ):
        err.print("[red]the rehearsal did not complete: the origin still keeps the state[/red]")
        raise typer.Exit(1)
    out.print(f"{report.state_code} is now kept by {name}; the origin keeps its copy as backup")


def _hospital_table(desk: Any) -> Table:
    title = f"hospital desk at {desk.facility}, {desk.cards} cards of {desk.scheme}"
    table = Table("hospital events", "count", title=title)
    for label, value in (
        ("queued at the desk", desk.queued),
        ("  admissions", desk.admissions),
        ("  discharges", desk.discharges),
        ("recorded at the origin before the window (moved in the bundle)", desk.recorded_at_origin),
        ("replays stopped by 503 (maintenance, moved)", desk.replays_refused),
        ("replayed at the keeper after the switch", desk.replayed),
        ("already recorded when the whole queue was sent again", desk.already_recorded),
        ("refused", desk.refused),
        ("lost", desk.lost),
        ("duplicated", desk.duplicated),
    ):
        table.add_row(label, f"{value:,}")
    return table


def _both_sides(origin: list[TableDifference], target: list[TableDifference]) -> Table:
    table = Table("table", "origin rows", "target rows", "origin sha-256", "target sha-256",
                  "", title="each table on both sides (live, after the import)")  # fmt: skip
    for a, b in zip(origin, target, strict=True):
        same = a.same and b.same  # both hold exactly the bundle's rows
        table.add_row(a.name, f"{a.live_rows:,}", f"{b.live_rows:,}", a.live_sha256[:16],
                      b.live_sha256[:16], "same" if same else "[red]differs[/red]")  # fmt: skip
    return table


def _at(base: Any, url: str) -> Any:
    from ...bootstrap import bootstrap

    return bootstrap(base.settings.model_copy(update={"database_url": url}))

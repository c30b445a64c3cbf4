"""The ``sevasetu`` command line. Every command reads the same settings (SEVASETU_*)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .commands import area_reports as _area_reports  # noqa: F401 - registers report commands
from .commands import cards as card_commands
from .commands import certificates, context, duelist, err, friendly, out, reports, stock, worker
from .commands import chat as chat_commands
from .commands import desk as desk_commands
from .commands import imports as import_commands
from .commands import ledger_reports as _ledger_reports  # noqa: F401 - registers report commands
from .commands import legacy as legacy_commands
from .commands import linkage as linkage_commands
from .commands import maintenance as maintenance_commands
from .commands import services as services_commands
from .commands import surveys as survey_commands
from .commands import tenant as tenant_commands
from .commands import whatsapp as whatsapp_commands

app = typer.Typer(help="sevasetu: beneficiary registry and services.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo district.", no_args_is_help=True)
users_app = typer.Typer(help="Staff users and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
areas_app = typer.Typer(help="Areas and facilities.", no_args_is_help=True)
schedule_app = typer.Typer(help="Immunisation schedules.", no_args_is_help=True)
for sub, name in (
    (db_app, "db"),
    (demo_app, "demo"),
    (users_app, "users"),
    (audit_app, "audit"),
    (areas_app, "areas"),
    (schedule_app, "schedule"),
):
    app.add_typer(sub, name=name)

# Command groups kept in their own modules under ``commands/``, one line each:
app.command("duelist")(duelist.duelist)
app.add_typer(certificates.app, name="certificate")
app.add_typer(certificates.keys_app, name="keys")
app.command("worker")(worker.worker)
app.add_typer(whatsapp_commands.app, name="whatsapp")
app.command("chat")(chat_commands.chat)
app.add_typer(stock.app, name="stock")
app.add_typer(tenant_commands.app, name="tenant")
app.add_typer(maintenance_commands.app, name="maintenance")
app.add_typer(reports.app, name="report")
schedule_app.command("refresh")(duelist.schedule_refresh)
app.add_typer(legacy_commands.app, name="legacy")
legacy_commands.app.command("link")(linkage_commands.link)
legacy_commands.app.command("links")(linkage_commands.links)
app.add_typer(import_commands.app, name="import")
app.add_typer(services_commands.schemes_app, name="schemes")  # the services ledger
app.add_typer(services_commands.services_app, name="services")
app.add_typer(card_commands.app, name="card")  # hospital continuity
app.add_typer(desk_commands.app, name="desk")
app.add_typer(survey_commands.app, name="survey")  # household surveys, the January update


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    reload: Annotated[bool, typer.Option(help="restart on code changes")] = False,
) -> None:
    """Serve the API and the web pages."""
    import uvicorn

    uvicorn.run(
        "sevasetu.entrypoints.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level="info",
        proxy_headers=True,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""
    from ..adapters.db.migrate import current_revision, upgrade

    ctx = context()
    upgrade(ctx.engine)
    out.print(
        f"database {ctx.engine.url.render_as_string()} at revision {current_revision(ctx.engine)}"
    )


@areas_app.command("load")
@friendly
def areas_load(
    areas_csv: Annotated[
        Path | None, typer.Argument(help="areas CSV (the bundled geography if omitted)")
    ] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities CSV")] = None,
) -> None:
    """Load or update the area tree and facilities from CSV files."""
    from ..services.areas import load_geography

    loaded = load_geography(context(), areas_csv, facilities)
    out.print(f"{loaded.areas} areas and {loaded.facilities} facilities loaded")


@demo_app.command("load")
@friendly
def demo_load(
    people: Annotated[int, typer.Option(min=1, max=50_000_000)] = 2000,
    seed: int = 7,
    if_empty: Annotated[
        bool, typer.Option(help="do nothing if people are already registered")
    ] = False,
    legacy: Annotated[
        bool,
        typer.Option(help="leave some Raigarh first doses out, in a legacy export beside the demo"),
    ] = True,
    legacy_dir: Annotated[
        Path, typer.Option(help="where the legacy export goes (legacy.csv, mapping.toml ...)")
    ] = Path("var/demo/legacy"),
) -> None:
    """Load the synthetic demo district (deterministic for a seed)."""
    from ..services.demo import load_demo

    ctx = context()
    if if_empty:
        with ctx.uow() as uow:
            if uow.people.count() > 0:
                out.print("people are already registered; demo not loaded")
                return
    with Progress(
        TextColumn("[bold]demo people"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("load", total=people)
        summary = load_demo(
            ctx, people=people, seed=seed, progress=lambda n: bar.update(task, completed=n),
            legacy_dir=legacy_dir.resolve() if legacy else None,
        )  # fmt: skip
    out.print(
        f"{summary.people} people in {summary.households} households, "
        f"{summary.identifiers} identifiers, {summary.doses} doses given, "
        f"{summary.users_created} demo users created"
    )
    if summary.service_records:
        out.print(
            f"{summary.service_records} service records of the year under the bundled schemes; "
            f"{summary.findings} double benefits found (sevasetu report duplicates --area CODE)",
            soft_wrap=True,
        )
    if summary.legacy_rows:
        export = legacy_dir.resolve()
        out.print(
            f"{summary.legacy_rows} rows of a legacy export (Raigarh first doses the registry "
            f"lacks) in {export}; "
            f"import them with: sevasetu legacy import {export / 'legacy.csv'} --source "
            f"cg-teeka --mapping {export / 'mapping.toml'}", soft_wrap=True,
        )  # fmt: skip


@users_app.command("add")
@friendly
def users_add(
    username: str,
    role: Annotated[
        str,
        typer.Option(
            help="asha, anm, verifier, facility_admin, district_officer, state_admin, auditor"
        ),
    ],
    area: Annotated[str, typer.Option(help="area code the user works in")],
    name: Annotated[str, typer.Option(help="full name")] = "",
    language: str = "en",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a staff user."""
    from ..services.auth import add_user

    user = add_user(
        context(),
        None,
        username=username,
        password=password,
        role=role,
        area_code=area,
        full_name=name or username,
        language=language,
    )
    out.print(f"user {user.username} ({user.role.value}, {user.area_code}) created")


@users_app.command("token")
@friendly
def users_token(
    username: str,
    days: Annotated[int, typer.Option(min=1, max=365)] = 90,
    label: str = "cli",
) -> None:
    """Print a bearer token for scripts and integrations calling the API."""
    from ..services.auth import issue_token

    sys.stdout.write(issue_token(context(), username, label=label, days=days) + "\n")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every state's hash chain; exit 1 and name the first tampered entry if any."""
    from ..services.audit import verify_audit

    reports = verify_audit(context())
    table = Table("state", "entries", "digest of chain heads", "result")
    broken = False
    for r in reports:
        verdict = (
            "[green]intact[/green]"
            if r.problem is None
            else (
                f"[red]broken at chain {r.problem.chain} entry {r.problem.seq}: "
                f"{r.problem.reason}[/red]"
            )
        )
        broken |= r.problem is not None
        table.add_row(r.state_code, str(r.entries), r.head_hash[:16], verdict)
    out.print(table)
    if broken:
        for r in reports:
            if r.problem is not None:  # one unwrapped line each, for logs and alerts
                err.print(
                    f"{r.state_code}: broken at chain {r.problem.chain} entry "
                    f"{r.problem.seq}: {r.problem.reason}",
                    soft_wrap=True,
                )
        raise typer.Exit(1)


@schedule_app.command("due")
@friendly
def schedule_due(
    dob: Annotated[str, typer.Option(help="date of birth, YYYY-MM-DD")],
    as_of: Annotated[str, typer.Option(help="the day to judge, YYYY-MM-DD")],
    given: Annotated[
        list[str] | None,
        typer.Option(help="CODE=YYYY-MM-DD, or CODE=YYYY-MM-DD:VACCINE for a campaign dose"),
    ] = None,
    schedule: Annotated[str, typer.Option(help="schedule file name")] = "india-uip",
    flag: Annotated[
        list[str] | None, typer.Option(help="area flag: je_endemic, pcv_offered")
    ] = None,
    condition: Annotated[
        list[str] | None,
        typer.Option(help="campaign phase condition: health_worker, frontline_worker, comorbidity"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="a JSON list instead of a table")] = False,
) -> None:
    """Every dose of a schedule for a child: status, due date, latest date."""
    import json
    from datetime import date

    from ..adapters.schedules import load_schedule
    from ..domain.errors import InvalidInput
    from ..domain.schedule import due_doses

    def day(text: str, field: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(field, reason=f"{text!r} is not a date YYYY-MM-DD.") from None

    rules = load_schedule(schedule)
    history, products = {}, {}
    for item in given or []:
        code, _, when = item.partition("=")
        when, _, product = when.partition(":")
        code = code.strip().upper()
        history[code] = day(when.strip(), "given")
        if product.strip() and rules.campaign is not None:
            products[code] = rules.campaign.product(product, "given")
    statuses = due_doses(
        rules, birth=day(dob, "dob"), today=day(as_of, "as_of"), given=history,
        flags=frozenset(flag or []), products=products, conditions=frozenset(condition or []),
    )  # fmt: skip
    rows = [
        {"code": s.code, "status": s.status.value,
         "due_date": s.due_date.isoformat() if s.due_date else None,
         "last_date": s.last_date.isoformat() if s.last_date else None,
         "given_date": s.given_date.isoformat() if s.given_date else None}
        for s in statuses
    ]  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    colours = {"given": "green", "due": "yellow", "overdue": "red", "upcoming": "cyan"}
    table = Table("dose", "status", "due", "latest", "given")
    for r in rows:
        colour = colours.get(str(r["status"]), "dim")
        table.add_row(r["code"], f"[{colour}]{r['status']}[/{colour}]", r["due_date"] or "",
                      r["last_date"] or "", r["given_date"] or "")  # fmt: skip
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()

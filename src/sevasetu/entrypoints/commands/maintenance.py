"""``sevasetu maintenance on|off|status``: freeze a state's writes for a window."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from ...domain.errors import InvalidInput
from . import context, friendly, out

app = typer.Typer(help="Maintenance mode per state (writes refused, reads go on).",
                  no_args_is_help=True)  # fmt: skip
CLI_ACTOR = "cli"


def _instant(text: str) -> datetime:
    """ISO 8601; without a zone the time is UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            "until", reason=f"{text!r} is not a time like 2026-11-25T12:00+05:30."
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@app.command("on")
@friendly
def on(
    state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")],
    until: Annotated[str, typer.Option(help="announced end, ISO 8601 (UTC without a zone)")],
    reason: Annotated[str, typer.Option(help="why: shown to users")],
) -> None:
    """Refuse every write of the state (503 with Retry-After) until `off`."""
    from ...services.maintenance import start_maintenance

    ctx = context()
    try:
        window = start_maintenance(ctx, state, _instant(until), reason, actor=CLI_ACTOR)
    finally:
        ctx.close()
    out.print(f"{window.state_code} in maintenance until {window.until.isoformat()} "
              f"(writes refused; lift it with `sevasetu maintenance off --state "
              f"{window.state_code}`)")  # fmt: skip


@app.command("off")
@friendly
def off(state: Annotated[str, typer.Option(help="state code, e.g. IN-WB")]) -> None:
    """Accept the state's writes again."""
    from ...services.maintenance import stop_maintenance

    ctx = context()
    try:
        lifted = stop_maintenance(ctx, state, actor=CLI_ACTOR)
    finally:
        ctx.close()
    out.print(f"{state.upper()}: maintenance lifted" if lifted
              else f"{state.upper()} was not in maintenance")  # fmt: skip


@app.command("status")
@friendly
def status() -> None:
    """The states in maintenance, and the states whose records moved."""
    from ...services.maintenance import maintenance_status

    ctx = context()
    try:
        found, moved = maintenance_status(ctx)
    finally:
        ctx.close()
    if not found and not moved:
        out.print("no state is in maintenance")
        return
    table = Table("state", "since", "until", "reason", "by")
    for w in found:
        table.add_row(w.state_code, w.since.isoformat(timespec="minutes"),
                      w.until.isoformat(timespec="minutes"), w.reason, w.set_by)  # fmt: skip
    if found:
        out.print(table)
    for a in moved:
        where = "here" if a.authoritative else f"at {a.deployment} (this copy is the backup)"
        out.print(
            f"{a.state_code}: kept {where} since {a.switched_at.isoformat(timespec='minutes')}"
        )

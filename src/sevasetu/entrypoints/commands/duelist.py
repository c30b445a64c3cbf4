"""``sevasetu duelist``: an area's due (or defaulter) list for a round, as CSV, JSON or a table."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from ...domain.access import Principal, Role
from ...domain.errors import InvalidInput
from . import context, friendly, out

COLUMNS = [
    "village", "village_code", "address", "household_id", "name", "name_latin", "birth_date",
    "sex", "phone", "doses", "mother_name", "mother_phone", "contact", "ashas", "person_id",
]  # fmt: skip


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"
    TABLE = "table"


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, reason=f"{text!r} is not a date YYYY-MM-DD.") from None


@friendly
def duelist(
    area: Annotated[str, typer.Option(help="area code: a village, block, district or state")],
    on: Annotated[str | None, typer.Option(help="first day of the window (default today)")] = None,
    to: Annotated[str | None, typer.Option(help="last day of the window (default --on)")] = None,
    defaulters: Annotated[
        bool, typer.Option("--defaulters", help="only doses overdue beyond the grace days")
    ] = False,
    format: Annotated[Format, typer.Option("--format", help="csv, json or table")] = Format.TABLE,
    schedule: Annotated[
        str | None, typer.Option(help="a campaign, e.g. covid19-india: who has a dose due")
    ] = None,
    dose: Annotated[str | None, typer.Option(help="with --schedule: only this dose")] = None,
) -> None:
    """Children of an area with doses due or overdue, sorted for a door-to-door round; with
    ``--schedule covid19-india --dose COVID2``, the second doses due in the area."""
    from ...services.due_lists import campaign_due_list, due_list

    ctx = context()
    try:
        tree = ctx.area_tree()
        scope = tree.get(area, "area")
        # The operator at the console acts for the whole country of the area; audited as such.
        operator = Principal(kind="system", id="cli", role=Role.STATE_ADMIN, name="command line",
                             area_code=scope.path[0], state_code=scope.state_code)  # fmt: skip
        window = {"start": _day(on, "on"), "end": _day(to, "to"), "defaulters": defaulters}
        found = (
            campaign_due_list(ctx, operator, area, schedule, dose=dose, **window)  # type: ignore[arg-type]
            if schedule else due_list(ctx, operator, area, **window)  # type: ignore[arg-type]
        )  # fmt: skip
    finally:
        ctx.close()
    rows = [_row(i) for i in found.items]
    if format is Format.JSON:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "doses": _doses_text(row["doses"]),
                             "ashas": "; ".join(row["ashas"])})  # fmt: skip
    else:
        kind = "Defaulters" if defaulters else "Due"
        table = Table(title=f"{kind} in {found.area.name}, {found.start} to {found.end}")
        for column in ("village", "address", "name", "birth_date", "sex", "doses", "mother"):
            table.add_column(column)
        for row in rows:
            mother = " ".join(filter(None, [row["mother_name"], row["mother_phone"]]))
            table.add_row(row["village"], row["address"] or "", row["name"], row["birth_date"],
                          row["sex"], _doses_text(row["doses"]), mother)  # fmt: skip
        out.print(table)
        out.print(f"{len(rows)} children")


def _row(item: Any) -> dict[str, Any]:
    child = item.child
    return {
        "village": item.village.name, "village_code": item.village.code,
        "address": child.address, "household_id": child.household_id, "name": child.name,
        "name_latin": child.name_latin, "birth_date": child.birth_date.isoformat(),
        "sex": child.sex, "phone": child.phone,
        "doses": [{"code": d.code, "status": d.status.value,
                   "due_date": d.due_date.isoformat() if d.due_date else None}
                  for d in item.doses],
        **item.contact_fields(), "ashas": list(item.ashas), "person_id": child.id,
    }  # fmt: skip


def _doses_text(doses: list[dict[str, Any]]) -> str:
    return ", ".join(f"{d['code']} {d['status']} {d['due_date'] or ''}".strip() for d in doses)


@friendly
def schedule_refresh(
    area: Annotated[str | None, typer.Option(help="area code (default: every area)")] = None,
    on: Annotated[str | None, typer.Option(help="the day to judge (default today)")] = None,
) -> None:
    """Judge every child's schedule for the day and store the summaries the day's due lists
    read: the nightly job, run after midnight (cron, or the worker)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ...services.due_lists import refresh_summaries
    from . import err

    ctx = context()
    try:
        day = _day(on, "on")
        if area is not None:
            ctx.area_tree().get(area, "area")
        with Progress(
            TextColumn("[bold]schedule summaries"), BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), console=err,
        ) as bar:  # fmt: skip
            task = bar.add_task("refresh", total=None)
            found = refresh_summaries(
                ctx, area, on=day,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    finally:
        ctx.close()
    states = ", ".join(f"{s} {n}" for s, n in sorted(found.by_state.items())) or "none"
    out.print(
        f"{found.children} children judged in {found.seconds:.1f}s "
        f"({found.per_second:.0f} children/s); by state: {states}"
    )

"""``sevasetu stock report``: a facility's vaccine stock per lot, as a table, CSV or JSON."""

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

app = typer.Typer(help="Vaccine stock.", no_args_is_help=True)
COLUMNS = [
    "product", "lot", "expiry", "received", "issued", "returned", "administered", "wasted",
    "adjusted", "balance", "usable", "expired", "low", "discrepancy",
]  # fmt: skip


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"
    TABLE = "table"


@app.command("report")
@friendly
def report(
    facility: Annotated[str, typer.Option(help="facility code")],
    on: Annotated[str | None, typer.Option(help="the day expiry is judged on (default today)")] = (
        None
    ),
    format: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.TABLE,
) -> None:
    """Per lot: received, issued to sessions, administered, wasted, balance, expired, low."""
    from ...services.stock import stock_report

    try:
        day = date.fromisoformat(on) if on is not None else None
    except ValueError:
        raise InvalidInput("on", reason=f"{on!r} is not a date YYYY-MM-DD.") from None
    ctx = context()
    try:
        with ctx.uow() as uow:
            found = next(iter(uow.areas.facilities_by_code([facility])), None)
        area = ctx.area_tree().get(found.area_code) if found else None
        # The operator at the console acts for the facility's whole country; audited as such.
        operator = Principal(
            kind="system", id="cli", role=Role.STATE_ADMIN, name="command line",
            area_code=area.path[0] if area else None, state_code=area.state_code if area else None,
        )  # fmt: skip
        result = stock_report(ctx, operator, facility, on=day)
    finally:
        ctx.close()
    rows = [_row(s, result.on) for s in result.lots]
    if format is Format.JSON:
        document = {"facility_code": result.facility.code, "on": result.on.isoformat(),
                    "lots": rows}  # fmt: skip
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"Stock at {result.facility.name} on {result.on}")
        shown = ["product", "lot", "expiry", "received", "issued", "administered", "wasted",
                 "balance"]  # fmt: skip
        for column in [*shown, "flags"]:
            table.add_column(column, no_wrap=column in ("lot", "expiry"))
        for row in rows:
            flags = ", ".join(f for f in ("expired", "low", "discrepancy") if row[f])
            table.add_row(*(str(row[c]) for c in shown), flags)
        out.print(table)


def _row(s: Any, on: date) -> dict[str, Any]:
    return {
        "product": s.lot.product, "lot": s.lot.lot, "expiry": s.lot.expiry.isoformat(),
        "received": s.received, "issued": s.issued, "returned": s.returned,
        "administered": s.administered, "wasted": s.wasted, "adjusted": s.adjusted,
        "balance": s.balance, "usable": s.usable(on), "expired": s.expired(on),
        "low": s.low(on), "discrepancy": s.discrepancy,
    }  # fmt: skip

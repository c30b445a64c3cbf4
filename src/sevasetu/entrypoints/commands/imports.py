"""``sevasetu import people``: people from a survey's or a department's sheet into the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ...domain.access import Principal, Role
from ...domain.errors import InvalidInput
from . import context, friendly
from .legacy import ConfirmNewOption, RejectsOption, print_summary, rows_bar

app = typer.Typer(help="Import people into the registry.", no_args_is_help=True)


@app.command("people")
@friendly
def people(
    file: Annotated[Path, typer.Argument(help="the sheet: CSV or Excel .xlsx")],
    mapping: Annotated[Path, typer.Option(help="the mapping file (TOML); see docs/legacy.md")],
    state: Annotated[
        str | None,
        typer.Option(help="state the people live in (else the mapping's file.state, area.within)"),
    ] = None,
    source: Annotated[str, typer.Option(help="a name for where the sheet came from")] = "people",
    rejects: RejectsOption = None,
    confirm_new: ConfirmNewOption = False,
) -> None:  # fmt: skip
    """Register the people of a sheet (all rows or none; the same file twice is a no-op)."""
    from ...adapters.tabular import count_rows
    from ...services.people_import import import_people
    from ...services.tabular_import import read_mapping

    ctx = context()
    try:
        rules = read_mapping(mapping)[0]
        scope = state or rules.state or rules.area_within
        if scope is None:
            raise InvalidInput("state", reason="Say where the people live: --state CODE, or "
                               "file.state or area.within in the mapping.")  # fmt: skip
        area = ctx.area_tree().get(scope, "state")
        # The operator at the console acts for the whole state; audited as the command line.
        operator = Principal(kind="system", id="cli", role=Role.STATE_ADMIN, name="command line",
                             area_code=area.state_code, state_code=area.state_code)  # fmt: skip
        with rows_bar("rows read", count_rows(file) if file.is_file() else None) as progress:
            summary = import_people(ctx, operator, file, mapping_path=mapping, source=source,
                                    state_code=area.state_code, rejects_path=rejects,
                                    confirm_new=confirm_new, progress=progress)  # fmt: skip
    finally:
        ctx.close()
    print_summary(summary)

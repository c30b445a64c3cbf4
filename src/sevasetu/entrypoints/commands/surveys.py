"""``sevasetu survey ...``: paper surveys into the registry and the January update; and
``sevasetu report changes``, the year's change report (docs/surveys.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ...domain.areas import Area
from . import context, err, friendly, out
from .legacy import ConfirmNewOption, RejectsOption, print_summary, rows_bar
from .reports import (
    AreaOption,
    Format,
    FormatOption,
    LanguageOption,
    OutOption,
    area_report,
    for_area,
    operator_for,
)
from .reports import app as report_app

app = typer.Typer(help="Household surveys and the yearly update.", no_args_is_help=True)
campaign_app = typer.Typer(help="The yearly update (the January campaign).", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")


@app.command("import")
@friendly
def import_(
    file: Annotated[Path, typer.Argument(help="the paper surveys typed in: CSV or Excel .xlsx")],
    mapping: Annotated[Path, typer.Option(help="the mapping file (TOML); see docs/surveys.md")],
    state: Annotated[
        str | None,
        typer.Option(help="state the households are in (else the mapping's file.state, "
                     "area.within)"),
    ] = None,
    rejects: RejectsOption = None,
    confirm_new: ConfirmNewOption = False,
) -> None:  # fmt: skip
    """Survey the households of a file, one row per member (all rows or none; bad rows go to
    the rejects file with their reasons; the same file twice is a no-op). Each household then
    waits for a verifier."""
    from ...adapters.tabular import count_rows
    from ...services.survey_import import import_surveys

    ctx = context()
    try:
        from ...domain.errors import InvalidInput
        from ...services.survey_import import read_survey_mapping

        rules = read_survey_mapping(mapping)[0].rows
        scope = state or rules.state or rules.area_within
        if scope is None:
            raise InvalidInput("state", reason="Say where the households are: --state CODE, or "
                               "file.state or area.within in the mapping.")  # fmt: skip
        # The operator at the console acts for the country; audited as the command line.
        operator = operator_for(ctx.area_tree().get(scope.strip(), "state"))
        with rows_bar("rows read", count_rows(file) if file.is_file() else None) as progress:
            summary = import_surveys(ctx, operator, file, mapping_path=mapping,
                                     state_code=state, rejects_path=rejects,
                                     confirm_new=confirm_new, progress=progress)  # fmt: skip
    finally:
        ctx.close()
    print_summary(summary)
    if summary.rows_rejected and not summary.already_imported:
        err.print("nothing was imported: correct the rejected rows and import the file again")
        raise typer.Exit(1)


@campaign_app.command("start")
@friendly
def campaign_start(
    area: AreaOption,
    year: Annotated[int, typer.Option(help="the year of the update, e.g. 2027")],
) -> None:
    """Give every household of the area a re-verification task for the year (running it again
    creates none twice)."""
    from ...services.annual_update import start_campaign

    done, _, _ = for_area(area, lambda ctx, operator, code: start_campaign(
        ctx, operator, code, year))  # fmt: skip
    out.print(f"{done.area_code} {done.year}: {done.created} task(s) created, "
              f"{done.already} already there")  # fmt: skip


@campaign_app.command("due")
@friendly
def campaign_due(
    on: Annotated[str | None, typer.Option(help="the day, YYYY-MM-DD (default: today)")] = None,
) -> None:
    """What the worker does once a day: in the update month (SEVASETU_ANNUAL_UPDATE_MONTH),
    start the year's update in every state; otherwise nothing."""
    from ...services.annual_update import start_due_campaigns

    ctx = context()
    try:
        day = date.fromisoformat(on) if on else ctx.today()
        results = start_due_campaigns(ctx, day)
        month = ctx.settings.annual_update_month
    finally:
        ctx.close()
    if not results:
        out.print(f"{day}: not the update month ({month}); nothing to do")
    for r in results:
        out.print(f"{r.area_code} {r.year}: {r.created} task(s) created, {r.already} already there")


@report_app.command("changes")
@friendly
def changes(
    area: AreaOption,
    year: Annotated[int, typer.Option(help="the year, e.g. 2026")],
    format: FormatOption = Format.HTML,
    out_file: OutOption = None,
    language: LanguageOption = "en",
) -> None:
    """The year's births, deaths, marriages, migrations in and out, and new and stopped
    benefits, per ward with the people behind each count: HTML (printable, with its chart),
    CSV (one row per change) or JSON."""
    from ...services.annual_update import change_report
    from ..web.change_view import change_csv, change_view, render_change_file

    def written(view: dict[str, Any], scope: Area) -> str:
        counts = ", ".join(f"{k} {n}" for k, n in sorted(view["totals"].items())) or "none"
        return f"{scope.code} {year}: {counts}"

    area_report(
        area, lambda ctx, operator, code: change_report(ctx, operator, code, year), change_view,
        format=format, out_file=out_file, language=language, as_csv=change_csv,
        as_html=render_change_file, written=written,
    )  # fmt: skip

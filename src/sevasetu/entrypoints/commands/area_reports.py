"""``sevasetu report marriage-alerts`` and ``sevasetu report statistics``: an area's outreach
list against child marriage and its statistics, attached to the ``report`` group of
``reports.py`` (docs/child-marriage.md, docs/area-statistics.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import err, friendly
from .reports import Format, emit, for_area, language_of
from .reports import app as report_app

AREA_HELP = "a ward, union, upazila, block, district or state"


@report_app.command("marriage-alerts")
@friendly
def marriage_alerts(
    area: Annotated[str, typer.Option(help=AREA_HELP)],
    format: Annotated[Format, typer.Option("--format", help="html, csv or json")] = Format.HTML,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write to this file (default: standard output)")
    ] = None,
    language: Annotated[str, typer.Option(help="en, bn or hi (the HTML file)")] = "en",
) -> None:
    """Girls aged 15-17 and boys aged 18-20 living in the area (three years under the minimum
    ages for marriage), with household, phone and ward, for outreach: the HTML prints one ward
    a page."""
    from ...adapters.i18n import gettext_for
    from ...services.marriage import marriage_alerts as alerts_of
    from ..web.ledger_view import render_file
    from ..web.marriage_view import alerts_chart, alerts_csv, alerts_view

    lang = language_of(language)
    found, tree, scope = for_area(area, alerts_of)
    view = alerts_view(found, tree, lang)
    gettext = gettext_for(lang)
    emit(format, out_file, as_json=lambda: view, as_csv=lambda: alerts_csv(view),
         as_html=lambda: render_file("marriage_alerts_file.html", view, gettext, lang,
                                     alerts_chart(view, gettext)))  # fmt: skip
    if out_file is not None:
        err.print(
            f"{view['girls']} girls and {view['boys']} boys to visit in {scope.code}; "
            f"written to {out_file}",
            soft_wrap=True,
        )


@report_app.command("statistics")
@friendly
def statistics(
    area: Annotated[str, typer.Option(help=AREA_HELP)],
    format: Annotated[Format, typer.Option("--format", help="html, csv or json")] = Format.HTML,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write to this file (default: standard output)")
    ] = None,
    language: Annotated[str, typer.Option(help="en, bn or hi (the HTML file)")] = "en",
) -> None:
    """The area's population pyramid, households and their size, people with each identifier,
    each scheme's coverage this year and the immunisation of children aged 12-23 months, per
    ward with a total: HTML (printable, with charts), CSV (one line per figure) or JSON."""
    from ...adapters.i18n import gettext_for
    from ...services.statistics import area_statistics
    from ..web.ledger_view import render_file
    from ..web.statistics_view import (
        DOSE_WORDS,
        KIND_WORDS,
        charts,
        statistics_csv,
        statistics_view,
    )

    lang = language_of(language)
    found, tree, scope = for_area(area, area_statistics)
    view = statistics_view(found, tree, lang)
    gettext = gettext_for(lang)

    def as_html() -> str:
        drawn = charts(view, gettext)
        return render_file("report_statistics_file.html", view, gettext, lang, drawn["pyramid"],
                           charts=drawn, kind_words=KIND_WORDS, dose_words=DOSE_WORDS)  # fmt: skip

    emit(format, out_file, as_json=lambda: view, as_csv=lambda: statistics_csv(view),
         as_html=as_html)  # fmt: skip
    if out_file is not None:
        t = view["total"]
        err.print(
            f"{t['residents']} residents in {len(view['wards'])} wards or villages of "
            f"{scope.code}, {t['households']} households; written to {out_file}",
            soft_wrap=True,
        )

"""``sevasetu report marriage-alerts`` and ``sevasetu report statistics``: an area's outreach
list against child marriage and its statistics, attached to the ``report`` group of
``reports.py`` (docs/child-marriage.md, docs/area-statistics.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from . import friendly
from .reports import Format, FormatOption, LanguageOption, OutOption, area_report
from .reports import app as report_app

# Here a block (India) stands among the areas, beside the upazila (Bangladesh).
BlockAreaOption = Annotated[
    str, typer.Option(help="a ward, union, upazila, block, district or state")
]


@report_app.command("marriage-alerts")
@friendly
def marriage_alerts(
    area: BlockAreaOption,
    format: FormatOption = Format.HTML,
    out_file: OutOption = None,
    language: LanguageOption = "en",
) -> None:
    """Girls aged 15-17 and boys aged 18-20 living in the area (three years under the minimum
    ages for marriage), with household, phone and ward, for outreach: the HTML prints one ward
    a page."""
    from ...services.marriage import marriage_alerts as alerts_of
    from ..web.ledger_view import render_file
    from ..web.marriage_view import alerts_chart, alerts_csv, alerts_view

    area_report(
        area, alerts_of, alerts_view, format=format, out_file=out_file, language=language,
        as_csv=alerts_csv,
        as_html=lambda view, gettext, lang: render_file(
            "marriage_alerts_file.html", view, gettext, lang, alerts_chart(view, gettext)),
        written=lambda view, scope: (
            f"{view['girls']} girls and {view['boys']} boys to visit in {scope.code}"),
    )  # fmt: skip


@report_app.command("statistics")
@friendly
def statistics(
    area: BlockAreaOption,
    format: FormatOption = Format.HTML,
    out_file: OutOption = None,
    language: LanguageOption = "en",
) -> None:
    """The area's population pyramid, households and their size, people with each identifier,
    each scheme's coverage this year and the immunisation of children aged 12-23 months, per
    ward with a total: HTML (printable, with charts), CSV (one line per figure) or JSON."""
    from ...services.statistics import area_statistics
    from ..web.ledger_view import render_file
    from ..web.statistics_view import (
        DOSE_WORDS,
        KIND_WORDS,
        charts,
        statistics_csv,
        statistics_view,
    )

    def as_html(view: dict[str, Any], gettext: Callable[[str], str], lang: str) -> str:
        drawn = charts(view, gettext)
        return render_file("report_statistics_file.html", view, gettext, lang, drawn["pyramid"],
                           charts=drawn, kind_words=KIND_WORDS, dose_words=DOSE_WORDS)  # fmt: skip

    area_report(
        area, area_statistics, statistics_view, format=format, out_file=out_file,
        language=language, as_csv=statistics_csv, as_html=as_html,
        written=lambda view, scope: (
            f"{view['total']['residents']} residents in {len(view['wards'])} wards or villages "
            f"of {scope.code}, {view['total']['households']} households"),
    )  # fmt: skip

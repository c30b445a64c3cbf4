"""``sevasetu report duplicates`` and ``sevasetu report priority``: the services ledger's
reports, attached to the ``report`` group of ``reports.py`` (docs/services-ledger.md)."""

from __future__ import annotations

from typing import Any

from ...domain.areas import Area
from . import friendly
from .reports import AreaOption, Format, FormatOption, LanguageOption, OutOption, area_report
from .reports import app as report_app


@report_app.command("duplicates")
@friendly
def duplicates(
    area: AreaOption,
    format: FormatOption = Format.HTML,
    out_file: OutOption = None,
    language: LanguageOption = "en",
) -> None:
    """Find double benefits (a scheme twice in a period, two schemes of one exclusive group,
    recipients too young, dead or outside the scheme's area) and report each finding with its
    records and status, and the totals per scheme and area."""
    from ...services.benefit_findings import duplicates_report
    from ..web.ledger_view import duplicates_csv, duplicates_view, findings_chart, render_file

    def written(view: dict[str, Any], scope: Area) -> str:
        counts = ", ".join(f"{k} {n}" for k, n in sorted(view["counts"].items())) or "none"
        return f"{len(view['findings'])} finding(s) in {scope.code} ({counts})"

    area_report(
        area, duplicates_report, duplicates_view, format=format, out_file=out_file,
        language=language, as_csv=duplicates_csv,
        as_html=lambda view, gettext, lang: render_file(
            "ledger_duplicates_file.html", view, gettext, lang, findings_chart(view, gettext)),
        written=written,
    )  # fmt: skip


@report_app.command("priority")
@friendly
def priority(
    area: AreaOption,
    format: FormatOption = Format.HTML,
    out_file: OutOption = None,
    language: LanguageOption = "en",
) -> None:
    """Everyone and every household of the area ranked by the vulnerability score, with
    location and phone: the HTML prints one ward a page."""
    from ...services.priority import priority_list
    from ..web.ledger_view import factors_chart, priority_csv, priority_view, render_file

    area_report(
        area, priority_list, priority_view, format=format, out_file=out_file, language=language,
        as_csv=priority_csv,
        as_html=lambda view, gettext, lang: render_file(
            "ledger_priority_file.html", view, gettext, lang, factors_chart(view, gettext)),
        written=lambda view, scope: (
            f"{len(view['people'])} people and {len(view['households'])} households "
            f"ranked in {scope.code}"),
    )  # fmt: skip

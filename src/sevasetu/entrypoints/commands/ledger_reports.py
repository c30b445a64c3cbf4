"""``sevasetu report duplicates`` and ``sevasetu report priority``: the services ledger's
reports, attached to the ``report`` group of ``reports.py`` (docs/services-ledger.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import err, friendly
from .reports import Format, emit, for_area, language_of
from .reports import app as report_app


@report_app.command("duplicates")
@friendly
def duplicates(
    area: Annotated[str, typer.Option(help="a ward, union, upazila, district or state")],
    format: Annotated[Format, typer.Option("--format", help="html, csv or json")] = Format.HTML,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write to this file (default: standard output)")
    ] = None,
    language: Annotated[str, typer.Option(help="en, bn or hi (the HTML file)")] = "en",
) -> None:
    """Find double benefits (a scheme twice in a period, two schemes of one exclusive group,
    recipients too young, dead or outside the scheme's area) and report each finding with its
    records and status, and the totals per scheme and area."""
    from ...adapters.i18n import gettext_for
    from ...services.benefit_findings import duplicates_report
    from ..web.ledger_view import duplicates_csv, duplicates_view, findings_chart, render_file

    lang = language_of(language)
    report, tree, scope = for_area(area, duplicates_report)
    view = duplicates_view(report, tree, lang)
    gettext = gettext_for(lang)
    emit(format, out_file, as_json=lambda: view, as_csv=lambda: duplicates_csv(view),
         as_html=lambda: render_file("ledger_duplicates_file.html", view, gettext, lang,
                                     findings_chart(view, gettext)))  # fmt: skip
    if out_file is not None:
        counts = ", ".join(f"{k} {n}" for k, n in sorted(view["counts"].items())) or "none"
        err.print(
            f"{len(view['findings'])} finding(s) in {scope.code} ({counts}); written to {out_file}",
            soft_wrap=True,
        )


@report_app.command("priority")
@friendly
def priority(
    area: Annotated[str, typer.Option(help="a ward, union, upazila, district or state")],
    format: Annotated[Format, typer.Option("--format", help="html, csv or json")] = Format.HTML,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write to this file (default: standard output)")
    ] = None,
    language: Annotated[str, typer.Option(help="en, bn or hi (the HTML file)")] = "en",
) -> None:
    """Everyone and every household of the area ranked by the vulnerability score, with
    location and phone: the HTML prints one ward a page."""
    from ...adapters.i18n import gettext_for
    from ...services.priority import priority_list
    from ..web.ledger_view import factors_chart, priority_csv, priority_view, render_file

    lang = language_of(language)
    ranked, tree, scope = for_area(area, priority_list)
    view = priority_view(ranked, tree, lang)
    gettext = gettext_for(lang)
    emit(format, out_file, as_json=lambda: view, as_csv=lambda: priority_csv(view),
         as_html=lambda: render_file("ledger_priority_file.html", view, gettext, lang,
                                     factors_chart(view, gettext)))  # fmt: skip
    if out_file is not None:
        err.print(
            f"{len(view['people'])} people and {len(view['households'])} households "
            f"ranked in {scope.code}; written to {out_file}",
            soft_wrap=True,
        )

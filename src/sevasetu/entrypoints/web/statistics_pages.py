"""The area statistics page (docs/area-statistics.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...domain.errors import DomainError
from ...services.statistics import area_statistics
from ..api.problems import STATUS
from .shell import page_for
from .statistics_view import DOSE_WORDS, KIND_WORDS, charts, statistics_view

router = APIRouter(include_in_schema=False)
STATISTICS = "/reports/statistics"


@router.get(STATISTICS)
def statistics(request: Request, area: str = "") -> HTMLResponse:
    view = page_for(request)
    area = area.strip()[:40] or (view.user.area_code or "")
    values: dict[str, Any] = {"area": area, "v": None, "kind_words": KIND_WORDS,
                              "dose_words": DOSE_WORDS}  # fmt: skip
    try:
        found = area_statistics(view.ctx, view.user, area)
    except DomainError as error:
        return view.render(
            "report_statistics.html",
            status_code=STATUS.get(error.kind, 400),
            message=view.error(error),
            **values,
        )
    v = statistics_view(found, view.ctx.area_tree(), view.lang)
    return view.render("report_statistics.html", **{**values, "v": v, "charts": charts(v, view._)})

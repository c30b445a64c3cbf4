"""Area statistics: population, households, identifiers, schemes' coverage and immunisation,
per ward with a total (docs/area-statistics.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from ....services.statistics import area_statistics
from ...web.statistics_view import statistics_csv, statistics_view
from ..deps import AreaCode, CtxDep, CurrentPrincipal, csv_download

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/statistics",
    summary="An area's population pyramid, households, people with each identifier, each "
    "scheme's coverage this year and the immunisation of children aged 12-23 months, per ward",
)
def statistics(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> dict[str, Any]:
    return statistics_view(area_statistics(ctx, principal, area), ctx.area_tree())


@router.get(
    "/reports/statistics.csv",
    response_class=PlainTextResponse,
    summary="The area statistics as CSV: one line per figure",
)
def statistics_file(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> PlainTextResponse:
    view = statistics_view(area_statistics(ctx, principal, area), ctx.area_tree())
    return csv_download(statistics_csv(view), f"statistics-{view['area']['code']}.csv")

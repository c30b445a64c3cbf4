"""Area statistics: population, households, identifiers, schemes' coverage and immunisation,
per ward with a total (docs/area-statistics.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from ....services.statistics import area_statistics
from ...web.statistics_view import statistics_csv, statistics_view
from ..deps import CtxDep, CurrentPrincipal

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/statistics",
    summary="An area's population pyramid, households, people with each identifier, each "
    "scheme's coverage this year and the immunisation of children aged 12-23 months, per ward",
)
def statistics(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: Annotated[str, Query(min_length=1, max_length=40)],
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
    area: Annotated[str, Query(min_length=1, max_length=40)],
) -> PlainTextResponse:
    view = statistics_view(area_statistics(ctx, principal, area), ctx.area_tree())
    name = f"statistics-{view['area']['code']}.csv"
    return PlainTextResponse(
        statistics_csv(view),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

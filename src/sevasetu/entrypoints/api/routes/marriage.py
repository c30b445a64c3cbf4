"""The child-marriage check and the outreach list (docs/child-marriage.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import Field

from ....adapters.i18n import gettext_for
from ....services import marriage as svc
from ...web.marriage_view import alerts_csv, alerts_view, check_view
from ..deps import AreaCode, CtxDep, CurrentPrincipal, csv_download
from ..problems import language_of, translate_reason
from ..schemas import Strict

router = APIRouter(tags=["marriage"])


class PartyIn(Strict):
    kind: str | None = Field(
        default=None, max_length=16, description="bd_brn, bd_nid, aadhaar, abha, voter_id, ..."
    )
    number: str | None = Field(default=None, max_length=40, description="the identifier")
    person_id: str | None = Field(default=None, max_length=64, description="instead of a number")


class MarriageCheckIn(Strict):
    bride: PartyIn
    groom: PartyIn
    on: date | None = Field(default=None, description="the day of the marriage (default today)")


@router.post(
    "/marriage-checks",
    status_code=201,
    summary="Check a couple's ages on the day of their marriage: allowed, refused (a bride "
    "under 18 or a groom under 21, by the country's data) or unknown, with the evidence; audited",
)
def create_check(
    body: MarriageCheckIn, request: Request, ctx: CtxDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    def party(p: PartyIn) -> svc.PartyRef:
        return svc.PartyRef(kind=p.kind, number=p.number, person_id=p.person_id)

    done = svc.check_marriage(ctx, principal, party(body.bride), party(body.groom), body.on)
    _ = gettext_for(language_of(request))
    return check_view(done, lambda r: translate_reason(r, _))


@router.get(
    "/reports/marriage-alerts",
    summary="Girls aged 15-17 and boys aged 18-20 living in an area (three years under the "
    "minimum ages), with household, phone and ward, for outreach against child marriage",
)
def alerts(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> dict[str, Any]:
    return alerts_view(svc.marriage_alerts(ctx, principal, area), ctx.area_tree())


@router.get(
    "/reports/marriage-alerts.csv",
    response_class=PlainTextResponse,
    summary="The outreach list as CSV",
)
def alerts_file(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> PlainTextResponse:
    view = alerts_view(svc.marriage_alerts(ctx, principal, area), ctx.area_tree())
    return csv_download(alerts_csv(view), f"marriage-alerts-{view['area']['code']}.csv")

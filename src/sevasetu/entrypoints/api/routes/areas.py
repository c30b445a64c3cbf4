from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ....services import areas as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import AreaPublic, FacilityPublic

router = APIRouter(tags=["areas"])


@router.get(
    "/areas", response_model=list[AreaPublic], summary="Areas under a parent (roots without)"
)
def children(
    ctx: CtxDep, _: CurrentPrincipal, parent: Annotated[str | None, Query(max_length=40)] = None
) -> list[AreaPublic]:
    return [AreaPublic.of(a) for a in svc.children_of(ctx, parent)]


@router.get("/areas/{code}", response_model=AreaPublic)
def area(code: str, ctx: CtxDep, _: CurrentPrincipal) -> AreaPublic:
    return AreaPublic.of(ctx.area_tree().get(code, "code"))


@router.get("/facilities", response_model=list[FacilityPublic], summary="Facilities in an area")
def facilities(
    ctx: CtxDep, _: CurrentPrincipal, area: Annotated[str, Query(max_length=40)]
) -> list[FacilityPublic]:
    return [FacilityPublic.of(f) for f in svc.facilities_in(ctx, area)]

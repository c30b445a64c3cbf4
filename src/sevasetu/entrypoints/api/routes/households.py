from __future__ import annotations

from fastapi import APIRouter

from ....services import households as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import HouseholdCreate, HouseholdPublic

router = APIRouter(prefix="/households", tags=["households"])


@router.post(
    "",
    status_code=201,
    response_model=HouseholdPublic,
    summary="Register a household and its members, all or none",
)
def register(body: HouseholdCreate, ctx: CtxDep, principal: CurrentPrincipal) -> HouseholdPublic:
    view = svc.register_household(
        ctx,
        principal,
        area_code=body.area_code,
        address=body.address,
        members=[m.to_input() for m in body.members],
        confirm_new=body.confirm_new,
    )
    return HouseholdPublic.of(view.household, view.members)


@router.get("/{household_id}", response_model=HouseholdPublic)
def read(household_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> HouseholdPublic:
    view = svc.get_household(ctx, principal, household_id)
    return HouseholdPublic.of(view.household, view.members)

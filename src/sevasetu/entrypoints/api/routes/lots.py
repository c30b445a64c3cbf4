"""Vaccine lots a facility holds."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ....domain.lots import VaccineLot
from ....services import lots as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["vaccine lots"])


class LotCreate(Strict):
    product: str = Field(min_length=1, max_length=80, examples=["Pentavac"])
    lot: str = Field(min_length=1, max_length=40, examples=["PV24117"])
    expiry: date = Field(description="the last day a dose may be given from it")
    dose_codes: list[str] = Field(
        min_length=1, max_length=40, examples=[["PENTA1", "PENTA2", "PENTA3"]]
    )
    manufacturer: str = Field(default="", max_length=120)
    doses_received: int = Field(ge=0, le=10_000_000)


class LotPublic(BaseModel):
    facility_code: str
    product: str
    lot: str
    expiry: date
    dose_codes: list[str]
    manufacturer: str
    doses_received: int
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, lot: VaccineLot) -> LotPublic:
        return cls(
            facility_code=lot.facility_code, product=lot.product, lot=lot.lot, expiry=lot.expiry,
            dose_codes=list(lot.dose_codes), manufacturer=lot.manufacturer,
            doses_received=lot.doses_received, created_by=lot.created_by,
            created_at=lot.created_at,
        )  # fmt: skip


@router.post(
    "/facilities/{code}/lots",
    status_code=201,
    response_model=LotPublic,
    summary="Add a vaccine lot the facility received (facility admin or higher)",
)
def add(code: str, body: LotCreate, ctx: CtxDep, principal: CurrentPrincipal) -> LotPublic:
    data = svc.LotInput(**body.model_dump())
    return LotPublic.of(svc.add_lot(ctx, principal, code, data))


@router.get(
    "/facilities/{code}/lots",
    response_model=list[LotPublic],
    summary="The facility's vaccine lots; with usable_on, those not expired that day",
)
def held(
    code: str, ctx: CtxDep, principal: CurrentPrincipal, usable_on: date | None = None
) -> list[LotPublic]:
    return [
        LotPublic.of(lot) for lot in svc.facility_lots(ctx, principal, code, usable_on=usable_on)
    ]

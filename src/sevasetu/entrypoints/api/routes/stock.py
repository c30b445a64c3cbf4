"""Vaccine stock at a facility: movements of a lot's doses and the stock report."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ....domain.stock import LotStock, MovementKind, StockMovement, WastageReason
from ....services import stock as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["vaccine stock"])


class _Movement(Strict):
    product: str = Field(min_length=1, max_length=80, examples=["Pentavac"])
    lot: str = Field(min_length=1, max_length=40, examples=["PV24117"])
    doses: int = Field(ge=1, le=10_000_000)


class ReceiptCreate(_Movement):
    note: str = Field(default="", max_length=300, examples=["from the district vaccine store"])


class IssueCreate(_Movement):
    session_id: str = Field(max_length=36, description="a session planned at this facility")


class WastageCreate(_Movement):
    reason: WastageReason
    session_id: str | None = Field(default=None, max_length=36)


class AdjustmentCreate(Strict):
    product: str = Field(min_length=1, max_length=80)
    lot: str = Field(min_length=1, max_length=40)
    doses: int = Field(ge=-10_000_000, le=10_000_000, description="signed: + found, - lost")
    reason: str = Field(min_length=1, max_length=300, examples=["physical count 2026-11-30"])


class MovementPublic(BaseModel):
    id: str
    facility_code: str
    product: str
    lot: str
    kind: MovementKind
    doses: int
    session_id: str | None
    reason: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, m: StockMovement) -> MovementPublic:
        return cls(
            id=m.id, facility_code=m.facility_code, product=m.product, lot=m.lot, kind=m.kind,
            doses=m.doses, session_id=m.session_id, reason=m.reason, recorded_by=m.recorded_by,
            recorded_at=m.recorded_at,
        )  # fmt: skip


class LotStockPublic(BaseModel):
    product: str
    lot: str
    expiry: date
    dose_codes: list[str]
    received: int = Field(description="receipts")
    issued: int = Field(description="issued to sessions (custody: the balance is unchanged)")
    returned: int = Field(description="unused doses returned from sessions")
    administered: int
    wasted: int
    adjusted: int = Field(description="signed sum of adjustments")
    balance: int = Field(description="received + adjusted - administered - wasted")
    usable: int = Field(description="the balance that may be given on the day; 0 once expired")
    expired: bool
    low: bool = Field(description="usable, but below 20 % of the doses received")
    discrepancy: bool = Field(description="more doses given or wasted than held: balance < 0")

    @classmethod
    def of(cls, s: LotStock, on: date) -> LotStockPublic:
        return cls(
            product=s.lot.product, lot=s.lot.lot, expiry=s.lot.expiry,
            dose_codes=list(s.lot.dose_codes), received=s.received, issued=s.issued,
            returned=s.returned, administered=s.administered, wasted=s.wasted,
            adjusted=s.adjusted, balance=s.balance, usable=s.usable(on),
            expired=s.expired(on), low=s.low(on), discrepancy=s.discrepancy,
        )  # fmt: skip


class StockReportPublic(BaseModel):
    facility_code: str
    on: date
    lots: list[LotStockPublic]


def _move(ctx: CtxDep, principal: CurrentPrincipal, code: str, kind: MovementKind,
          body: _Movement | AdjustmentCreate, session_id: str | None = None,
          reason: str = "") -> MovementPublic:  # fmt: skip
    data = svc.MovementInput(body.product, body.lot, body.doses, session_id, reason)
    return MovementPublic.of(svc.move_stock(ctx, principal, code, kind, data))


@router.post("/facilities/{code}/stock/receipts", status_code=201, response_model=MovementPublic,
             summary="Doses of a lot received (facility admin or higher)")  # fmt: skip
def receive(
    code: str, body: ReceiptCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> MovementPublic:
    return _move(ctx, principal, code, MovementKind.RECEIPT, body, reason=body.note)


@router.post("/facilities/{code}/stock/issues", status_code=201, response_model=MovementPublic,
             summary="Doses of a lot taken to a session (vaccinator or higher)")  # fmt: skip
def issue(code: str, body: IssueCreate, ctx: CtxDep, principal: CurrentPrincipal) -> MovementPublic:
    return _move(ctx, principal, code, MovementKind.ISSUE, body, session_id=body.session_id)


@router.post("/facilities/{code}/stock/returns", status_code=201, response_model=MovementPublic,
             summary="Unused doses brought back from a session (vaccinator or higher)")  # fmt: skip
def return_unused(
    code: str, body: IssueCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> MovementPublic:
    return _move(ctx, principal, code, MovementKind.RETURN, body, session_id=body.session_id)


@router.post("/facilities/{code}/stock/wastage", status_code=201, response_model=MovementPublic,
             summary="Doses discarded, with the reason (vaccinator or higher)")  # fmt: skip
def waste(
    code: str, body: WastageCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> MovementPublic:
    return _move(ctx, principal, code, MovementKind.WASTED, body, session_id=body.session_id,
                 reason=body.reason.value)  # fmt: skip


@router.post("/facilities/{code}/stock/adjustments", status_code=201,
             response_model=MovementPublic,
             summary="Correct a lot's balance after a count (facility admin and up)")  # fmt: skip
def adjust(
    code: str, body: AdjustmentCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> MovementPublic:
    return _move(ctx, principal, code, MovementKind.ADJUSTMENT, body, reason=body.reason)


@router.get("/facilities/{code}/stock", response_model=StockReportPublic,
            summary="The facility's stock per lot on a day (default today)")  # fmt: skip
def report(
    code: str, ctx: CtxDep, principal: CurrentPrincipal, on: date | None = None
) -> StockReportPublic:
    found = svc.stock_report(ctx, principal, code, on=on)
    return StockReportPublic(
        facility_code=found.facility.code, on=found.on,
        lots=[LotStockPublic.of(s, found.on) for s in found.lots],
    )  # fmt: skip

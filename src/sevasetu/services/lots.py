"""Vaccine lots a facility holds: added by its admin (or higher), read by its vaccinators.
The doses a lot arrives with are its first receipt in the stock ledger (services.stock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from ..adapters.schedules import available, load_schedule
from ..domain.access import Action, Principal, require, require_area
from ..domain.areas import Facility
from ..domain.errors import InvalidInput, Reason, UnknownFacility
from ..domain.lots import VaccineLot
from ..domain.stock import MovementKind, StockMovement
from .audit import audit_denials, record
from .ports import Context, UnitOfWork


@dataclass(slots=True)
class LotInput:
    product: str
    lot: str
    expiry: date
    dose_codes: list[str] = field(default_factory=list)
    manufacturer: str = ""
    doses_received: int = 0


@cache
def _known_dose_codes() -> frozenset[str]:
    return frozenset(code for name in available() for code in load_schedule(name).by_code)


def facility_in_reach(ctx: Context, uow: UnitOfWork, principal: Principal, code: str) -> Facility:
    facility = next(iter(uow.areas.facilities_by_code([code])), None)
    if facility is None:
        raise UnknownFacility("facility_code", facility_code=code)
    require_area(principal, ctx.area_tree().get(facility.area_code))
    return facility


@audit_denials
def add_lot(ctx: Context, principal: Principal, facility_code: str, data: LotInput) -> VaccineLot:
    require(principal, Action.LOT_MANAGE)
    product, number = data.product.strip(), data.lot.strip()
    if not product:
        raise InvalidInput("product", reason=Reason("The product is required."))
    if not number:
        raise InvalidInput("lot", reason=Reason("The lot number is required."))
    codes = tuple(dict.fromkeys(c.strip().upper() for c in data.dose_codes if c.strip()))
    if not codes:
        raise InvalidInput("dose_codes", reason=Reason("Name the doses this lot serves."))
    unknown = [c for c in codes if c not in _known_dose_codes()]
    if unknown:
        raise InvalidInput("dose_codes", reason=Reason(
            "{code} is not a dose of any schedule.", code=unknown[0]))  # fmt: skip
    with ctx.uow(write=True) as uow:
        facility = facility_in_reach(ctx, uow, principal, facility_code)
        lot = VaccineLot(
            state_code=facility.state_code, facility_code=facility.code, product=product,
            lot=number, expiry=data.expiry, dose_codes=codes,
            manufacturer=data.manufacturer.strip(), doses_received=data.doses_received,
            created_by=principal.actor, created_at=ctx.now(),
        )  # fmt: skip
        uow.lots.add(lot)
        if lot.doses_received > 0:  # the lot's first receipt, in the stock ledger
            uow.stock.add(StockMovement(
                state_code=lot.state_code, id=ctx.new_id(), facility_code=lot.facility_code,
                product=lot.product, lot=lot.lot, kind=MovementKind.RECEIPT,
                doses=lot.doses_received, recorded_by=principal.actor, recorded_at=ctx.now(),
            ))  # fmt: skip
        record(ctx, uow, actor=principal, action="lot.add", subject_type="facility",
               subject_id=facility.code, state_code=facility.state_code, product=product,
               lot=number, expiry=data.expiry.isoformat(), doses=data.doses_received)  # fmt: skip
        uow.commit()
    return lot


@audit_denials
def facility_lots(
    ctx: Context, principal: Principal, facility_code: str, *, usable_on: date | None = None
) -> list[VaccineLot]:
    """The facility's lots, soonest expiry first; with ``usable_on``, only those not expired."""
    require(principal, Action.LOT_READ)
    with ctx.uow() as uow:
        facility = facility_in_reach(ctx, uow, principal, facility_code)
        return uow.lots.at_facility(facility.state_code, facility.code, usable_on=usable_on)

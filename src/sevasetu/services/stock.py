"""Vaccine stock at a facility: receipts, issues to sessions, returns, wastage, adjustments,
doses administered (from recorded vaccinations) and the stock report. Rules in domain.stock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..domain.access import Action, Principal, require
from ..domain.areas import Facility
from ..domain.errors import InvalidInput, NotFound, Reason, SessionNotOpen, UnknownLot
from ..domain.sessions import SessionStatus
from ..domain.stock import (
    LotStock,
    MovementKind,
    StockMovement,
    WastageReason,
    balance_of,
    check_movement,
    require_stock,
)
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .lots import facility_in_reach
from .ports import Context, UnitOfWork

# Who may make each movement: receipts and adjustments with the lots, the rest by vaccinators.
_RIGHTS = {
    MovementKind.RECEIPT: Action.LOT_MANAGE,
    MovementKind.ADJUSTMENT: Action.LOT_MANAGE,
    MovementKind.ISSUE: Action.STOCK_ISSUE,
    MovementKind.RETURN: Action.STOCK_ISSUE,
    MovementKind.WASTED: Action.STOCK_ISSUE,
}


@dataclass(slots=True)
class MovementInput:
    product: str
    lot: str
    doses: int
    session_id: str | None = None
    reason: str = ""  # wastage: a WastageReason; adjustment: why; receipt: where from


@dataclass(frozen=True, slots=True)
class StockReport:
    facility: Facility
    on: date
    lots: list[LotStock]


def _stocks(uow: UnitOfWork, facility: Facility) -> list[LotStock]:
    sums = uow.stock.sums(facility.state_code, facility.code)
    return [
        LotStock.of(lot, sums.get((lot.product, lot.lot), {}))
        for lot in uow.lots.at_facility(facility.state_code, facility.code)
    ]


@audit_denials
def move_stock(
    ctx: Context, principal: Principal, facility_code: str, kind: MovementKind, data: MovementInput
) -> StockMovement:
    """Append one movement of a lot's doses, refused if it would take the balance below zero
    (the lot row is locked first on PostgreSQL)."""
    require(principal, _RIGHTS[kind])  # doses administered come from recorded vaccinations
    reason = data.reason.strip()
    if kind is MovementKind.WASTED and reason not in set(WastageReason):
        raise InvalidInput("reason", reason=Reason(
            "Say why the doses were discarded: {reasons}.",
            reasons=", ".join(WastageReason)))  # fmt: skip
    if kind is MovementKind.ADJUSTMENT and not reason:
        raise InvalidInput("reason", reason=Reason("Say why the stock is adjusted."))
    today = ctx.today()
    with ctx.uow(write=True) as uow:
        facility = facility_in_reach(ctx, uow, principal, facility_code)
        key = (facility.state_code, facility.code, data.product.strip(), data.lot.strip())
        lot = uow.stock.lot(key)
        if lot is None:
            raise UnknownLot("lot", lot=key[3], facility_code=facility.code)
        session_id, day = _session_for(uow, facility, kind, data.session_id, today)
        out = 0
        if session_id is not None and kind is MovementKind.RETURN:
            sums = uow.stock.sums(*key[:2], keys=[key], session_id=session_id).get(key[2:], {})
            out = sums.get(MovementKind.ISSUE, 0) - sums.get(MovementKind.RETURN, 0)
        stock = LotStock.of(lot, uow.stock.sums(*key[:2], keys=[key]).get(key[2:], {}))
        check_movement(stock, kind, data.doses, on=day, out_with_session=out)
        movement = StockMovement(
            state_code=facility.state_code, id=ctx.new_id(), facility_code=facility.code,
            product=lot.product, lot=lot.lot, kind=kind, doses=data.doses,
            recorded_by=principal.actor, recorded_at=ctx.now(), session_id=session_id,
            reason=reason,
        )  # fmt: skip
        uow.stock.add(movement)
        record(ctx, uow, actor=principal, action=f"stock.{kind.value}", subject_type="facility",
               subject_id=facility.code, state_code=facility.state_code, product=lot.product,
               lot=lot.lot, doses=data.doses, session=session_id, reason=reason,
               balance=stock.balance + movement.effect)  # fmt: skip
        uow.commit()
    return movement


def _session_for(
    uow: UnitOfWork, facility: Facility, kind: MovementKind, session_id: str | None, today: date
) -> tuple[str | None, date]:
    """An issue or a return names a session of this facility; wastage may. Returns the session
    id and the day the movement is judged on (the session's day for an issue)."""
    needed = kind in (MovementKind.ISSUE, MovementKind.RETURN)
    if not session_id:
        if needed:
            raise InvalidInput("session_id", reason=Reason("Name the session the doses go to."))
        return None, today
    if kind not in (MovementKind.ISSUE, MovementKind.RETURN, MovementKind.WASTED):
        return None, today
    session = uow.sessions.get(session_id)
    if session is None or session.state_code != facility.state_code:
        raise NotFound("session_id", what="session", id=session_id)
    if session.spec.facility_code != facility.code:
        raise InvalidInput("session_id", reason=Reason("The session is not at this facility."))
    if kind is MovementKind.ISSUE and session.status is SessionStatus.CANCELLED:
        raise SessionNotOpen("session_id", reason=Reason("it was cancelled"))
    return session.id, session.spec.day if kind is MovementKind.ISSUE else today


@audit_denials
def stock_report(
    ctx: Context, principal: Principal, facility_code: str, *, on: date | None = None
) -> StockReport:
    """Every lot of the facility with its receipts, issues, doses, wastage and balance."""
    require(principal, Action.LOT_READ)
    with ctx.uow() as uow:
        facility = facility_in_reach(ctx, uow, principal, facility_code)
        return StockReport(facility, on or ctx.today(), _stocks(uow, facility))


def check_session_stock(
    uow: UnitOfWork, facility: Facility, offers: Sequence[str], days: Sequence[date]
) -> None:
    """Refuse a session offering a dose no lot of the facility can supply on its day(s)."""
    require_stock(facility.code, offers, _stocks(uow, facility), days)


def record_administered(
    ctx: Context,
    uow: UnitOfWork,
    facilities: Mapping[str, Facility],
    doses: Iterable[Vaccination],
    *,
    actor: str,
    now: datetime,
) -> None:
    """Take the doses recorded at a facility from a lot it holds off that lot's balance, in
    the transaction that records them. A dose is never refused for want of stock: a lot that
    goes below zero gets a ``stock.discrepancy`` audit entry and shows in the report."""
    movements = []
    for v in doses:
        facility = facilities.get(v.facility_code or "")
        if facility is None or not v.lot or v.source != "session":
            continue
        movements.append(StockMovement(
            state_code=facility.state_code, id=ctx.new_id(), facility_code=facility.code,
            product=v.product, lot=v.lot, kind=MovementKind.ADMINISTERED, doses=1,
            recorded_by=actor, recorded_at=now, vaccination_id=v.id,
        ))  # fmt: skip
    if not movements:
        return
    uow.stock.add_many(movements)
    by_facility: dict[tuple[str, str], set[tuple[str, str, str, str]]] = {}
    for m in movements:
        by_facility.setdefault((m.state_code, m.facility_code), set()).add(
            (m.state_code, m.facility_code, m.product, m.lot)
        )
    for (state, code), keys in by_facility.items():
        for (product, lot), sums in uow.stock.sums(state, code, keys=keys).items():
            left = balance_of(sums)
            if left < 0:
                record(ctx, uow, actor=actor, action="stock.discrepancy",
                       subject_type="facility", subject_id=code, state_code=state,
                       product=product, lot=lot, balance=left)  # fmt: skip

"""Vaccine stock per facility and lot, eVIN-like: an append-only ledger of movements.

The balance of a lot is what its facility is accountable for, wherever the vials are (in its
refrigerator, or in an ANM's vaccine carrier at an outreach session): doses received and
adjusted, less doses administered and wasted. An issue to a session and the return of unused
vials move doses between the store and a session without changing the balance; the dose given
at the session is what takes it off (recorded with the facility and lot). Counting the issue
as well would take the same dose off twice.

Every movement but an administered dose is refused when it would take the balance below zero.
A dose recorded from a lot with no balance is still recorded (the child was vaccinated; the
record is the truth); the report shows the lot's negative balance as a discrepancy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .errors import InsufficientStock, InvalidInput, LotExpired, NoStockForDose, Reason
from .lots import VaccineLot

# A usable lot is low once its balance falls below this share of the doses it received.
LOW_SHARE_PERCENT = 20


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    ISSUE = "issue"
    RETURN = "return"
    ADMINISTERED = "administered"
    WASTED = "wasted"
    ADJUSTMENT = "adjustment"


class WastageReason(StrEnum):
    OPEN_VIAL_EXPIRED = "open_vial_expired"  # the open-vial policy's hours ran out
    BROKEN = "broken"
    COLD_CHAIN = "cold_chain"  # frozen, or the vaccine vial monitor past its discard point
    LOT_EXPIRED = "lot_expired"  # unopened vials past the lot's expiry


# How each kind moves the balance; an adjustment carries its own sign.
BALANCE_SIGN: dict[MovementKind, int] = {
    MovementKind.RECEIPT: 1,
    MovementKind.ISSUE: 0,
    MovementKind.RETURN: 0,
    MovementKind.ADMINISTERED: -1,
    MovementKind.WASTED: -1,
    MovementKind.ADJUSTMENT: 1,
}


@dataclass(frozen=True, slots=True)
class StockMovement:
    state_code: str
    id: str
    facility_code: str
    product: str
    lot: str
    kind: MovementKind
    doses: int  # positive, except an adjustment, which is signed
    recorded_by: str
    recorded_at: datetime
    session_id: str | None = None
    vaccination_id: str | None = None
    reason: str = ""

    @property
    def effect(self) -> int:
        """What it does to the lot's balance."""
        return BALANCE_SIGN[self.kind] * self.doses


def balance(movements: Iterable[StockMovement]) -> int:
    return sum(m.effect for m in movements)


def balance_of(sums: Mapping[MovementKind, int]) -> int:
    """The balance from the sums of a lot's movements by kind."""
    return sum(BALANCE_SIGN[kind] * doses for kind, doses in sums.items())


@dataclass(frozen=True, slots=True)
class LotStock:
    """A lot and the sums of its movements, by kind."""

    lot: VaccineLot
    received: int = 0
    issued: int = 0
    returned: int = 0
    administered: int = 0
    wasted: int = 0
    adjusted: int = 0

    @classmethod
    def of(cls, lot: VaccineLot, sums: Mapping[MovementKind, int]) -> LotStock:
        return cls(
            lot, received=sums.get(MovementKind.RECEIPT, 0),
            issued=sums.get(MovementKind.ISSUE, 0), returned=sums.get(MovementKind.RETURN, 0),
            administered=sums.get(MovementKind.ADMINISTERED, 0),
            wasted=sums.get(MovementKind.WASTED, 0), adjusted=sums.get(MovementKind.ADJUSTMENT, 0),
        )  # fmt: skip

    @property
    def balance(self) -> int:
        return self.received + self.adjusted - self.administered - self.wasted

    def expired(self, on: date) -> bool:
        return not self.lot.usable_on(on)

    def usable(self, on: date) -> int:
        """Doses that may still be given on ``on``: none once the lot has expired."""
        return 0 if self.expired(on) else max(0, self.balance)

    def low(self, on: date) -> bool:
        if self.expired(on):
            return False
        return self.balance * 100 < self.received * LOW_SHARE_PERCENT or self.balance <= 0

    @property
    def discrepancy(self) -> bool:
        """More doses recorded as given or wasted than the lot ever held."""
        return self.balance < 0


def check_movement(
    stock: LotStock,
    kind: MovementKind,
    doses: int,
    *,
    on: date,
    out_with_session: int = 0,
) -> None:
    """Refuse a movement the ledger cannot take: a balance below zero, an issue from an
    expired lot, a return of more doses than the session took."""
    if kind is MovementKind.ADJUSTMENT:
        if doses == 0:
            raise InvalidInput(
                "doses", reason=Reason("An adjustment changes the stock by at least one dose.")
            )
    elif doses < 1:
        raise InvalidInput("doses", reason=Reason("A movement moves at least one dose."))
    lot = stock.lot
    if kind is MovementKind.ISSUE and stock.expired(on):
        raise LotExpired("lot", lot=lot.lot, expiry=lot.expiry.isoformat(), day=on.isoformat())
    if kind is MovementKind.RETURN and doses > out_with_session:
        raise InvalidInput("doses", reason=Reason(
            "Only {doses} doses of this lot are out with this session.",
            doses=out_with_session))  # fmt: skip
    taken = doses if kind is MovementKind.ISSUE else -BALANCE_SIGN[kind] * doses
    if taken > 0 and stock.balance - taken < 0:
        raise InsufficientStock("doses", lot=lot.lot, balance=stock.balance, doses=taken)


def unstocked(offers: Sequence[str], stocks: Iterable[LotStock], day: date) -> str | None:
    """The first dose offered that no lot serving it can supply on ``day``, if any."""
    usable = [s for s in stocks if s.usable(day) > 0]
    for code in offers:
        if not any(s.lot.serves(code) for s in usable):
            return code
    return None


def require_stock(
    facility_code: str, offers: Sequence[str], stocks: Sequence[LotStock], days: Iterable[date]
) -> None:
    for day in days:
        code = unstocked(offers, stocks, day)
        if code is not None:
            raise NoStockForDose(
                "offers", code=code, facility_code=facility_code, day=day.isoformat()
            )

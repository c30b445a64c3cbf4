"""The stock ledger: movements appended, balances summed from them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, tuple_

from ....domain.lots import VaccineLot
from ....domain.stock import MovementKind, StockMovement
from ..tables import stock_movements, vaccine_lots
from .base import Repository
from .lots import _lot

LotKey = tuple[str, str, str, str]  # state, facility, product, lot number
Sums = dict[MovementKind, int]


def _row(m: StockMovement) -> dict[str, Any]:
    return {
        "state_code": m.state_code, "id": m.id, "facility_code": m.facility_code,
        "product": m.product, "lot": m.lot, "kind": m.kind.value, "doses": m.doses,
        "session_id": m.session_id, "vaccination_id": m.vaccination_id, "reason": m.reason,
        "recorded_by": m.recorded_by, "recorded_at": m.recorded_at,
    }  # fmt: skip


class StockRepository(Repository):
    def lot(self, key: LotKey) -> VaccineLot | None:
        """The lot, locked on PostgreSQL in a write unit so that movements of one lot are
        checked against its balance one after another (SQLite's write lock serialises all)."""
        c = vaccine_lots.c
        query = select(vaccine_lots).where(
            c.state_code == key[0], c.facility_code == key[1], c.product == key[2],
            c.lot == key[3],
        )  # fmt: skip
        row = self.conn.execute(self.for_update(query)).first()
        return _lot(row) if row else None

    def add(self, movement: StockMovement) -> None:
        self.add_many([movement])

    def add_many(self, movements: Iterable[StockMovement]) -> None:
        rows = [_row(m) for m in movements]
        if rows:
            self.conn.execute(stock_movements.insert(), rows)

    def sums(
        self,
        state_code: str,
        facility_code: str,
        *,
        keys: Iterable[LotKey] | None = None,
        session_id: str | None = None,
    ) -> dict[tuple[str, str], Sums]:
        """(product, lot) -> kind -> doses, for the facility's lots (or those ``keys``), or for
        the movements of one session."""
        c = stock_movements.c
        query = (
            select(c.product, c.lot, c.kind, func.sum(c.doses))
            .where(c.state_code == state_code, c.facility_code == facility_code)
            .group_by(c.product, c.lot, c.kind)
        )
        if keys is not None:
            wanted = sorted({(k[2], k[3]) for k in keys})
            if not wanted:
                return {}
            query = query.where(tuple_(c.product, c.lot).in_(wanted))
        if session_id is not None:
            query = query.where(c.session_id == session_id)
        found: dict[tuple[str, str], Sums] = {}
        for product, lot, kind, doses in self.conn.execute(query):
            found.setdefault((product, lot), {})[MovementKind(kind)] = int(doses)
        return found

    def of_facility(self, state_code: str, facility_code: str) -> list[StockMovement]:
        c = stock_movements.c
        query = (
            select(stock_movements)
            .where(c.state_code == state_code, c.facility_code == facility_code)
            .order_by(c.recorded_at, c.id)
        )
        return [
            StockMovement(
                r.state_code,
                r.id,
                r.facility_code,
                r.product,
                r.lot,
                MovementKind(r.kind),
                r.doses,
                r.recorded_by,
                r.recorded_at,
                r.session_id,
                r.vaccination_id,
                r.reason,
            )  # fmt: skip
            for r in self.conn.execute(query)
        ]

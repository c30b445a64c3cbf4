from __future__ import annotations

from datetime import date

from sqlalchemy import Row, select, tuple_
from sqlalchemy.exc import IntegrityError

from ....domain.errors import DuplicateLot
from ....domain.lots import VaccineLot
from ..tables import vaccine_lots
from .base import Repository


def _lot(r: Row) -> VaccineLot:  # type: ignore[type-arg]
    return VaccineLot(
        r.state_code, r.facility_code, r.product, r.lot, r.expiry, tuple(r.dose_codes),
        r.manufacturer, r.doses_received, r.created_by, r.created_at,
    )  # fmt: skip


class LotRepository(Repository):
    def add(self, lot: VaccineLot) -> None:
        row = {name: getattr(lot, name) for name in vaccine_lots.c.keys()}  # noqa: SIM118
        row["dose_codes"] = list(lot.dose_codes)
        try:
            with self.conn.begin_nested():
                self.conn.execute(vaccine_lots.insert(), [row])
        except IntegrityError:
            raise DuplicateLot("lot", facility_code=lot.facility_code, lot=lot.lot,
                               product=lot.product) from None  # fmt: skip

    def at_facility(
        self, state_code: str, facility_code: str, *, usable_on: date | None = None
    ) -> list[VaccineLot]:
        c = vaccine_lots.c
        query = (
            select(vaccine_lots)
            .where(c.state_code == state_code, c.facility_code == facility_code)
            .order_by(c.expiry, c.product, c.lot)
        )
        if usable_on is not None:
            query = query.where(c.expiry >= usable_on)
        return [_lot(r) for r in self.conn.execute(query)]

    def held(self, keys: list[tuple[str, str, str]]) -> list[VaccineLot]:
        """The lots with these (state, facility, lot number) keys, whatever their product."""
        if not keys:
            return []
        c = vaccine_lots.c
        query = select(vaccine_lots).where(
            tuple_(c.state_code, c.facility_code, c.lot).in_(sorted(set(keys)))
        )
        return [_lot(r) for r in self.conn.execute(query)]

"""Vaccine lots held by a facility: which product, which doses it serves, until when.

A dose recorded at a facility names its lot; the lot must be held there, serve that dose and
not have expired on the day of the dose. Its stock is in ``domain.stock``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .errors import LotExpired, LotNotForDose, UnknownLot


@dataclass(frozen=True, slots=True)
class VaccineLot:
    state_code: str
    facility_code: str
    product: str
    lot: str
    expiry: date  # the last day it may be given
    dose_codes: tuple[str, ...]  # "Pentavac" serves PENTA1, PENTA2 and PENTA3
    manufacturer: str
    doses_received: int
    created_by: str
    created_at: datetime

    def serves(self, dose_code: str) -> bool:
        return dose_code in self.dose_codes

    def usable_on(self, day: date) -> bool:
        return day <= self.expiry


def lot_for_dose(
    held: Iterable[VaccineLot],
    *,
    facility_code: str,
    lot: str,
    product: str,
    dose_code: str,
    on: date,
) -> VaccineLot:
    """The lot a dose was given from, among the lots the facility holds under that number:
    refused when there is none (of that product, if named), none serving the dose, or the one
    serving it had expired on the day."""
    candidates = [
        h
        for h in held
        if (h.facility_code, h.lot) == (facility_code, lot) and product in ("", h.product)
    ]
    if not candidates:
        raise UnknownLot("lot", lot=lot, facility_code=facility_code)
    serving = [h for h in candidates if h.serves(dose_code)]
    if not serving:
        first = candidates[0]
        raise LotNotForDose("lot", lot=lot, product=first.product, code=dose_code)
    chosen = max(serving, key=lambda h: h.expiry)
    if not chosen.usable_on(on):
        raise LotExpired("lot", lot=lot, expiry=chosen.expiry.isoformat(), day=on.isoformat())
    return chosen

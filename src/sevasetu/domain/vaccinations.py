"""A dose given to a person, as recorded: where, by whom, which product and lot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Vaccination:
    id: str
    state_code: str
    person_id: str
    schedule: str
    dose_code: str
    given_on: date
    facility_code: str | None
    product: str
    lot: str
    lot_expiry: date | None
    source: str  # "session" when given here; "backdated" for a dose given elsewhere or earlier
    evidence: str
    override_reason: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class DoseSubject:
    """What judging a dose needs to know of the person who receives it."""

    id: str
    state_code: str
    birth_date: date
    area_code: str

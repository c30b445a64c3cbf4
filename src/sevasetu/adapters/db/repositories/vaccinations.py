from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ....domain.errors import DoseRefused, Reason
from ....domain.vaccinations import Vaccination
from ..tables import vaccinations
from .base import Repository


class VaccinationRepository(Repository):
    def add(self, v: Vaccination) -> None:
        try:
            with self.conn.begin_nested():
                self.conn.execute(vaccinations.insert(), [asdict(v)])
        except IntegrityError:
            # Recorded by someone else meanwhile: the unique constraint has the last word.
            raise DoseRefused("dose_code", code=v.dose_code, day=v.given_on.isoformat(),
                              reason=Reason("it is already recorded")) from None  # fmt: skip

    def of_person(self, state_code: str, person_id: str) -> list[Vaccination]:
        rows = self.conn.execute(
            select(vaccinations)
            .where(vaccinations.c.state_code == state_code, vaccinations.c.person_id == person_id)
            .order_by(vaccinations.c.given_on, vaccinations.c.dose_code)
        )
        return [Vaccination(**r._mapping) for r in rows]

    def history(self, state_code: str, person_id: str, schedule: str) -> dict[str, date]:
        return {v.dose_code: v.given_on for v in self.of_person(state_code, person_id)
                if v.schedule == schedule}  # fmt: skip

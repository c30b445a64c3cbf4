from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.exc import IntegrityError

from ....domain.errors import PregnancyAlreadyOpen
from ....domain.pregnancies import AncVisit, Pregnancy, PregnancyStatus, PregnancyWindow
from ..tables import anc_visits, births, people, pregnancies
from .base import Repository


def _pregnancy(row: Row[Any]) -> Pregnancy:
    values = dict(row._mapping)
    values["status"] = PregnancyStatus(values["status"])
    return Pregnancy(**values)


class PregnancyRepository(Repository):
    def add(self, pregnancy: Pregnancy) -> None:
        row = asdict(pregnancy)
        row["status"] = pregnancy.status.value
        try:
            with self.conn.begin_nested():
                self.conn.execute(pregnancies.insert(), [row])
        except IntegrityError:
            # Registered by someone else meanwhile: the partial unique index has the last word.
            raise PregnancyAlreadyOpen("person_id", since=pregnancy.lmp.isoformat()) from None

    def get(self, pregnancy_id: str) -> Pregnancy | None:
        query = self.for_update(select(pregnancies).where(pregnancies.c.id == pregnancy_id))
        row = self.conn.execute(query).first()
        return _pregnancy(row) if row else None

    def of_person(self, state_code: str, person_id: str) -> list[Pregnancy]:
        """The woman's pregnancies, the latest first."""
        rows = self.conn.execute(
            select(pregnancies)
            .where(pregnancies.c.state_code == state_code, pregnancies.c.person_id == person_id)
            .order_by(pregnancies.c.lmp.desc())
        )
        return [_pregnancy(r) for r in rows]

    def open_of(self, state_code: str, person_id: str) -> Pregnancy | None:
        return next(
            (p for p in self.of_person(state_code, person_id) if p.status.value == "open"), None
        )

    def record_delivery(self, pregnancy: Pregnancy) -> bool:
        """Close an open pregnancy with its delivery; False if it was closed meanwhile."""
        c = pregnancies.c
        done = self.conn.execute(
            update(pregnancies)
            .where(c.state_code == pregnancy.state_code, c.id == pregnancy.id, c.status == "open")
            .values(
                status=pregnancy.status.value,
                delivered_on=pregnancy.delivered_on,
                delivery_place=pregnancy.delivery_place,
                live_births=pregnancy.live_births,
                stillbirths=pregnancy.stillbirths,
            )
        )
        return done.rowcount == 1

    def add_visit(self, visit: AncVisit) -> None:
        self.conn.execute(anc_visits.insert(), [asdict(visit)])

    def visits(self, state_code: str, pregnancy_id: str) -> list[AncVisit]:
        rows = self.conn.execute(
            select(anc_visits)
            .where(anc_visits.c.state_code == state_code,
                   anc_visits.c.pregnancy_id == pregnancy_id)
            .order_by(anc_visits.c.visit_on, anc_visits.c.recorded_at)
        )  # fmt: skip
        return [AncVisit(**r._mapping) for r in rows]

    def add_birth(self, **row: Any) -> None:
        self.conn.execute(births.insert(), [row])

    def births(self, state_code: str, pregnancy_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(births)
            .where(births.c.state_code == state_code, births.c.pregnancy_id == pregnancy_id)
            .order_by(births.c.person_id)
        )
        return [dict(r._mapping) for r in rows]

    def dose_facts(
        self, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, PregnancyWindow | None]]:
        """For judging pregnancy doses: each person's sex and latest pregnancy's window."""
        found: dict[tuple[str, str], tuple[str, PregnancyWindow | None]] = {}
        for state_code, person_id in set(keys):
            sex = self.conn.execute(
                select(people.c.sex).where(people.c.state_code == state_code,
                                           people.c.id == person_id)
            ).scalar()  # fmt: skip
            if sex is None:
                continue
            latest = next(iter(self.of_person(state_code, person_id)), None)
            found[(state_code, person_id)] = (sex, latest.window if latest else None)
        return found

    def latest_window(self, state_code: str, person_id: str) -> PregnancyWindow | None:
        latest = next(iter(self.of_person(state_code, person_id)), None)
        return latest.window if latest else None

"""Schemes and the person attributes their rules read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select

from ....domain.schemes import BenefitKind, Period, Scheme
from ..tables import households, people, person_attributes, pregnancies, schemes
from ..upsert import upsert
from .base import Repository


def _scheme(r: Any) -> Scheme:
    return Scheme(
        code=r.code,
        state_code=r.state_code,
        department=r.department,
        name=r.name,
        benefit=BenefitKind(r.benefit),
        period=Period(r.period),
        area_code=r.area_code,
        rules=tuple(r.rules),
        amount=r.amount,
        currency=r.currency,
        exclusive_group=r.exclusive_group,
        name_local=r.name_local,
        min_age=r.min_age,
        version=r.version,
    )


class SchemeRepository(Repository):
    def get(self, state_code: str, code: str) -> Scheme | None:
        s = schemes.c
        row = self.conn.execute(
            self.for_update(select(schemes).where(s.state_code == state_code, s.code == code))
        ).first()
        return _scheme(row) if row else None

    def by_code(self, code: str) -> list[Scheme]:
        rows = self.conn.execute(select(schemes).where(schemes.c.code == code))
        return [_scheme(r) for r in rows]

    def all(self, state_code: str | None = None) -> list[Scheme]:
        query = select(schemes).order_by(schemes.c.state_code, schemes.c.code)
        if state_code is not None:
            query = query.where(schemes.c.state_code == state_code)
        return [_scheme(r) for r in self.conn.execute(query)]

    def put(self, scheme: Scheme, by: str, at: datetime) -> None:
        upsert(
            self.conn,
            schemes,
            [
                {
                    "state_code": scheme.state_code,
                    "code": scheme.code,
                    "department": scheme.department,
                    "name": scheme.name,
                    "name_local": scheme.name_local,
                    "benefit": scheme.benefit.value,
                    "period": scheme.period.value,
                    "area_code": scheme.area_code,
                    "amount": scheme.amount,
                    "currency": scheme.currency,
                    "exclusive_group": scheme.exclusive_group,
                    "rules": list(scheme.rules),
                    "min_age": scheme.min_age,
                    "version": scheme.version,
                    "updated_by": by,
                    "updated_at": at,
                }
            ],
            ["state_code", "code"],
        )


ATTRIBUTES = ("disabled", "chronic_illness", "occupation", "marital_status", "deceased_on")


class PersonAttributeRepository(Repository):
    def get(self, state_code: str, person_id: str) -> dict[str, Any]:
        a = person_attributes.c
        row = self.conn.execute(
            select(*(a[n] for n in ATTRIBUTES)).where(
                a.state_code == state_code, a.person_id == person_id
            )
        ).first()
        if row is None:
            return {
                "disabled": False,
                "chronic_illness": False,
                "occupation": None,
                "marital_status": None,
                "deceased_on": None,
            }
        return dict(row._mapping)

    def put(
        self, state_code: str, person_id: str, values: dict[str, Any], by: str, at: datetime
    ) -> None:
        upsert(
            self.conn,
            person_attributes,
            [
                {
                    "state_code": state_code,
                    "person_id": person_id,
                    **{n: values[n] for n in ATTRIBUTES},
                    "updated_by": by,
                    "updated_at": at,
                }
            ],
            ["state_code", "person_id"],
        )

    def deceased_on(self, state_code: str, person_id: str) -> date | None:
        return self.get(state_code, person_id)["deceased_on"]  # type: ignore[no-any-return]

    def household_facts(self, state_code: str, person_id: str) -> dict[str, Any]:
        """The household facts a rule reads: its size, the head's sex, an open pregnancy."""
        p, h, g = people.c, households.c, pregnancies.c
        row = self.conn.execute(
            select(p.household_id, h.head_person_id)
            .outerjoin(households, and_(h.state_code == p.state_code, h.id == p.household_id))
            .where(p.state_code == state_code, p.id == person_id)
        ).first()
        size, head_sex = 1, None
        if row is not None and row.household_id is not None:
            size = (
                self.conn.execute(
                    select(func.count()).where(
                        p.state_code == state_code, p.household_id == row.household_id
                    )
                ).scalar()
                or 1
            )
            head_sex = self.conn.execute(
                select(p.sex).where(p.state_code == state_code, p.id == row.head_person_id)
            ).scalar()
        pregnant = self.conn.execute(
            select(g.id).where(
                g.state_code == state_code, g.person_id == person_id, g.status == "open"
            )
        ).first()
        return {
            "household_size": size,
            "female_headed_household": head_sex == "female",
            "lives_alone": row is not None and row.household_id is not None and size == 1,
            "pregnant": pregnant is not None,
        }

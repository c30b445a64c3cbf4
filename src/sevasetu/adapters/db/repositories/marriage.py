"""What the child-marriage check and its outreach list read (docs/child-marriage.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ..tables import births, households, people, person_attributes
from .base import Repository


@dataclass(frozen=True, slots=True)
class BirthFacts:
    born_in_registry: bool  # a recorded delivery registered them at birth
    registered_by: str
    registered_on: date


@dataclass(frozen=True, slots=True)
class Approaching:
    """A girl or boy a few years under the minimum age for marriage, to visit."""

    id: str
    name: str
    sex: str
    birth_date: date
    birth_date_estimated: bool
    phone: str | None
    area_code: str
    household_id: str | None
    address: str | None
    head_name: str | None
    household_phone: str | None  # a phone of anyone in the household, when theirs is missing
    marital_status: str | None


class MarriageRepository(Repository):
    def birth_facts(self, state_code: str, person_id: str) -> BirthFacts | None:
        p, b = people.c, births.c
        row = self.conn.execute(
            select(p.created_by, p.created_at, b.person_id.label("born"))
            .outerjoin(births, and_(b.state_code == p.state_code, b.person_id == p.id))
            .where(p.state_code == state_code, p.id == person_id)
        ).first()
        if row is None:
            return None
        return BirthFacts(row.born is not None, row.created_by, row.created_at.date())

    def approaching(
        self,
        states: list[str],
        areas: list[str],
        windows: list[tuple[str, date, date]],
        on: date,
    ) -> list[Approaching]:
        """The living people of ``areas`` of each ``(sex, first birth date, last birth date)``
        window, with their household, its head and a phone to reach them, youngest last."""
        p, a, h = people.c, person_attributes.c, households.c
        head = aliased(people)
        member = aliased(people)
        household_phone = (
            select(func.min(member.c.phone))
            .where(
                member.c.state_code == p.state_code,
                member.c.household_id == p.household_id,
                member.c.phone.is_not(None),
            )
            .scalar_subquery()
        )
        ages = or_(*(and_(p.sex == sex, p.birth_date.between(first, last))
                     for sex, first, last in windows))  # fmt: skip
        query = (
            select(p.id, p.name, p.sex, p.birth_date, p.birth_date_estimated, p.phone,
                   p.area_code, p.household_id, h.address, head.c.name.label("head_name"),
                   household_phone.label("household_phone"), a.marital_status)
            .outerjoin(person_attributes, and_(a.state_code == p.state_code, a.person_id == p.id))
            .outerjoin(households, and_(h.state_code == p.state_code, h.id == p.household_id))
            .outerjoin(head, and_(head.c.state_code == h.state_code,
                                  head.c.id == h.head_person_id))
            .where(self.among(p.state_code, states), self.among(p.area_code, areas), ages,
                   or_(a.deceased_on.is_(None), a.deceased_on > on))
            .order_by(p.area_code, p.sex, p.birth_date, p.name)
        )  # fmt: skip
        return [
            Approaching(
                r.id,
                r.name,
                r.sex,
                r.birth_date,
                bool(r.birth_date_estimated),
                r.phone,
                r.area_code,
                r.household_id,
                r.address,
                r.head_name,
                r.household_phone,
                r.marital_status,
            )  # fmt: skip
            for r in self.conn.execute(query)
        ]

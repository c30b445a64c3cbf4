"""What the disaster priority list reads of an area's people, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ..tables import households, people, person_attributes, pregnancies
from .base import Repository


@dataclass(frozen=True, slots=True)
class Resident:
    id: str
    name: str
    sex: str
    birth_date: date
    phone: str | None
    area_code: str
    household_id: str | None
    address: str | None
    head_sex: str | None
    head_name: str | None
    disabled: bool | None  # None: nothing recorded of the person
    chronic_illness: bool | None
    deceased_on: date | None
    pregnant: bool
    household_size: int | None


class PriorityRepository(Repository):
    def residents(
        self,
        states: list[str],
        areas: list[str],
        *,
        on: date,
        aged_born_by: date,
        infant_born_after: date,
    ) -> tuple[int, list[Resident]]:
        """How many people live in ``areas`` (alive ``on`` the day), and those of them who
        carry at least one factor of the vulnerability score, with their household's size.
        ``domain.vulnerability`` scores them: this only leaves out, in the database, the people
        it would give no point."""
        p, a, h, g = people.c, person_attributes.c, households.c, pregnancies.c
        head = aliased(people)
        here = (self.among(p.state_code, states), self.among(p.area_code, areas))
        sizes = (
            select(p.state_code, p.household_id, func.count().label("size"))
            .where(*here, p.household_id.is_not(None))
            .group_by(p.state_code, p.household_id)
            .subquery()
        )
        z = sizes.c
        pregnant = g.id.is_not(None)
        query = (
            select(p.id, p.name, p.sex, p.birth_date, p.phone, p.area_code, p.household_id,
                   h.address, head.c.sex.label("head_sex"), head.c.name.label("head_name"),
                   a.disabled, a.chronic_illness, a.deceased_on, pregnant.label("pregnant"),
                   z.size)
            .outerjoin(person_attributes, and_(a.state_code == p.state_code, a.person_id == p.id))
            .outerjoin(households, and_(h.state_code == p.state_code, h.id == p.household_id))
            .outerjoin(head, and_(head.c.state_code == h.state_code,
                                  head.c.id == h.head_person_id))
            .outerjoin(pregnancies, and_(g.state_code == p.state_code, g.person_id == p.id,
                                         g.status == "open"))
            .outerjoin(sizes, and_(z.state_code == p.state_code, z.household_id == p.household_id))
            .where(*here, or_(
                p.birth_date <= aged_born_by, p.birth_date > infant_born_after,
                a.disabled.is_(True), a.chronic_illness.is_(True), pregnant, z.size == 1,
                head.c.sex == "female",
            ))
        )  # fmt: skip
        counted = (
            select(func.count())
            .select_from(people)
            .outerjoin(person_attributes, and_(a.state_code == p.state_code, a.person_id == p.id))
            .where(*here, or_(a.deceased_on.is_(None), a.deceased_on > on))
        )
        total = self.conn.execute(counted).scalar() or 0
        # Rows straight into Residents, fields in select order.
        found = [Resident(*row) for row in self.conn.execute(query).all()]  # type: ignore[call-arg]
        return total, found

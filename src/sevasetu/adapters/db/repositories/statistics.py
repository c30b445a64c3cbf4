"""What the area statistics count, per ward, in set-based queries: one each for the population
pyramid, the households, the identifiers, the schemes' coverage (every scheme's eligibility rules
turned into SQL by ``eligibility_sql``) and the children's immunisation (docs/area-statistics.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, true, union_all
from sqlalchemy.orm import aliased

from ....domain.eligibility import Expr
from ..eligibility_sql import FactColumns, condition
from ..tables import (
    households,
    people,
    person_attributes,
    person_identifiers,
    pregnancies,
    service_records,
    vaccinations,
)
from .base import Repository


@dataclass(frozen=True, slots=True)
class SchemeCounts:
    area_code: str
    scheme_code: str
    eligible: int
    recipients: int  # people given the scheme in the year
    eligible_recipients: int


def _count_if(test: Any) -> Any:
    return func.sum(case((test, 1), else_=0))


class StatisticsRepository(Repository):
    def _here(self, states: list[str], areas: list[str], on: date) -> tuple[Any, ...]:
        """Living residents of the areas (joined to ``person_attributes``)."""
        p, a = people.c, person_attributes.c
        return (
            self.among(p.state_code, states),
            self.among(p.area_code, areas),
            or_(a.deceased_on.is_(None), a.deceased_on > on),
        )

    def _residents(self) -> Any:
        p, a = people.c, person_attributes.c
        return people.outerjoin(
            person_attributes, and_(a.state_code == p.state_code, a.person_id == p.id)
        )

    def pyramid(
        self, states: list[str], areas: list[str], bounds: list[date], on: date
    ) -> list[tuple[str, str, int, int]]:
        """(ward, sex, band, people): band k holds those born after bounds[k] and on or before
        bounds[k-1] (``domain.statistics.band_bounds``)."""
        p = people.c
        band = case(*((p.birth_date > b, k) for k, b in enumerate(bounds)), else_=len(bounds))
        query = (
            select(p.area_code, p.sex, band.label("band"), func.count())
            .select_from(self._residents())
            .where(*self._here(states, areas, on))
            .group_by(p.area_code, p.sex, band)
        )
        return [(r[0], r[1], int(r[2]), int(r[3])) for r in self.conn.execute(query)]

    def household_sizes(self, states: list[str], areas: list[str]) -> list[tuple[str, int, int]]:
        """(ward, members, households of that many members) for the households of the areas;
        a household with nobody registered yet counts with 0 members."""
        p, h = people.c, households.c
        sizes = (
            select(p.state_code, p.household_id, func.count().label("size"))
            .where(self.among(p.state_code, states), p.household_id.is_not(None))
            .where(p.household_id.in_(
                select(h.id).where(self.among(h.state_code, states), self.among(h.area_code, areas))
            ))
            .group_by(p.state_code, p.household_id)
            .subquery()
        )  # fmt: skip
        z = sizes.c
        size = func.coalesce(z.size, 0)
        query = (
            select(h.area_code, size.label("size"), func.count())
            .select_from(households.outerjoin(
                sizes, and_(z.state_code == h.state_code, z.household_id == h.id)))
            .where(self.among(h.state_code, states), self.among(h.area_code, areas))
            .group_by(h.area_code, size)
        )  # fmt: skip
        return [(r[0], int(r[1]), int(r[2])) for r in self.conn.execute(query)]

    def identifier_holders(
        self, states: list[str], areas: list[str], on: date
    ) -> list[tuple[str, str, int]]:
        """(ward, identifier kind or "phone", living residents holding one)."""
        p, i = people.c, person_identifiers.c
        held = (
            select(p.area_code, i.kind, func.count())
            .select_from(self._residents().join(
                person_identifiers, and_(i.state_code == p.state_code, i.person_id == p.id)))
            .where(*self._here(states, areas, on))
            .group_by(p.area_code, i.kind)
        )  # fmt: skip
        phones = (
            select(p.area_code, literal("phone"), func.count())
            .select_from(self._residents())
            .where(*self._here(states, areas, on), p.phone.is_not(None))
            .group_by(p.area_code)
        )
        return [(r[0], r[1], int(r[2])) for r in self.conn.execute(union_all(held, phones))]

    def scheme_coverage(
        self,
        states: list[str],
        areas: list[str],
        schemes: list[tuple[str, str, list[str], list[Expr]]],
        *,
        on: date,
        year: int,
        areas_within: Callable[[str], list[str]],
    ) -> list[SchemeCounts]:
        """For each scheme ``(code, state, the areas it is for, parsed rules)``, per ward: the
        living residents its rules hold for on ``on`` (inside its area), those it was given to
        in ``year``, and both. One pass over the residents for all the schemes."""
        if not schemes:
            return []
        p, a, h, r = people.c, person_attributes.c, households.c, service_records.c
        head = aliased(people)
        member = aliased(people)
        m = member.c
        in_area = select(p.household_id).where(*self._here(states, areas, on)[:2]).correlate(None)
        sizes = (
            select(m.state_code, m.household_id, func.count().label("size"))
            .where(self.among(m.state_code, states), m.household_id.in_(in_area))
            .group_by(m.state_code, m.household_id)
            .subquery()
        )
        g = pregnancies.c
        pregnant = (
            select(g.state_code, g.person_id)
            .where(self.among(g.state_code, states), g.status == "open")
            .group_by(g.state_code, g.person_id)
            .subquery()
        )
        given = (
            select(r.state_code, r.person_id,
                   *(func.max(case((r.scheme_code == code, 1), else_=0)).label(f"r{k}")
                     for k, (code, _, _, _) in enumerate(schemes)))
            .where(self.among(r.state_code, states), r.status == "resolved", r.year == year,
                   r.person_id.is_not(None))
            .group_by(r.state_code, r.person_id)
            .subquery()
        )  # fmt: skip
        z, q, v = sizes.c, pregnant.c, given.c
        facts = FactColumns(
            birth_date=p.birth_date, sex=p.sex, area_code=p.area_code,
            household_id=p.household_id, household_size=z.size, head_sex=head.c.sex,
            marital_status=a.marital_status, occupation=a.occupation, disabled=a.disabled,
            chronic_illness=a.chronic_illness, deceased_on=a.deceased_on,
            pregnant=q.person_id.is_not(None),
        )  # fmt: skip
        columns = []
        for k, (_, state, scheme_areas, rules) in enumerate(schemes):
            # A scheme for the whole area asks nothing of the ward (no list of codes to send).
            where = true() if set(scheme_areas) >= set(areas) else p.area_code.in_(scheme_areas)
            eligible = and_(p.state_code == state, where, condition(rules, facts, on, areas_within))
            got = func.coalesce(getattr(v, f"r{k}"), 0) == 1
            columns += [_count_if(eligible), _count_if(got), _count_if(and_(eligible, got))]
        query = (
            select(p.area_code, *columns)
            .select_from(
                self._residents()
                .outerjoin(households, and_(h.state_code == p.state_code, h.id == p.household_id))
                .outerjoin(head, and_(head.c.state_code == h.state_code,
                                      head.c.id == h.head_person_id))
                .outerjoin(sizes, and_(z.state_code == p.state_code,
                                       z.household_id == p.household_id))
                .outerjoin(pregnant, and_(q.state_code == p.state_code, q.person_id == p.id))
                .outerjoin(given, and_(v.state_code == p.state_code, v.person_id == p.id))
            )
            .where(*self._here(states, areas, on))
            .group_by(p.area_code)
        )  # fmt: skip
        found = []
        for row in self.conn.execute(query):
            for k, (code, _, _, _) in enumerate(schemes):
                e, n, b = (int(row[1 + 3 * k + j] or 0) for j in range(3))
                found.append(SchemeCounts(row[0], code, e, n, b))
        return found

    def immunisation(
        self,
        states: list[str],
        areas: list[str],
        *,
        born_after: date,
        born_by: date,
        on: date,
        schedules: list[str],
        doses: dict[str, tuple[str, ...]],
        fully: tuple[str, ...],
    ) -> list[tuple[str, int, dict[str, int], int]]:
        """(ward, children born in the window, children with each dose group, children with
        every group of ``fully``) among the living residents of the areas."""
        p, v = people.c, vaccinations.c
        here = (*self._here(states, areas, on), p.birth_date > born_after, p.birth_date <= born_by)
        groups = list(doses)
        # The children first (a few per cent of the people), then their doses through the
        # vaccinations' (state, person, schedule, dose) key: one row per child with a 0/1 per
        # dose group, then summed per ward.
        child = (
            select(p.area_code,
                   *(func.max(case((v.dose_code.in_(doses[d]), 1), else_=0)).label(f"d{k}")
                     for k, d in enumerate(groups)))
            .select_from(self._residents().outerjoin(vaccinations, and_(
                v.state_code == p.state_code, v.person_id == p.id,
                self.among(v.schedule, schedules))))
            .where(*here)
            .group_by(p.area_code, p.state_code, p.id)
            .subquery()
        )  # fmt: skip
        w = child.c

        def got(d: str) -> Any:
            return getattr(w, f"d{groups.index(d)}") == 1

        query = (
            select(w.area_code, func.count(), *(_count_if(got(d)) for d in groups),
                   _count_if(and_(*(got(d) for d in fully))))
            .group_by(w.area_code)
        )  # fmt: skip
        found = []
        for row in self.conn.execute(query):
            counts = {d: int(row[2 + k] or 0) for k, d in enumerate(groups)}
            found.append((row[0], int(row[1]), counts, int(row[-1] or 0)))
        return found

"""The disaster priority list: everyone of an area and every household, ranked by the
vulnerability score of ``domain.vulnerability`` (docs/services-ledger.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..domain.access import Action, Principal
from ..domain.areas import Area
from ..domain.vulnerability import AGED, Circumstances, Factor, score
from .areas import residences_for
from .audit import audit_denials, record
from .ports import Context


@dataclass(frozen=True, slots=True)
class RankedPerson:
    id: str
    name: str
    sex: str
    age: int
    phone: str | None
    area_code: str
    household_id: str | None
    address: str | None
    points: int
    factors: tuple[Factor, ...]


@dataclass(frozen=True, slots=True)
class RankedHousehold:
    id: str
    area_code: str
    address: str | None
    points: int
    members: int
    phone: str | None  # the first member's phone who has one
    head: str | None


@dataclass(frozen=True, slots=True)
class PriorityList:
    area: Area
    on: date
    people: list[RankedPerson]  # highest score first; only people with points
    households: list[RankedHousehold]
    residents: int
    factors: Counter[str]

    def wards(self) -> list[str]:
        return sorted({p.area_code for p in self.people} | {h.area_code for h in self.households})


def _years_before(day: date, years: int) -> date:
    """The birth date on which someone turns ``years`` on ``day`` (28 February for 29)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@audit_denials
def priority_list(ctx: Context, principal: Principal, area_code: str) -> PriorityList:
    _, area, scope, states = residences_for(ctx, principal, Action.REPORT_READ, area_code)
    today = ctx.today()
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        total, residents = (
            uow.priority.residents(
                states,
                scope,
                on=today,
                aged_born_by=_years_before(today, AGED),
                infant_born_after=_years_before(today, 1),
            )
            if scope
            else (0, [])
        )
        record(
            ctx,
            uow,
            actor=principal,
            action="priority.read",
            subject_type="area",
            subject_id=area.code,
            state_code=area.state_code,
            people=total,
        )
        uow.commit()
    living = [r for r in residents if r.deceased_on is None or r.deceased_on > today]
    people: list[RankedPerson] = []
    households: dict[str, RankedHousehold] = {}
    for r in living:
        s = score(
            Circumstances(
                r.birth_date,
                disabled=bool(r.disabled),
                pregnant=r.pregnant,
                chronic_illness=bool(r.chronic_illness),
                lives_alone=r.household_size == 1,
                female_headed_household=r.head_sex == "female",
            ),
            today,
        )
        age = (
            today.year
            - r.birth_date.year
            - ((today.month, today.day) < (r.birth_date.month, r.birth_date.day))
        )
        if s.points:
            people.append(
                RankedPerson(
                    r.id,
                    r.name,
                    r.sex,
                    age,
                    r.phone,
                    r.area_code,
                    r.household_id,
                    r.address,
                    s.points,
                    s.factors,
                )
            )
        if r.household_id:
            h = households.get(r.household_id)
            households[r.household_id] = RankedHousehold(
                r.household_id,
                r.area_code,
                r.address,
                (h.points if h else 0) + s.points,
                r.household_size or 1,
                (h.phone if h and h.phone else r.phone),
                r.head_name,
            )
    people.sort(key=lambda p: (-p.points, -p.age, p.name))
    ranked = sorted(
        (h for h in households.values() if h.points), key=lambda h: (-h.points, -h.members, h.id)
    )
    factors = Counter(f.value for p in people for f in p.factors)
    return PriorityList(area, today, people, ranked, total, factors)

"""Due and defaulter lists for an area's door-to-door round, and a child's vaccination card."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, require, require_area
from ..domain.areas import RESIDENCE_LEVELS, Area, AreaTree
from ..domain.due_lists import (
    CHILD_YEARS,
    ChildRow,
    Contact,
    ContactRow,
    DueEntry,
    judge_child,
    mother_of,
    round_order,
)
from ..domain.errors import InvalidInput
from ..domain.people import Person
from ..domain.schedule import DoseStatus, Schedule, due_doses
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .people import get_person
from .ports import Context, UnitOfWork

# Which schedule a country's children follow.
SCHEDULE_OF_COUNTRY = {"IN": "india-uip", "BD": "bangladesh-epi"}
MAX_WINDOW_DAYS = 92  # a quarter: longer windows are plans, not rounds


@dataclass(frozen=True, slots=True)
class DueItem:
    entry: DueEntry
    village: Area
    ashas: tuple[str, ...]  # full names of the village's ASHAs (or the nearest area's above)

    @property
    def child(self) -> ChildRow:
        return self.entry.child

    @property
    def doses(self) -> tuple[DoseStatus, ...]:
        return self.entry.doses

    @property
    def contact(self) -> Contact | None:
        return self.entry.contact


@dataclass(frozen=True, slots=True)
class DueList:
    area: Area
    start: date
    end: date
    defaulters: bool
    schedule: str
    items: list[DueItem]


def schedule_for(area: Area) -> Schedule:
    return load_schedule(SCHEDULE_OF_COUNTRY.get(area.path[0], "india-uip"))


@audit_denials
def due_list(
    ctx: Context,
    principal: Principal,
    area_code: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    defaulters: bool = False,
) -> DueList:
    """Every child (0-16) of the area with doses due or overdue from ``start`` to ``end``
    (today by default), sorted for a round; staff only, inside their own area."""
    require(principal, Action.PERSON_READ)
    tree = ctx.area_tree()
    scope = tree.get(area_code or principal.area_code or "", "area")
    require_area(principal, scope)
    start = start or ctx.today()
    end = end or start
    if end < start:
        raise InvalidInput("to", reason="The window ends before it starts.")
    if (end - start).days > MAX_WINDOW_DAYS:
        raise InvalidInput("to", reason=f"A due list covers at most {MAX_WINDOW_DAYS} days.")
    schedule = schedule_for(scope)
    villages = {a.code: a for a in tree.within(scope.code) if a.level in RESIDENCE_LEVELS}
    by_state: dict[str, list[str]] = defaultdict(list)
    for code, village in sorted(villages.items()):
        by_state[village.state_code].append(code)
    born_after = _years_before(start, CHILD_YEARS)
    entries: list[DueEntry] = []
    # A read unit: SQLite's write lock is not held while thousands of children are judged.
    with ctx.uow() as uow:
        for state_code, codes in by_state.items():
            entries.extend(
                _judge_state(uow, tree, schedule, state_code, codes, born_after, start, end,
                             defaulters)
            )  # fmt: skip
        ashas = _ashas(uow, tree, villages.values())
    items = [
        DueItem(e, villages[e.child.area_code], ashas.get(e.child.area_code, ())) for e in entries
    ]
    items.sort(key=lambda i: round_order(i.entry, i.village.name))
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        record(
            ctx, uow, actor=principal, action="duelist.read", subject_type="area",
            subject_id=scope.code, state_code=scope.state_code, start=start.isoformat(),
            end=end.isoformat(), defaulters=defaulters, children=len(items),
        )  # fmt: skip
        uow.commit()
    return DueList(scope, start, end, defaulters, schedule.name, items)


def _judge_state(
    uow: UnitOfWork, tree: AreaTree, schedule: Schedule, state_code: str, codes: list[str],
    born_after: date, start: date, end: date, defaulters: bool,
) -> list[DueEntry]:  # fmt: skip
    given = dict(uow.due_lists.doses(state_code, codes, born_after, schedule.name))
    judged: list[tuple[ChildRow, tuple[DoseStatus, ...]]] = []
    none: dict[str, date] = {}
    for child in uow.due_lists.children(state_code, codes, born_after):
        doses = judge_child(
            schedule, child, given.get(child.id, none), start=start, end=end,
            flags=tree.flags(child.area_code), defaulters=defaulters,
        )  # fmt: skip
        if doses:
            judged.append((child, doses))
    households = sorted({c.household_id for c, _ in judged if c.household_id})
    adults: dict[str, list[ContactRow]] = defaultdict(list)
    for row in uow.due_lists.contacts(state_code, households):
        adults[row.household_id].append(row)
    return [
        DueEntry(child, doses, mother_of(child, adults.get(child.household_id or "", [])))
        for child, doses in judged
    ]


def _ashas(uow: UnitOfWork, tree: AreaTree, villages: Iterable[Area]) -> dict[str, tuple[str, ...]]:
    """A village's ASHAs: those posted to it, else to the nearest area above it."""
    codes = sorted({c for v in villages for c in v.path})
    posted: dict[str, list[str]] = defaultdict(list)
    for area_code, full_name, _ in uow.due_lists.ashas(codes):
        posted[area_code].append(full_name)
    found: dict[str, tuple[str, ...]] = {}
    for village in villages:
        for code in reversed(village.path):
            if posted.get(code):
                found[village.code] = tuple(posted[code])
                break
    return found


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class ChildCard:
    person: Person
    schedule: Schedule
    as_of: date
    doses: list[DoseStatus]
    given: dict[str, Vaccination]
    flags: frozenset[str]


def child_card(
    ctx: Context, principal: Principal, person_id: str, *, as_of: date | None = None
) -> ChildCard:
    """Every dose of the person's schedule with its status: for the card a worker shows the
    family, or reads before vaccinating (vaccinators may, for anyone registered; audited)."""
    person = get_person(ctx, principal, person_id, vaccinating=True)
    tree = ctx.area_tree()
    schedule = schedule_for(tree.get(person.area_code))
    day = as_of or ctx.today()
    with ctx.uow() as uow:
        recorded = uow.vaccinations.of_person(person.state_code, person.id)
    given = {v.dose_code: v for v in recorded if v.schedule == schedule.name}
    history = {c: v.given_on for c, v in given.items() if person.birth_date <= v.given_on <= day}
    flags = tree.flags(person.area_code)
    doses = due_doses(schedule, birth=person.birth_date, today=day, given=history, flags=flags)
    return ChildCard(person, schedule, day, doses, given, flags)


__all__ = ["ChildCard", "DueItem", "DueList", "child_card", "due_list"]

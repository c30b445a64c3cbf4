"""Due and defaulter lists for an area's door-to-door round, and a child's vaccination card."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, require, require_area
from ..domain.areas import RESIDENCE_LEVELS, Area, AreaTree
from ..domain.due_lists import (
    CHILD_YEARS,
    NO_CONTACT,
    ChildRow,
    Contact,
    ContactRow,
    DueEntry,
    Summary,
    doses_in_window,
    flags_text,
    listed_in_window,
    mothers_of,
    round_order,
    schedule_version,
    summarise,
)
from ..domain.errors import InvalidInput, Reason
from ..domain.people import Person
from ..domain.schedule import DoseStatus, Schedule, due_doses
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .people import get_person
from .ports import Context, UnitOfWork

# Which schedule a country's children follow.
SCHEDULE_OF_COUNTRY = {"IN": "india-uip", "BD": "bangladesh-epi"}
MAX_WINDOW_DAYS = 92  # a quarter: longer windows are plans, not rounds
REFRESH_CHUNK = 5000  # children per write transaction of a refresh
log = logging.getLogger("sevasetu.due_lists")


class DueItem(NamedTuple):  # a tuple: one per child on a list, thousands a list
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

    def contact_fields(self) -> dict[str, str | None]:
        return self.contact.fields() if self.contact is not None else dict(NO_CONTACT)


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
    tree = ctx.area_tree()
    scope, start, end, villages, by_state = _scope(ctx, principal, area_code, start, end)
    schedule = schedule_for(scope)
    born_after = _years_before(start, CHILD_YEARS)
    entries: list[DueEntry] = []
    fresh: list[_Fresh] = []
    # A read unit: SQLite's write lock is not held while thousands of children are judged.
    with no_gc_pauses(), ctx.uow() as uow:
        for state_code, codes in by_state.items():
            entries.extend(
                _judge_state(uow, tree, schedule, state_code, codes, born_after, start, end,
                             defaulters, fresh)
            )  # fmt: skip
        ashas = _ashas(uow, tree, villages.values())
    if fresh and start == ctx.today():  # other days' judgements would displace the nightly's
        _write_back(ctx, schedule, fresh)
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


@audit_denials
def campaign_due_list(
    ctx: Context,
    principal: Principal,
    area_code: str | None,
    schedule_name: str,
    *,
    start: date | None = None,
    end: date | None = None,
    dose: str | None = None,
    defaulters: bool = False,
) -> DueList:
    """A campaign's list for an area: everyone who has started the campaign with a dose (the
    second, the precaution dose; ``dose`` to keep one) due or overdue in the window, judged by
    the rules in force on ``start`` with the vaccine of their first dose; the person is their
    own contact. The list Kolkata's bot served: second doses due in a district."""
    schedule = load_schedule(schedule_name)
    if schedule.campaign is None:
        raise InvalidInput("schedule", reason=Reason(
            "{name} is a routine schedule; its due list is the children's.",
            name=schedule.name))  # fmt: skip
    wanted = schedule.dose(dose.strip().upper()).code if dose else None
    scope, start, end, villages, by_state = _scope(ctx, principal, area_code, start, end)
    items: list[DueItem] = []
    with ctx.uow() as uow:
        for state_code, codes in by_state.items():
            for person, doses in uow.due_lists.campaign_people(state_code, codes, schedule.name):
                given = {c: d for c, (d, _) in doses.items() if d <= start}
                products = {c: p for c, (_, p) in doses.items()}
                statuses = due_doses(schedule, birth=person.birth_date, today=start,
                                     given=given, products=products)  # fmt: skip
                listed = tuple(s for s in doses_in_window(statuses, start=start, end=end,
                                                          defaulters=defaulters)
                               if wanted is None or s.code == wanted)  # fmt: skip
                if listed:
                    contact = Contact(person.name, person.phone, False, is_self=True)
                    items.append(DueItem(DueEntry(person, listed, contact),
                                         villages[person.area_code], ()))  # fmt: skip
    items.sort(key=lambda i: round_order(i.entry, i.village.name))
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        record(ctx, uow, actor=principal, action="duelist.read", subject_type="area",
               subject_id=scope.code, state_code=scope.state_code, schedule=schedule.name,
               start=start.isoformat(), end=end.isoformat(), dose=wanted,
               defaulters=defaulters, people=len(items))  # fmt: skip
        uow.commit()
    return DueList(scope, start, end, defaulters, schedule.name, items)


def _scope(
    ctx: Context, principal: Principal, area_code: str | None, start: date | None,
    end: date | None,
) -> tuple[Area, date, date, dict[str, Area], dict[str, list[str]]]:  # fmt: skip
    """The area asked for (the caller's own by default, and only inside it), the window
    checked, and its villages, grouped by state."""
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
    villages = {a.code: a for a in tree.within(scope.code) if a.level in RESIDENCE_LEVELS}
    by_state: dict[str, list[str]] = defaultdict(list)
    for code, village in sorted(villages.items()):
        by_state[village.state_code].append(code)
    return scope, start, end, villages, by_state


_gc_lock = threading.Lock()
_gc_holders = 0


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """The cyclic garbage collector held off while a list is built: its tens of thousands of
    short-lived rows and tuples (freed by reference counting, none in a cycle) would otherwise
    set off full collections over the engine's caches, half the time of a list."""
    global _gc_holders
    with _gc_lock:
        _gc_holders += 1
        if _gc_holders == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0:
                gc.enable()


@dataclass(frozen=True, slots=True)
class _Fresh:
    """A child judged live by a due list, and what the judgement rested on: its summary is
    stored only if these are unchanged when it is written."""

    state_code: str
    person_id: str
    birth_date: date
    area_code: str
    doses: int  # of the schedule, recorded when read
    summary: Summary


def _judge_state(
    uow: UnitOfWork, tree: AreaTree, schedule: Schedule, state_code: str, codes: list[str],
    born_after: date, start: date, end: date, defaulters: bool, fresh: list[_Fresh],
) -> list[DueEntry]:  # fmt: skip
    """The state's children on the list: from their summaries judged on ``start`` where valid
    (skipped unread where the summary says no window up to ``end`` lists them), judged live
    otherwise (those summaries are added to ``fresh``, to be stored)."""
    version = schedule_version(schedule)
    flags_of = {code: tree.flags(code) for code in codes}
    texts = {code: flags_text(flags) for code, flags in flags_of.items()}
    children: list[ChildRow] = []
    listed: dict[str, tuple[DoseStatus, ...]] = {}
    live: list[ChildRow] = []
    for child, flags, statuses in uow.due_lists.children_to_list(
        state_code, codes, born_after, start, end, schedule.name, version, texts
    ):
        children.append(child)
        if flags is None or flags != texts[child.area_code]:
            live.append(child)
        elif statuses is not None:
            listed[child.id] = listed_in_window(
                statuses, start=start, end=end, defaulters=defaulters
            )
    if live:
        # Most children stale (no refresh ran): the area's doses in one query; else by id.
        given = dict(
            uow.due_lists.doses(state_code, codes, born_after, schedule.name)
            if len(live) * 2 > len(children)
            else uow.due_lists.doses_of(state_code, [c.id for c in live], schedule.name)
        )
        none: dict[str, date] = {}
        for child in live:
            history = given.get(child.id, none)
            summary, statuses, waiting = summarise(
                schedule, child.birth_date, history, day=start,
                flags=flags_of[child.area_code],
            )  # fmt: skip
            fresh.append(_Fresh(state_code, child.id, child.birth_date, child.area_code,
                                len(history), summary))  # fmt: skip
            listed[child.id] = doses_in_window(
                statuses, start=start, end=end, defaulters=defaulters, waiting=waiting
            )
    judged = [(c, doses) for c in children if (doses := listed.get(c.id, ()))]
    households = sorted({c.household_id for c, _ in judged if c.household_id})
    adults: dict[str, list[ContactRow]] = defaultdict(list)
    for row in uow.due_lists.contacts(state_code, households):
        adults[row.household_id].append(row)
    # A child whose delivery was recorded has her mother on record, not guessed.
    recorded = uow.due_lists.mothers(state_code, [c.id for c, _ in judged]) if judged else {}
    contacts = mothers_of([c for c, _ in judged], adults, recorded)
    return [
        DueEntry(child, doses, contact)
        for (child, doses), contact in zip(judged, contacts, strict=True)
    ]


def _write_back(ctx: Context, schedule: Schedule, fresh: list[_Fresh]) -> None:
    """Store the summaries a due list judged, in a short write unit of their own. A failure
    is logged: the list was right, only the next one will judge again."""
    try:
        with ctx.uow(write=True) as uow:
            _store(ctx, uow, schedule, fresh)
            uow.commit()
    except Exception:  # the list is answered all the same
        log.exception("could not store %d schedule summaries", len(fresh))


def _store(ctx: Context, uow: UnitOfWork, schedule: Schedule, fresh: list[_Fresh]) -> int:
    """Save the summaries of the children unchanged since they were read and judged (same
    birth date, area and number of doses), in a write unit: their people rows are locked on
    PostgreSQL as a dose's writer locks them, and SQLite's write lock excludes every writer,
    so a change after this check deletes the summary saved here."""
    by_state: dict[str, list[_Fresh]] = defaultdict(list)
    for f in fresh:
        by_state[f.state_code].append(f)
    saved = 0
    for state_code, group in sorted(by_state.items()):
        ids = [f.person_id for f in group]
        subjects = uow.due_lists.subjects_of(state_code, ids)
        counts = uow.due_lists.dose_counts(state_code, ids, schedule.name)
        keep = [
            (f.person_id, f.summary)
            for f in group
            if subjects.get(f.person_id) == (f.birth_date, f.area_code)
            and counts.get(f.person_id, 0) == f.doses
        ]
        saved += uow.due_lists.save_summaries(
            state_code, schedule.name, schedule_version(schedule), keep, ctx.now()
        )
    return saved


@dataclass(slots=True)
class RefreshResult:
    children: int = 0
    seconds: float = 0.0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.children / self.seconds if self.seconds else 0.0


def refresh_summaries(
    ctx: Context,
    area_code: str | None = None,
    *,
    on: date | None = None,
    chunk: int = REFRESH_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshResult:
    """Judge every child (0-16) of the area (default: everywhere) on ``on`` (default today) and
    store their summaries, ``chunk`` children at a time (read and judged, then stored in a short
    write transaction): the nightly job, after midnight, so that the day's due lists read
    summaries instead of judging. ``progress`` is called with (children done, children in all).
    """
    tree = ctx.area_tree()
    day = on or ctx.today()
    roots = [tree.get(area_code, "area")] if area_code else tree.children(None)
    villages = sorted(
        {a.code: a for r in roots for a in tree.within(r.code) if a.level in RESIDENCE_LEVELS}
        .values(), key=lambda a: a.code,
    )  # fmt: skip
    by_state: dict[str, list[str]] = defaultdict(list)
    for village in villages:
        by_state[village.state_code].append(village.code)
    born_after = _years_before(day, CHILD_YEARS)
    with ctx.uow() as uow:
        todo = {
            state_code: [c.id for c in uow.due_lists.children(state_code, codes, born_after)]
            for state_code, codes in by_state.items()
        }
    total = sum(len(ids) for ids in todo.values())
    result, done = RefreshResult(), 0
    began = time.perf_counter()
    for state_code, ids in todo.items():
        schedule = schedule_for(tree.get(state_code))
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            # Read and judged in a read unit; stored in a short write unit, if still right.
            with ctx.uow() as uow:
                subjects = uow.due_lists.subjects_of(state_code, part)
                given = dict(uow.due_lists.doses_of(state_code, list(subjects), schedule.name))
            none: dict[str, date] = {}
            fresh = []
            with no_gc_pauses():
                for pid, (birth, area) in subjects.items():
                    if birth <= born_after:
                        continue  # no longer a child
                    history = given.get(pid, none)
                    summary = summarise(schedule, birth, history, day=day,
                                        flags=tree.flags(area))[0]  # fmt: skip
                    fresh.append(_Fresh(state_code, pid, birth, area, len(history), summary))
            with ctx.uow(write=True) as uow:
                saved = _store(ctx, uow, schedule, fresh)
                uow.commit()
            result.children += saved
            result.by_state[state_code] = result.by_state.get(state_code, 0) + saved
            done += len(part)
            if progress is not None:
                progress(done, total)
    result.seconds = time.perf_counter() - began
    return result


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


__all__ = [
    "ChildCard", "DueItem", "DueList", "RefreshResult", "child_card", "due_list",
    "no_gc_pauses", "refresh_summaries",
]  # fmt: skip

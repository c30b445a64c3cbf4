"""Due lists: which children of an area need which doses in a window, and whom to ask for.

Pure rules over rows a repository streams in; the schedule engine judges each child. A dose is
on the list when, on the first day of the window, it is due or overdue, or it becomes due by
the last day. A defaulter list keeps only the doses overdue beyond the schedule's grace days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .schedule import DoseStatus, Schedule, Status, due_doses

CHILD_YEARS = 16  # children 0-16 by birth date
_DIGITS = re.compile(r"\d+")
_ON_LIST = frozenset({Status.DUE, Status.OVERDUE})


class ChildRow(NamedTuple):
    id: str
    name: str
    name_latin: str
    sex: str
    birth_date: date
    phone: str | None
    area_code: str
    household_id: str | None
    relation_to_head: str | None
    address: str | None
    head_person_id: str | None


class ContactRow(NamedTuple):
    id: str
    household_id: str
    name: str
    sex: str
    phone: str | None
    relation_to_head: str | None
    birth_date: date


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str | None
    is_mother: bool  # False: the household head, as no mother is recorded in the roster


@dataclass(frozen=True, slots=True)
class DueEntry:
    child: ChildRow
    doses: tuple[DoseStatus, ...]
    contact: Contact | None


def doses_in_window(
    statuses: Iterable[DoseStatus],
    *,
    start: date,
    end: date,
    defaulters: bool = False,
    waiting: frozenset[str] = frozenset(),
) -> tuple[DoseStatus, ...]:
    """Statuses judged on the first day of the window, ``start``; ``end`` is its last day.
    Upcoming doses ``waiting`` for an earlier dose not given yet stay off: the earlier dose is
    on the list, and the next one is due only weeks after it is given."""
    if defaulters:
        return tuple(s for s in statuses if s.status is Status.OVERDUE)
    return tuple(
        s
        for s in statuses
        if s.status in _ON_LIST
        or (
            s.status is Status.UPCOMING
            and s.code not in waiting
            and s.due_date is not None
            and start <= s.due_date <= end
        )
    )


def judge_child(
    schedule: Schedule,
    child: ChildRow,
    given: Mapping[str, date],
    *,
    start: date,
    end: date,
    flags: frozenset[str],
    defaulters: bool = False,
) -> tuple[DoseStatus, ...]:
    """The child's doses on the list; doses recorded after ``start`` (or before the birth,
    a data error) do not count on that day."""
    history = {c: d for c, d in given.items() if child.birth_date <= d <= start}
    statuses = due_doses(schedule, birth=child.birth_date, today=start, given=history, flags=flags)
    waiting = frozenset(
        s.code
        for s in statuses
        if s.status is Status.UPCOMING
        and (previous := schedule.previous_of.get(s.code, ()))
        and not any(p.code in history for p in previous)  # as the engine waits
    )
    return doses_in_window(statuses, start=start, end=end, defaulters=defaulters, waiting=waiting)


def mother_of(child: ChildRow, adults: Iterable[ContactRow]) -> Contact | None:
    """The child's mother as the roster tells it (relations are to the household head): a son
    or daughter's mother is the head or the head's spouse, whichever is a woman; a grandchild's
    is a daughter-in-law (else a daughter). Without one, the household head is the contact."""
    members = [a for a in adults if a.id != child.id]
    relation = child.relation_to_head
    if relation in ("son", "daughter"):
        wanted: tuple[str, ...] = ("head", "spouse")
    elif relation in ("grandson", "granddaughter"):
        wanted = ("daughter_in_law", "daughter")
    else:
        wanted = ()
    for kind in wanted:
        women = [m for m in members if m.relation_to_head == kind and m.sex == "female"]
        if women:
            # Several daughters-in-law: the youngest woman old enough is the likeliest mother.
            mother = max(women, key=lambda m: m.birth_date)
            head = _head(members)
            return Contact(mother.name, mother.phone or (head.phone if head else None), True)
    head = _head(members)
    if head is None:
        return None
    return Contact(head.name, head.phone, False)


def _head(members: Iterable[ContactRow]) -> ContactRow | None:
    return next((m for m in members if m.relation_to_head == "head"), None)


def _natural(text: str) -> str:
    """House 9 before House 10: numbers compared as numbers."""
    return _DIGITS.sub(lambda m: m.group().zfill(12), text.casefold())


def round_order(entry: DueEntry, village_name: str) -> tuple[str, str, str, date, str]:
    """A door-to-door round: village, then household (by address), then child, oldest first."""
    child = entry.child
    return (
        village_name,
        # Children without a household come after the households of their village.
        _natural(child.address or "\uffff") if child.household_id else "\uffff\uffff",
        child.household_id or "",
        child.birth_date,
        child.name,
    )

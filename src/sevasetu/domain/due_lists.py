"""Due lists: which children of an area need which doses in a window, and whom to ask for.

Pure rules over rows a repository streams in; the schedule engine judges each child. A dose is
on the list when, on the first day of the window, it is due or overdue, or it becomes due by
the last day. A defaulter list keeps only the doses overdue beyond the schedule's grace days.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
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
    is_self: bool = False  # an adult on a campaign's list is their own contact

    @property
    def kind(self) -> str:
        return "self" if self.is_self else "mother" if self.is_mother else "head"

    def fields(self) -> dict[str, str | None]:
        """A list row's contact columns: the mother or household head by name and phone; for
        someone who is their own contact, only the kind (their phone is their own column)."""
        if self.is_self:
            return {"mother_name": None, "mother_phone": None, "contact": self.kind}
        return {"mother_name": self.name, "mother_phone": self.phone, "contact": self.kind}


NO_CONTACT: dict[str, str | None] = {"mother_name": None, "mother_phone": None, "contact": None}


class DueEntry(NamedTuple):  # a tuple: one per child on a list, thousands a list
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


def judge_statuses(
    schedule: Schedule,
    birth: date,
    given: Mapping[str, date],
    *,
    day: date,
    flags: frozenset[str],
) -> tuple[list[DoseStatus], frozenset[str]]:
    """Every dose of the child on ``day``, and the upcoming ones waiting for an earlier dose
    not given yet; doses recorded after ``day`` (or before the birth, a data error) do not
    count on that day."""
    history = {c: d for c, d in given.items() if birth <= d <= day}
    statuses = due_doses(schedule, birth=birth, today=day, given=history, flags=flags)
    waiting = frozenset(
        s.code
        for s in statuses
        if s.status is Status.UPCOMING
        and (previous := schedule.previous_of.get(s.code, ()))
        and not any(p.code in history for p in previous)  # as the engine waits
    )
    return statuses, waiting


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
    statuses, waiting = judge_statuses(schedule, child.birth_date, given, day=start, flags=flags)
    return doses_in_window(statuses, start=start, end=end, defaulters=defaulters, waiting=waiting)


# --- summaries: a child's judgement on a day, stored so that a due list need not judge again --


@dataclass(frozen=True, slots=True)
class Summary:
    """What ``judge_statuses`` found for a child on ``judged_on``, in storable terms."""

    judged_on: date
    flags: str  # sorted, comma-joined
    first_listed: date | None  # the first window end that lists the child; None: none does
    statuses: list[list[object]]  # [code, status, due, last, given, waiting] per dose
    # The statuses a list may show: due, overdue, and upcoming not waiting, [code, status,
    # due, last]; ``doses_in_window`` over them equals it over all (decoded ten times faster).
    listed: list[list[object]]


def flags_text(flags: Iterable[str]) -> str:
    return ",".join(sorted(flags))


def schedule_version(schedule: Schedule) -> str:
    """A hash of everything in a schedule that judging depends on; computed once per loaded
    schedule (a changed schedule file makes every stored summary stale)."""
    found = _VERSIONS.get(id(schedule))
    if found is None or found[0] is not schedule:
        text = repr((schedule.name, schedule.grace_days, schedule.doses))
        found = (schedule, hashlib.sha256(text.encode()).hexdigest()[:16])
        _VERSIONS[id(schedule)] = found
    return found[1]


_VERSIONS: dict[int, tuple[Schedule, str]] = {}


def first_listed(statuses: Iterable[DoseStatus], waiting: frozenset[str], day: date) -> date | None:
    """The earliest window end for which ``doses_in_window`` lists something in a window
    starting on ``day``: ``day`` itself for a dose due or overdue, else the earliest due date of
    an upcoming dose not waiting for an earlier one; None if no window ever lists one."""
    found: date | None = None
    for s in statuses:
        if s.status in _ON_LIST:
            return day
        if (
            s.status is Status.UPCOMING
            and s.code not in waiting
            and s.due_date is not None
            and (found is None or s.due_date < found)
        ):
            found = s.due_date
    return found


def summarise(
    schedule: Schedule, birth: date, given: Mapping[str, date], *, day: date, flags: frozenset[str]
) -> tuple[Summary, tuple[DoseStatus, ...], frozenset[str]]:
    """The child's summary for ``day``, with the statuses and waiting doses it encodes."""
    statuses, waiting = judge_statuses(schedule, birth, given, day=day, flags=flags)
    encoded: list[list[object]] = [
        [s.code, s.status.value, _iso(s.due_date), _iso(s.last_date), _iso(s.given_date),
         1 if s.code in waiting else 0]
        for s in statuses
    ]  # fmt: skip
    listed: list[list[object]] = [
        [s.code, s.status.value, _iso(s.due_date), _iso(s.last_date)]
        for s in statuses
        if s.status in _ON_LIST or (s.status is Status.UPCOMING and s.code not in waiting)
    ]
    summary = Summary(day, flags_text(flags), first_listed(statuses, waiting, day), encoded, listed)
    return summary, tuple(statuses), waiting


def listable(listed: Iterable[list[object]]) -> tuple[DoseStatus, ...]:
    """A stored summary's ``listed`` statuses, for ``doses_in_window`` (none waits)."""
    return tuple(
        DoseStatus(code, _LISTABLE[status], _day(due), _day(last))  # type: ignore[arg-type,index]
        for code, status, due, last in listed  # type: ignore[misc]
    )


def listable_json(text: str) -> tuple[DoseStatus, ...]:
    """``listable`` of the stored JSON text, remembered by the text itself (exact whatever
    changes: a changed summary is another text); an area's lists read again all day decode
    each child once."""
    found = _DECODED.get(text)
    if found is None:
        if len(_DECODED) >= _DECODED_KEPT:
            _DECODED.clear()
        found = _DECODED[text] = listable(json.loads(text))
    return found


def listed_in_window(
    text: str, *, start: date, end: date, defaulters: bool = False
) -> tuple[DoseStatus, ...]:
    """``doses_in_window`` over ``listable_json(text)``, remembered by the text and the window:
    the same area's list asked again lists each child without looking at a dose."""
    key = (text, start, end, defaulters)
    found = _IN_WINDOW.get(key)
    if found is None:
        if len(_IN_WINDOW) >= _DECODED_KEPT:
            _IN_WINDOW.clear()
        found = _IN_WINDOW[key] = doses_in_window(
            listable_json(text), start=start, end=end, defaulters=defaulters
        )
    return found


_IN_WINDOW: dict[tuple[str, date, date, bool], tuple[DoseStatus, ...]] = {}
_DECODED: dict[str, tuple[DoseStatus, ...]] = {}
_DECODED_KEPT = 50_000  # distinct texts, about 1 KB each with their statuses
_LISTABLE = {s.value: s for s in (Status.DUE, Status.OVERDUE, Status.UPCOMING)}
_DAYS: dict[str, date] = {}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    found = _DAYS.get(text)
    if found is None:
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        found = _DAYS[text] = date.fromisoformat(text)
    return found


def mother_of(
    child: ChildRow, adults: Iterable[ContactRow], recorded: ContactRow | None = None
) -> Contact | None:
    """The child's mother: the one recorded at the delivery (``recorded``), else as the roster
    tells it (relations are to the household head): a son or daughter's mother is the head or
    the head's spouse, whichever is a woman; a grandchild's is a daughter-in-law (else a
    daughter). Without one, the household head is the contact."""
    members = [a for a in adults if a.id != child.id]
    head = _head(members)
    if recorded is not None:
        return Contact(recorded.name, recorded.phone or (head.phone if head else None), True)
    for kind in _MOTHER_KINDS.get(child.relation_to_head, ()):
        women = [m for m in members if m.relation_to_head == kind and m.sex == "female"]
        if women:
            # Several daughters-in-law: the youngest woman old enough is the likeliest mother.
            mother = max(women, key=_born)
            return Contact(mother.name, mother.phone or (head.phone if head else None), True)
    if head is None:
        return None
    return Contact(head.name, head.phone, False)


# Who a child's mother may be, by the child's relation to the household head, in order.
_MOTHER_KINDS: dict[str | None, tuple[str, ...]] = {
    "son": ("head", "spouse"), "daughter": ("head", "spouse"),
    "grandson": ("daughter_in_law", "daughter"), "granddaughter": ("daughter_in_law", "daughter"),
}  # fmt: skip
_born = attrgetter("birth_date")


def mothers_of(
    children: Iterable[ChildRow],
    adults: Mapping[str, list[ContactRow]],
    recorded: Mapping[str, ContactRow],
) -> list[Contact | None]:
    """``mother_of`` each child, with the adults of their household (by household id) and the
    mothers recorded at deliveries (by child id). Judged once per household and kind of child
    (a son or daughter, a grandchild, another): the answer for a child without a recorded
    mother depends only on those two, the child's own row counting only when it is the head
    (the kinds looked for are never the child's own: a son's mother is the head or spouse, a
    grandchild's a daughter or daughter-in-law)."""
    found: list[Contact | None] = []
    known: dict[tuple[str, tuple[str, ...]], Contact | None] = {}
    none: list[ContactRow] = []
    for child in children:
        mother = recorded.get(child.id)
        household = child.household_id or ""
        if mother is not None or child.relation_to_head == "head":
            found.append(mother_of(child, adults.get(household, none), mother))
            continue
        key = (household, _MOTHER_KINDS.get(child.relation_to_head, ()))
        if key in known:
            found.append(known[key])
        else:
            found.append(known.setdefault(key, mother_of(child, adults.get(household, none))))
    return found


def _head(members: Iterable[ContactRow]) -> ContactRow | None:
    return next((m for m in members if m.relation_to_head == "head"), None)


@lru_cache(maxsize=65_536)  # a district's addresses, sorted again by every list of the day
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

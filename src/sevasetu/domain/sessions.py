"""Vaccination sessions and their slots: what a facility or outreach site publishes.

A session is one day at one place (a facility, or an anganwadi, school or village it serves),
cut into slots of equal length. Each slot has a capacity; a share of it is held back for
walk-ins, and only the rest can be booked ahead. A recurring plan ("every Wednesday and
Saturday") is a rule that yields session days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .errors import InvalidInput, Reason, SessionNotOpen

MAX_SLOTS = 96  # a whole day in 15-minute slots
MAX_CAPACITY = 1000
MAX_PLAN_DAYS = 366
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SessionKind(StrEnum):
    ROUTINE = "routine"
    CAMPAIGN = "campaign"


class SessionStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class AgeBand:
    """Who a session is for, by age in whole days on the session day (inclusive bounds).
    ``None`` means no bound. Stored as the text the planner wrote ("45y", "0d", "16y")."""

    minimum: str | None = None
    maximum: str | None = None


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """What a planner asks for; ``plan_session`` checks it and returns the slots."""

    facility_code: str
    day: date
    starts: time
    ends: time
    slot_minutes: int
    capacity_per_slot: int
    offers: tuple[str, ...]  # dose codes of ``schedule``
    schedule: str = "india-uip"
    site: str = ""  # the outreach site, when not at the facility itself
    kind: SessionKind = SessionKind.ROUTINE
    campaign: str = ""
    ages: AgeBand = AgeBand()
    walk_in_percent: int = 20  # held back from online booking

    @property
    def slot_count(self) -> int:
        length = timedelta(minutes=self.slot_minutes)
        span = datetime.combine(self.day, self.ends) - datetime.combine(self.day, self.starts)
        return int(span / length) if span > timedelta(0) else 0

    def slot_starts(self, number: int) -> time:
        """When slot ``number`` (1-based) begins."""
        start = datetime.combine(self.day, self.starts)
        return (start + (number - 1) * timedelta(minutes=self.slot_minutes)).time()


@dataclass(frozen=True, slots=True)
class Slot:
    number: int  # 1-based, in time order
    starts: time
    ends: time
    capacity: int  # all places, walk-ins included
    bookable: int  # places that can be booked ahead


@dataclass(frozen=True, slots=True)
class SlotPlaces:
    """A slot with the places taken so far."""

    slot: Slot
    booked: int  # booked ahead, still active
    walk_ins: int  # taken on the day

    @property
    def free_to_book(self) -> int:
        return max(0, min(self.slot.bookable - self.booked,
                          self.slot.capacity - self.booked - self.walk_ins))  # fmt: skip

    @property
    def free_on_the_day(self) -> int:
        return max(0, self.slot.capacity - self.booked - self.walk_ins)


@dataclass(slots=True)
class Session:
    id: str
    state_code: str
    area_code: str  # the facility's area: where the session is found
    spec: SessionSpec
    status: SessionStatus = SessionStatus.PLANNED
    plan_id: str | None = None
    cancel_reason: str = ""
    created_by: str = ""
    created_at: datetime | None = None
    facility_name: str = ""  # read with the session for its messages; "" when not read

    def open_for_booking(self, today: date) -> None:
        """Raise SessionNotOpen unless the session can still take bookings on ``today``."""
        if self.status is SessionStatus.CANCELLED:
            raise SessionNotOpen("session_id", reason=Reason("it was cancelled"))
        if self.spec.day < today:
            raise SessionNotOpen("session_id", reason=Reason("it is in the past"))


def plan_slots(spec: SessionSpec, today: date) -> list[Slot]:
    """Check a session's plan and cut it into slots. Raises InvalidInput naming the field."""
    if spec.day < today:
        raise InvalidInput("day", reason=Reason("A session cannot be planned in the past."))
    if not spec.offers:
        raise InvalidInput("offers", reason=Reason("A session must offer at least one dose."))
    if not 5 <= spec.slot_minutes <= 480:
        raise InvalidInput(
            "slot_minutes", reason=Reason("A slot lasts between 5 minutes and 8 hours.")
        )
    if not 1 <= spec.capacity_per_slot <= MAX_CAPACITY:
        raise InvalidInput(
            "capacity_per_slot",
            reason=Reason("A slot takes between 1 and {limit} people.", limit=MAX_CAPACITY),
        )
    if not 0 <= spec.walk_in_percent <= 100:
        raise InvalidInput(
            "walk_in_percent", reason=Reason("The walk-in share is a percentage, 0 to 100.")
        )
    count = spec.slot_count
    if count < 1:
        raise InvalidInput(
            "ends", reason=Reason("The session must end at least one slot after it starts.")
        )
    if count > MAX_SLOTS:
        raise InvalidInput(
            "slot_minutes", reason=Reason("A session has at most {limit} slots.", limit=MAX_SLOTS)
        )
    held = math.ceil(spec.capacity_per_slot * spec.walk_in_percent / 100)
    return [
        Slot(
            number=n,
            starts=spec.slot_starts(n),
            ends=spec.slot_starts(n + 1),
            capacity=spec.capacity_per_slot,
            bookable=spec.capacity_per_slot - held,
        )
        for n in range(1, count + 1)
    ]


def plan_days(first: date, last: date, weekdays: tuple[str, ...], today: date) -> list[date]:
    """The days of a recurring plan: every listed weekday from ``first`` to ``last``."""
    unknown = [w for w in weekdays if w not in WEEKDAYS]
    if not weekdays or unknown:
        raise InvalidInput(
            "weekdays",
            reason=Reason("Weekdays are written {names}.", names=", ".join(WEEKDAYS)),
        )
    if first < today:
        raise InvalidInput("first", reason=Reason("A plan cannot start in the past."))
    if last < first or (last - first).days >= MAX_PLAN_DAYS:
        raise InvalidInput(
            "last",
            reason=Reason(
                "A plan ends on or after its first day and lasts at most {limit} days.",
                limit=MAX_PLAN_DAYS,
            ),
        )
    wanted = {WEEKDAYS.index(w) for w in weekdays}
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() in wanted]

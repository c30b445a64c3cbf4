"""Bookings: a place in a session's slot for one person and one dose.

At most one active booking per person and dose. Eligibility is the schedule engine's
judgement on the session day, plus the session's own rules (what it offers, for which ages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .errors import BookingStateConflict, DoseRefused, NotEligible, Reason
from .schedule import Age, Schedule, check_dose
from .sessions import Session


class BookingStatus(StrEnum):
    BOOKED = "booked"
    PENDING_VERIFICATION = "pending_verification"  # waits for a verifier to see a proof
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"  # the dose was recorded
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


ACTIVE = frozenset(
    {BookingStatus.BOOKED, BookingStatus.PENDING_VERIFICATION, BookingStatus.CHECKED_IN}
)

# Which status may follow which; anything else is refused with both named.
_MOVES: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.BOOKED: frozenset(
        {
            BookingStatus.CHECKED_IN,
            BookingStatus.COMPLETED,
            BookingStatus.CANCELLED,
            BookingStatus.NO_SHOW,
        }
    ),  # fmt: skip
    BookingStatus.PENDING_VERIFICATION: frozenset({BookingStatus.BOOKED, BookingStatus.CANCELLED}),
    BookingStatus.CHECKED_IN: frozenset({BookingStatus.COMPLETED, BookingStatus.NO_SHOW}),
}


@dataclass(slots=True)
class Booking:
    id: str
    state_code: str
    person_id: str
    session_state: str  # the session's state: a person may book anywhere
    session_id: str
    slot_number: int
    schedule: str
    dose_code: str
    status: BookingStatus
    booked_by: str  # the actor: a citizen's account or a staff user
    created_at: datetime
    updated_at: datetime
    note: str = ""  # why it was cancelled, who checked in, ...
    walk_in: bool = False  # taken on the spot, from the places held back

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def move(self, to: BookingStatus, at: datetime, note: str = "") -> None:
        if to not in _MOVES.get(self.status, frozenset()):
            raise BookingStateConflict("status", current=self.status.value, wanted=to.value)
        self.status = to
        self.updated_at = at
        if note:
            self.note = note

    def reschedule(self, session_state: str, session_id: str, slot_number: int,
                   at: datetime) -> None:  # fmt: skip
        if self.status is not BookingStatus.BOOKED:
            raise BookingStateConflict("status", current=self.status.value, wanted="rescheduled")
        self.session_state, self.session_id, self.slot_number = (
            session_state, session_id, slot_number)  # fmt: skip
        self.updated_at = at


def check_eligible(
    session: Session,
    schedule: Schedule,
    *,
    dose_code: str,
    birth: date,
    given: Mapping[str, date],
    flags: frozenset[str] = frozenset(),
    products: Mapping[str, str] | None = None,
) -> None:
    """May this person take ``dose_code`` at this session? Raises NotEligible with the reason:
    not offered here, outside the session's age band, or the schedule's own refusal (too young,
    interval not met, already given, past the age for it)."""
    spec = session.spec
    day = spec.day
    if dose_code not in spec.offers:
        raise NotEligible(
            "dose_code", code=dose_code, reason=Reason("this session does not offer it")
        )
    if spec.ages.minimum and day < Age.parse(spec.ages.minimum).after(birth):
        raise NotEligible("person_id", code=dose_code, reason=Reason(
            "the session is for people aged {age} and over", age=spec.ages.minimum))  # fmt: skip
    if spec.ages.maximum and day >= Age.parse(spec.ages.maximum).after(birth):
        raise NotEligible("person_id", code=dose_code, reason=Reason(
            "the session is for people younger than {age}", age=spec.ages.maximum))  # fmt: skip
    try:
        check_dose(schedule, dose_code, birth=birth, on=day, given=given, flags=flags,
                   products=products)  # fmt: skip
    except DoseRefused as refused:
        raise NotEligible("dose_code", code=dose_code, reason=refused.params["reason"]) from None

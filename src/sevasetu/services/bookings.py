"""Booking a place at a session for oneself or one's family: never beyond capacity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, require, require_area
from ..domain.bookings import Booking, BookingStatus, check_eligible
from ..domain.errors import NotEligible, NotFound, Reason, SessionNotOpen
from ..domain.notifications import Kind
from ..domain.people import Person
from ..domain.proofs import ClaimedDose, history_with_claim
from ..domain.sessions import Session, SlotPlaces
from .audit import audit_denials, record
from .notifications import booking_params, enqueue, recipient_for
from .people import readable_person
from .ports import Context, UnitOfWork


def _open_session(ctx: Context, uow: UnitOfWork, session_id: str, slot_number: int) -> Session:
    session: Session | None = uow.sessions.get(session_id, shared=True)
    if session is None:
        raise NotFound("session_id", what="session", id=session_id)
    session.open_for_booking(ctx.today())
    if not 1 <= slot_number <= session.spec.slot_count:
        raise NotFound("slot_number", what="slot", id=str(slot_number))
    return session


def check_booking(
    ctx: Context, uow: UnitOfWork, session: Session, person: Person, code: str
) -> None:
    """NotEligible unless the person may take ``code`` at this session (its offer, its age
    band, and the schedule engine on the session day with the person's history)."""
    schedule = load_schedule(session.spec.schedule)
    schedule.dose(code)
    history = uow.vaccinations.history(person.state_code, person.id, schedule.name)
    products = None
    if schedule.campaign is not None:  # dose 2's interval follows dose 1's vaccine
        key = (person.state_code, person.id)
        products = uow.vaccinations.products([key], schedule.name).get(key, {})
    check_eligible(session, schedule, dose_code=code, birth=person.birth_date, given=history,
                   flags=ctx.area_tree().flags(person.area_code), products=products)  # fmt: skip


def _new_booking(
    ctx: Context,
    principal: Principal,
    person: Person,
    session: Session,
    slot_number: int,
    code: str,
    *,
    walk_in: bool = False,
) -> Booking:
    """A walk-in is in the room already: checked in from the start."""
    now = ctx.now()
    return Booking(
        id=ctx.new_id(), state_code=person.state_code, person_id=person.id,
        session_state=session.state_code, session_id=session.id, slot_number=slot_number,
        schedule=session.spec.schedule, dose_code=code,
        status=BookingStatus.CHECKED_IN if walk_in else BookingStatus.BOOKED,
        booked_by=principal.actor, created_at=now, updated_at=now, walk_in=walk_in,
    )  # fmt: skip


@audit_denials
def book(
    ctx: Context,
    principal: Principal,
    *,
    person_id: str,
    session_id: str,
    slot_number: int,
    dose_code: str,
) -> Booking:
    """A place for the person in the slot. The caller may book for whoever they may read: a
    citizen for their family, staff for people of their area. Refusals: the session is
    cancelled or past (422), not eligible (422), slot full (409), already booked (409)."""
    code = dose_code.strip().upper()
    with ctx.uow(write=True) as uow:
        person = readable_person(ctx, uow, principal, person_id)
        session = _open_session(ctx, uow, session_id, slot_number)
        check_booking(ctx, uow, session, person, code)
        booking = _new_booking(ctx, principal, person, session, slot_number, code)
        uow.sessions.take_place(session.state_code, session.id, slot_number)  # or SlotFull
        uow.sessions.add_booking(booking)
        enqueue(
            ctx,
            uow,
            kind=Kind.BOOKING_CONFIRMED,
            recipient=recipient_for(uow, principal.actor, person),
            state_code=person.state_code,
            dedupe_key=f"confirmed:{booking.id}",
            params=booking_params(uow, person, session, booking),
            person_id=person.id,
        )
        record(ctx, uow, actor=principal, action="booking.create", subject_type="person",
               subject_id=person.id, state_code=person.state_code, booking=booking.id,
               session=session.id, slot=slot_number, dose=code)  # fmt: skip
        uow.commit()
    return booking


def hold_pending(
    ctx: Context,
    uow: UnitOfWork,
    principal: Principal,
    person: Person,
    *,
    session_id: str,
    slot_number: int,
    dose_code: str,
    claim: ClaimedDose,
) -> tuple[Booking, Session]:
    """Inside the caller's write unit: a booking waiting for a verifier (the proof of an
    earlier dose, ``services.proofs``). It takes its place now so the place is kept; the dose
    must be eligible on the session day with the claimed earlier dose counted."""
    session = _open_session(ctx, uow, session_id, slot_number)
    schedule = load_schedule(session.spec.schedule)
    schedule.dose(dose_code)
    flags = ctx.area_tree().flags(person.area_code)
    history = uow.vaccinations.history(person.state_code, person.id, schedule.name)
    given = history_with_claim(schedule, claim, booked_code=dose_code, birth=person.birth_date,
                               given=history, today=ctx.today(), flags=flags)  # fmt: skip
    check_eligible(session, schedule, dose_code=dose_code, birth=person.birth_date, given=given,
                   flags=flags)  # fmt: skip
    booking = _new_booking(ctx, principal, person, session, slot_number, dose_code)
    booking.status = BookingStatus.PENDING_VERIFICATION
    uow.sessions.take_place(session.state_code, session.id, slot_number)  # or SlotFull
    uow.sessions.add_booking(booking)
    return booking, session


def _own_booking(ctx: Context, uow: UnitOfWork, principal: Principal, booking_id: str) -> Booking:
    booking: Booking | None = uow.sessions.booking(booking_id)
    if booking is None:
        raise NotFound("booking_id", what="booking", id=booking_id)
    readable_person(ctx, uow, principal, booking.person_id)  # the same rule as booking it
    return booking


@audit_denials
def cancel(ctx: Context, principal: Principal, booking_id: str, reason: str = "") -> Booking:
    with ctx.uow(write=True) as uow:
        booking = _own_booking(ctx, uow, principal, booking_id)
        booking.move(BookingStatus.CANCELLED, ctx.now(), reason.strip()[:300])
        uow.sessions.save_booking(booking)
        uow.sessions.give_back_place(booking)
        record(ctx, uow, actor=principal, action="booking.cancel", subject_type="person",
               subject_id=booking.person_id, state_code=booking.state_code,
               booking=booking.id)  # fmt: skip
        uow.commit()
    return booking


@audit_denials
def reschedule(
    ctx: Context, principal: Principal, booking_id: str, *, session_id: str, slot_number: int
) -> Booking:
    """Move a booking to another slot, of this or another session, in one transaction."""
    with ctx.uow(write=True) as uow:
        booking = _own_booking(ctx, uow, principal, booking_id)
        person = readable_person(ctx, uow, principal, booking.person_id)
        target = _open_session(ctx, uow, session_id, slot_number)
        if target.spec.schedule != booking.schedule:
            raise NotEligible("session_id", code=booking.dose_code,
                              reason=Reason("this session does not offer it"))  # fmt: skip
        check_booking(ctx, uow, target, person, booking.dose_code)
        old = (booking.session_id, booking.slot_number)
        uow.sessions.take_place(target.state_code, target.id, slot_number)
        uow.sessions.give_back_place(booking)  # the new place first: a full target moves nothing
        booking.reschedule(target.state_code, target.id, slot_number, ctx.now())
        uow.sessions.save_booking(booking)
        record(ctx, uow, actor=principal, action="booking.reschedule", subject_type="person",
               subject_id=booking.person_id, state_code=booking.state_code,
               booking=booking.id, moved_from=f"{old[0]}#{old[1]}",
               moved_to=f"{target.id}#{slot_number}")  # fmt: skip
        uow.commit()
    return booking


def bookings_of(ctx: Context, principal: Principal, person_ids: list[str]) -> list[Booking]:
    """The bookings of people the caller may read (a citizen: their family)."""
    with ctx.uow() as uow:
        people = [readable_person(ctx, uow, principal, pid) for pid in person_ids]
        return list(uow.sessions.bookings_of_people([(p.state_code, p.id) for p in people]))


# --- at the session: the vaccinator's day ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayEntry:
    booking: Booking
    person: dict[str, Any]  # name, name_latin, sex, birth_date, phone, area_code


def _at_session(ctx: Context, uow: UnitOfWork, principal: Principal, session_id: str) -> Session:
    """The session, if the caller vaccinates in its area."""
    require(principal, Action.VACCINATION_RECORD)
    session: Session | None = uow.sessions.get(session_id, shared=True)
    if session is None:
        raise NotFound("session_id", what="session", id=session_id)
    require_area(principal, ctx.area_tree().get(session.area_code))
    return session


def day_view(
    ctx: Context, principal: Principal, session_id: str
) -> tuple[Session, list[SlotPlaces], list[DayEntry]]:
    """Everyone booked or taken in at the session, by slot, for the vaccinator."""
    with ctx.uow() as uow:
        session = _at_session(ctx, uow, principal, session_id)
        entries = [DayEntry(b, p) for b, p in uow.sessions.day(session.state_code, session.id)]
        return session, uow.sessions.slots(session.state_code, session.id), entries


def _move_at_session(
    ctx: Context, principal: Principal, booking_id: str, to: BookingStatus, action: str
) -> Booking:
    with ctx.uow(write=True) as uow:
        booking: Booking | None = uow.sessions.booking(booking_id)
        if booking is None:
            raise NotFound("booking_id", what="booking", id=booking_id)
        _at_session(ctx, uow, principal, booking.session_id)
        booking.move(to, ctx.now())
        uow.sessions.save_booking(booking)
        if to is BookingStatus.NO_SHOW:
            uow.sessions.give_back_place(booking)  # a walk-in may have it
        record(ctx, uow, actor=principal, action=action, subject_type="person",
               subject_id=booking.person_id, state_code=booking.state_code,
               booking=booking.id)  # fmt: skip
        uow.commit()
    return booking


def check_in(ctx: Context, principal: Principal, booking_id: str) -> Booking:
    return _move_at_session(ctx, principal, booking_id, BookingStatus.CHECKED_IN,
                            "booking.check_in")  # fmt: skip


def no_show(ctx: Context, principal: Principal, booking_id: str) -> Booking:
    return _move_at_session(ctx, principal, booking_id, BookingStatus.NO_SHOW,
                            "booking.no_show")  # fmt: skip


@audit_denials
def walk_in(
    ctx: Context,
    principal: Principal,
    session_id: str,
    *,
    person_id: str,
    dose_code: str,
    slot_number: int | None = None,
) -> Booking:
    """Take someone in on the day, from the places held back (or left unbooked): in the slot
    asked for, or the first one with room. Anyone registered, from anywhere, may walk in."""
    code = dose_code.strip().upper()
    with ctx.uow(write=True) as uow:
        session = _at_session(ctx, uow, principal, session_id)
        session.open_for_booking(ctx.today())
        if session.spec.day != ctx.today():
            raise SessionNotOpen("session_id", reason=Reason("walk-ins are taken on its day"))
        person = readable_person(ctx, uow, principal, person_id, vaccinating=True)
        check_booking(ctx, uow, session, person, code)
        places = uow.sessions.slots(session.state_code, session.id)
        if slot_number is None:
            slot_number = next((p.slot.number for p in places if p.free_on_the_day > 0),
                               places[-1].slot.number)  # fmt: skip
        elif not any(p.slot.number == slot_number for p in places):
            raise NotFound("slot_number", what="slot", id=str(slot_number))
        uow.sessions.take_place(session.state_code, session.id, slot_number, walk_in=True)
        booking = _new_booking(ctx, principal, person, session, slot_number, code,
                               walk_in=True)  # fmt: skip
        uow.sessions.add_booking(booking)
        record(ctx, uow, actor=principal, action="booking.walk_in", subject_type="person",
               subject_id=person.id, state_code=person.state_code, booking=booking.id,
               session=session.id, dose=code)  # fmt: skip
        uow.commit()
    return booking

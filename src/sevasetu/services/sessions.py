"""Planning vaccination sessions and finding free slots near a place."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, can, require, require_area
from ..domain.areas import AreaLevel
from ..domain.bookings import ACTIVE, BookingStatus
from ..domain.errors import (
    Forbidden,
    InvalidInput,
    NotEligible,
    NotFound,
    Reason,
    UnknownFacility,
)
from ..domain.notifications import Kind
from ..domain.sessions import (
    Session,
    SessionSpec,
    SessionStatus,
    SlotPlaces,
    plan_days,
    plan_slots,
)
from .audit import record
from .bookings import check_booking
from .notifications import booking_params, enqueue, recipient_for
from .ports import Context, UnitOfWork
from .stock import check_session_stock

# "Near" a village or ward means anywhere in its block (upazila in Bangladesh).
_NEAR_LEVELS = frozenset({AreaLevel.BLOCK, AreaLevel.UPAZILA})


@dataclass(frozen=True, slots=True)
class SessionView:
    session: Session
    slots: list[SlotPlaces]

    @property
    def free(self) -> int:
        return sum(s.free_to_book for s in self.slots)


def _checked_spec(
    ctx: Context, uow: UnitOfWork, principal: Principal, spec: SessionSpec, days: list[date]
) -> str:
    """The facility's area, once the caller may plan there, the doses exist and the facility
    has usable stock of each on every day (no session offers a vaccine it cannot give)."""
    require(principal, Action.SESSION_PLAN)
    facility = next(iter(uow.areas.facilities_by_code([spec.facility_code])), None)
    if facility is None:
        raise UnknownFacility("facility_code", facility_code=spec.facility_code)
    require_area(principal, ctx.area_tree().get(facility.area_code))
    schedule = load_schedule(spec.schedule)
    for code in spec.offers:
        schedule.dose(code)
    check_session_stock(uow, facility, spec.offers, days)
    return str(facility.area_code)


def plan_session(ctx: Context, principal: Principal, spec: SessionSpec) -> SessionView:
    spec = replace(spec, offers=tuple(dict.fromkeys(c.strip().upper() for c in spec.offers)))
    slots = plan_slots(spec, ctx.today())
    with ctx.uow(write=True) as uow:
        area_code = _checked_spec(ctx, uow, principal, spec, [spec.day])
        session = _new_session(ctx, principal, spec, area_code, plan_id=None)
        uow.sessions.add(session, slots)
        record(ctx, uow, actor=principal, action="session.plan", subject_type="session",
               subject_id=session.id, state_code=session.state_code,
               facility=spec.facility_code, day=spec.day.isoformat())  # fmt: skip
        uow.commit()
    return SessionView(session, [SlotPlaces(s, 0, 0) for s in slots])


def plan_recurring(
    ctx: Context,
    principal: Principal,
    spec: SessionSpec,
    *,
    last: date,
    weekdays: tuple[str, ...],
) -> list[SessionView]:
    """Sessions on every listed weekday from ``spec.day`` to ``last``, all or none."""
    spec = replace(spec, offers=tuple(dict.fromkeys(c.strip().upper() for c in spec.offers)))
    days = plan_days(spec.day, last, tuple(w.strip().lower()[:3] for w in weekdays), ctx.today())
    if not days:
        raise InvalidInput("weekdays", reason=Reason("None of these weekdays falls in the plan."))
    plan_id = ctx.new_id()
    views = []
    with ctx.uow(write=True) as uow:
        area_code = _checked_spec(ctx, uow, principal, spec, days)
        for day in days:
            daily = replace(spec, day=day)
            slots = plan_slots(daily, ctx.today())
            session = _new_session(ctx, principal, daily, area_code, plan_id=plan_id)
            uow.sessions.add(session, slots)
            views.append(SessionView(session, [SlotPlaces(s, 0, 0) for s in slots]))
        record(ctx, uow, actor=principal, action="session.plan", subject_type="session_plan",
               subject_id=plan_id, state_code=views[0].session.state_code,
               facility=spec.facility_code, first=days[0].isoformat(),
               last=days[-1].isoformat(), sessions=len(days))  # fmt: skip
        uow.commit()
    return views


def _new_session(
    ctx: Context, principal: Principal, spec: SessionSpec, area_code: str, plan_id: str | None
) -> Session:
    return Session(
        id=ctx.new_id(), state_code=ctx.area_tree().get(area_code).state_code,
        area_code=area_code, spec=spec, plan_id=plan_id, created_by=principal.actor,
        created_at=ctx.now(),
    )  # fmt: skip


def get_session(ctx: Context, session_id: str) -> SessionView:
    """Anyone may see a published session and its free places (citizens choose from them)."""
    with ctx.uow() as uow:
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session_id", what="session", id=session_id)
        return SessionView(session, uow.sessions.slots(session.state_code, session.id))


def cancel_session(ctx: Context, principal: Principal, session_id: str, reason: str) -> int:
    """Cancel a session and every active booking in it; returns how many were cancelled."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", reason=Reason("Say why the session is cancelled."))
    with ctx.uow(write=True) as uow:
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session_id", what="session", id=session_id)
        require(principal, Action.SESSION_PLAN)
        require_area(principal, ctx.area_tree().get(session.area_code))
        session.open_for_booking(ctx.today())  # neither cancelled already nor past
        session.status, session.cancel_reason = SessionStatus.CANCELLED, reason
        uow.sessions.save_status(session)
        cancelled = 0
        for booking in uow.sessions.bookings_of_session(session.state_code, session.id):
            if booking.status in ACTIVE:
                booking.move(BookingStatus.CANCELLED, ctx.now(), f"session cancelled: {reason}")
                uow.sessions.save_booking(booking)
                uow.sessions.give_back_place(booking)
                person = uow.people.get(booking.person_id)
                enqueue(ctx, uow, kind=Kind.SESSION_CANCELLED,
                        recipient=recipient_for(uow, booking.booked_by, person),
                        state_code=booking.state_code, dedupe_key=f"cancelled:{booking.id}",
                        params=booking_params(uow, person, session, booking, reason=reason),
                        person_id=person.id)  # fmt: skip
                cancelled += 1
        record(ctx, uow, actor=principal, action="session.cancel", subject_type="session",
               subject_id=session.id, state_code=session.state_code, reason=reason,
               bookings_cancelled=cancelled)  # fmt: skip
        uow.commit()
    return cancelled


def move_session(
    ctx: Context,
    principal: Principal,
    session_id: str,
    *,
    day: date,
    starts: time | None = None,
    reason: str,
) -> tuple[int, int]:
    """Move a session to another day (and start time), slots and places unchanged. Each booked
    person is told; a booking whose person is not eligible on the new day (too early for the
    dose) is cancelled and its person told why. Returns (moved, cancelled)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", reason=Reason("Say why the session is moved."))
    with ctx.uow(write=True) as uow:
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session_id", what="session", id=session_id)
        require(principal, Action.SESSION_PLAN)
        require_area(principal, ctx.area_tree().get(session.area_code))
        session.open_for_booking(ctx.today())  # neither cancelled nor past
        old = session.spec
        start = starts or old.starts
        length = datetime.combine(old.day, old.ends) - datetime.combine(old.day, old.starts)
        spec = replace(old, day=day, starts=start,
                       ends=(datetime.combine(day, start) + length).time())  # fmt: skip
        if spec.ends <= spec.starts:
            raise InvalidInput("starts", reason=Reason("The session must end on the same day."))
        slots = plan_slots(spec, ctx.today())
        _checked_spec(ctx, uow, principal, spec, [day])
        session.spec = spec
        uow.sessions.move(session, slots)
        moved = cancelled = 0
        for booking in uow.sessions.bookings_of_session(session.state_code, session.id):
            if booking.status not in ACTIVE:
                continue
            person = uow.people.get(booking.person_id)
            recipient = recipient_for(uow, booking.booked_by, person)
            try:
                check_booking(ctx, uow, session, person, booking.dose_code)
            except NotEligible as refusal:
                booking.move(BookingStatus.CANCELLED, ctx.now(),
                             f"session moved to {day}: {refusal.message()}"[:300])  # fmt: skip
                uow.sessions.save_booking(booking)
                uow.sessions.give_back_place(booking)
                enqueue(ctx, uow, kind=Kind.SESSION_CANCELLED, recipient=recipient,
                        state_code=booking.state_code,
                        dedupe_key=f"moved-cancelled:{booking.id}:{day}",
                        params=booking_params(uow, person, session, booking,
                                              reason=refusal.message()),
                        person_id=person.id)  # fmt: skip
                cancelled += 1
                continue
            enqueue(ctx, uow, kind=Kind.SESSION_MOVED, recipient=recipient,
                    state_code=booking.state_code, dedupe_key=f"moved:{booking.id}:{day}",
                    params=booking_params(uow, person, session, booking, reason=reason),
                    person_id=person.id)  # fmt: skip
            moved += 1
        record(ctx, uow, actor=principal, action="session.move", subject_type="session",
               subject_id=session.id, state_code=session.state_code, reason=reason,
               moved_from=f"{old.day} {old.starts}", moved_to=f"{day} {start}",
               bookings_moved=moved, bookings_cancelled=cancelled)  # fmt: skip
        uow.commit()
    return moved, cancelled


MAX_LISTED_DAYS = 92


def sessions_in(
    ctx: Context, principal: Principal, area_code: str, first: date, last: date
) -> list[SessionView]:
    """The sessions of an area from ``first`` to ``last`` with their places, for those who plan
    or run them there (cancelled ones included, so that a planner sees why)."""
    if not (can(principal, Action.SESSION_PLAN) or can(principal, Action.VACCINATION_RECORD)):
        raise Forbidden(action=Action.SESSION_PLAN.value)
    tree = ctx.area_tree()
    require_area(principal, tree.get(area_code))
    if last < first or (last - first).days > MAX_LISTED_DAYS:
        raise InvalidInput("last", reason=Reason(
            "List at most {limit} days of sessions at a time.", limit=MAX_LISTED_DAYS))  # fmt: skip
    codes = [a.code for a in tree.within(area_code)]
    with ctx.uow() as uow:
        sessions = uow.sessions.in_areas(codes, first, last)
        return [SessionView(s, uow.sessions.slots(s.state_code, s.id)) for s in sessions]


def find_slots(
    ctx: Context, area_code: str, day: date, dose_code: str | None = None
) -> list[SessionView]:
    """Sessions with free places on ``day`` near an area: inside it, or, for a village or
    ward, anywhere in its block. Only what can still be booked is listed."""
    tree = ctx.area_tree()
    area = tree.get(area_code, "area")
    near = next((tree.get(c) for c in reversed(area.path) if tree.get(c).level in _NEAR_LEVELS),
                area) if area.level in (AreaLevel.VILLAGE, AreaLevel.WARD,
                                        AreaLevel.UNION) else area  # fmt: skip
    codes = [a.code for a in tree.within(near.code)]
    code = dose_code.strip().upper() if dose_code else None
    with ctx.uow() as uow:
        sessions = uow.sessions.find(codes, day, code)
        views = [SessionView(s, uow.sessions.slots(s.state_code, s.id)) for s in sessions]
    return [v for v in views if v.free > 0]

"""Sessions, free slots and bookings."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ....domain.bookings import Booking
from ....domain.sessions import AgeBand, SessionKind, SessionSpec
from ....services import bookings as booking_svc
from ....services import sessions as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["sessions and bookings"])


class SessionCreate(Strict):
    facility_code: str = Field(max_length=40)
    day: date
    starts: time = Field(examples=["09:00"])
    ends: time = Field(examples=["13:00"])
    slot_minutes: int = Field(default=30, examples=[30])
    capacity_per_slot: int = Field(examples=[20])
    offers: list[str] = Field(max_length=60, examples=[["PENTA1", "OPV1", "RVV1"]])
    schedule: str = Field(default="india-uip", max_length=40)
    site: str = Field(default="", max_length=120, description="outreach site, if not the facility")
    kind: SessionKind = SessionKind.ROUTINE
    campaign: str = Field(default="", max_length=60)
    min_age: str | None = Field(default=None, max_length=8, examples=["45y"])
    max_age: str | None = Field(default=None, max_length=8, examples=["16y"])
    walk_in_percent: int = Field(default=20, description="share of each slot kept for walk-ins")

    def spec(self) -> SessionSpec:
        return SessionSpec(
            facility_code=self.facility_code, day=self.day, starts=self.starts, ends=self.ends,
            slot_minutes=self.slot_minutes, capacity_per_slot=self.capacity_per_slot,
            offers=tuple(self.offers), schedule=self.schedule, site=self.site, kind=self.kind,
            campaign=self.campaign, ages=AgeBand(self.min_age, self.max_age),
            walk_in_percent=self.walk_in_percent,
        )  # fmt: skip


class PlanCreate(SessionCreate):
    last_day: date
    weekdays: list[str] = Field(min_length=1, max_length=7, examples=[["wed", "sat"]])


class SlotPublic(BaseModel):
    number: int
    starts: time
    ends: time
    capacity: int
    bookable: int
    booked: int
    walk_ins: int
    free: int


class SessionPublic(BaseModel):
    id: str
    state_code: str
    area_code: str
    facility_code: str
    site: str
    day: date
    starts: time
    ends: time
    kind: str
    campaign: str
    schedule: str
    offers: list[str]
    min_age: str | None
    max_age: str | None
    status: str
    cancel_reason: str
    plan_id: str | None
    free: int
    slots: list[SlotPublic]

    @classmethod
    def of(cls, view: svc.SessionView) -> SessionPublic:
        s, spec = view.session, view.session.spec
        return cls(
            id=s.id, state_code=s.state_code, area_code=s.area_code,
            facility_code=spec.facility_code, site=spec.site, day=spec.day, starts=spec.starts,
            ends=spec.ends, kind=spec.kind.value, campaign=spec.campaign, schedule=spec.schedule,
            offers=list(spec.offers), min_age=spec.ages.minimum, max_age=spec.ages.maximum,
            status=s.status.value, cancel_reason=s.cancel_reason, plan_id=s.plan_id,
            free=view.free,
            slots=[SlotPublic(number=p.slot.number, starts=p.slot.starts, ends=p.slot.ends,
                              capacity=p.slot.capacity, bookable=p.slot.bookable,
                              booked=p.booked, walk_ins=p.walk_ins, free=p.free_to_book)
                   for p in view.slots],
        )  # fmt: skip


class MoveBody(Strict):
    day: date
    starts: time | None = Field(default=None, description="default: the same start time")
    reason: str = Field(min_length=1, max_length=300)


class CancelBody(Strict):
    reason: str = Field(min_length=1, max_length=300)


class BookingCreate(Strict):
    person_id: str = Field(max_length=36)
    session_id: str = Field(max_length=36)
    slot_number: int = Field(ge=1, le=1000)
    dose_code: str = Field(max_length=12, examples=["PENTA1"])


class RescheduleBody(Strict):
    session_id: str = Field(max_length=36)
    slot_number: int = Field(ge=1, le=1000)


class BookingPublic(BaseModel):
    id: str
    person_id: str
    session_id: str
    slot_number: int
    schedule: str
    dose_code: str
    status: str
    walk_in: bool
    note: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, b: Booking) -> BookingPublic:
        return cls(
            id=b.id, person_id=b.person_id, session_id=b.session_id, slot_number=b.slot_number,
            schedule=b.schedule, dose_code=b.dose_code, status=b.status.value,
            walk_in=b.walk_in, note=b.note,
            created_at=b.created_at, updated_at=b.updated_at,
        )  # fmt: skip


@router.post("/sessions", status_code=201, response_model=SessionPublic,
             summary="Publish a session at a facility or outreach site")  # fmt: skip
def plan(body: SessionCreate, ctx: CtxDep, principal: CurrentPrincipal) -> SessionPublic:
    return SessionPublic.of(svc.plan_session(ctx, principal, body.spec()))


@router.post("/session-plans", status_code=201, response_model=list[SessionPublic],
             summary="Publish recurring sessions, e.g. every Wednesday and Saturday")  # fmt: skip
def plan_recurring(
    body: PlanCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> list[SessionPublic]:
    views = svc.plan_recurring(ctx, principal, body.spec(), last=body.last_day,
                               weekdays=tuple(body.weekdays))  # fmt: skip
    return [SessionPublic.of(v) for v in views]


@router.get("/sessions/{session_id}", response_model=SessionPublic,
            summary="A session with its slots and free places")  # fmt: skip
def read(session_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> SessionPublic:
    return SessionPublic.of(svc.get_session(ctx, session_id))


@router.post("/sessions/{session_id}/cancel", response_model=SessionPublic,
             summary="Cancel a session and its bookings")  # fmt: skip
def cancel(
    session_id: str, body: CancelBody, ctx: CtxDep, principal: CurrentPrincipal
) -> SessionPublic:
    svc.cancel_session(ctx, principal, session_id, body.reason)
    return SessionPublic.of(svc.get_session(ctx, session_id))


@router.post("/sessions/{session_id}/move", response_model=SessionPublic,
             summary="Move a session to another day; its bookings follow and are told")  # fmt: skip
def move(
    session_id: str, body: MoveBody, ctx: CtxDep, principal: CurrentPrincipal
) -> SessionPublic:
    svc.move_session(ctx, principal, session_id, day=body.day, starts=body.starts,
                     reason=body.reason)  # fmt: skip
    return SessionPublic.of(svc.get_session(ctx, session_id))


@router.get("/slots", response_model=list[SessionPublic],
            summary="Sessions with free places on a day near an area")  # fmt: skip
def slots(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: Annotated[str, Query(max_length=40)],
    date: Annotated[date, Query()],  # noqa: A002 - the public parameter name
    dose: Annotated[str | None, Query(max_length=12)] = None,
) -> list[SessionPublic]:
    return [SessionPublic.of(v) for v in svc.find_slots(ctx, area, date, dose)]


_BOOKING_REFUSALS: dict[int | str, dict[str, Any]] = {
    409: {"description": "slot full, or already booked"},
    422: {"description": "not eligible, or the session is not open"},
}


@router.post("/bookings", status_code=201, response_model=BookingPublic,
             summary="Book a place for yourself or a family member",
             responses=_BOOKING_REFUSALS)  # fmt: skip
def book(body: BookingCreate, ctx: CtxDep, principal: CurrentPrincipal) -> BookingPublic:
    return BookingPublic.of(booking_svc.book(ctx, principal, **body.model_dump()))


@router.get("/bookings", response_model=list[BookingPublic],
            summary="Bookings of people you may read")  # fmt: skip
def list_bookings(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    person_id: Annotated[list[str], Query(max_length=20)],
) -> list[BookingPublic]:
    return [BookingPublic.of(b) for b in booking_svc.bookings_of(ctx, principal, person_id)]


@router.post("/bookings/{booking_id}/cancel", response_model=BookingPublic,
             summary="Cancel a booking; its place is free again")  # fmt: skip
def cancel_booking(
    booking_id: str, body: CancelBody, ctx: CtxDep, principal: CurrentPrincipal
) -> BookingPublic:
    return BookingPublic.of(booking_svc.cancel(ctx, principal, booking_id, body.reason))


@router.post("/bookings/{booking_id}/reschedule", response_model=BookingPublic,
             summary="Move a booking to another slot")  # fmt: skip
def reschedule(
    booking_id: str, body: RescheduleBody, ctx: CtxDep, principal: CurrentPrincipal
) -> BookingPublic:
    return BookingPublic.of(
        booking_svc.reschedule(
            ctx, principal, booking_id, session_id=body.session_id, slot_number=body.slot_number
        )  # fmt: skip
    )


# --- at the session -------------------------------------------------------------------------


class DayEntryPublic(BaseModel):
    booking: BookingPublic
    name: str
    name_latin: str
    sex: str
    birth_date: date
    phone: str | None
    area_code: str


class DayPublic(BaseModel):
    session: SessionPublic
    entries: list[DayEntryPublic]
    counts: dict[str, int]


class WalkInCreate(Strict):
    person_id: str = Field(max_length=36)
    dose_code: str = Field(max_length=12)
    slot_number: int | None = Field(default=None, ge=1, le=1000)


@router.get("/sessions/{session_id}/day", response_model=DayPublic,
            summary="The vaccinator's day: who is booked, checked in, done")  # fmt: skip
def day(session_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> DayPublic:
    session, places, entries = booking_svc.day_view(ctx, principal, session_id)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.booking.status.value] = counts.get(e.booking.status.value, 0) + 1
    return DayPublic(
        session=SessionPublic.of(svc.SessionView(session, places)),
        entries=[DayEntryPublic(booking=BookingPublic.of(e.booking), **e.person)
                 for e in entries],
        counts=counts,
    )  # fmt: skip


@router.post("/sessions/{session_id}/walk-ins", status_code=201, response_model=BookingPublic,
             summary="Take someone in on the day")  # fmt: skip
def walk_in(
    session_id: str, body: WalkInCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> BookingPublic:
    return BookingPublic.of(booking_svc.walk_in(ctx, principal, session_id, **body.model_dump()))


@router.post("/bookings/{booking_id}/check-in", response_model=BookingPublic,
             summary="The person has arrived")  # fmt: skip
def check_in(booking_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> BookingPublic:
    return BookingPublic.of(booking_svc.check_in(ctx, principal, booking_id))


@router.post("/bookings/{booking_id}/no-show", response_model=BookingPublic,
             summary="The person did not come; the place goes to walk-ins")  # fmt: skip
def no_show(booking_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> BookingPublic:
    return BookingPublic.of(booking_svc.no_show(ctx, principal, booking_id))

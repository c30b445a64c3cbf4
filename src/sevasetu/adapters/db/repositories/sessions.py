"""Sessions, their slots, and bookings: places are taken with a conditional UPDATE."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ....domain.bookings import ACTIVE, Booking, BookingStatus
from ....domain.errors import AlreadyBooked, SlotFull
from ....domain.sessions import (
    AgeBand,
    Session,
    SessionKind,
    SessionSpec,
    SessionStatus,
    Slot,
    SlotPlaces,
)
from ....domain.vaccinations import Vaccination
from ..tables import (
    ACTIVE_BOOKING,
    bookings,
    facilities,
    people,
    session_slots,
    vaccination_sessions,
)
from .base import Repository


def _session_row(s: Session) -> dict[str, Any]:
    spec = s.spec
    return {
        "state_code": s.state_code, "id": s.id, "facility_code": spec.facility_code,
        "area_code": s.area_code, "site": spec.site, "day": spec.day, "starts": spec.starts,
        "ends": spec.ends, "slot_minutes": spec.slot_minutes,
        "capacity_per_slot": spec.capacity_per_slot, "walk_in_percent": spec.walk_in_percent,
        "schedule": spec.schedule, "offers": list(spec.offers), "kind": spec.kind.value,
        "campaign": spec.campaign, "min_age": spec.ages.minimum, "max_age": spec.ages.maximum,
        "status": s.status.value, "plan_id": s.plan_id, "cancel_reason": s.cancel_reason,
        "created_by": s.created_by, "created_at": s.created_at,
    }  # fmt: skip


def _session(row: Any) -> Session:
    m = row._mapping
    spec = SessionSpec(
        facility_code=m["facility_code"], day=m["day"], starts=m["starts"], ends=m["ends"],
        slot_minutes=m["slot_minutes"], capacity_per_slot=m["capacity_per_slot"],
        offers=tuple(m["offers"]), schedule=m["schedule"], site=m["site"],
        kind=SessionKind(m["kind"]), campaign=m["campaign"],
        ages=AgeBand(m["min_age"], m["max_age"]), walk_in_percent=m["walk_in_percent"],
    )  # fmt: skip
    return Session(
        id=m["id"], state_code=m["state_code"], area_code=m["area_code"], spec=spec,
        status=SessionStatus(m["status"]), plan_id=m["plan_id"],
        cancel_reason=m["cancel_reason"], created_by=m["created_by"],
        created_at=m["created_at"], facility_name=m.get("facility_name") or "",
    )  # fmt: skip


def _booking(row: Any) -> Booking:
    return _booking_of(dict(row._mapping))


def _booking_of(m: dict[str, Any]) -> Booking:
    m["status"] = BookingStatus(m["status"])
    return Booking(**m)


# The statements of a booking, built once (``base.Repository``). The session comes with its
# facility's name, the place its messages name.
_GET = (
    select(vaccination_sessions, facilities.c.name.label("facility_name"))
    .outerjoin(facilities, facilities.c.code == vaccination_sessions.c.facility_code)
    .where(vaccination_sessions.c.id == bindparam("session_id"))
)
_GET_LOCKED = _GET.with_for_update(of=vaccination_sessions)
_GET_SHARED = _GET.with_for_update(read=True, of=vaccination_sessions)
_S = session_slots.c
_SLOT = update(session_slots).where(
    _S.state_code == bindparam("k_state"), _S.session_id == bindparam("k_session"),
    _S.number == bindparam("k_number"), _S.booked + _S.walk_ins < _S.capacity,
)  # fmt: skip
_TAKE = _SLOT.where(_S.booked < _S.bookable).values(booked=_S.booked + 1)
_TAKE_WALK_IN = _SLOT.values(walk_ins=_S.walk_ins + 1)
# Keyed by "is PostgreSQL": the partial unique index decides, in each dialect's syntax.
_ADD_BOOKING = {
    postgres: insert(bookings)
    .on_conflict_do_nothing(
        index_elements=["state_code", "person_id", "schedule", "dose_code"],
        index_where=ACTIVE_BOOKING,
    )
    .returning(bookings.c.id)
    for postgres, insert in ((True, pg_insert), (False, sqlite_insert))
}


class SessionRepository(Repository):
    def add(self, session: Session, slots: Iterable[Slot]) -> None:
        self.conn.execute(vaccination_sessions.insert(), [_session_row(session)])
        self.conn.execute(session_slots.insert(), [
            {"state_code": session.state_code, "session_id": session.id, "number": s.number,
             "starts": s.starts, "ends": s.ends, "capacity": s.capacity,
             "bookable": s.bookable, "booked": 0}
            for s in slots
        ])  # fmt: skip

    def get(self, session_id: str, *, shared: bool = False) -> Session | None:
        """In a write unit on PostgreSQL the row is locked: exclusively to change the session,
        ``shared`` to book in it (bookings go side by side; a cancellation waits for them)."""
        query = _GET
        if self.locking:
            query = _GET_SHARED if shared else _GET_LOCKED
        row = self.conn.execute(query, {"session_id": session_id}).first()
        return _session(row) if row else None

    def save_status(self, session: Session) -> None:
        self.conn.execute(
            update(vaccination_sessions)
            .where(vaccination_sessions.c.state_code == session.state_code,
                   vaccination_sessions.c.id == session.id)
            .values(status=session.status.value, cancel_reason=session.cancel_reason)
        )  # fmt: skip

    def move(self, session: Session, slots: Iterable[Slot]) -> None:
        """The session's new day and times; its slots keep their numbers, places and counts."""
        spec = session.spec
        self.conn.execute(
            update(vaccination_sessions)
            .where(vaccination_sessions.c.state_code == session.state_code,
                   vaccination_sessions.c.id == session.id)
            .values(day=spec.day, starts=spec.starts, ends=spec.ends)
        )  # fmt: skip
        for slot in slots:
            self.conn.execute(
                update(session_slots)
                .where(session_slots.c.state_code == session.state_code,
                       session_slots.c.session_id == session.id,
                       session_slots.c.number == slot.number)
                .values(starts=slot.starts, ends=slot.ends)
            )  # fmt: skip

    def slots(self, state_code: str, session_id: str) -> list[SlotPlaces]:
        """Each slot with the places booked ahead and the walk-ins taken."""
        rows = self.conn.execute(
            select(session_slots)
            .where(session_slots.c.state_code == state_code,
                   session_slots.c.session_id == session_id)
            .order_by(session_slots.c.number)
        )  # fmt: skip
        return [
            SlotPlaces(Slot(r.number, r.starts, r.ends, r.capacity, r.bookable), r.booked,
                       r.walk_ins)
            for r in rows
        ]  # fmt: skip

    def find(self, area_codes: list[str], day: date, dose_code: str | None) -> list[Session]:
        """Planned sessions on ``day`` in any of these areas, with free places; a dose filter
        is applied here (JSON lists are not portably queryable)."""
        free = (
            select(session_slots.c.session_id)
            .where(
                session_slots.c.booked < session_slots.c.bookable,
                session_slots.c.booked + session_slots.c.walk_ins < session_slots.c.capacity,
            )
            .where(session_slots.c.state_code == vaccination_sessions.c.state_code)
            .where(session_slots.c.session_id == vaccination_sessions.c.id)
            .exists()
        )
        rows = self.conn.execute(
            select(vaccination_sessions)
            .where(vaccination_sessions.c.area_code.in_(area_codes),
                   vaccination_sessions.c.day == day,
                   vaccination_sessions.c.status == SessionStatus.PLANNED.value, free)
            .order_by(vaccination_sessions.c.area_code, vaccination_sessions.c.starts)
        )  # fmt: skip
        found = [_session(r) for r in rows]
        return [s for s in found if dose_code is None or dose_code in s.spec.offers]

    def in_areas(self, area_codes: list[str], first: date, last: date) -> list[Session]:
        """Every session, planned or cancelled, from ``first`` to ``last`` in these areas."""
        rows = self.conn.execute(
            select(vaccination_sessions)
            .where(vaccination_sessions.c.area_code.in_(area_codes),
                   vaccination_sessions.c.day >= first, vaccination_sessions.c.day <= last)
            .order_by(vaccination_sessions.c.day, vaccination_sessions.c.starts,
                      vaccination_sessions.c.facility_code)
        )  # fmt: skip
        return [_session(r) for r in rows]

    def on_day(self, day: date) -> list[Session]:
        rows = self.conn.execute(
            select(vaccination_sessions).where(
                vaccination_sessions.c.day == day,
                vaccination_sessions.c.status == SessionStatus.PLANNED.value,
            )
        )
        return [_session(r) for r in rows]

    def take_place(
        self, state_code: str, session_id: str, slot_number: int, *, walk_in: bool = False
    ) -> None:
        """One more place in the slot, or SlotFull. The WHERE clause is the guard: on
        PostgreSQL concurrent updates of the row queue on its lock and re-check it; SQLite
        has one writer at a time. A walk-in may take any place left on the day."""
        query = _TAKE_WALK_IN if walk_in else _TAKE
        slot = {"k_state": state_code, "k_session": session_id, "k_number": slot_number}
        if self.conn.execute(query, slot).rowcount != 1:
            raise SlotFull("slot_number", slot=slot_number)

    def give_back_place(self, booking: Booking) -> None:
        c = session_slots.c
        counter = c.walk_ins if booking.walk_in else c.booked
        self.conn.execute(
            update(session_slots)
            .where(c.state_code == booking.session_state, c.session_id == booking.session_id,
                   c.number == booking.slot_number, counter > 0)
            .values({counter: counter - 1})
        )  # fmt: skip

    def add_booking(self, booking: Booking) -> None:
        """Insert it, or AlreadyBooked when the person has an active booking for the dose: the
        partial unique index decides, through ON CONFLICT DO NOTHING (no savepoint needed)."""
        row = {name: getattr(booking, name) for name in Booking.__slots__}  # type: ignore[attr-defined]
        row["status"] = booking.status.value
        statement = _ADD_BOOKING[self.conn.dialect.name == "postgresql"]
        if self.conn.execute(statement, row).first() is None:
            raise AlreadyBooked("dose_code", code=booking.dose_code)

    def booking(self, booking_id: str) -> Booking | None:
        query = select(bookings).where(bookings.c.id == booking_id)
        row = self.conn.execute(self.for_update(query)).first()
        return _booking(row) if row else None

    def save_booking(self, booking: Booking) -> None:
        self.conn.execute(
            update(bookings)
            .where(bookings.c.state_code == booking.state_code, bookings.c.id == booking.id)
            .values(status=booking.status.value, note=booking.note,
                    updated_at=booking.updated_at, session_state=booking.session_state,
                    session_id=booking.session_id, slot_number=booking.slot_number)
        )  # fmt: skip

    def bookings_of_session(self, state_code: str, session_id: str) -> list[Booking]:
        rows = self.conn.execute(
            select(bookings)
            .where(bookings.c.session_state == state_code, bookings.c.session_id == session_id)
            .order_by(bookings.c.slot_number, bookings.c.created_at)
        )  # fmt: skip
        return [_booking(r) for r in rows]

    def bookings_of_people(self, people: list[tuple[str, str]]) -> list[Booking]:
        if not people:
            return []
        rows = self.conn.execute(
            select(bookings)
            .where(bookings.c.person_id.in_([p for _, p in people]))
            .order_by(bookings.c.created_at)
        )
        wanted = set(people)
        return [b for b in map(_booking, rows) if (b.state_code, b.person_id) in wanted]

    def day(self, state_code: str, session_id: str) -> list[tuple[Booking, dict[str, Any]]]:
        """The session's bookings, each with what the vaccinator needs to know of the person."""
        rows = self.conn.execute(
            select(bookings, people.c.name, people.c.name_latin, people.c.sex,
                   people.c.birth_date, people.c.phone, people.c.area_code)
            .join(people, (people.c.state_code == bookings.c.state_code)
                  & (people.c.id == bookings.c.person_id))
            .where(bookings.c.session_state == state_code, bookings.c.session_id == session_id)
            .order_by(bookings.c.slot_number, bookings.c.created_at, bookings.c.id)
        )  # fmt: skip
        names = ("name", "name_latin", "sex", "birth_date", "phone", "area_code")
        return [
            (_booking_of({c.name: r._mapping[c.name] for c in bookings.c}),
             {k: r._mapping[k] for k in names})
            for r in rows
        ]  # fmt: skip

    def complete_bookings(self, doses: list[Vaccination], at: datetime) -> None:
        """A dose given closes the active booking for it, wherever it was given: the place
        stays used."""
        open_ = [BookingStatus.BOOKED.value, BookingStatus.CHECKED_IN.value]
        for v in doses:
            self.conn.execute(
                update(bookings)
                .where(bookings.c.state_code == v.state_code,
                       bookings.c.person_id == v.person_id, bookings.c.schedule == v.schedule,
                       bookings.c.dose_code == v.dose_code, bookings.c.status.in_(open_))
                .values(status=BookingStatus.COMPLETED.value, updated_at=at)
            )  # fmt: skip

    def count_active(self, state_code: str, session_id: str, slot_number: int) -> int:
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(bookings)
                .where(bookings.c.session_state == state_code,
                       bookings.c.session_id == session_id,
                       bookings.c.slot_number == slot_number,
                       bookings.c.status.in_([s.value for s in ACTIVE]))
            ).scalar_one()
        )  # fmt: skip

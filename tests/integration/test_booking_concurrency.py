"""Two hundred clients press "book" on one slot of fifty places at once: fifty get it."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time

from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.domain.errors import SlotFull
from sevasetu.domain.sessions import SessionSpec
from sevasetu.services.audit import verify_audit
from sevasetu.services.auth import principal_for_token
from sevasetu.services.bookings import book
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.sessions import get_session, plan_session

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, staff, stock
from ..fakes import FakeClock

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
PROCESSES = 4
THREADS = 10


def _book_all(args: tuple[dict[str, str], str, str, list[str]]) -> list[str]:
    """In another process: its own context and connection pool, ten threads booking."""
    settings_fields, token, session_id, people = args
    ctx = AppContext(Settings(**settings_fields), clock=FakeClock(NOW))  # type: ignore[arg-type]
    principal = principal_for_token(ctx, token)

    def one(person_id: str) -> str:
        try:
            book(ctx, principal, person_id=person_id, session_id=session_id, slot_number=1,
                 dose_code="TD10")  # fmt: skip
        except SlotFull:
            return "full"
        return "booked"

    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            return list(pool.map(one, people))
    finally:
        ctx.close()


def test_two_hundred_clients_in_threads_and_processes_never_overbook(ctx, settings):
    planner = principal_for_token(ctx, staff(ctx, "fa.rush", "facility_admin", NADIA_BLOCK))
    asha_token = staff(ctx, "asha.rush", "asha", NADIA_BLOCK)
    asha = principal_for_token(ctx, asha_token)
    spec = SessionSpec(
        facility_code="IN-WB-NAD-KN1-SC1", day=date(2026, 11, 25), starts=time(9),
        ends=time(9, 30), slot_minutes=30, capacity_per_slot=50, offers=("TD10",),
        walk_in_percent=0,
    )  # fmt: skip
    stock(ctx, spec.facility_code, spec.offers)
    session = plan_session(ctx, planner, spec).session
    people = [
        register_person(ctx, asha, PersonInput(
            name=f"Pupil {n}", sex="female", area_code=NADIA_VILLAGE,
            birth_date=date(2015, 1, 1 + n % 28), identifiers={},
        ), confirm_new=True).id
        for n in range(PROCESSES * 50)
    ]  # fmt: skip
    fields = {
        "database_url": settings.database_url, "environment": "test",
        "secret_key": settings.secret_key, "identifier_key": settings.identifier_key,
    }  # fmt: skip
    jobs = [(fields, asha_token, session.id, people[i::PROCESSES]) for i in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        outcomes = [o for share in pool.map(_book_all, jobs) for o in share]
    assert outcomes.count("booked") == 50
    assert outcomes.count("full") == 150
    (places,) = get_session(ctx, session.id).slots
    with ctx.uow() as uow:
        rows = uow.sessions.count_active(session.state_code, session.id, 1)
    assert places.booked == rows == places.slot.bookable == 50
    # Every booking audited once, written by 40 threads in 4 processes, and no chain forked.
    assert all(report.problem is None for report in verify_audit(ctx))
    with ctx.uow() as uow:
        entries = uow.audit.of_state(session.state_code, limit=10_000)
    booked = [e for e in entries if e.action == "booking.create"]
    assert sorted(e.subject_id for e in booked) == sorted(
        pid for pid, outcome in zip(sum((people[i::PROCESSES] for i in range(PROCESSES)), []),
                                    outcomes, strict=True) if outcome == "booked"
    )  # fmt: skip

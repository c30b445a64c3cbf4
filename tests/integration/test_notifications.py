"""The outbox: written with the booking, sent by the worker once, retried, never lost."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time as wall
from datetime import date, time, timedelta

import pytest

from sevasetu.domain.notifications import CLAIM_TIMEOUT, NotificationStatus
from sevasetu.domain.sessions import SessionSpec
from sevasetu.services.auth import principal_for_token
from sevasetu.services.bookings import book
from sevasetu.services.notifications import deliver_due, queue_reminders, reminder_day
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.sessions import cancel_session, plan_session

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, staff, stock


@pytest.fixture
def setting(ctx):
    planner = principal_for_token(ctx, staff(ctx, "fa.note", "facility_admin", NADIA_BLOCK))
    asha = principal_for_token(ctx, staff(ctx, "asha.note", "asha", NADIA_BLOCK))
    spec = SessionSpec(
        facility_code="IN-WB-NAD-KN1-SC1", day=date(2026, 11, 21), starts=time(9),
        ends=time(10), slot_minutes=30, capacity_per_slot=10, offers=("TD10", "PENTA1"),
    )  # fmt: skip
    stock(ctx, spec.facility_code, spec.offers)
    session = plan_session(ctx, planner, spec).session
    pupil = register_person(ctx, asha, PersonInput(
        name="মিতা দাস", sex="female", area_code=NADIA_VILLAGE, birth_date=date(2015, 6, 1),
        phone="9830011111", identifiers={}), confirm_new=True)  # fmt: skip
    return planner, asha, session, pupil


def booked(ctx, asha, session, person):
    return book(ctx, asha, person_id=person.id, session_id=session.id, slot_number=2,
                dose_code="TD10")  # fmt: skip


class FlakyGateway:
    def __init__(self, failures: int, permanent: bool = False) -> None:
        self.failures, self.permanent, self.sent = failures, permanent, []

    def send(self, channel: str, recipient: str, text: str) -> None:
        if self.failures:
            self.failures -= 1
            error = ConnectionError("gateway timed out")
            error.permanent = self.permanent  # type: ignore[attr-defined]
            raise error
        self.sent.append((channel, recipient, text))


def test_a_booking_queues_its_confirmation_and_the_worker_sends_it_once(ctx, sms, setting):
    _, asha, session, pupil = setting
    booking = booked(ctx, asha, session, pupil)
    assert sms.sent == [], "nothing is sent inside the booking request"
    done = deliver_due(ctx, "w1")
    assert done.sent == 1
    ((phone, text),) = sms.sent
    assert phone == "+919830011111"
    assert "মিতা দাস" in text and "TD10" in text and "09:30" in text  # Bengali for West Bengal
    assert booking.id[:8].upper() in text
    assert deliver_due(ctx, "w2").sent == 0 and len(sms.sent) == 1


def test_failures_are_retried_with_backoff_and_permanent_ones_are_kept_for_staff(
    ctx, clock, setting
):
    _, asha, session, pupil = setting
    booked(ctx, asha, session, pupil)
    ctx.notifier = gateway = FlakyGateway(failures=2)
    assert deliver_due(ctx, "w").retrying == 1
    assert deliver_due(ctx, "w").sent == 0, "not before its backoff"
    clock.advance(minutes=1)
    assert deliver_due(ctx, "w").retrying == 1
    clock.advance(minutes=2)
    assert deliver_due(ctx, "w").sent == 1 and len(gateway.sent) == 1
    with ctx.uow() as uow:
        (note,) = uow.notifications.of_person(pupil.state_code, pupil.id)
    assert note.status is NotificationStatus.SENT and note.attempts == 3

    other = register_person(ctx, asha, PersonInput(
        name="Wrong Number", sex="male", area_code=NADIA_VILLAGE, birth_date=date(2015, 1, 1),
        phone="9830022222", identifiers={}), confirm_new=True)  # fmt: skip
    booked(ctx, asha, session, other)
    ctx.notifier = FlakyGateway(failures=1, permanent=True)
    assert deliver_due(ctx, "w").failed == 1
    with ctx.uow() as uow:
        (failed,) = uow.notifications.failed(["IN-WB"])
    assert failed.person_id == other.id and "gateway timed out" in failed.last_error


def test_a_worker_that_dies_holding_a_message_leaves_it_to_another(ctx, clock, sms, setting):
    _, asha, session, pupil = setting
    booked(ctx, asha, session, pupil)
    with ctx.uow(write=True) as uow:  # claimed, then the worker died
        assert len(uow.notifications.claim("dead", ctx.now(), ctx.now() - CLAIM_TIMEOUT, 10)) == 1
        uow.commit()
    assert deliver_due(ctx, "alive").sent == 0, "the claim is still fresh"
    clock.advance(seconds=CLAIM_TIMEOUT.total_seconds() + 1)
    assert deliver_due(ctx, "alive").sent == 1
    assert deliver_due(ctx, "alive").sent == 0 and len(sms.sent) == 1


def test_a_failed_queue_write_undoes_the_booking(ctx, setting, monkeypatch):
    _, asha, session, pupil = setting
    from sevasetu.adapters.db.repositories.notifications import NotificationRepository

    def broken(self, notification):
        raise RuntimeError("disk full")

    monkeypatch.setattr(NotificationRepository, "add", broken)
    with pytest.raises(RuntimeError):
        booked(ctx, asha, session, pupil)
    with ctx.uow() as uow:
        assert uow.sessions.count_active(session.state_code, session.id, 2) == 0
        assert [p.booked for p in uow.sessions.slots(session.state_code, session.id)] == [0, 0]


def test_reminders_go_out_once_the_day_before_and_cancellations_are_told(ctx, sms, setting):
    planner, asha, session, pupil = setting
    booked(ctx, asha, session, pupil)
    deliver_due(ctx, "w")
    assert reminder_day(ctx) == session.spec.day
    assert queue_reminders(ctx, reminder_day(ctx)) == 1
    assert queue_reminders(ctx, reminder_day(ctx)) == 1  # looked at again, queued once
    assert deliver_due(ctx, "w").sent == 1
    assert "আগামীকাল" in sms.sent[-1][1]
    cancel_session(ctx, planner, session.id, "vaccine not delivered")
    assert deliver_due(ctx, "w").sent == 1
    assert "vaccine not delivered" in sms.sent[-1][1] and "বাতিল" in sms.sent[-1][1]
    assert queue_reminders(ctx, reminder_day(ctx)) == 0, "a cancelled session has none"


def test_the_worker_command_stops_cleanly_on_sigterm(ctx, settings, setting):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the command's own database; one backend is enough for the signal")
    _, asha, session, pupil = setting
    booked(ctx, asha, session, pupil)
    env = {**os.environ, "SEVASETU_DATABASE_URL": settings.database_url,
           "SEVASETU_SECRET_KEY": settings.secret_key,
           "SEVASETU_IDENTIFIER_KEY": settings.identifier_key, "PYTHONUNBUFFERED": "1"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "sevasetu.entrypoints.cli", "worker", "--interval", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    seen = b""
    watch = selectors.DefaultSelector()
    watch.register(proc.stdout, selectors.EVENT_READ)
    deadline = wall.monotonic() + 60
    while b"\nsent " not in seen and wall.monotonic() < deadline:
        if watch.select(timeout=1):  # raw reads: nothing waits unseen in a buffer
            seen += os.read(proc.stdout.fileno(), 65536)
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=30)
    lines, rest = seen.decode(), rest.decode()
    assert proc.returncode == 0, lines + rest
    assert "sent 1, retrying 0, failed 0" in lines
    assert "[sms] to +919830011111" in lines
    assert "SIGTERM: stopping" in rest and "stopped" in rest


def test_the_family_hears_the_day_a_childs_dose_falls_due_once(ctx, sms, clock):
    from sevasetu.services.households import MemberInput, register_household
    from sevasetu.services.reminders import queue_due_reminders

    asha = principal_for_token(ctx, staff(ctx, "asha.due", "asha", NADIA_BLOCK))
    today = ctx.today()
    register_household(ctx, asha, area_code=NADIA_VILLAGE, address="House 4", members=[
        MemberInput("head", PersonInput(name="সীমা দাস", sex="female", area_code=NADIA_VILLAGE,
                                        birth_date=date(1995, 1, 1), phone="9830077777",
                                        identifiers={})),
        MemberInput("daughter", PersonInput(name="পিয়া দাস", sex="female",
                                            area_code=NADIA_VILLAGE,
                                            birth_date=today - timedelta(weeks=6),
                                            identifiers={})),
    ], confirm_new=True)  # fmt: skip
    assert queue_due_reminders(ctx, today) == 1  # OPV1, PENTA1, RVV1 ... fall due today
    assert queue_due_reminders(ctx, today) == 1  # looked at again, queued once
    assert deliver_due(ctx, "w").sent == 1
    ((phone, text),) = sms.sent
    assert phone == "+919830077777"
    assert "পিয়া দাস" in text and "PENTA1" in text and "আজ থেকে" in text
    assert queue_due_reminders(ctx, today + timedelta(days=1)) == 0, "due yesterday, not today"

"""Telling citizens: queue a message with the change it announces; the worker sends it.

Delivery is at least once per claim and at most once per dedupe key: a message is marked
sent as soon as the gateway accepts it. A worker that dies between the gateway's acceptance
and that mark leaves the claim to expire (``CLAIM_TIMEOUT``), and the message is sent again;
that window is the only way a message goes twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..domain.areas import state_language
from ..domain.bookings import ACTIVE, Booking
from ..domain.notifications import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    Kind,
    Notification,
    NotificationStatus,
    backoff,
)
from ..domain.people import Person
from ..domain.sessions import Session
from .ports import Context, UnitOfWork


@dataclass(frozen=True, slots=True)
class Recipient:
    phone: str
    language: str
    channel: str = "sms"


def recipient_for(uow: UnitOfWork, booked_by: str, person: Person) -> Recipient | None:
    """Who hears about a person's booking: the citizen who booked (their account's phone and
    language), else the person's own phone in their state's language; None if neither.
    A citizen who talks to the WhatsApp bot from that phone hears on WhatsApp; if they said
    STOP there, the WhatsApp channel sends nothing (reminders included) until START
    (docs/whatsapp.md). Everyone else hears by SMS."""
    kind, _, account_id = booked_by.partition(":")
    if kind == "citizen":
        account = uow.accounts.get(account_id)
        if account is not None:
            wa_id = account.phone.lstrip("+")
            talks = uow.whatsapp.conversation(wa_id)
            on_whatsapp = talks is not None and talks.consent_shown_at is not None
            channel = "whatsapp" if on_whatsapp else "sms"
            return Recipient(account.phone, account.language, channel)
    if person.phone:
        return Recipient(person.phone, state_language(person.state_code))
    return None


def booking_params(uow: UnitOfWork, person: Person, session: Session, booking: Booking,
                   **extra: Any) -> dict[str, Any]:  # fmt: skip
    place = session.spec.site or session.facility_name
    if not place:  # a session not read with its facility's name
        facility = next(iter(uow.areas.facilities_by_code([session.spec.facility_code])), None)
        place = facility.name if facility else session.spec.facility_code
    return {
        "name": person.name, "dose": booking.dose_code, "place": place,
        "day": session.spec.day.isoformat(),
        "time": session.spec.slot_starts(booking.slot_number).strftime("%H:%M"),
        "ref": booking.id[:8].upper(), **extra,
    }  # fmt: skip


def enqueue(
    ctx: Context,
    uow: UnitOfWork,
    *,
    kind: Kind,
    recipient: Recipient | None,
    state_code: str,
    dedupe_key: str,
    params: dict[str, Any],
    person_id: str | None = None,
    channel: str | None = None,
) -> None:
    """Queue a message inside the caller's transaction; nothing without a recipient. The
    channel is the recipient's (SMS, or WhatsApp for a citizen who uses the bot)."""
    if recipient is None:
        return
    now = ctx.now()
    uow.notifications.add(Notification(
        id=ctx.new_id(), state_code=state_code, kind=kind,
        channel=channel or recipient.channel,
        recipient=recipient.phone, language=recipient.language, params=params,
        dedupe_key=dedupe_key, created_at=now, person_id=person_id, next_attempt_at=now,
    ))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(ctx: Context, worker: str, limit: int = 50) -> Delivery:
    """Claim what is due, send each outside any transaction, store each outcome."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        claimed = uow.notifications.claim(worker, now, now - CLAIM_TIMEOUT, limit)
        uow.commit()
    sent = retrying = failed = 0
    for n in claimed:
        try:
            deliver = getattr(ctx.notifier, "deliver", None)  # WhatsApp: kind -> template
            if deliver is not None:
                deliver(n)
            else:
                ctx.notifier.send(n.channel, n.recipient, n.text())
        except Exception as exc:  # any gateway failure: retry with backoff, or give up
            n.last_error = f"{type(exc).__name__}: {exc}"
            if getattr(exc, "permanent", False) or n.attempts >= MAX_ATTEMPTS:
                n.status = NotificationStatus.FAILED
                failed += 1
            else:
                n.status = NotificationStatus.QUEUED
                n.next_attempt_at = ctx.now() + backoff(n.attempts)
                retrying += 1
        else:
            n.status, n.sent_at = NotificationStatus.SENT, ctx.now()
            sent += 1
        with ctx.uow(write=True) as uow:
            uow.notifications.finish(n, worker)
            uow.commit()
    return Delivery(sent, retrying, failed)


def queue_reminders(ctx: Context, day: date) -> int:
    """A reminder for every active booking at a session on ``day``; once per booking, however
    often this runs (the dedupe key). Returns how many bookings were looked at."""
    looked = 0
    with ctx.uow(write=True) as uow:
        for session in uow.sessions.on_day(day):
            for booking in uow.sessions.bookings_of_session(session.state_code, session.id):
                if booking.status not in ACTIVE:
                    continue
                person = uow.people.get(booking.person_id)
                if person is None:
                    continue
                enqueue(ctx, uow, kind=Kind.BOOKING_REMINDER,
                        recipient=recipient_for(uow, booking.booked_by, person),
                        state_code=booking.state_code, dedupe_key=f"reminder:{booking.id}",
                        params=booking_params(uow, person, session, booking),
                        person_id=person.id)  # fmt: skip
                looked += 1
        uow.commit()
    return looked


def reminder_day(ctx: Context) -> date:
    return ctx.today() + timedelta(days=1)

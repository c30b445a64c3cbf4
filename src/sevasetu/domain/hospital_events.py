"""Admissions and discharges a hospital desk records, often offline, replayed later.

The desk makes each event's id (a UUID) and its idempotency key; the deployment records an
event once per key, whatever the number of replays. A replay of an event already recorded with
the same details is "already recorded"; the same key with other details is a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import HospitalEventConflict, InvalidInput, Reason

MAX_BATCH = 500
MAX_AMOUNT = 10_000_000.0  # rupees; a package above this is a typing mistake
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,80}$")
_FUTURE = timedelta(minutes=10)  # the desk's clock may run a little ahead


class EventKind(StrEnum):
    ADMISSION = "admission"
    DISCHARGE = "discharge"


@dataclass(frozen=True, slots=True)
class HospitalEvent:
    state_code: str
    id: str
    idempotency_key: str
    kind: EventKind
    facility_code: str
    person_id: str
    scheme_code: str
    card_id: str | None
    admission_id: str | None
    admitted_at: datetime | None
    discharged_at: datetime | None
    package: str
    amount: float | None
    queued_at: datetime
    recorded_at: datetime
    recorded_by: str

    def same_event(self, other: HospitalEvent) -> bool:
        """The same event, whoever recorded it and when (a replay)."""
        skip = {"recorded_at", "recorded_by"}
        return all(
            getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
            if f.name not in skip
        )


def check_event(event: HospitalEvent, now: datetime) -> None:
    """The rules every event meets on its own."""
    if not _UUID.match(event.id):
        raise InvalidInput("id", reason="The event id must be a UUID made by the desk.")
    if not _KEY.match(event.idempotency_key):
        raise InvalidInput(
            "idempotency_key",
            reason="The idempotency key must have 8 to 80 letters, digits or . _ : -.",
        )
    if event.amount is not None and not 0 <= event.amount <= MAX_AMOUNT:
        raise InvalidInput(
            "amount", reason=Reason("The amount must be between 0 and {limit}.", limit=MAX_AMOUNT)
        )
    when = event.admitted_at if event.kind is EventKind.ADMISSION else event.discharged_at
    name = "admitted_at" if event.kind is EventKind.ADMISSION else "discharged_at"
    if when is None:
        raise InvalidInput(name, reason=Reason("The {kind} needs its time.", kind=event.kind.value))
    if when.tzinfo is None or event.queued_at.tzinfo is None:
        raise InvalidInput(name, reason="A time needs its offset, e.g. +05:30.")
    if when > now + _FUTURE:
        raise InvalidInput(name, reason="The time is in the future.")
    if event.kind is EventKind.DISCHARGE and not event.admission_id:
        raise InvalidInput("admission_id", reason="A discharge names its admission.")


def check_discharge(event: HospitalEvent, admission: HospitalEvent | None) -> None:
    """A discharge follows its admission, of the same person, at the same hospital."""
    if admission is None or admission.kind is not EventKind.ADMISSION:
        raise InvalidInput(
            "admission_id",
            reason=Reason("There is no admission {id} to discharge.", id=event.admission_id or ""),
        )
    if admission.person_id != event.person_id or admission.facility_code != event.facility_code:
        raise InvalidInput(
            "admission_id",
            reason="The discharge is not of the person and hospital of the admission.",
        )
    assert event.discharged_at is not None and admission.admitted_at is not None
    if event.discharged_at < admission.admitted_at:
        raise InvalidInput("discharged_at", reason="The discharge is before the admission.")


def replay_outcome(event: HospitalEvent, recorded: HospitalEvent | None) -> bool:
    """True when ``event`` is already recorded (a replay); raises when its key or id was used
    by a different event; False when it is new."""
    if recorded is None:
        return False
    if not recorded.same_event(event):
        raise HospitalEventConflict("idempotency_key", key=event.idempotency_key)
    return True

"""Hospital admissions and discharges sent by a desk, in batches, perhaps long after they
happened (docs/hospital-continuity.md). Each event is recorded once per idempotency key: a
replay answers "already recorded"; a frozen state's batch is refused whole (503 on the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.access import Action, Principal, require, require_area
from ..domain.errors import DomainError, InvalidInput, NotFound, Reason, UnknownFacility
from ..domain.hospital_events import (
    MAX_BATCH,
    EventKind,
    HospitalEvent,
    check_discharge,
    check_event,
    replay_outcome,
)
from ..domain.people import Person
from .audit import audit_denials
from .ports import Context, UnitOfWork
from .schemes import find_scheme

RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"


@dataclass(frozen=True, slots=True)
class EventInput:
    """One event as the desk sends it (the card's person, scheme and id, read offline)."""

    id: str
    idempotency_key: str
    kind: str
    facility_code: str
    person_id: str
    scheme_code: str
    queued_at: datetime
    card_id: str | None = None
    admission_id: str | None = None
    admitted_at: datetime | None = None
    discharged_at: datetime | None = None
    package: str = ""
    amount: float | None = None


@dataclass(frozen=True, slots=True)
class EventOutcome:
    status: str  # recorded | already_recorded | error
    event: HospitalEvent | None = None
    error: DomainError | None = None


class _Batch:
    """What the batch's events need, read once: people, facilities, schemes, cards, and the
    events already recorded under the batch's keys, ids and admissions."""

    def __init__(self, ctx: Context, uow: UnitOfWork, items: list[EventInput]) -> None:
        self.ctx, self.uow = ctx, uow
        self.people: dict[str, Person | None] = {}
        codes = sorted({i.facility_code for i in items})
        self.facilities = {f.code: f for f in uow.areas.facilities_by_code(codes)}
        wanted = [i.idempotency_key for i in items]
        ids = [i.id.lower() for i in items] + [
            i.admission_id.lower() for i in items if i.admission_id
        ]
        found = uow.hospital_events.find(wanted, ids)
        self.by_key = {e.idempotency_key: e for e in found}
        self.by_id = {e.id: e for e in found}

    def person(self, person_id: str) -> Person:
        if person_id not in self.people:
            self.people[person_id] = self.uow.people.get(person_id)
        found = self.people[person_id]
        if found is None:
            raise NotFound("person_id", what="person", id=person_id)
        return found

    def accept(self, event: HospitalEvent) -> None:
        self.by_key[event.idempotency_key] = event
        self.by_id[event.id] = event


def _event(
    ctx: Context, principal: Principal, batch: _Batch, data: EventInput, now: datetime
) -> HospitalEvent:
    try:
        kind = EventKind(data.kind)
    except ValueError:
        raise InvalidInput("kind", reason="The kind is admission or discharge.") from None
    person = batch.person(data.person_id)
    facility = batch.facilities.get(data.facility_code)
    if facility is None:
        raise UnknownFacility("facility_code", facility_code=data.facility_code)
    require_area(principal, ctx.area_tree().get(facility.area_code))
    scheme = find_scheme(batch.uow, data.scheme_code, person.state_code)
    if data.card_id is not None:
        card = batch.uow.eligibility_cards.get(data.card_id)
        if card is None or card.person_id != person.id or card.scheme_code != scheme.code:
            raise InvalidInput(
                "card_id",
                reason=Reason(
                    "The card {card} is not this person's card for {scheme}.",
                    card=data.card_id,
                    scheme=scheme.code,
                ),
            )
    event = HospitalEvent(
        state_code=person.state_code,
        id=data.id.lower(),
        idempotency_key=data.idempotency_key,
        kind=kind,
        facility_code=facility.code,
        person_id=person.id,
        scheme_code=scheme.code,
        card_id=data.card_id,
        admission_id=data.admission_id.lower() if data.admission_id else None,
        admitted_at=data.admitted_at if kind is EventKind.ADMISSION else None,
        discharged_at=data.discharged_at if kind is EventKind.DISCHARGE else None,
        package=data.package.strip()[:200],
        amount=data.amount,
        queued_at=data.queued_at,
        recorded_at=now,
        recorded_by=principal.actor,
    )
    check_event(event, now)
    return event


@audit_denials
def record_hospital_events(
    ctx: Context, principal: Principal, items: list[EventInput]
) -> list[EventOutcome]:
    """Record a desk's batch in one transaction, each event recorded, already recorded (the
    same key and details as before) or refused on its own, in the order sent (a discharge may
    follow its admission in the same batch). A frozen state refuses the whole batch."""
    require(principal, Action.HOSPITAL_EVENT_RECORD)
    if len(items) > MAX_BATCH:
        raise InvalidInput(
            "events", reason=Reason("A batch holds at most {limit} events.", limit=MAX_BATCH)
        )
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        batch = _Batch(ctx, uow, items)
        outcomes: list[EventOutcome] = []
        for data in items:
            try:
                outcomes.append(_judge(ctx, principal, batch, data, now))
            except DomainError as error:
                outcomes.append(EventOutcome("error", error=error))
        new = [o.event for o in outcomes if o.status == RECORDED and o.event is not None]
        inserted = uow.hospital_events.add_new(new)
        if len(inserted) < len(new):  # a concurrent replay of the same keys won the race
            again = {
                e.idempotency_key: e
                for e in uow.hospital_events.find(
                    [e.idempotency_key for e in new if e.idempotency_key not in inserted], []
                )
            }
            outcomes = [_raced(o, inserted, again) for o in outcomes]
        uow.audit.append_many(
            [
                dict(
                    at=now,
                    actor=principal.actor,
                    action=f"hospital.{o.event.kind.value}",
                    subject_type="person",
                    subject_id=o.event.person_id,
                    state_code=o.event.state_code,
                    detail=dict(
                        event=o.event.id,
                        facility=o.event.facility_code,
                        scheme=o.event.scheme_code,
                        card=o.event.card_id,
                    ),
                )
                for o in outcomes
                if o.status == RECORDED and o.event is not None
            ]
        )
        uow.commit()
    return outcomes


def _judge(
    ctx: Context, principal: Principal, batch: _Batch, data: EventInput, now: datetime
) -> EventOutcome:
    event = _event(ctx, principal, batch, data, now)
    recorded = batch.by_key.get(event.idempotency_key) or batch.by_id.get(event.id)
    if replay_outcome(event, recorded):
        return EventOutcome(ALREADY_RECORDED, event=recorded)
    if event.kind is EventKind.DISCHARGE:
        check_discharge(event, batch.by_id.get(event.admission_id or ""))
    batch.accept(event)
    return EventOutcome(RECORDED, event=event)


def _raced(outcome: EventOutcome, inserted: set[str], again: dict[str, HospitalEvent]) -> Any:
    event = outcome.event
    if outcome.status != RECORDED or event is None or event.idempotency_key in inserted:
        return outcome
    other = again.get(event.idempotency_key)
    try:
        replay_outcome(event, other)
    except DomainError as error:
        return EventOutcome("error", error=error)
    return EventOutcome(ALREADY_RECORDED, event=other or event)


def events_of(ctx: Context, principal: Principal, person_id: str) -> list[HospitalEvent]:
    from .people import get_person

    person = get_person(ctx, principal, person_id)
    with ctx.uow() as uow:
        return uow.hospital_events.of_person(person.state_code, person.id)  # type: ignore[no-any-return]


class InProcessDeployment:
    """The desk's port to a deployment whose database this process holds (the rehearsal):
    the same use case as ``POST /api/v1/hospital-events``, a frozen state answered as the API
    answers it (503, retry later)."""

    def __init__(self, ctx: Context, principal: Principal) -> None:
        self.ctx, self.principal = ctx, principal

    def offline_keys(self) -> dict[str, Any]:
        from .eligibility_cards import offline_bundle

        return offline_bundle(self.ctx)

    def send(self, bodies: list[dict[str, Any]]) -> Any:
        from ..domain.desk import Answer, Unavailable
        from ..domain.maintenance import StateInMaintenance, StateMovedAway
        from .maintenance import retry_after

        items = [_input(b) for b in bodies]
        try:
            outcomes = record_hospital_events(self.ctx, self.principal, items)
        except (StateInMaintenance, StateMovedAway) as frozen:
            return Unavailable(frozen.message(), retry_after=retry_after(frozen) or 60)
        return [
            Answer(i.idempotency_key, o.status, o.error.message() if o.error else None)
            for i, o in zip(items, outcomes, strict=True)
        ]


def _input(body: dict[str, Any]) -> EventInput:
    def instant(name: str) -> datetime | None:
        value = body.get(name)
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    queued = instant("queued_at")
    assert queued is not None
    return EventInput(
        id=body["id"],
        idempotency_key=body["idempotency_key"],
        kind=body["kind"],
        facility_code=body["facility_code"],
        person_id=body["person_id"],
        scheme_code=body["scheme_code"],
        queued_at=queued,
        card_id=body.get("card_id"),
        admission_id=body.get("admission_id"),
        admitted_at=instant("admitted_at"),
        discharged_at=instant("discharged_at"),
        package=body.get("package") or "",
        amount=body.get("amount"),
    )

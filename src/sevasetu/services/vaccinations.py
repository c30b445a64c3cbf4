"""Recording doses, anywhere in the country, and a person's schedule from their record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, require, require_area
from ..domain.errors import DoseRefused, ImpossibleDate, InvalidInput, NotFound, UnknownFacility
from ..domain.schedule import DoseStatus, check_dose, due_doses
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .people import get_person
from .ports import Context


@dataclass(slots=True)
class VaccinationInput:
    person_id: str
    dose_code: str
    given_on: date
    schedule: str = "india-uip"
    facility_code: str | None = None
    product: str = ""
    lot: str = ""
    lot_expiry: date | None = None
    backdated: bool = False  # given elsewhere or earlier; evidence says how we know
    evidence: str = ""
    override_reason: str | None = None


@audit_denials
def record_vaccination(ctx: Context, principal: Principal, data: VaccinationInput) -> Vaccination:
    """A vaccinator records a dose for anyone registered, wherever they live: the dose must fit
    the schedule on that day, or carry an override reason, which is audited."""
    require(principal, Action.VACCINATION_RECORD)
    schedule = load_schedule(data.schedule)
    code = data.dose_code.strip().upper()
    schedule.dose(code)
    today = ctx.today()
    if data.given_on > today:
        raise ImpossibleDate(
            "given_on", value=data.given_on.isoformat(), reason="it is in the future"
        )
    if data.lot_expiry is not None and data.lot_expiry < data.given_on:
        raise InvalidInput(
            "lot_expiry", reason="The vaccine lot had expired on the day of the dose."
        )
    if data.backdated and not data.evidence.strip():
        raise InvalidInput(
            "evidence", reason="A dose given elsewhere needs its evidence (card, portal, source)."
        )
    with ctx.uow(write=True) as uow:
        person = uow.people.get(data.person_id)
        if person is None:
            raise NotFound("person_id", what="person", id=data.person_id)
        if data.facility_code is not None:
            facility = next(iter(uow.areas.facilities_by_code([data.facility_code])), None)
            if facility is None:
                raise UnknownFacility("facility_code", facility_code=data.facility_code)
            require_area(principal, ctx.area_tree().get(facility.area_code))
        if data.given_on < person.birth_date:
            raise ImpossibleDate(
                "given_on", value=data.given_on.isoformat(), reason="it is before the birth"
            )
        history = uow.vaccinations.history(person.state_code, person.id, schedule.name)
        override = (data.override_reason or "").strip() or None
        try:
            check_dose(schedule, code, birth=person.birth_date, on=data.given_on, given=history)
        except DoseRefused:
            if override is None or code in history:
                raise
        vaccination = Vaccination(
            id=ctx.new_id(), state_code=person.state_code, person_id=person.id,
            schedule=schedule.name, dose_code=code, given_on=data.given_on,
            facility_code=data.facility_code, product=data.product.strip(), lot=data.lot.strip(),
            lot_expiry=data.lot_expiry, source="backdated" if data.backdated else "session",
            evidence=data.evidence.strip(), override_reason=override,
            recorded_by=principal.actor, recorded_at=ctx.now(),
        )  # fmt: skip
        uow.vaccinations.add(vaccination)
        record(
            ctx, uow, actor=principal, action="vaccination.record", subject_type="person",
            subject_id=person.id, state_code=person.state_code, dose=code,
            given_on=data.given_on.isoformat(), facility=data.facility_code, override=override,
        )  # fmt: skip
        uow.commit()
    return vaccination


def person_schedule(
    ctx: Context,
    principal: Principal,
    person_id: str,
    *,
    schedule_name: str = "india-uip",
    as_of: date | None = None,
) -> tuple[list[DoseStatus], list[Vaccination]]:
    """Every dose of the schedule for the person, judged from their recorded doses."""
    schedule = load_schedule(schedule_name)
    person = get_person(ctx, principal, person_id)  # access rules and the audit entry
    with ctx.uow() as uow:
        given = uow.vaccinations.of_person(person.state_code, person.id)
    history = {v.dose_code: v.given_on for v in given if v.schedule == schedule.name}
    day = as_of or ctx.today()
    history = {c: d for c, d in history.items() if d <= day}
    return due_doses(schedule, birth=person.birth_date, today=day, given=history), given

"""FHIR R4 immunisation records: a person's ImmunizationRecord document, and importing the
doses of such a document (from another deployment or a portal) as doses given elsewhere."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from ..adapters.certificates import fhir
from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, require
from ..domain.errors import InvalidInput
from ..domain.people import Person
from ..domain.schedule import Status, due_doses
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .people import get_person
from .ports import Context
from .vaccinations import VaccinationInput, record_vaccination

NEXT_DUE = (Status.DUE, Status.OVERDUE, Status.UPCOMING)


def holder_of(person: Person) -> fhir.Holder:
    return fhir.Holder(person.name, person.name_latin, person.birth_date, person.sex.value,
                       person.id)  # fmt: skip


def given_doses(vaccinations: Iterable[Vaccination], facilities: Mapping[str, str] | None = None
           ) -> list[fhir.GivenDose]:  # fmt: skip
    out = []
    for v in vaccinations:
        dose = load_schedule(v.schedule).by_code.get(v.dose_code)
        series = dose.series if dose else v.dose_code
        out.append(fhir.GivenDose(
            code=v.dose_code, given_on=v.given_on, lot=v.lot, product=v.product,
            facility_name=(facilities or {}).get(v.facility_code or "", ""),
            antigen=dose.antigen if dose else v.dose_code,
            cvx=fhir.CVX_BY_SERIES.get(series) if dose else None,
            primary_source=v.source != "backdated",
        ))  # fmt: skip
    return out


def schedule_name(person: Person) -> str:
    return "bangladesh-epi" if person.state_code.startswith("BD") else "india-uip"


def next_due(ctx: Context, person: Person, given: list[Vaccination]) -> list[fhir.NextDose]:
    schedule = load_schedule(schedule_name(person))
    today = ctx.today()
    history = {v.dose_code: v.given_on for v in given
               if v.schedule == schedule.name and v.given_on <= today}  # fmt: skip
    statuses = due_doses(schedule, birth=person.birth_date, today=today, given=history,
                         flags=ctx.area_tree().flags(person.area_code))  # fmt: skip
    out = []
    for s in statuses:
        if s.status in NEXT_DUE and s.due_date is not None:
            dose = schedule.dose(s.code)
            out.append(fhir.NextDose(s.code, dose.antigen, s.due_date, s.status.value,
                                     fhir.CVX_BY_SERIES.get(dose.series)))  # fmt: skip
    return sorted(out, key=lambda d: (d.due_date, d.code))


def facility_names(ctx: Context, given: list[Vaccination]) -> dict[str, str]:
    codes = sorted({v.facility_code for v in given if v.facility_code})
    if not codes:
        return {}
    with ctx.uow() as uow:
        return {f.code: f.name for f in uow.areas.facilities_by_code(codes)}


@audit_denials
def immunization_record(ctx: Context, principal: Principal, person_id: str) -> dict[str, Any]:
    """The person's ImmunizationRecord as a FHIR R4 document Bundle."""
    person = get_person(ctx, principal, person_id)
    with ctx.uow() as uow:
        given = uow.vaccinations.of_person(person.state_code, person.id)
    return fhir.record_document(
        document_id=ctx.new_id(), issued_at=ctx.now(), issuer=str(ctx.settings.base_url),
        holder=holder_of(person), doses=given_doses(given, facility_names(ctx, given)),
        next_doses=next_due(ctx, person, given), ids=iter(ctx.new_id, None),
    )  # fmt: skip


@audit_denials
def import_record(ctx: Context, principal: Principal, bundle: Any) -> list[Vaccination]:
    """Record the doses of a FHIR Bundle (ours, from another deployment or a portal) for the
    person it names, as doses given elsewhere: all of them, or none when one is refused. A
    dose already on file for the same day is skipped, so importing twice changes nothing."""
    require(principal, Action.VACCINATION_RECORD)
    read = fhir.read_bundle(bundle)
    if not read.person_id:
        raise InvalidInput("entry", reason="The Patient has no sevasetu person identifier.")
    if not read.doses:
        raise InvalidInput("entry", reason="The Bundle holds no completed Immunization.")
    person = get_person(ctx, principal, read.person_id, vaccinating=True)
    if read.birth_date is not None and read.birth_date != person.birth_date:
        raise InvalidInput("birthDate", reason="The Patient's birth date is not the person's.")
    identifier = bundle.get("identifier") if isinstance(bundle, Mapping) else None
    source = identifier.get("value") if isinstance(identifier, Mapping) else None
    evidence = f"FHIR Bundle {source or hashlib.sha256(repr(bundle).encode()).hexdigest()[:16]}"
    recorded = []
    with ctx.uow(write=True) as uow:
        on_file = {v.dose_code: v.given_on for v in
                   uow.vaccinations.of_person(person.state_code, person.id)}  # fmt: skip
        for dose in sorted(read.doses, key=lambda d: (d.given_on, d.code)):
            if on_file.get(dose.code) == dose.given_on:
                continue
            data = VaccinationInput(
                person_id=person.id, dose_code=dose.code, given_on=dose.given_on,
                schedule=schedule_name(person), lot=dose.lot[:40], backdated=True,
                evidence=evidence[:300],
            )  # fmt: skip
            recorded.append(record_vaccination(ctx, principal, data, within=uow))
            on_file[dose.code] = dose.given_on
        record(ctx, uow, actor=principal, action="fhir.import", subject_type="person",
               subject_id=person.id, state_code=person.state_code, source=evidence,
               doses=[v.dose_code for v in recorded])  # fmt: skip
        uow.commit()
    return recorded

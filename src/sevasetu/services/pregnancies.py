"""Pregnancies: registration, antenatal visits, and the delivery with its newborns and their
birth doses, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, Role, require, require_area
from ..domain.areas import Facility
from ..domain.errors import InvalidInput, NotFound, Reason, StaleVersion, UnknownFacility
from ..domain.households import Relation
from ..domain.people import Person, Sex
from ..domain.pregnancies import (
    HOME,
    AncVisit,
    Newborn,
    Pregnancy,
    PregnancyStatus,
    baby_name,
    check_can_register,
    check_counts,
    check_delivery,
    check_visit,
    expected_delivery,
)
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .people import PersonInput, add_new_person, build_person, fields_under, readable_person
from .ports import Context, UnitOfWork
from .vaccinations import VaccinationInput, record_vaccination

SCHEDULE = "india-uip"


@dataclass(slots=True)
class PregnancyInput:
    person_id: str
    lmp: date
    gravida: int | None = None
    parity: int | None = None
    facility_code: str | None = None


@dataclass(slots=True)
class AncInput:
    visit_on: date
    weight_kg: float | None = None
    bp_systolic: int | None = None
    bp_diastolic: int | None = None
    hb_g_dl: float | None = None
    notes: str = ""


@dataclass(slots=True)
class BirthDoseInput:
    code: str
    given_on: date
    lot: str = ""
    product: str = ""


@dataclass(slots=True)
class BabyInput:
    sex: str
    birth_weight_g: int
    name: str | None = None
    birth_doses: list[BirthDoseInput] = field(default_factory=list)


@dataclass(slots=True)
class DeliveryInput:
    delivered_on: date
    place: str  # a facility code or "home"
    live_births: int
    stillbirths: int = 0
    babies: list[BabyInput] = field(default_factory=list)


@dataclass(slots=True)
class PregnancyView:
    pregnancy: Pregnancy
    visits: list[AncVisit]
    babies: list[tuple[Person, int]]  # each newborn with the birth weight
    vaccinations: list[Vaccination] = field(default_factory=list)


def _facility(uow: UnitOfWork, code: str, field_name: str) -> Facility:
    facility = next(iter(uow.areas.facilities_by_code([code])), None)
    if facility is None:
        raise UnknownFacility(field_name, facility_code=code)
    return facility


def _pregnancy(ctx: Context, uow: UnitOfWork, principal: Principal, pregnancy_id: str) -> tuple[
    Pregnancy, Person
]:  # fmt: skip
    pregnancy = uow.pregnancies.get(pregnancy_id)
    if pregnancy is None:
        raise NotFound("id", what="pregnancy", id=pregnancy_id)
    return pregnancy, readable_person(ctx, uow, principal, pregnancy.person_id)


@audit_denials
def register_pregnancy(ctx: Context, principal: Principal, data: PregnancyInput) -> Pregnancy:
    require(principal, Action.PREGNANCY_REGISTER)
    check_counts(data.gravida, data.parity)
    with ctx.uow(write=True) as uow:
        woman = readable_person(ctx, uow, principal, data.person_id)
        check_can_register(
            woman, lmp=data.lmp, today=ctx.today(),
            open_pregnancy=uow.pregnancies.open_of(woman.state_code, woman.id),
        )  # fmt: skip
        if data.facility_code is not None:
            _facility(uow, data.facility_code, "facility_code")
        pregnancy = Pregnancy(
            id=ctx.new_id(), state_code=woman.state_code, person_id=woman.id,
            area_code=woman.area_code, lmp=data.lmp, edd=expected_delivery(data.lmp),
            gravida=data.gravida, parity=data.parity, facility_code=data.facility_code,
            status=PregnancyStatus.OPEN, registered_by=principal.actor,
            registered_at=ctx.now(),
        )  # fmt: skip
        uow.pregnancies.add(pregnancy)
        record(ctx, uow, actor=principal, action="pregnancy.register", subject_type="person",
               subject_id=woman.id, state_code=woman.state_code, pregnancy=pregnancy.id,
               lmp=data.lmp.isoformat())  # fmt: skip
        uow.commit()
    return pregnancy


@audit_denials
def get_pregnancy(ctx: Context, principal: Principal, pregnancy_id: str) -> PregnancyView:
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        pregnancy, woman = _pregnancy(ctx, uow, principal, pregnancy_id)
        view = _view(uow, pregnancy)
        if principal.role is not Role.CITIZEN:
            record(ctx, uow, actor=principal, action="pregnancy.read", subject_type="person",
                   subject_id=woman.id, state_code=woman.state_code,
                   pregnancy=pregnancy.id)  # fmt: skip
        uow.commit()
    return view


def _view(uow: UnitOfWork, pregnancy: Pregnancy) -> PregnancyView:
    babies = []
    for birth in uow.pregnancies.births(pregnancy.state_code, pregnancy.id):
        baby = uow.people.get(birth["person_id"])
        if baby is not None:
            babies.append((baby, birth["birth_weight_g"]))
    visits = uow.pregnancies.visits(pregnancy.state_code, pregnancy.id)
    return PregnancyView(pregnancy, visits, babies)


@audit_denials
def pregnancies_of(ctx: Context, principal: Principal, person_id: str) -> list[Pregnancy]:
    with ctx.uow() as uow:
        woman = readable_person(ctx, uow, principal, person_id)
        return list(uow.pregnancies.of_person(woman.state_code, woman.id))


@audit_denials
def add_anc_visit(
    ctx: Context, principal: Principal, pregnancy_id: str, data: AncInput
) -> AncVisit:
    require(principal, Action.PREGNANCY_REGISTER)
    if (data.bp_systolic is None) != (data.bp_diastolic is None):
        raise InvalidInput("bp_diastolic", reason="Give both numbers of the blood pressure.")
    systolic, diastolic = data.bp_systolic, data.bp_diastolic
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        raise InvalidInput(
            "bp_diastolic", reason="The diastolic pressure must be below the systolic."
        )
    with ctx.uow(write=True) as uow:
        pregnancy, woman = _pregnancy(ctx, uow, principal, pregnancy_id)
        weeks = check_visit(pregnancy, data.visit_on, ctx.today())
        visit = AncVisit(
            id=ctx.new_id(), state_code=pregnancy.state_code, pregnancy_id=pregnancy.id,
            visit_on=data.visit_on, gestation_weeks=weeks, weight_kg=data.weight_kg,
            bp_systolic=data.bp_systolic, bp_diastolic=data.bp_diastolic, hb_g_dl=data.hb_g_dl,
            notes=data.notes.strip(), recorded_by=principal.actor, recorded_at=ctx.now(),
        )  # fmt: skip
        uow.pregnancies.add_visit(visit)
        record(ctx, uow, actor=principal, action="pregnancy.anc_visit", subject_type="person",
               subject_id=woman.id, state_code=woman.state_code, pregnancy=pregnancy.id,
               visit_on=data.visit_on.isoformat(), weeks=weeks)  # fmt: skip
        uow.commit()
    return visit


def _relation(mother: Person, sex: Sex) -> str | None:
    """The newborn's relation to the head of the mother's household."""
    if mother.household_id is None:
        return None
    if sex is Sex.OTHER:
        return Relation.OTHER_RELATIVE.value
    if mother.relation_to_head in (Relation.HEAD.value, Relation.SPOUSE.value):
        return (Relation.SON if sex is Sex.MALE else Relation.DAUGHTER).value
    if mother.relation_to_head in (
        Relation.DAUGHTER.value, Relation.DAUGHTER_IN_LAW.value, Relation.SON_IN_LAW.value,
    ):  # fmt: skip
        return (Relation.GRANDSON if sex is Sex.MALE else Relation.GRANDDAUGHTER).value
    return Relation.OTHER_RELATIVE.value


def _check_birth_doses(data: DeliveryInput) -> None:
    schedule = load_schedule(SCHEDULE)
    for i, baby in enumerate(data.babies):
        for j, given in enumerate(baby.birth_doses):
            with fields_under(f"babies[{i}].birth_doses[{j}]."):
                dose = schedule.dose(given.code.strip().upper())
                if str(dose.due) != "0d" or dose.group != "child":
                    raise InvalidInput("code", reason=Reason(
                        "{code} is not a birth dose.", code=dose.code))  # fmt: skip


@audit_denials
def record_delivery(
    ctx: Context, principal: Principal, pregnancy_id: str, data: DeliveryInput
) -> PregnancyView:
    """Close the pregnancy, register each live-born baby in the mother's household, and record
    the birth doses given at the delivery point: all of it, or nothing."""
    require(principal, Action.DELIVERY_RECORD)
    require(principal, Action.PERSON_REGISTER)
    if any(b.birth_doses for b in data.babies):
        require(principal, Action.VACCINATION_RECORD)
    _check_birth_doses(data)
    place = data.place.strip()
    with ctx.uow(write=True) as uow:
        pregnancy = uow.pregnancies.get(pregnancy_id)
        if pregnancy is None:
            raise NotFound("id", what="pregnancy", id=pregnancy_id)
        facility = None
        if place.lower() == HOME:
            place = HOME
            mother = readable_person(ctx, uow, principal, pregnancy.person_id)
        else:
            # At a facility: its staff record the delivery of any woman who comes there.
            facility = _facility(uow, place, "place")
            require_area(principal, ctx.area_tree().get(facility.area_code))
            mother = uow.people.get(pregnancy.person_id)
            if mother is None:
                raise NotFound("id", what="person", id=pregnancy.person_id)
        check_delivery(
            pregnancy, delivered_on=data.delivered_on, today=ctx.today(),
            live_births=data.live_births, stillbirths=data.stillbirths,
            babies=[Newborn(b.sex, b.birth_weight_g, b.name) for b in data.babies],
        )  # fmt: skip
        area = ctx.area_tree().residence(mother.area_code)
        babies: list[tuple[Person, int]] = []
        for i, baby in enumerate(data.babies):
            person = build_person(
                ctx, PersonInput(name=(baby.name or "").strip() or baby_name(mother),
                                 sex=baby.sex, area_code=area.code,
                                 birth_date=data.delivered_on),
                area, f"babies[{i}].",
            )  # fmt: skip
            person = replace(
                person, household_id=mother.household_id,
                relation_to_head=_relation(mother, person.sex),
            )  # fmt: skip
            add_new_person(ctx, uow, principal, person, confirm_new=True, mother_id=mother.id,
                           pregnancy_id=pregnancy.id, channel="delivery")  # fmt: skip
            uow.pregnancies.add_birth(
                state_code=person.state_code, person_id=person.id, pregnancy_id=pregnancy.id,
                mother_id=mother.id, birth_weight_g=baby.birth_weight_g,
                born_on=data.delivered_on,
            )  # fmt: skip
            babies.append((person, baby.birth_weight_g))
        closed = replace(
            pregnancy, status=PregnancyStatus.DELIVERED, delivered_on=data.delivered_on,
            delivery_place=place, live_births=data.live_births, stillbirths=data.stillbirths,
        )  # fmt: skip
        if not uow.pregnancies.record_delivery(closed):
            raise StaleVersion("id")
        record(ctx, uow, actor=principal, action="pregnancy.delivery", subject_type="person",
               subject_id=mother.id, state_code=mother.state_code, pregnancy=pregnancy.id,
               delivered_on=data.delivered_on.isoformat(), place=place,
               live_births=data.live_births, stillbirths=data.stillbirths,
               babies=[p.id for p, _ in babies])  # fmt: skip
        given = []
        for i, baby in enumerate(data.babies):
            for j, dose in enumerate(baby.birth_doses):
                with fields_under(f"babies[{i}].birth_doses[{j}]."):
                    given.append(record_vaccination(ctx, principal, VaccinationInput(
                        person_id=babies[i][0].id, dose_code=dose.code, given_on=dose.given_on,
                        schedule=SCHEDULE, facility_code=facility.code if facility else None,
                        product=dose.product, lot=dose.lot,
                    ), within=uow))  # fmt: skip
        view = _view(uow, closed)
        view.vaccinations = given
        uow.commit()
    return view

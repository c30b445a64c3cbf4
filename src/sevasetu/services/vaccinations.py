"""Recording doses, anywhere in the country, and a person's schedule from their record.

One dose or a batch of them go through the same judgement (``judge_dose``) against data read
beforehand (``DoseFacts``): the single path reads it for one dose, a batch for all its items
in a few queries, and then inserts the good ones and their audit entries in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..adapters.schedules import load_schedule
from ..domain.access import Action, Principal, require, require_area, require_recording
from ..domain.areas import Facility
from ..domain.errors import (
    DomainError,
    DoseRefused,
    ImpossibleDate,
    InvalidInput,
    NotFound,
    OutsideArea,
    Reason,
    UnknownFacility,
)
from ..domain.lots import VaccineLot, lot_for_dose
from ..domain.pregnancies import PregnancyWindow, check_pregnancy_dose
from ..domain.schedule import DoseStatus, check_dose, due_doses
from ..domain.vaccinations import DoseSubject, Vaccination
from .audit import SYSTEM_CHAIN, audit_denials
from .people import get_person
from .ports import Context, UnitOfWork
from .stock import record_administered

MAX_BATCH = 1000


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


@dataclass(slots=True)
class DoseFacts:
    """What judging some doses needs from the database, read once for all of them."""

    subjects: dict[str, DoseSubject] = field(default_factory=dict)
    # (state, person, schedule) -> dose code -> day given; grows as a batch accepts doses.
    histories: dict[tuple[str, str, str], dict[str, date]] = field(default_factory=dict)
    facilities: dict[str, Facility] = field(default_factory=dict)
    lots: dict[tuple[str, str], list[VaccineLot]] = field(default_factory=dict)
    # (state, person) -> (sex, latest pregnancy's window), read only for pregnancy doses (Td).
    pregnancies: dict[tuple[str, str], tuple[str, PregnancyWindow | None]] = field(
        default_factory=dict
    )
    # (state, person, schedule) -> dose code -> product, read only for campaign doses.
    products: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, uow: UnitOfWork, items: Sequence[VaccinationInput]) -> DoseFacts:
        subjects = uow.vaccinations.subjects([d.person_id for d in items])
        codes = sorted({d.facility_code for d in items if d.facility_code is not None})
        facilities = {f.code: f for f in uow.areas.facilities_by_code(codes)} if codes else {}
        keys = [
            (facilities[d.facility_code].state_code, d.facility_code, d.lot.strip())
            for d in items
            if d.facility_code in facilities and d.lot.strip() and not d.backdated
        ]
        lots: dict[tuple[str, str], list[VaccineLot]] = {}
        for held in uow.lots.held(keys):
            lots.setdefault((held.facility_code, held.lot), []).append(held)
        histories = uow.vaccinations.histories([(s.state_code, s.id) for s in subjects.values()])
        pregnant = [(s.state_code, s.id) for d in items if _pregnancy_dose(d)
                    and (s := subjects.get(d.person_id)) is not None]  # fmt: skip
        pregnancies = uow.pregnancies.dose_facts(pregnant) if pregnant else {}
        products: dict[tuple[str, str, str], dict[str, str]] = {}
        for name in sorted({d.schedule for d in items if load_schedule(d.schedule).campaign}):
            people = [(s.state_code, s.id) for d in items if d.schedule == name
                      and (s := subjects.get(d.person_id)) is not None]  # fmt: skip
            for (state, person), by_code in uow.vaccinations.products(people, name).items():
                products[(state, person, name)] = by_code
        return cls(subjects, histories, facilities, lots, pregnancies, products)

    def history(self, subject: DoseSubject, schedule: str) -> dict[str, date]:
        return self.histories.setdefault((subject.state_code, subject.id, schedule), {})

    def accept(self, v: Vaccination) -> None:
        key = (v.state_code, v.person_id, v.schedule)
        self.histories.setdefault(key, {})[v.dose_code] = v.given_on
        self.products.setdefault(key, {})[v.dose_code] = v.product


def judge_dose(
    ctx: Context,
    principal: Principal,
    data: VaccinationInput,
    facts: DoseFacts,
    *,
    today: date,
    now: datetime,
) -> Vaccination:
    """The dose as it would be recorded, or the domain error that refuses it. Writes nothing:
    the caller inserts it (and ``facts.accept``s it, so later doses of a batch see it)."""
    schedule = load_schedule(data.schedule)
    code = data.dose_code.strip().upper()
    schedule.dose(code)
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
    person = facts.subjects.get(data.person_id)
    if person is None:
        raise NotFound("person_id", what="person", id=data.person_id)
    product, lot, expiry = data.product.strip(), data.lot.strip(), data.lot_expiry
    if data.facility_code is not None:
        facility = facts.facilities.get(data.facility_code)
        if facility is None:
            raise UnknownFacility("facility_code", facility_code=data.facility_code)
        require_area(principal, ctx.area_tree().get(facility.area_code))
        # A dose given here comes from a lot the facility holds; one given elsewhere earlier
        # (backdated) carries its lot as written on the card.
        if lot and not data.backdated:
            held = lot_for_dose(
                facts.lots.get((facility.code, lot), ()), facility_code=facility.code, lot=lot,
                product=product, dose_code=code, on=data.given_on,
            )  # fmt: skip
            product, expiry = product or held.product, expiry or held.expiry
    if data.given_on < person.birth_date:
        raise ImpossibleDate(
            "given_on", value=data.given_on.isoformat(), reason="it is before the birth"
        )
    history = facts.history(person, schedule.name)
    override = (data.override_reason or "").strip() or None
    window = None
    if schedule.dose(code).group == "pregnancy":  # Td: only in a registered pregnancy
        sex, window = facts.pregnancies.get((person.state_code, person.id), (None, None))
        check_pregnancy_dose(code, sex=sex, birth=person.birth_date, window=window,
                             on=data.given_on)  # fmt: skip
    products = None
    if schedule.campaign is not None:  # the vaccine is part of the dose: dose 2 must match
        if not product:
            raise InvalidInput("product", reason=Reason(
                "{code} needs the vaccine given: {names}.", code=code,
                names=", ".join(p.name for p in schedule.campaign.products)))  # fmt: skip
        product = schedule.campaign.product(product)
        products = facts.products.get((person.state_code, person.id, schedule.name), {})
    try:
        check_dose(schedule, code, birth=person.birth_date, on=data.given_on, given=history,
                   flags=ctx.area_tree().flags(person.area_code), pregnancy=window,
                   product=product or None, products=products)  # fmt: skip
    except DoseRefused:
        if override is None or code in history:
            raise
    return Vaccination(
        id=ctx.new_id(), state_code=person.state_code, person_id=person.id,
        schedule=schedule.name, dose_code=code, given_on=data.given_on,
        facility_code=data.facility_code, product=product, lot=lot, lot_expiry=expiry,
        source="backdated" if data.backdated else "session", evidence=data.evidence.strip(),
        override_reason=override, recorded_by=principal.actor, recorded_at=now,
    )  # fmt: skip


def _dose_audit(v: Vaccination) -> dict[str, Any]:
    return dict(
        action="vaccination.record", subject_type="person", subject_id=v.person_id,
        state_code=v.state_code,
        detail=dict(dose=v.dose_code, given_on=v.given_on.isoformat(),
                    facility=v.facility_code, override=v.override_reason,
                    **({"lot": v.lot} if v.lot else {})),
    )  # fmt: skip


def _record_one(
    ctx: Context, uow: UnitOfWork, principal: Principal, data: VaccinationInput
) -> Vaccination:
    """One dose inside an open write unit, which the caller commits."""
    facts = DoseFacts.read(uow, [data])
    vaccination = judge_dose(ctx, principal, data, facts, today=ctx.today(), now=ctx.now())
    uow.vaccinations.add(vaccination)
    uow.sessions.complete_bookings([vaccination], ctx.now())
    record_administered(ctx, uow, facts.facilities, [vaccination], actor=principal.actor,
                        now=ctx.now())  # fmt: skip
    uow.audit.append(at=ctx.now(), actor=principal.actor, **_dose_audit(vaccination))
    return vaccination


@audit_denials
def record_vaccination(
    ctx: Context, principal: Principal, data: VaccinationInput, *, within: UnitOfWork | None = None
) -> Vaccination:
    """A vaccinator records a dose for anyone registered, wherever they live: the dose must fit
    the schedule on that day, or carry an override reason, which is audited. ``within`` records
    it in a caller's unit of work (several doses all or nothing), which the caller commits."""
    require_recording(principal, backdated=data.backdated)
    if within is not None:
        return _record_one(ctx, within, principal, data)
    with ctx.uow(write=True) as uow:
        vaccination = _record_one(ctx, uow, principal, data)
        uow.commit()
    return vaccination


@dataclass(frozen=True, slots=True)
class DoseOutcome:
    """One item of a batch: recorded, or refused with the error the single path would raise."""

    vaccination: Vaccination | None = None
    error: DomainError | None = None


@audit_denials
def record_vaccinations(
    ctx: Context, principal: Principal, items: Sequence[VaccinationInput]
) -> list[DoseOutcome]:
    """Many doses in one transaction, each recorded or refused on its own, in the order given
    (a later item sees the doses accepted before it). Everything the items need is read in a
    few queries, the accepted doses go in with one insert, their audit entries with another."""
    require(principal, Action.VACCINATION_RECORD)
    if len(items) > MAX_BATCH:
        raise InvalidInput("items", reason=Reason(
            "A batch holds at most {limit} doses.", limit=MAX_BATCH))  # fmt: skip
    today, now = ctx.today(), ctx.now()
    with ctx.uow(write=True) as uow:
        facts = DoseFacts.read(uow, items)
        outcomes: list[DoseOutcome] = []
        for data in items:
            try:
                vaccination = judge_dose(ctx, principal, data, facts, today=today, now=now)
            except DomainError as error:
                outcomes.append(DoseOutcome(error=error))
                continue
            facts.accept(vaccination)
            outcomes.append(DoseOutcome(vaccination=vaccination))
        inserted = uow.vaccinations.add_many([o.vaccination for o in outcomes if o.vaccination])
        events: list[dict[str, Any]] = []
        for i, o in enumerate(outcomes):
            if o.vaccination is not None and o.vaccination.id not in inserted:
                # Recorded by someone else after we read: the unique constraint decided.
                v = o.vaccination
                outcomes[i] = DoseOutcome(error=DoseRefused(
                    "dose_code", code=v.dose_code, day=v.given_on.isoformat(),
                    reason=Reason("it is already recorded")))  # fmt: skip
            elif o.vaccination is not None:
                events.append(_dose_audit(o.vaccination))
            elif isinstance(o.error, OutsideArea):
                events.append(dict(
                    action="access.denied", subject_type="use_case",
                    subject_id="record_vaccinations",
                    state_code=principal.state_code or SYSTEM_CHAIN,
                    detail=dict(refusal=o.error.code, use_case="record_vaccinations"),
                ))  # fmt: skip
        accepted = [o.vaccination for o in outcomes if o.vaccination is not None]
        uow.sessions.complete_bookings(accepted, now)
        record_administered(ctx, uow, facts.facilities, accepted, actor=principal.actor, now=now)
        uow.audit.append_many([dict(e, at=now, actor=principal.actor) for e in events])
        uow.commit()
    return outcomes


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
    # Access rules (vaccination anywhere for vaccinators) and the audit entry.
    person = get_person(ctx, principal, person_id, vaccinating=True)
    with ctx.uow() as uow:
        given = uow.vaccinations.of_person(person.state_code, person.id)
        pregnancy = uow.pregnancies.latest_window(person.state_code, person.id)
    history = {v.dose_code: v.given_on for v in given if v.schedule == schedule.name}
    day = as_of or ctx.today()
    history = {c: d for c, d in history.items() if d <= day}
    flags = ctx.area_tree().flags(person.area_code)  # JE where endemic, PCV where offered
    window = pregnancy if pregnancy is not None and pregnancy.lmp <= day else None
    products = {v.dose_code: v.product for v in given if v.schedule == schedule.name}
    return due_doses(
        schedule, birth=person.birth_date, today=day, given=history, flags=flags,
        pregnancy=window, products=products,
    ), given  # fmt: skip


def _pregnancy_dose(data: VaccinationInput) -> bool:
    dose = load_schedule(data.schedule).by_code.get(data.dose_code.strip().upper())
    return dose is not None and dose.group == "pregnancy"

"""Adverse events following immunisation: reported against a recorded dose, followed up to
their outcome, and listed across an area for the district immunisation officer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from ..domain.access import Action, Principal, can, require, require_area
from ..domain.aefi import AefiReport, check_onset, outcome_of, severity_of, symptoms_of
from ..domain.errors import NotFound, OutsideArea, StaleVersion
from ..domain.vaccinations import Vaccination
from .audit import audit_denials, record
from .ports import Context, UnitOfWork


@dataclass(slots=True)
class AefiInput:
    onset_at: datetime
    symptoms: list[str]
    severity: str
    outcome: str
    reported_by: str
    other_symptoms: str = ""
    serious_reasons: list[str] = field(default_factory=list)


def _in_reach(ctx: Context, principal: Principal, report_area: str, person_area: str) -> None:
    """Staff of the area where the event is followed up, or of the person's own area."""
    tree = ctx.area_tree()
    try:
        require_area(principal, tree.get(report_area))
    except OutsideArea:
        require_area(principal, tree.get(person_area))


def _report(ctx: Context, uow: UnitOfWork, principal: Principal, report_id: str) -> AefiReport:
    report = uow.aefi.get(report_id)
    if report is None:
        raise NotFound("id", what="adverse event report", id=report_id)
    person = uow.people.get(report.person_id)
    try:
        _in_reach(ctx, principal, report.area_code, person.area_code if person else "")
    except OutsideArea as refusal:
        refusal.subject = ("aefi", report.id, report.state_code)
        raise
    return report


@audit_denials
def report_aefi(
    ctx: Context, principal: Principal, vaccination_id: str, data: AefiInput
) -> AefiReport:
    require(principal, Action.AEFI_REPORT)
    symptoms = symptoms_of(data.symptoms, data.other_symptoms)
    severity, why = severity_of(data.severity, data.serious_reasons)
    outcome = outcome_of(data.outcome, why)
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        vaccination = uow.aefi.vaccination(vaccination_id)
        if vaccination is None:
            raise NotFound("vaccination_id", what="vaccination", id=vaccination_id)
        person = uow.people.get(vaccination.person_id)
        if person is None:
            raise NotFound("vaccination_id", what="person", id=vaccination.person_id)
        area_code = person.area_code
        if vaccination.facility_code is not None:
            facility = next(iter(uow.areas.facilities_by_code([vaccination.facility_code])))
            area_code = facility.area_code
        try:
            _in_reach(ctx, principal, area_code, person.area_code)
        except OutsideArea as refusal:
            refusal.subject = ("person", person.id, person.state_code)
            raise
        zone = ZoneInfo(ctx.settings.time_zone)
        check_onset(data.onset_at, datetime.combine(vaccination.given_on, time.min, zone), now)
        report = AefiReport(
            id=ctx.new_id(), state_code=person.state_code, vaccination_id=vaccination.id,
            person_id=person.id, area_code=area_code, dose_code=vaccination.dose_code,
            onset_at=data.onset_at, symptoms=symptoms,
            other_symptoms=data.other_symptoms.strip(), severity=severity,
            serious_reasons=why, outcome=outcome, reported_by=data.reported_by.strip(),
            recorded_by=principal.actor, recorded_at=now, updated_at=now,
            outcome_history=[{"at": now.isoformat(), "outcome": outcome.value,
                              "by": principal.actor}],
        )  # fmt: skip
        uow.aefi.add(report)
        record(ctx, uow, actor=principal, action="aefi.report", subject_type="person",
               subject_id=person.id, state_code=person.state_code, aefi=report.id,
               vaccination=vaccination.id, dose=vaccination.dose_code,
               severity=severity.value, outcome=outcome.value)  # fmt: skip
        uow.commit()
    return report


@audit_denials
def update_aefi_outcome(
    ctx: Context,
    principal: Principal,
    report_id: str,
    outcome: str,
    *,
    expected_version: int | None = None,
) -> AefiReport:
    require(principal, Action.AEFI_REPORT)
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        report = _report(ctx, uow, principal, report_id)
        if expected_version is not None and expected_version != report.version:
            raise StaleVersion("version")
        new_outcome = outcome_of(outcome, report.serious_reasons)
        updated = replace(
            report, outcome=new_outcome, updated_at=now, version=report.version + 1,
            outcome_history=[*report.outcome_history, {"at": now.isoformat(),
                             "outcome": new_outcome.value, "by": principal.actor}],
        )  # fmt: skip
        if not uow.aefi.update_outcome(updated, previous_version=report.version):
            raise StaleVersion("version")
        record(ctx, uow, actor=principal, action="aefi.outcome", subject_type="person",
               subject_id=report.person_id, state_code=report.state_code, aefi=report.id,
               outcome=new_outcome.value, previous=report.outcome.value)  # fmt: skip
        uow.commit()
    return updated


@audit_denials
def get_aefi(ctx: Context, principal: Principal, report_id: str) -> AefiReport:
    if not can(principal, Action.AEFI_REPORT):
        require(principal, Action.AEFI_READ)
    with ctx.uow() as uow:
        return _report(ctx, uow, principal, report_id)


@audit_denials
def list_aefi(
    ctx: Context,
    principal: Principal,
    *,
    area_code: str | None = None,
    serious: bool | None = None,
    since: datetime | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[AefiReport], bool]:
    """Reports followed up in an area (the caller's own by default), the latest onset first;
    with ``has_more``."""
    require(principal, Action.AEFI_READ)
    area = ctx.area_tree().get(area_code or principal.area_code or "", "area")
    require_area(principal, area)
    codes = [a.code for a in ctx.area_tree().within(area.code)]
    with ctx.uow() as uow:
        found = uow.aefi.in_areas(codes, serious=serious, since=since, limit=page_size + 1,
                                  offset=(page - 1) * page_size)  # fmt: skip
    return found[:page_size], len(found) > page_size


@dataclass(frozen=True, slots=True)
class AefiDose:
    """What a list of reports shows beside each one: the person's name and the dose given."""

    person_name: str
    vaccination: Vaccination | None
    recorded_by: str  # the staff user's full name, else the actor as stored


@audit_denials
def doses_of(ctx: Context, principal: Principal, reports: list[AefiReport]) -> dict[str, AefiDose]:
    """The person, the dose and the recorder of each report ``list_aefi`` returned, by id."""
    require(principal, Action.AEFI_READ)
    found: dict[str, AefiDose] = {}
    with ctx.uow() as uow:
        for report in reports:
            person = uow.people.get(report.person_id)
            kind, _, user_id = report.recorded_by.partition(":")
            user = uow.users.get(user_id) if kind == "user" else None
            found[report.id] = AefiDose(
                person.name if person else "",
                uow.aefi.vaccination(report.vaccination_id),
                user.full_name if user else report.recorded_by,
            )
    return found

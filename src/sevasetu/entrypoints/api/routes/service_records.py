"""Service records from departments, the clerk's queue, a person's services, the duplicate
benefits report with its decisions, and the disaster priority list (docs/services-ledger.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from ....domain.benefits import Finding
from ....services import benefit_findings as findings_svc
from ....services import priority as priority_svc
from ....services import service_records as svc
from ...web.ledger_view import duplicates_view, priority_csv, priority_view
from ..deps import AreaCode, CtxDep, CurrentPrincipal, csv_download
from ..schemas import Strict

router = APIRouter(tags=["services ledger"])


class ServiceRecordCreate(Strict):
    department: str = Field(min_length=1, max_length=40, examples=["BD-DSS"])
    scheme: str = Field(min_length=1, max_length=40, examples=["BD-OLD-AGE-ALLOWANCE"])
    reference: str = Field(min_length=1, max_length=80, description="the department's own id")
    delivered_on: date
    amount: float | None = None
    identifiers: dict[str, str] = Field(
        default_factory=dict, max_length=6, examples=[{"bd_nid": "1234567890"}]
    )
    phone: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=200)
    birth_date: date | None = None
    area_code: str | None = Field(default=None, max_length=40)


class ServiceRecordBatch(Strict):
    records: list[ServiceRecordCreate] = Field(min_length=1, max_length=svc.MAX_BATCH)


class ServiceOutcome(BaseModel):
    index: int
    reference: str
    status: str
    person_id: str | None
    resolved_by: str | None
    created: bool


class ServiceRecordResult(BaseModel):
    created: int
    already_on_file: int
    queued: int
    items: list[ServiceOutcome]


@router.post(
    "/service-records",
    status_code=201,
    response_model=ServiceRecordResult,
    summary="Record up to 1,000 services, all or none; each resolved to a person or "
    "queued for a clerk; a reference already on file is left alone",
)
def post_records(
    body: ServiceRecordBatch, ctx: CtxDep, principal: CurrentPrincipal
) -> ServiceRecordResult:
    items = [svc.ServiceInput(**r.model_dump()) for r in body.records]
    outcomes = svc.record_services(ctx, principal, items)
    created = [o for o in outcomes if o.created]
    return ServiceRecordResult(
        created=len(created),
        already_on_file=len(outcomes) - len(created),
        queued=sum(o.status.value == "queued" for o in created),
        items=[
            ServiceOutcome(
                index=o.index,
                reference=o.reference,
                status=o.status.value,
                person_id=o.person_id,
                resolved_by=o.resolved_by,
                created=o.created,
            )
            for o in outcomes
        ],
    )


class QueuedPublic(BaseModel):
    id: str
    department: str
    scheme: str
    reference: str
    delivered_on: date
    key_kind: str | None
    key_last4: str | None
    name: str | None
    birth_date: date | None
    phone: str | None
    area_code: str | None
    candidates: list[str]


@router.get(
    "/service-records/queue",
    response_model=list[QueuedPublic],
    summary="Service records waiting for a clerk, with the people they may be",
)
def queue(ctx: CtxDep, principal: CurrentPrincipal) -> list[QueuedPublic]:
    return [
        QueuedPublic(
            id=q.record.id,
            department=q.record.department,
            scheme=q.record.scheme_code,
            reference=q.record.reference,
            delivered_on=q.record.delivered_on,
            key_kind=q.record.key_kind,
            key_last4=q.record.key_last4,
            name=q.record.name,
            birth_date=q.record.birth_date,
            phone=q.record.phone,
            area_code=q.record.area_code,
            candidates=[p.id for p in q.candidates],
        )
        for q in svc.queued_records(ctx, principal)
    ]


class QueueDecision(Strict):
    person_id: str | None = Field(default=None, max_length=64)
    reject_reason: str | None = Field(default=None, max_length=300)


@router.post(
    "/service-records/{record_id}/decision",
    response_model=ServiceOutcome,
    summary="A clerk ties a queued record to a person or rejects it (audited)",
)
def decide(
    record_id: str, body: QueueDecision, ctx: CtxDep, principal: CurrentPrincipal
) -> ServiceOutcome:
    r = svc.decide_queued(
        ctx, principal, record_id[:64], person_id=body.person_id, reject_reason=body.reject_reason
    )
    return ServiceOutcome(
        index=0,
        reference=r.reference,
        status=r.status.value,
        person_id=r.person_id,
        resolved_by=r.resolved_by,
        created=False,
    )


@router.get(
    "/people/{person_id}/services",
    summary="Every service from every department to the person and their household",
)
def person_services(
    person_id: str, ctx: CtxDep, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    return [
        {
            "id": s.record.id,
            "department": s.record.department,
            "scheme": s.record.scheme_code,
            "scheme_name": s.scheme_name,
            "reference": s.record.reference,
            "delivered_on": s.record.delivered_on.isoformat(),
            "amount": s.record.amount,
            "person_id": s.record.person_id,
            "for_household_member": s.whose,
        }
        for s in svc.services_of(ctx, principal, person_id[:64])
    ]


@router.get(
    "/reports/duplicates",
    summary="Run the duplicate-benefits detection for an area and list its findings "
    "with their evidence records and the totals per scheme and area",
)
def duplicates(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> dict[str, Any]:
    report = findings_svc.duplicates_report(ctx, principal, area)
    return duplicates_view(report, ctx.area_tree())


class FindingDecision(Strict):
    status: str = Field(description="open, confirmed or dismissed")
    reason: str | None = Field(default=None, max_length=300, description="needed to dismiss")


class FindingPublic(BaseModel):
    id: str
    kind: str
    status: str
    reason: str | None
    decided_by: str | None

    @classmethod
    def of(cls, f: Finding) -> FindingPublic:
        return cls(
            id=f.id,
            kind=f.kind.value,
            status=f.status.value,
            reason=f.reason,
            decided_by=f.decided_by,
        )


@router.post(
    "/benefit-findings/{finding_id}/status",
    response_model=FindingPublic,
    summary="Confirm a finding, dismiss it with the reason, or reopen it (audited)",
)
def decide_finding(
    finding_id: str, body: FindingDecision, ctx: CtxDep, principal: CurrentPrincipal
) -> FindingPublic:
    found = findings_svc.decide_finding(ctx, principal, finding_id, body.status, body.reason)
    return FindingPublic.of(found)


@router.get(
    "/reports/priority",
    summary="Everyone and every household of an area ranked by "
    "the vulnerability score, with location and phone",
)
def priority(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> dict[str, Any]:
    return priority_view(priority_svc.priority_list(ctx, principal, area), ctx.area_tree())


@router.get(
    "/reports/priority.csv",
    response_class=PlainTextResponse,
    summary="The priority list's people as CSV",
)
def priority_file(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: AreaCode,
) -> PlainTextResponse:
    view = priority_view(priority_svc.priority_list(ctx, principal, area), ctx.area_tree())
    return csv_download(priority_csv(view), f"priority-{view['area']['code']}.csv")

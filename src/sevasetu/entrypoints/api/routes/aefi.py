from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from ....domain.aefi import AefiReport, Outcome, SeriousReason, Severity, Symptom
from ....services import aefi as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["aefi"])


class AefiCreate(Strict):
    onset_at: AwareDatetime = Field(description="when the first symptom began, with its offset")
    symptoms: list[str] = Field(
        max_length=len(Symptom), description=", ".join(s.value for s in Symptom)
    )
    other_symptoms: str = Field(default="", max_length=300)
    severity: str = Field(description=", ".join(s.value for s in Severity))
    serious_reasons: list[str] = Field(
        default_factory=list, max_length=len(SeriousReason),
        description="for a serious event: " + ", ".join(r.value for r in SeriousReason),
    )  # fmt: skip
    outcome: str = Field(default="unknown", description=", ".join(o.value for o in Outcome))
    reported_by: str = Field(min_length=1, max_length=120, description="who noticed it")


class AefiUpdate(Strict):
    outcome: str = Field(description=", ".join(o.value for o in Outcome))
    version: int | None = Field(default=None, description="the version you read")


class AefiPublic(BaseModel):
    id: str
    vaccination_id: str
    person_id: str
    area_code: str
    dose_code: str
    onset_at: datetime
    symptoms: list[str]
    other_symptoms: str
    severity: str
    serious: bool
    serious_reasons: list[str]
    outcome: str
    outcome_history: list[dict[str, str]]
    reported_by: str
    recorded_by: str
    recorded_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, r: AefiReport) -> AefiPublic:
        fields = {n: getattr(r, n) for n in cls.model_fields}
        fields.update(
            symptoms=[s.value for s in r.symptoms], severity=r.severity.value,
            serious_reasons=[s.value for s in r.serious_reasons], outcome=r.outcome.value,
        )  # fmt: skip
        return cls(**fields)


class AefiPage(BaseModel):
    items: list[AefiPublic]
    page: int
    page_size: int
    has_more: bool


@router.post("/vaccinations/{vaccination_id}/aefi", status_code=201, response_model=AefiPublic,
             summary="Report an adverse event following a recorded dose")  # fmt: skip
def report(
    vaccination_id: str, body: AefiCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> AefiPublic:
    data = svc.AefiInput(**body.model_dump())
    return AefiPublic.of(svc.report_aefi(ctx, principal, vaccination_id, data))


@router.patch("/aefi/{report_id}", response_model=AefiPublic,
              summary="Update the outcome of an adverse event")  # fmt: skip
def update(
    report_id: str, body: AefiUpdate, ctx: CtxDep, principal: CurrentPrincipal
) -> AefiPublic:
    return AefiPublic.of(svc.update_aefi_outcome(ctx, principal, report_id, body.outcome,
                                                 expected_version=body.version))  # fmt: skip


@router.get("/aefi/{report_id}", response_model=AefiPublic, summary="One adverse event report")
def read(report_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> AefiPublic:
    return AefiPublic.of(svc.get_aefi(ctx, principal, report_id))


@router.get("/aefi", response_model=AefiPage,
            summary="Adverse events in an area (yours by default), latest first")  # fmt: skip
def in_area(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: Annotated[str | None, Query(max_length=40)] = None,
    serious: bool | None = None,
    since: AwareDatetime | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AefiPage:
    found, more = svc.list_aefi(ctx, principal, area_code=area, serious=serious, since=since,
                                page=page, page_size=page_size)  # fmt: skip
    return AefiPage(items=[AefiPublic.of(r) for r in found], page=page, page_size=page_size,
                    has_more=more)  # fmt: skip

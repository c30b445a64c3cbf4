"""Reports for district officers (reconciliation, S2) and the village attestations."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ....domain.attestations import Attestation
from ....domain.errors import InvalidInput, Reason
from ....services import reconciliation as svc
from ....services.attestations import AttestationInput, record_attestation
from ...web.report_view import report_view
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/reconciliation",
    summary="Doses n without dose n-1 in each district, explained, with the records behind each "
    "number and the village attestations checked (docs/reconciliation.md)",
)
def reconciliation(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: Annotated[str, Query(min_length=1, max_length=40, description="a district or above")],
    schedule: Annotated[str, Query(max_length=40)] = svc.DEFAULT_SCHEDULE,
    dose: Annotated[
        str | None, Query(max_length=12, description="the headline dose n, e.g. COVID2")
    ] = None,
) -> dict[str, Any]:
    report = svc.reconciliation_report(ctx, principal, area, schedule=schedule, dose=dose)
    return report_view(report, ctx.area_tree())


class AttestationCreate(Strict):
    area_code: str = Field(min_length=1, max_length=40, description="the village or ward")
    schedule: str = Field(default=svc.DEFAULT_SCHEDULE, max_length=40)
    dose_code: str = Field(min_length=1, max_length=12, description="e.g. COVID2")
    claimed_coverage: float = Field(description="percent of the eligible people, 0-100")
    signed_by: str = Field(min_length=1, max_length=120, description="the sarpanch's name")
    signed_on: date
    document: str | None = Field(
        default=None, description="the scanned certificate (JPEG, PNG, WebP or PDF), base64"
    )


class AttestationPublic(BaseModel):
    id: str
    area_code: str
    schedule: str
    dose_code: str
    claimed_coverage: float
    signed_by: str
    signed_on: date
    document_sha256: str | None
    document_media_type: str | None
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, a: Attestation) -> AttestationPublic:
        return cls(**{n: getattr(a, n) for n in cls.model_fields})


@router.post("/attestations", status_code=201, response_model=AttestationPublic,
             summary="Record a sarpanch's village completion attestation")  # fmt: skip
def create_attestation(
    body: AttestationCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> AttestationPublic:
    document = None
    if body.document:
        try:
            document = base64.b64decode(body.document, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("document", reason=Reason(
                "The document is not valid base64.")) from None  # fmt: skip
    data = AttestationInput(
        area_code=body.area_code, schedule=body.schedule, dose_code=body.dose_code,
        claimed_coverage=body.claimed_coverage, signed_by=body.signed_by,
        signed_on=body.signed_on, document=document,
    )  # fmt: skip
    return AttestationPublic.of(record_attestation(ctx, principal, data))

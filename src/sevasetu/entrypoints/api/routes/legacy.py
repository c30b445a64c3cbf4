"""Clerical review of legacy linkage: the queue, one record with its candidates, decisions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ....services import legacy_review as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["legacy linkage"])


class ReviewQueueItem(BaseModel):
    record_id: str
    source: str
    source_row_id: str
    name: str
    area_code: str | None
    area_text: str
    person_id: str | None = Field(description="the best candidate")
    match_weight: float | None


class ReviewPage(BaseModel):
    items: list[ReviewQueueItem]
    page: int
    page_size: int
    has_more: bool


class CandidatePublic(BaseModel):
    person_id: str
    match_weight: float
    match_probability: float
    contributions: dict[str, float] = Field(
        description="each field's part of the match weight (log2 of its Bayes factor)"
    )
    name: str
    name_latin: str
    sex: str
    birth_date: date
    phone: str | None
    area_code: str


class ReviewRecordPublic(BaseModel):
    record: dict[str, Any]
    decision: str | None
    person_id: str | None
    match_weight: float | None
    decided_by: str | None
    candidates: list[CandidatePublic]

    @classmethod
    def of(cls, item: svc.ReviewItem) -> ReviewRecordPublic:
        record = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.record.items()}
        return cls(
            record=record,
            decision=item.decision,
            person_id=item.person_id,
            match_weight=item.match_weight,
            decided_by=item.decided_by,
            candidates=[CandidatePublic(**asdict(c)) for c in item.candidates],
        )


class DecisionCreate(Strict):
    decision: str = Field(description="link, not_match or undecided (back to review)")
    person_id: str | None = Field(
        default=None, max_length=36, description="for link: which candidate (default the best)"
    )


@router.get(
    "/legacy/reviews",
    response_model=ReviewPage,
    summary="Legacy records waiting for clerical review in an area, strongest first",
)
def reviews(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    source: Annotated[str | None, Query(max_length=40)] = None,
    area: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> ReviewPage:
    found = svc.review_queue(
        ctx,
        principal,
        source=source,
        area_code=area,
        limit=page_size + 1,
        offset=(page - 1) * page_size,
    )
    return ReviewPage(
        items=[ReviewQueueItem(**asdict(i)) for i in found[:page_size]],
        page=page,
        page_size=page_size,
        has_more=len(found) > page_size,
    )


@router.get(
    "/legacy/records/{record_id}",
    response_model=ReviewRecordPublic,
    summary="A legacy record beside its candidate registry people",
)
def record(record_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> ReviewRecordPublic:
    return ReviewRecordPublic.of(svc.review_item(ctx, principal, record_id))


@router.post(
    "/legacy/records/{record_id}/decision",
    response_model=ReviewRecordPublic,
    summary="A clerk's decision: link, not a match, or undecided (audited, reversible)",
)
def decision(
    record_id: str, body: DecisionCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> ReviewRecordPublic:
    item = svc.decide_record(ctx, principal, record_id, body.decision, body.person_id)
    return ReviewRecordPublic.of(item)

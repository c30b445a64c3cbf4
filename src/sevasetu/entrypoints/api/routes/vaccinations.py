from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, ValidationError

from ....domain.vaccinations import Vaccination
from ....services import vaccinations as svc
from ..deps import CtxDep, CurrentPrincipal
from ..problems import domain_document, validation_document
from ..schemas import Strict, conflict_extensions

router = APIRouter(tags=["vaccinations"])


class VaccinationCreate(Strict):
    person_id: str = Field(max_length=36)
    dose_code: str = Field(max_length=12, examples=["PENTA1"])
    given_on: date
    schedule: str = Field(default="india-uip", max_length=40)
    facility_code: str | None = Field(default=None, max_length=40)
    product: str = Field(default="", max_length=80)
    lot: str = Field(default="", max_length=40)
    lot_expiry: date | None = None
    backdated: bool = Field(default=False, description="given elsewhere or earlier")
    evidence: str = Field(default="", max_length=300)
    override_reason: str | None = Field(
        default=None, max_length=300, description="record a dose out of schedule, audited"
    )


class VaccinationPublic(BaseModel):
    id: str
    person_id: str
    schedule: str
    dose_code: str
    given_on: date
    facility_code: str | None
    product: str
    lot: str
    lot_expiry: date | None
    source: str
    evidence: str
    override_reason: str | None
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, v: Vaccination) -> VaccinationPublic:
        return cls(**{name: getattr(v, name) for name in cls.model_fields})


class DoseStatusPublic(BaseModel):
    code: str
    status: str
    due_date: date | None
    last_date: date | None
    given_date: date | None


class SchedulePublic(BaseModel):
    person_id: str
    schedule: str
    as_of: date
    doses: list[DoseStatusPublic]
    vaccinations: list[VaccinationPublic]


@router.post("/vaccinations", status_code=201, response_model=VaccinationPublic,
             summary="Record a dose given (or given earlier elsewhere)")  # fmt: skip
def record(body: VaccinationCreate, ctx: CtxDep, principal: CurrentPrincipal) -> VaccinationPublic:
    data = svc.VaccinationInput(**body.model_dump())
    return VaccinationPublic.of(svc.record_vaccination(ctx, principal, data))


class VaccinationBatch(Strict):
    items: list[dict[str, Any]] = Field(
        max_length=svc.MAX_BATCH, description="up to 1,000 VaccinationCreate objects"
    )


class BatchCreated(BaseModel):
    index: int
    status: Literal["created"] = "created"
    vaccination: VaccinationPublic


class BatchRefused(BaseModel):
    index: int
    status: Literal["error"] = "error"
    problem: dict[str, Any] = Field(description="the RFC 9457 problem the single endpoint gives")


class BatchResult(BaseModel):
    created: int
    refused: int
    items: list[BatchCreated | BatchRefused]


@router.post("/vaccinations/batch", response_model=BatchResult,
             summary="Record up to 1,000 doses, each recorded or refused on its own")  # fmt: skip
def record_batch(
    body: VaccinationBatch, request: Request, ctx: CtxDep, principal: CurrentPrincipal
) -> BatchResult:
    answers: dict[int, BatchCreated | BatchRefused] = {}
    valid: list[tuple[int, svc.VaccinationInput]] = []
    for index, raw in enumerate(body.items):
        try:
            item = VaccinationCreate.model_validate(raw)
        except ValidationError as exc:
            problem = validation_document(exc.errors(include_url=False), request.url.path)
            answers[index] = BatchRefused(index=index, problem=problem)
            continue
        valid.append((index, svc.VaccinationInput(**item.model_dump())))
    outcomes = svc.record_vaccinations(ctx, principal, [data for _, data in valid])
    for (index, _), outcome in zip(valid, outcomes, strict=True):
        if outcome.vaccination is not None:
            answers[index] = BatchCreated(
                index=index, vaccination=VaccinationPublic.of(outcome.vaccination)
            )
        else:
            assert outcome.error is not None
            problem = domain_document(request, outcome.error, **conflict_extensions(outcome.error))
            answers[index] = BatchRefused(index=index, problem=problem)
    items = [answers[i] for i in range(len(body.items))]
    created = sum(isinstance(a, BatchCreated) for a in items)
    return BatchResult(created=created, refused=len(items) - created, items=items)


@router.get("/people/{person_id}/schedule", response_model=SchedulePublic,
            summary="Every dose of a schedule for a person, from their doses")  # fmt: skip
def schedule(
    person_id: str,
    ctx: CtxDep,
    principal: CurrentPrincipal,
    schedule: Annotated[str, Query(max_length=40)] = "india-uip",
    as_of: date | None = None,
) -> SchedulePublic:
    day = as_of or ctx.today()
    doses, given = svc.person_schedule(ctx, principal, person_id, schedule_name=schedule, as_of=day)
    return SchedulePublic(
        person_id=person_id, schedule=schedule, as_of=day,
        doses=[DoseStatusPublic(code=d.code, status=d.status.value, due_date=d.due_date,
                                last_date=d.last_date, given_date=d.given_date) for d in doses],
        vaccinations=[VaccinationPublic.of(v) for v in given],
    )  # fmt: skip

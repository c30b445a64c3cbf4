from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ....domain.pregnancies import AncVisit, Pregnancy, gestation_weeks
from ....services import pregnancies as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict
from .vaccinations import VaccinationPublic

router = APIRouter(tags=["pregnancies"])


class PregnancyCreate(Strict):
    person_id: str = Field(max_length=36)
    lmp: date = Field(description="first day of the last menstrual period")
    gravida: int | None = Field(default=None, ge=1, le=20)
    parity: int | None = Field(default=None, ge=0, le=20)
    facility_code: str | None = Field(default=None, max_length=40)


class PregnancyPublic(BaseModel):
    id: str
    person_id: str
    area_code: str
    lmp: date
    edd: date = Field(description="expected date of delivery: LMP + 280 days")
    gestation_weeks: int | None = Field(description="completed weeks today, while open")
    gravida: int | None
    parity: int | None
    facility_code: str | None
    status: str
    registered_by: str
    registered_at: datetime
    delivered_on: date | None
    delivery_place: str | None
    live_births: int | None
    stillbirths: int | None

    @classmethod
    def of(cls, p: Pregnancy, today: date) -> PregnancyPublic:
        fields = {n: getattr(p, n) for n in cls.model_fields if n != "gestation_weeks"}
        fields["status"] = p.status.value
        weeks = gestation_weeks(p.lmp, today) if p.status.value == "open" else None
        return cls(**fields, gestation_weeks=weeks)


class AncVisitCreate(Strict):
    visit_on: date
    weight_kg: float | None = Field(default=None, ge=20, le=200)
    bp_systolic: int | None = Field(default=None, ge=50, le=260)
    bp_diastolic: int | None = Field(default=None, ge=30, le=180)
    hb_g_dl: float | None = Field(default=None, ge=2, le=20, description="haemoglobin, g/dL")
    notes: str = Field(default="", max_length=500)


class AncVisitPublic(BaseModel):
    id: str
    pregnancy_id: str
    visit_on: date
    gestation_weeks: int
    weight_kg: float | None
    bp_systolic: int | None
    bp_diastolic: int | None
    hb_g_dl: float | None
    notes: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, v: AncVisit) -> AncVisitPublic:
        return cls(**{n: getattr(v, n) for n in cls.model_fields})


class BirthDoseCreate(Strict):
    code: str = Field(max_length=12, examples=["BCG"], description="BCG, HEPB0 or OPV0")
    given_on: date
    lot: str = Field(default="", max_length=40)
    product: str = Field(default="", max_length=80)


class BabyCreate(Strict):
    sex: str = Field(description="female, male or other")
    birth_weight_g: int = Field(description="grams, 300 to 6000")
    name: str | None = Field(default=None, max_length=200, description='default "Baby of ..."')
    birth_doses: list[BirthDoseCreate] = Field(default_factory=list, max_length=5)


class DeliveryCreate(Strict):
    delivered_on: date
    place: str = Field(max_length=40, description='a facility code, or "home"')
    live_births: int = Field(ge=0, le=8)
    stillbirths: int = Field(default=0, ge=0, le=8)
    babies: list[BabyCreate] = Field(default_factory=list, max_length=8)


class BabyPublic(BaseModel):
    person_id: str
    name: str
    sex: str
    birth_date: date
    birth_weight_g: int
    household_id: str | None


class PregnancyDetail(BaseModel):
    pregnancy: PregnancyPublic
    anc_visits: list[AncVisitPublic]
    babies: list[BabyPublic]
    vaccinations: list[VaccinationPublic] = Field(description="birth doses recorded just now")

    @classmethod
    def of(cls, view: svc.PregnancyView, today: date) -> PregnancyDetail:
        return cls(
            pregnancy=PregnancyPublic.of(view.pregnancy, today),
            anc_visits=[AncVisitPublic.of(v) for v in view.visits],
            babies=[BabyPublic(person_id=p.id, name=p.name, sex=p.sex.value,
                               birth_date=p.birth_date, birth_weight_g=grams,
                               household_id=p.household_id) for p, grams in view.babies],
            vaccinations=[VaccinationPublic.of(v) for v in view.vaccinations],
        )  # fmt: skip


@router.post("/pregnancies", status_code=201, response_model=PregnancyPublic,
             summary="Register a pregnancy of a registered woman")  # fmt: skip
def register(body: PregnancyCreate, ctx: CtxDep, principal: CurrentPrincipal) -> PregnancyPublic:
    pregnancy = svc.register_pregnancy(ctx, principal, svc.PregnancyInput(**body.model_dump()))
    return PregnancyPublic.of(pregnancy, ctx.today())


@router.get("/pregnancies/{pregnancy_id}", response_model=PregnancyDetail,
            summary="A pregnancy with its antenatal visits and babies")  # fmt: skip
def read(pregnancy_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> PregnancyDetail:
    return PregnancyDetail.of(svc.get_pregnancy(ctx, principal, pregnancy_id), ctx.today())


@router.get("/people/{person_id}/pregnancies", response_model=list[PregnancyPublic],
            summary="A woman's pregnancies, the latest first")  # fmt: skip
def of_person(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> list[PregnancyPublic]:
    today = ctx.today()
    return [PregnancyPublic.of(p, today) for p in svc.pregnancies_of(ctx, principal, person_id)]


@router.post("/pregnancies/{pregnancy_id}/anc-visits", status_code=201,
             response_model=AncVisitPublic, summary="Record an antenatal visit")  # fmt: skip
def anc_visit(
    pregnancy_id: str, body: AncVisitCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> AncVisitPublic:
    visit = svc.add_anc_visit(ctx, principal, pregnancy_id, svc.AncInput(**body.model_dump()))
    return AncVisitPublic.of(visit)


@router.post("/pregnancies/{pregnancy_id}/delivery", status_code=201,
             response_model=PregnancyDetail,
             summary="Record the delivery, newborns and birth doses: all or nothing")  # fmt: skip
def delivery(
    pregnancy_id: str, body: DeliveryCreate, ctx: CtxDep, principal: CurrentPrincipal
) -> PregnancyDetail:
    data = svc.DeliveryInput(
        delivered_on=body.delivered_on, place=body.place, live_births=body.live_births,
        stillbirths=body.stillbirths,
        babies=[svc.BabyInput(sex=b.sex, birth_weight_g=b.birth_weight_g, name=b.name,
                              birth_doses=[svc.BirthDoseInput(**d.model_dump())
                                           for d in b.birth_doses]) for b in body.babies],
    )  # fmt: skip
    return PregnancyDetail.of(svc.record_delivery(ctx, principal, pregnancy_id, data), ctx.today())

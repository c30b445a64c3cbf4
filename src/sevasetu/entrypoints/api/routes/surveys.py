"""Household surveys, their verification, the January update and the year's change report
(docs/surveys.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ....domain.surveys import SurveyStatus
from ....services import annual_update
from ....services import surveys as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import PersonCreateInHousehold, PersonPublic, Strict

router = APIRouter(tags=["surveys"])


class SurveyMember(Strict):
    relation: str = Field(examples=["head"])
    person: PersonCreateInHousehold | None = Field(
        default=None, description="someone new; with person_id: the member's corrected details"
    )
    person_id: str | None = Field(default=None, description="a member on file")
    status: Literal["present", "died", "moved_out"] = "present"
    arrival: Literal["born", "moved_in"] | None = Field(
        default=None, description="someone new to a household on file: how they came"
    )
    event_date: date | None = Field(default=None, description="the day of the death or move")
    disabled: bool = False
    chronic_illness: bool = False
    occupation: str | None = Field(default=None, max_length=40)
    marital_status: str | None = Field(default=None, max_length=16)
    pregnant_months: int | None = Field(default=None, description="1 to 9")

    def to_input(self) -> svc.SurveyMemberInput:
        return svc.SurveyMemberInput(
            relation=self.relation,
            person=self.person.to_input() if self.person else None,
            person_id=self.person_id,
            status=self.status,
            arrival=self.arrival,
            event_date=self.event_date,
            disabled=self.disabled,
            chronic_illness=self.chronic_illness,
            occupation=self.occupation,
            marital_status=self.marital_status,
            pregnant_months=self.pregnant_months,
        )


class SurveySubmit(Strict):
    area_code: str = Field(default="", max_length=40, description="a new household's ward")
    address: str = Field(default="", max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = Field(default=None, max_length=200)
    members: list[SurveyMember] = Field(min_length=1, max_length=60)
    confirm_new: bool = False

    def to_input(self) -> svc.SurveyInput:
        return svc.SurveyInput(
            area_code=self.area_code,
            address=self.address,
            latitude=self.latitude,
            longitude=self.longitude,
            place=self.place,
            members=[m.to_input() for m in self.members],
        )


class MemberPublic(PersonPublic):
    attributes: dict[str, Any]
    pregnant: bool


class SurveyPublic(BaseModel):
    id: str
    household_id: str
    area_code: str
    kind: str
    status: str
    campaign_year: int | None
    latitude: float | None
    longitude: float | None
    place: str | None
    address: str
    surveyed_by: str | None
    surveyed_at: datetime | None
    verified_by: str | None
    verified_at: datetime | None
    comment: str | None
    submissions: int
    head_person_id: str | None
    members: list[MemberPublic]

    @classmethod
    def of(cls, v: svc.SurveyView) -> SurveyPublic:
        s = v.survey
        return cls(
            id=s.id, household_id=s.household_id, area_code=s.area_code, kind=s.kind.value,
            status=s.status.value, campaign_year=s.campaign_year, latitude=s.latitude,
            longitude=s.longitude, place=s.place, address=v.household.address,
            surveyed_by=s.surveyed_by, surveyed_at=s.surveyed_at, verified_by=s.verified_by,
            verified_at=s.verified_at, comment=s.comment, submissions=s.submissions,
            head_person_id=v.household.head_person_id,
            members=[
                MemberPublic(**PersonPublic.of(p).model_dump(),
                             attributes=annual_update_plain(v.attributes.get(p.id, {})),
                             pregnant=p.id in v.pregnant)
                for p in v.members
            ],
        )  # fmt: skip


def annual_update_plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


class SurveyReview(Strict):
    decision: Literal["approve", "return"]
    comment: str = Field(default="", max_length=500)


class CampaignStart(Strict):
    area_code: str = Field(max_length=40)
    year: int


class CampaignPublic(BaseModel):
    area_code: str
    year: int
    created: int
    already: int


@router.post("/surveys", status_code=201, response_model=SurveyPublic,
             summary="Survey a new household: its roster, all or nothing")  # fmt: skip
def survey_household(body: SurveySubmit, ctx: CtxDep, principal: CurrentPrincipal) -> SurveyPublic:
    view = svc.submit_survey(ctx, principal, body.to_input(), confirm_new=body.confirm_new)
    return SurveyPublic.of(view)


@router.put("/surveys/{survey_id}", response_model=SurveyPublic,
            summary="Submit a re-verification task or a returned survey")  # fmt: skip
def resubmit(
    survey_id: str, body: SurveySubmit, ctx: CtxDep, principal: CurrentPrincipal
) -> SurveyPublic:
    view = svc.submit_survey(ctx, principal, body.to_input(), survey_id=survey_id[:64],
                             confirm_new=body.confirm_new)  # fmt: skip
    return SurveyPublic.of(view)


@router.get("/surveys", response_model=list[SurveyPublic],
            summary="An area's surveys by status: tasks, returned, to verify")  # fmt: skip
def surveys(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    status: list[SurveyStatus] = Query(default=[SurveyStatus.SUBMITTED]),  # noqa: B008
    area: str | None = Query(default=None, max_length=40),
) -> list[SurveyPublic]:
    return [SurveyPublic.of(v) for v in svc.list_surveys(ctx, principal, status, area_code=area)]


@router.get("/surveys/{survey_id}", response_model=SurveyPublic)
def survey(survey_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> SurveyPublic:
    return SurveyPublic.of(svc.get_survey(ctx, principal, survey_id[:64]))


@router.post("/surveys/{survey_id}/review", response_model=SurveyPublic,
             summary="Approve a submitted survey, or return it with a comment")  # fmt: skip
def review(
    survey_id: str, body: SurveyReview, ctx: CtxDep, principal: CurrentPrincipal
) -> SurveyPublic:
    svc.review_survey(ctx, principal, survey_id[:64], approve=body.decision == "approve",
                      comment=body.comment)  # fmt: skip
    return SurveyPublic.of(svc.get_survey(ctx, principal, survey_id[:64], audited=False))


@router.post("/survey-campaigns", response_model=CampaignPublic,
             summary="The January update: a re-verification task for each household")  # fmt: skip
def campaign(body: CampaignStart, ctx: CtxDep, principal: CurrentPrincipal) -> CampaignPublic:
    done = annual_update.start_campaign(ctx, principal, body.area_code, body.year)
    return CampaignPublic(area_code=done.area_code, year=done.year, created=done.created,
                          already=done.already)  # fmt: skip


@router.get("/reports/changes", summary="The year's changes in an area, with the people")
def changes(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: str = Query(max_length=40),
    year: int = Query(),
) -> dict[str, Any]:
    return annual_update.as_plain(annual_update.change_report(ctx, principal, area, year))

"""The household survey, its verification and the January update, on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from sevasetu.domain.access import Principal, Role
from sevasetu.domain.errors import (
    DomainError,
    DuplicateMember,
    Forbidden,
    InvalidInput,
    InvalidRelation,
    SurveyStateConflict,
)
from sevasetu.domain.surveys import SurveyStatus
from sevasetu.services.annual_update import change_report, start_campaign, start_due_campaigns
from sevasetu.services.people import PersonInput
from sevasetu.services.schemes import load_schemes, scheme_files
from sevasetu.services.service_records import ServiceInput, record_services
from sevasetu.services.surveys import (
    SurveyInput,
    SurveyMemberInput,
    get_survey,
    household_versions,
    list_surveys,
    review_survey,
    submit_survey,
)

from ..ledger_builders import TALA, TALA_W1, bd_admin, bd_officer

NID_HEAD = "3234567890"
NID_WIFE = "4234567890"


def who(role: Role, uid: str, area: str = TALA) -> Principal:
    return Principal(kind="user", id=uid, role=role, name=uid, area_code=area, state_code="BD-D")


VOLUNTEER = who(Role.ASHA, "volunteer-1")
VERIFIER = who(Role.VERIFIER, "verifier-1")


def member(
    relation: str, name: str, sex: str, born: date | None = None, **extra
) -> SurveyMemberInput:
    age = extra.pop("age_years", None)
    ids = extra.pop("identifiers", {})
    return SurveyMemberInput(
        relation,
        PersonInput(name=name, sex=sex, area_code="", birth_date=born, age_years=age,
                    identifiers=ids),
        **extra,
    )  # fmt: skip


def roster() -> list[SurveyMemberInput]:
    return [
        member("head", "হাসান আলী", "male", date(1975, 2, 1), identifiers={"bd_nid": NID_HEAD},
               occupation="farmer", marital_status="married"),
        member("spouse", "সালমা বেগম", "female", date(1985, 6, 1),
               identifiers={"bd_nid": NID_WIFE}, pregnant_months=5, marital_status="married"),
        member("daughter", "রুমা খাতুন", "female", date(2008, 9, 9), disabled=True,
               marital_status="never_married"),
        member("son", "রনি আলী", "male", age_years=12),
    ]  # fmt: skip


def survey_one(ctx) -> str:
    view = submit_survey(
        ctx, VOLUNTEER,
        SurveyInput(TALA_W1, "Pukur par", latitude=22.75, longitude=89.25, place="near the pond",
                    members=roster()),
    )  # fmt: skip
    return view.survey.id


def count_people(ctx) -> int:
    with ctx.uow() as uow:
        return uow.people.count()


def test_a_volunteer_surveys_a_household_and_a_verifier_approves_it(ctx):
    survey_id = survey_one(ctx)
    view = get_survey(ctx, VERIFIER, survey_id)
    assert view.survey.status is SurveyStatus.SUBMITTED
    assert view.survey.surveyed_by == "user:volunteer-1"
    assert (view.survey.latitude, view.survey.longitude, view.survey.place) == (
        22.75, 89.25, "near the pond",
    )  # fmt: skip
    names = {p.name: p for p in view.members}
    assert len(names) == 4
    head = names["হাসান আলী"]
    assert view.household.head_person_id == head.id
    assert view.attributes[head.id]["occupation"] == "farmer"
    assert view.attributes[names["রুমা খাতুন"].id]["disabled"] is True
    assert view.pregnant == {names["সালমা বেগম"].id}
    queue = list_surveys(ctx, VERIFIER, [SurveyStatus.SUBMITTED])
    assert [v.survey.id for v in queue] == [survey_id]
    done = review_survey(ctx, VERIFIER, survey_id, approve=True)
    assert done.status is SurveyStatus.APPROVED and done.verified_by == "user:verifier-1"
    assert list_surveys(ctx, VERIFIER, [SurveyStatus.SUBMITTED]) == []
    with pytest.raises(SurveyStateConflict):
        review_survey(ctx, VERIFIER, survey_id, approve=False, comment="too late")


@pytest.mark.parametrize("twice", ["identifier", "name_and_birth", "name_and_age"])
def test_a_member_listed_twice_is_refused_before_anything_is_saved(ctx, twice):
    members = roster()
    if twice == "identifier":
        members.append(member("son", "Other Name", "male", date(2001, 1, 1),
                              identifiers={"bd_nid": NID_WIFE}))  # fmt: skip
        first, second = 2, 5
    elif twice == "name_and_birth":
        members.append(member("daughter", "Ruma Khatun", "female", date(2008, 9, 9)))
        first, second = 3, 5
    else:
        members.append(member("other_relative", "Rani Ali", "male", age_years=12))
        first, second = 4, 5
    with pytest.raises(DuplicateMember) as refused:
        submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "x", members=members))
    assert refused.value.field == f"members[{second - 1}]"
    assert (refused.value.params["first"], refused.value.params["second"]) == (first, second)
    assert count_people(ctx) == 0
    with ctx.uow() as uow:
        assert uow.surveys.listed([TALA_W1], list(SurveyStatus)) == []


def test_a_returned_survey_is_corrected_and_resubmitted(ctx):
    survey_id = survey_one(ctx)
    with pytest.raises(InvalidInput):  # a return says what to correct
        review_survey(ctx, VERIFIER, survey_id, approve=False, comment="  ")
    returned = review_survey(ctx, VERIFIER, survey_id, approve=False,
                             comment="The son's name is Rony, not Roni")  # fmt: skip
    assert returned.status is SurveyStatus.RETURNED
    mine = list_surveys(ctx, VOLUNTEER, [SurveyStatus.OPEN, SurveyStatus.RETURNED])
    assert [v.survey.comment for v in mine] == ["The son's name is Rony, not Roni"]
    view = mine[0]
    members = []
    for p in view.members:
        name = "রনি আলী" if p.name != "রনি আলী" else "রোনি আলী"
        members.append(SurveyMemberInput(
            p.relation_to_head or "", PersonInput(
                name=p.name if p.name != "রনি আলী" else name, sex=p.sex.value, area_code="",
                birth_date=p.birth_date),
            person_id=p.id, **{k: view.attributes[p.id][k] for k in (
                "disabled", "occupation", "marital_status")},
        ))  # fmt: skip
    again = submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "Pukur par", members=members),
                          survey_id=survey_id)  # fmt: skip
    assert again.survey.status is SurveyStatus.SUBMITTED and again.survey.submissions == 2
    son = next(p for p in again.members if p.name == "রোনি আলী")
    with ctx.uow() as uow:
        history = uow.people.history("BD-D", son.id)
    assert history[-1]["snapshot"]["name"] == "রনি আলী"
    assert history[-1]["changed_by"] == "user:volunteer-1"
    with pytest.raises(InvalidInput):  # the volunteer does not verify her own survey
        review_survey(ctx, who(Role.DISTRICT_OFFICER, "volunteer-1"), survey_id, approve=True)
    with pytest.raises(Forbidden):
        review_survey(ctx, VOLUNTEER, survey_id, approve=True)
    assert review_survey(ctx, VERIFIER, survey_id, approve=True).status is SurveyStatus.APPROVED


def _resurvey_members(view, *, drop=()) -> list[SurveyMemberInput]:
    out = []
    for p in view.members:
        if p.name in drop:
            continue
        out.append(SurveyMemberInput(p.relation_to_head or "", person_id=p.id))
    return out


def test_the_january_update_records_births_deaths_marriages_and_moves(ctx, clock):
    load_schemes(ctx, bd_admin(), scheme_files())
    survey_id = survey_one(ctx)
    review_survey(ctx, VERIFIER, survey_id, approve=True)
    officer = bd_officer()
    first = start_campaign(ctx, officer, TALA, 2026)
    assert (first.created, first.already) == (1, 0)
    again = start_campaign(ctx, officer, TALA, 2026)  # idempotent
    assert (again.created, again.already) == (0, 1)
    (task,) = list_surveys(ctx, VOLUNTEER, [SurveyStatus.OPEN])
    assert task.survey.campaign_year == 2026
    assert (task.survey.latitude, task.survey.place) == (22.75, "near the pond")  # carried on
    by_name = {p.name: p for p in task.members}
    members = [
        SurveyMemberInput("head", person_id=by_name["হাসান আলী"].id,
                          status="died", event_date=date(2026, 10, 1)),
        SurveyMemberInput("head", person_id=by_name["সালমা বেগম"].id, marital_status="widowed"),
        SurveyMemberInput("daughter", person_id=by_name["রুমা খাতুন"].id, disabled=True,
                          marital_status="married"),
        SurveyMemberInput("son", person_id=by_name["রনি আলী"].id, status="moved_out",
                          event_date=date(2026, 8, 1)),
        member("son", "নবজাতক আলী", "male", date(2026, 11, 2), arrival="born"),
    ]  # fmt: skip
    missing = [m for m in members if m.person_id != by_name["রনি আলী"].id]
    with pytest.raises(InvalidRelation):  # every member on file is accounted for
        submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "", members=missing),
                      survey_id=task.survey.id)  # fmt: skip
    view = submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "", members=members),
                         survey_id=task.survey.id)  # fmt: skip
    assert {p.name for p in view.members} == {"সালমা বেগম", "রুমা খাতুন", "নবজাতক আলী"}
    assert view.household.head_person_id == by_name["সালমা বেগম"].id
    review_survey(ctx, VERIFIER, task.survey.id, approve=True)
    versions = household_versions(ctx, officer, view.household.id)
    assert len(versions[-1]["snapshot"]["members"]) == 4
    record_services(ctx, officer, [
        ServiceInput(department="BD-DSS", scheme="BD-WIDOW-ALLOWANCE", reference="W-1",
                     delivered_on=date(2026, 11, 10), identifiers={"bd_nid": NID_WIFE}),
        ServiceInput(department="BD-DSS", scheme="BD-OLD-AGE-ALLOWANCE", reference="O-1",
                     delivered_on=date(2025, 5, 10), identifiers={"bd_nid": NID_HEAD}),
    ])  # fmt: skip
    report = change_report(ctx, officer, TALA, 2026)
    kinds = {(c.kind.value, c.name) for c in report.changes}
    assert kinds == {
        ("birth", "নবজাতক আলী"),
        ("death", "হাসান আলী"),
        ("marriage", "রুমা খাতুন"),
        ("move_out", "রনি আলী"),
        ("new_benefit", "সালমা বেগম"),
        ("stopped_benefit", "হাসান আলী"),
    }
    assert report.counts()[TALA_W1]["birth"] == 1
    with ctx.uow() as uow:
        assert uow.person_attributes.get("BD-D", by_name["হাসান আলী"].id)["deceased_on"] == date(
            2026, 10, 1
        )
    assert start_due_campaigns(ctx, date(2026, 11, 20)) == []  # not the update month


def test_the_update_month_starts_every_state_once(ctx):
    survey_one(ctx)
    results = start_due_campaigns(ctx, date(2027, 1, 3))
    assert sum(r.created for r in results) == 1
    assert sum(r.created for r in start_due_campaigns(ctx, date(2027, 1, 4))) == 0


def test_a_household_whose_last_member_died_is_surveyed_empty(ctx):
    view = submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "Khal par", members=[
        member("head", "জামাল উদ্দিন", "male", date(1940, 8, 8), pregnant_months=None)]))  # fmt: skip
    review_survey(ctx, VERIFIER, view.survey.id, approve=True)
    start_campaign(ctx, bd_officer(), TALA, 2026)
    (task,) = list_surveys(ctx, VOLUNTEER, [SurveyStatus.OPEN])
    gone = [SurveyMemberInput("head", person_id=view.members[0].id, status="died",
                              event_date=date(2026, 2, 1))]  # fmt: skip
    done = submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "", members=gone),
                         survey_id=task.survey.id)  # fmt: skip
    assert done.members == [] and done.household.head_person_id is None
    assert [c.kind.value for c in change_report(ctx, bd_officer(), TALA, 2026).changes] == ["death"]


def test_a_man_cannot_be_pregnant(ctx):
    members = roster()
    members[0].pregnant_months = 3
    with pytest.raises(DomainError) as refused:
        submit_survey(ctx, VOLUNTEER, SurveyInput(TALA_W1, "x", members=members))
    assert refused.value.field == "members[0].pregnant_months"
    assert count_people(ctx) == 0

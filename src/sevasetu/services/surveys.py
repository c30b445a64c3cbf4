"""The household survey (S3): a volunteer lists a household's members with what the schemes
ask of them, a verifier approves it or returns it with comments, and every year each household
is surveyed again (the January update). Each submission is one transaction: the household, its
members, their attributes and the survey, or nothing (docs/surveys.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from ..domain.access import Action, Principal, can, require, require_area
from ..domain.errors import (
    DomainError,
    DuplicateIdentifier,
    Forbidden,
    InvalidInput,
    InvalidRelation,
    NotFound,
    Reason,
)
from ..domain.households import Household, Relation, check_roster
from ..domain.identifiers import error_label
from ..domain.people import Person
from ..domain.pregnancies import Pregnancy, PregnancyStatus, check_can_register, expected_delivery
from ..domain.surveys import (
    Arrival,
    ChangeKind,
    MemberStatus,
    RosterEntry,
    Survey,
    SurveyKind,
    SurveyStatus,
    check_can_submit,
    check_location,
    check_no_member_twice,
    reviewed,
    submitted,
)
from .audit import audit_denials, record
from .households import MemberInput, add_household, prepare_household
from .people import PersonInput, add_new_person, build_person, fields_under, readable_person
from .person_attributes import check_attributes
from .ports import Context, UnitOfWork

MAX_PREGNANT_MONTHS = 9
MEMBER = re.compile(r"members\[(\d+)\]")


@dataclass(slots=True)
class SurveyMemberInput:
    """One row of the roster. ``person`` alone: someone new to the registry; ``person_id``
    alone: someone on file as they are; both: a member on file with what the volunteer wrote
    (differences become corrections, kept in the person's history)."""

    relation: str
    person: PersonInput | None = None
    person_id: str | None = None
    status: str = MemberStatus.PRESENT.value  # members on file: present, died, moved_out
    arrival: str | None = None  # someone new to a household on file: born, moved_in
    event_date: date | None = None  # the day of the death, the move or the arrival
    disabled: bool = False
    chronic_illness: bool = False
    occupation: str | None = None
    marital_status: str | None = None
    pregnant_months: int | None = None


@dataclass(slots=True)
class SurveyInput:
    area_code: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    members: list[SurveyMemberInput] = field(default_factory=list)


@dataclass(slots=True)
class SurveyView:
    survey: Survey
    household: Household
    members: list[Person]
    attributes: dict[str, dict[str, Any]]
    pregnant: set[str]


# --- submitting --------------------------------------------------------------------------


@audit_denials
def submit_survey(
    ctx: Context,
    principal: Principal,
    data: SurveyInput,
    *,
    survey_id: str | None = None,
    confirm_new: bool = False,
) -> SurveyView:
    """A new household (``survey_id`` None), or a re-verification task or returned survey
    filled in. Members listed twice are refused before anything is written."""
    require(principal, Action.SURVEY)
    location = check_location(data.latitude, data.longitude, data.place)
    if survey_id is None:
        with ctx.uow(write=True) as uow:
            survey = survey_new_household(ctx, uow, principal, data, confirm_new=confirm_new)
            uow.commit()
        return get_survey(ctx, principal, survey.id, audited=False)
    with ctx.uow(write=True) as uow:
        survey = _survey(ctx, uow, principal, survey_id)
        check_can_submit(survey)
        _resurvey(ctx, uow, principal, survey, data, location, confirm_new)
        uow.commit()
    return get_survey(ctx, principal, survey.id, audited=False)


def survey_new_household(
    ctx: Context, uow: UnitOfWork, principal: Principal, data: SurveyInput, *,
    confirm_new: bool, **detail: Any,
) -> Survey:  # fmt: skip
    """Write a household surveyed for the first time inside the caller's unit of work: its
    members (search before register for each; someone on file joins), their attributes and
    pregnancies, and the survey, submitted; the caller commits."""
    require(principal, Action.SURVEY)
    location = check_location(data.latitude, data.longitude, data.place)
    for index, member in enumerate(data.members):
        if member.status != MemberStatus.PRESENT.value:
            raise InvalidInput(
                f"members[{index}].status",
                reason=Reason("A household surveyed for the first time lists who lives in it."),
            )
    prepared = prepare_household(
        ctx, principal, area_code=data.area_code, address=data.address,
        members=[MemberInput(m.relation, m.person, m.person_id) for m in data.members],
    )  # fmt: skip
    today = ctx.today()
    checked = [_checked_attributes(m, i, today) for i, m in enumerate(data.members)]
    on_file = {
        i: readable_person(ctx, uow, principal, m.person_id)
        for i, m in enumerate(data.members)
        if m.person_id is not None
    }
    entries = [
        _entry(prepared.new_people.get(i) or on_file[i], today) for i in range(len(data.members))
    ]
    check_no_member_twice(entries, today)
    household = prepared.household
    survey = Survey(
        ctx.new_id(), household.state_code, household.id, household.area_code,
        SurveyKind.NEW, SurveyStatus.OPEN, ctx.now(),
    )  # fmt: skip
    view = add_household(ctx, uow, principal, prepared, confirm_new=confirm_new,
                         survey_id=survey.id, **detail)  # fmt: skip
    for index, person in enumerate(view.members):
        with fields_under(f"members[{index}]."):
            _keep_attributes(ctx, uow, principal, person, checked[index], survey, None)
            _pregnancy(ctx, uow, principal, person, data.members[index].pregnant_months)
    survey = _submitted(survey, location, principal, ctx)
    uow.surveys.add(survey)
    _audit(ctx, uow, principal, survey, "survey.submit", members=len(view.members), **detail)
    return survey


def _submitted(
    survey: Survey, location: tuple[float | None, float | None, str | None],
    principal: Principal, ctx: Context,
) -> Survey:  # fmt: skip
    latitude, longitude, place = location
    done = submitted(survey, by=principal.actor, at=ctx.now())
    return replace(done, latitude=latitude, longitude=longitude, place=place)


def _checked_attributes(member: SurveyMemberInput, index: int, today: date) -> dict[str, Any]:
    if member.pregnant_months is not None and not (
        1 <= member.pregnant_months <= MAX_PREGNANT_MONTHS
    ):
        raise InvalidInput(f"members[{index}].pregnant_months", reason=Reason(
            "Months of pregnancy are between 1 and {most}.", most=MAX_PREGNANT_MONTHS))  # fmt: skip
    if member.event_date is not None and member.event_date > today:
        raise InvalidInput(f"members[{index}].event_date", reason=Reason(
            "The date {day} is in the future.", day=member.event_date.isoformat()))  # fmt: skip
    with fields_under(f"members[{index}]."):
        return check_attributes(
            {
                "disabled": member.disabled,
                "chronic_illness": member.chronic_illness,
                "occupation": member.occupation,
                "marital_status": member.marital_status or None,
            },
            today,
        )


def _entry(person: Person, today: date) -> RosterEntry:
    """What the duplicate rule compares; an estimated birth date compares as the age it was
    made from."""
    estimated = person.birth_date_estimated
    return RosterEntry(
        name_key=person.name_key,
        sex=person.sex.value,
        birth_date=None if estimated else person.birth_date,
        age_years=person.age_on(today) if estimated else None,
        identifiers=tuple((i.kind.value, i.lookup_hash) for i in person.identifiers),
    )


def _resurvey(
    ctx: Context, uow: UnitOfWork, principal: Principal, survey: Survey, data: SurveyInput,
    location: tuple[float | None, float | None, str | None], confirm_new: bool,
) -> None:  # fmt: skip
    """A household on file surveyed again: corrections, deaths, departures and arrivals, each
    kept in the history with who and when; the changes the report counts are recorded."""
    today, now, actor = ctx.today(), ctx.now(), principal.actor
    household = uow.households.get(survey.household_id)
    if household is None:
        raise NotFound("id", what="household", id=survey.household_id)
    area = ctx.area_tree().residence(data.area_code or household.area_code)
    require_area(principal, area)
    if area.state_code != household.state_code:
        raise InvalidInput("area_code", reason=Reason("A household stays in its state."))
    current = {p.id: p for p in uow.people.in_household(household.state_code, household.id)}
    staying = [i for i, m in enumerate(data.members) if m.status == MemberStatus.PRESENT.value]
    yearly = survey.kind is SurveyKind.REVERIFICATION
    try:
        # Everyone gone (the last member died or left): the household is empty, not refused.
        empty = yearly and not staying and bool(data.members)
        relations = [] if empty else check_roster([data.members[i].relation for i in staying])
    except InvalidRelation as error:  # it counts the members staying; the form counts all
        error.field = MEMBER.sub(lambda m: f"members[{staying[int(m.group(1))]}]",
                                 error.field or "members")  # fmt: skip
        raise
    listed = [m.person_id for m in data.members if m.person_id is not None]
    for person in current.values():
        if person.id not in listed and yearly:
            raise InvalidRelation("members", reason=Reason(
                "{name} is missing from the roster: mark them as died or moved out.",
                name=person.name))  # fmt: skip
    checked = [_checked_attributes(m, i, today) for i, m in enumerate(data.members)]
    drafts: dict[int, Person] = {}
    entries: list[RosterEntry] = []
    for index, member in enumerate(data.members):
        draft = _draft(ctx, uow, principal, member, index, area, current, household)
        drafts[index] = draft
        if (
            yearly
            and member.person_id not in current
            and member.arrival not in (Arrival.BORN.value, Arrival.MOVED_IN.value)
        ):
            raise InvalidInput(f"members[{index}].arrival", reason=Reason(
                "Say whether this person was born into the household or moved in."))  # fmt: skip
        if member.status not in {s.value for s in MemberStatus}:
            raise InvalidInput(f"members[{index}].status", reason=Reason(
                "The member's status must be present, died or moved_out."))  # fmt: skip
        if member.status != MemberStatus.PRESENT.value and member.person_id not in current:
            raise InvalidInput(f"members[{index}].status", reason=Reason(
                "Only a member on file can have died or moved out."))  # fmt: skip
        if member.status == MemberStatus.PRESENT.value:
            entries.append(_entry(draft, today))
    check_no_member_twice(entries, today)

    snapshot = [{"person_id": p.id, "relation": p.relation_to_head} for p in current.values()]
    uow.surveys.add_household_version(household, snapshot, by=actor, at=now,
                                      reason=f"survey {survey.id}")  # fmt: skip
    relation_of = iter(relations)
    head: str | None = None
    for index, member in enumerate(data.members):
        draft = drafts[index]
        with fields_under(f"members[{index}]."):
            if member.status == MemberStatus.PRESENT.value:
                relation = next(relation_of)
                person = _place(ctx, uow, principal, survey, household, member, draft,
                                relation, current, confirm_new)  # fmt: skip
                if relation is Relation.HEAD:
                    head = person.id
                _keep_attributes(ctx, uow, principal, person, checked[index], survey, household)
                _pregnancy(ctx, uow, principal, person, member.pregnant_months)
            else:
                _leave(ctx, uow, principal, survey, household, member, current[draft.id],
                       checked[index])  # fmt: skip
    for person in current.values():  # left off a corrected first survey: listed by mistake
        if person.id not in listed:
            _detach(ctx, uow, principal, person, reason=f"left off survey {survey.id}")
    household = replace(household, area_code=area.code, head_person_id=head,
                        address=data.address.strip()[:300] or household.address)  # fmt: skip
    uow.surveys.update_household(household)
    done = replace(_submitted(survey, location, principal, ctx), area_code=area.code)
    uow.surveys.save(done)
    _audit(ctx, uow, principal, done, "survey.submit", members=len(staying))


def _draft(
    ctx: Context, uow: UnitOfWork, principal: Principal, member: SurveyMemberInput,
    index: int, area: Any, current: dict[str, Person], household: Household,
) -> Person:  # fmt: skip
    """The member as the roster has them: new, on file as they are, or on file with the
    volunteer's corrections (not yet written)."""
    prefix = f"members[{index}]."
    if member.person_id is None:
        if member.person is None:
            raise InvalidRelation(prefix[:-1], reason="Give either a new person or a person_id.")
        member.person.area_code = member.person.area_code or area.code
        return build_person(ctx, member.person, area, prefix)
    person = current.get(member.person_id) or readable_person(ctx, uow, principal, member.person_id)
    if person.id not in current:
        if person.state_code != household.state_code:
            raise InvalidInput(
                prefix + "person_id", reason=Reason("A household stays in its state.")
            )
        if person.household_id is not None:
            raise InvalidRelation(prefix + "person_id",
                                  reason="This person already belongs to a household.")  # fmt: skip
    if member.person is None:
        return person
    typed = member.person
    typed.area_code = area.code
    typed_ids = dict(typed.identifiers)
    draft = build_person(ctx, replace(typed, identifiers=typed_ids), area, prefix)
    kept = {i.kind: i for i in person.identifiers}
    kept.update({i.kind: i for i in draft.identifiers})  # a number typed adds or replaces
    estimated = person.birth_date_estimated
    birth = person.birth_date
    if typed.birth_date is not None and typed.birth_date != person.birth_date:
        birth, estimated = typed.birth_date, False
    elif typed.age_years is not None and typed.age_years != person.age_on(ctx.today()):
        birth, estimated = draft.birth_date, True
    return replace(person, name=draft.name, name_latin=draft.name_latin,
                   name_key=draft.name_key, sex=draft.sex, phone=draft.phone,
                   birth_date=birth, birth_date_estimated=estimated,
                   identifiers=list(kept.values()))  # fmt: skip


CHANGED = ("name", "sex", "birth_date", "phone", "identifiers", "relation_to_head", "area_code",
           "household_id")  # fmt: skip


def _place(
    ctx: Context, uow: UnitOfWork, principal: Principal, survey: Survey, household: Household,
    member: SurveyMemberInput, draft: Person, relation: Relation, current: dict[str, Person],
    confirm_new: bool,
) -> Person:  # fmt: skip
    """Write a member who lives in the household: register someone new, take in someone on
    file elsewhere, or correct a member; the changes the report counts are recorded."""
    now = ctx.now()
    wanted = replace(draft, household_id=household.id, relation_to_head=relation.value,
                     area_code=household.area_code)  # fmt: skip
    if member.person_id is None:
        add_new_person(ctx, uow, principal, wanted, confirm_new=confirm_new,
                       household_id=household.id, survey_id=survey.id)  # fmt: skip
        person = wanted
    else:
        before = current.get(draft.id) or readable_person(ctx, uow, principal, draft.id)
        changed = [c for c in CHANGED if getattr(before, c) != getattr(wanted, c)]
        person = before
        if changed:
            if "identifiers" in changed:
                hashes = {i.kind: i.lookup_hash for i in wanted.identifiers}
                others = [h for h in uow.people.holders_of(hashes) if h[1] != before.id]
                if others:
                    kind = others[0][0]
                    raise DuplicateIdentifier("identifiers." + kind.value, kind=error_label(kind))
            person = replace(wanted, version=before.version + 1, updated_at=now)
            uow.people.add_history(before, changed_by=principal.actor, changed_at=now,
                                   reason=f"survey {survey.id}: {', '.join(changed)}",
                                   attributes=_plain(uow.person_attributes.get(
                                       before.state_code, before.id)))  # fmt: skip
            if not uow.people.update(person, previous_version=before.version):
                raise NotFound("person_id", what="person", id=before.id)
            if "identifiers" in changed:
                uow.people.replace_identifiers(person)
    if survey.kind is SurveyKind.REVERIFICATION and draft.id not in current:
        kind = ChangeKind.BIRTH if member.arrival == Arrival.BORN.value else ChangeKind.MOVE_IN
        day = person.birth_date if kind is ChangeKind.BIRTH else member.event_date or ctx.today()
        _event(ctx, uow, principal, survey, household, person, kind, day)
    return person


def _leave(
    ctx: Context, uow: UnitOfWork, principal: Principal, survey: Survey, household: Household,
    member: SurveyMemberInput, person: Person, attributes: dict[str, Any],
) -> None:  # fmt: skip
    """A member who died or moved out leaves the household; a death is recorded."""
    day = member.event_date or ctx.today()
    why = "died" if member.status == MemberStatus.DIED.value else "moved out"
    _detach(ctx, uow, principal, person, reason=f"survey {survey.id}: {why}")
    if member.status == MemberStatus.DIED.value:
        if day < person.birth_date:
            raise InvalidInput("event_date", reason=Reason("The death comes before the birth."))
        _keep_attributes(ctx, uow, principal, person, {**attributes, "deceased_on": day},
                         survey, household, history=False)  # fmt: skip
        kind = ChangeKind.DEATH
    else:
        kind = ChangeKind.MOVE_OUT
    _event(ctx, uow, principal, survey, household, person, kind, day)


def _detach(
    ctx: Context, uow: UnitOfWork, principal: Principal, person: Person, *, reason: str
) -> None:
    now = ctx.now()
    left = replace(person, household_id=None, relation_to_head=None,
                   version=person.version + 1, updated_at=now)  # fmt: skip
    uow.people.add_history(person, changed_by=principal.actor, changed_at=now, reason=reason,
                           attributes=_plain(uow.person_attributes.get(
                               person.state_code, person.id)))  # fmt: skip
    if not uow.people.update(left, previous_version=person.version):
        raise NotFound("person_id", what="person", id=person.id)


def _keep_attributes(
    ctx: Context, uow: UnitOfWork, principal: Principal, person: Person,
    values: dict[str, Any], survey: Survey, household: Household | None, *, history: bool = True,
) -> None:  # fmt: skip
    """Write what the survey says of the person's attributes when it differs from the file;
    a member on file keeps the earlier values in their history. A marriage is recorded."""
    before = uow.person_attributes.get(person.state_code, person.id)
    after = {**before, **{k: v for k, v in values.items() if k != "deceased_on"}}
    if values.get("deceased_on") is not None:
        after["deceased_on"] = values["deceased_on"]
    if after == before:
        return
    uow.person_attributes.put(person.state_code, person.id, after, principal.actor, ctx.now())
    if household is None:
        return  # someone just registered: no earlier version to keep
    if history:
        now = ctx.now()
        fresh = uow.people.get(person.id) or person
        uow.people.add_history(fresh, changed_by=principal.actor, changed_at=now,
                               reason=f"survey {survey.id}: " + ", ".join(
                                   sorted(k for k in after if after[k] != before[k])),
                               attributes=_plain(before))  # fmt: skip
        bumped = replace(fresh, version=fresh.version + 1, updated_at=now)
        uow.people.update(bumped, previous_version=fresh.version)
    if (
        survey.kind is SurveyKind.REVERIFICATION
        and after.get("marital_status") == "married"
        and before.get("marital_status") != "married"
    ):
        _event(ctx, uow, principal, survey, household, person, ChangeKind.MARRIAGE, ctx.today())


def _pregnancy(
    ctx: Context, uow: UnitOfWork, principal: Principal, person: Person, months: int | None
) -> None:
    """A woman the volunteer found pregnant gets an open pregnancy, its last period estimated
    from the months she is pregnant, unless one is open already."""
    if months is None or uow.pregnancies.open_of(person.state_code, person.id) is not None:
        return
    lmp = ctx.today() - timedelta(days=round(months * 30.4) + 14)
    try:
        check_can_register(person, lmp=lmp, today=ctx.today(), open_pregnancy=None)
    except DomainError as error:
        error.field = "pregnant_months"  # the caller puts the member's row in front
        raise
    pregnancy = Pregnancy(
        id=ctx.new_id(), state_code=person.state_code, person_id=person.id,
        area_code=person.area_code, lmp=lmp, edd=expected_delivery(lmp), gravida=None,
        parity=None, facility_code=None, status=PregnancyStatus.OPEN,
        registered_by=principal.actor, registered_at=ctx.now(),
    )  # fmt: skip
    uow.pregnancies.add(pregnancy)


def _event(
    ctx: Context, uow: UnitOfWork, principal: Principal, survey: Survey, household: Household,
    person: Person, kind: ChangeKind, day: date,
) -> None:  # fmt: skip
    uow.surveys.add_event(
        state_code=survey.state_code, event_id=ctx.new_id(), household_id=household.id,
        person_id=person.id, kind=kind, occurred_on=day, area_code=household.area_code,
        survey_id=survey.id, detail={"relation": person.relation_to_head},
        by=principal.actor, at=ctx.now(),
    )  # fmt: skip


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


# --- reading and reviewing ------------------------------------------------------------------


def _survey(ctx: Context, uow: UnitOfWork, principal: Principal, survey_id: str) -> Survey:
    survey = uow.surveys.get(survey_id)
    if survey is None:
        raise NotFound("id", what="survey", id=survey_id)
    try:
        require_area(principal, ctx.area_tree().get(survey.area_code))
    except DomainError as refusal:
        refusal.subject = ("household", survey.household_id, survey.state_code)
        raise
    return survey


def _view(uow: UnitOfWork, survey: Survey) -> SurveyView:
    household = uow.households.get(survey.household_id)
    if household is None:
        raise NotFound("id", what="household", id=survey.household_id)
    members = uow.people.in_household(survey.state_code, household.id)
    head = household.head_person_id
    members.sort(key=lambda p: (p.id != head, p.birth_date))
    household.member_ids = [p.id for p in members]
    attributes = {p.id: uow.person_attributes.get(p.state_code, p.id) for p in members}
    pregnant = {p.id for p in members if uow.pregnancies.open_of(p.state_code, p.id) is not None}
    return SurveyView(survey, household, members, attributes, pregnant)


def _may_read(principal: Principal) -> None:
    if not any(can(principal, a) for a in (Action.SURVEY, Action.SURVEY_VERIFY)):
        raise Forbidden(action=Action.SURVEY.value)


@audit_denials
def get_survey(
    ctx: Context, principal: Principal, survey_id: str, *, audited: bool = True
) -> SurveyView:
    _may_read(principal)
    with ctx.uow(write=audited) as uow:
        survey = _survey(ctx, uow, principal, survey_id)
        view = _view(uow, survey)
        if audited:
            _audit(ctx, uow, principal, survey, "survey.read")
            uow.commit()
    return view


@audit_denials
def list_surveys(
    ctx: Context,
    principal: Principal,
    statuses: list[SurveyStatus],
    *,
    area_code: str | None = None,
) -> list[SurveyView]:
    """The surveys of the caller's area (or an area within it) in these statuses, with their
    rosters: a volunteer's tasks and returned surveys, a verifier's queue."""
    _may_read(principal)
    tree = ctx.area_tree()
    scope = tree.get(area_code or principal.area_code or "", "area_code")
    require_area(principal, scope)
    codes = [a.code for a in tree.within(scope.code)]
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        views = [_view(uow, s) for s in uow.surveys.listed(codes, statuses)]
        record(ctx, uow, actor=principal, action="survey.list", subject_type="area",
               subject_id=scope.code, state_code=scope.state_code,
               statuses=[s.value for s in statuses], surveys=len(views))  # fmt: skip
        uow.commit()
    return views


@audit_denials
def review_survey(
    ctx: Context, principal: Principal, survey_id: str, *, approve: bool, comment: str = ""
) -> Survey:
    require(principal, Action.SURVEY_VERIFY)
    with ctx.uow(write=True) as uow:
        survey = _survey(ctx, uow, principal, survey_id)
        done = reviewed(survey, approve=approve, comment=comment, by=principal.actor,
                        at=ctx.now())  # fmt: skip
        uow.surveys.save(done)
        _audit(ctx, uow, principal, done, "survey.approve" if approve else "survey.return",
               comment=done.comment)  # fmt: skip
        uow.commit()
    return done


def household_versions(ctx: Context, principal: Principal, household_id: str) -> list[Any]:
    """The household's earlier versions (members and relations, address, head), oldest first,
    each with who changed it, when and why."""
    return survey_record(ctx, principal, household_id)[1]


def survey_record(
    ctx: Context, principal: Principal, household_id: str
) -> tuple[Survey | None, list[dict[str, Any]]]:
    """The household's latest survey (or None) and its earlier versions."""
    require(principal, Action.PERSON_READ)
    with ctx.uow() as uow:
        household = uow.households.get(household_id)
        if household is None:
            raise NotFound("id", what="household", id=household_id)
        require_area(principal, ctx.area_tree().get(household.area_code))
        return (
            uow.surveys.latest_of(household.state_code, household.id),
            uow.surveys.household_versions(household.state_code, household.id),
        )


def _audit(
    ctx: Context, uow: UnitOfWork, principal: Principal, survey: Survey, action: str,
    **detail: Any,
) -> None:  # fmt: skip
    record(ctx, uow, actor=principal, action=action, subject_type="household",
           subject_id=survey.household_id, state_code=survey.state_code, survey=survey.id,
           status=survey.status.value, **detail)  # fmt: skip


__all__ = [
    "SurveyInput",
    "SurveyMemberInput",
    "SurveyView",
    "get_survey",
    "list_surveys",
    "review_survey",
    "submit_survey",
]

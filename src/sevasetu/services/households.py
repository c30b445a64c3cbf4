"""Registering a household with its roster in one go: all members or none."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..domain.access import Action, Principal, require, require_area
from ..domain.errors import InvalidRelation, NotFound, OutsideArea
from ..domain.households import Household, Relation, check_roster
from ..domain.people import Person
from .audit import audit_denials, record
from .people import (
    PersonInput,
    add_new_person,
    build_person,
    fields_under,
    readable_person,
)
from .ports import Context, UnitOfWork


@dataclass(slots=True)
class MemberInput:
    relation: str
    person: PersonInput | None = None  # someone new
    person_id: str | None = None  # someone already registered


@dataclass(slots=True)
class HouseholdView:
    household: Household
    members: list[Person]


@audit_denials
def register_household(
    ctx: Context,
    principal: Principal,
    *,
    area_code: str,
    address: str,
    members: list[MemberInput],
    confirm_new: bool = False,
) -> HouseholdView:
    require(principal, Action.HOUSEHOLD_REGISTER)
    roster = prepare_household(ctx, principal, area_code=area_code, address=address,
                               members=members)  # fmt: skip
    with ctx.uow(write=True) as uow:
        view = add_household(ctx, uow, principal, roster, confirm_new=confirm_new)
        uow.commit()
    return view


@dataclass(slots=True)
class PreparedHousehold:
    """A household checked before anything is written: its relations and new members built."""

    household: Household
    members: list[MemberInput]
    relations: list[Relation]
    new_people: dict[int, Person]


def prepare_household(
    ctx: Context, principal: Principal, *, area_code: str, address: str,
    members: list[MemberInput],
) -> PreparedHousehold:  # fmt: skip
    """Check the area, the roster (one head, known relations) and every new member; nothing
    is written."""
    area = ctx.area_tree().residence(area_code)
    require_area(principal, area)
    relations = check_roster([m.relation for m in members])
    household = Household(
        ctx.new_id(), area.state_code, area.code, address.strip()[:300], created_at=ctx.now()
    )
    new_people: dict[int, Person] = {}
    for index, member in enumerate(members):
        if (member.person is None) == (member.person_id is None):
            raise InvalidRelation(
                f"members[{index}]", reason="Give either a new person or a person_id."
            )
        if member.person is not None:
            member.person.area_code = member.person.area_code or area.code
            new_people[index] = build_person(ctx, member.person, area, f"members[{index}].")
    return PreparedHousehold(household, members, relations, new_people)


def add_household(
    ctx: Context, uow: UnitOfWork, principal: Principal, prepared: PreparedHousehold, *,
    confirm_new: bool, **detail: Any,
) -> HouseholdView:  # fmt: skip
    """Write a prepared household inside the caller's unit of work: search before register
    for each new member, people on file join it, audited; the caller commits."""
    household = prepared.household
    uow.households.add(household, created_by=principal.actor)
    placed: list[Person] = []
    for index, member in enumerate(prepared.members):
        relation = prepared.relations[index].value
        if member.person_id is not None:
            person = readable_person(ctx, uow, principal, member.person_id)
            if person.state_code != household.state_code:
                raise OutsideArea(f"members[{index}].person_id")
            if person.household_id is not None:
                raise InvalidRelation(
                    f"members[{index}].person_id",
                    reason="This person already belongs to a household.",
                )
            moved = replace(
                person,
                household_id=household.id,
                relation_to_head=relation,
                version=person.version + 1,
                updated_at=ctx.now(),
            )
            uow.people.add_history(
                person,
                changed_by=principal.actor,
                changed_at=ctx.now(),
                reason="joined a household",
            )
            if not uow.people.update(moved, previous_version=person.version):
                raise NotFound(f"members[{index}].person_id", what="person", id=person.id)
            placed.append(moved)
        else:
            person = replace(
                prepared.new_people[index], household_id=household.id, relation_to_head=relation
            )
            with fields_under(f"members[{index}]."):
                add_new_person(
                    ctx, uow, principal, person, confirm_new=confirm_new,
                    household_id=household.id,
                )  # fmt: skip
            placed.append(person)
        if prepared.relations[index] is Relation.HEAD:
            household.head_person_id = person.id
            uow.households.set_head(household.state_code, household.id, person.id)
    household.member_ids = [p.id for p in placed]
    record(
        ctx,
        uow,
        actor=principal,
        action="household.register",
        subject_type="household",
        subject_id=household.id,
        state_code=household.state_code,
        members=household.member_ids,
        **detail,
    )
    return HouseholdView(household, placed)


@audit_denials
def get_household(ctx: Context, principal: Principal, household_id: str) -> HouseholdView:
    require(principal, Action.PERSON_READ)
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        household = uow.households.get(household_id)
        if household is None:
            raise NotFound("id", what="household", id=household_id)
        try:
            require_area(principal, ctx.area_tree().get(household.area_code))
        except OutsideArea as refusal:
            refusal.subject = ("household", household.id, household.state_code)
            raise
        members = uow.people.in_household(household.state_code, household.id)
        household.member_ids = [p.id for p in members]
        record(
            ctx,
            uow,
            actor=principal,
            action="household.read",
            subject_type="household",
            subject_id=household.id,
            state_code=household.state_code,
        )
        uow.commit()
    return HouseholdView(household, members)

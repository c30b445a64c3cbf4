"""A citizen's account manages their own record and their family's (at most six people)."""

from __future__ import annotations

from ..domain.access import Principal, Role
from ..domain.errors import FamilyLimitReached, Forbidden
from ..domain.people import Person
from .people import PersonInput, add_new_person, build_person
from .ports import Context


def _citizen(principal: Principal) -> None:
    if principal.role is not Role.CITIZEN:
        raise Forbidden(action="manage a citizen's family")


def family_of(ctx: Context, principal: Principal) -> list[Person]:
    _citizen(principal)
    with ctx.uow() as uow:
        people = [uow.people.get(pid) for _, pid in uow.accounts.people_of(principal.id)]
    return [p for p in people if p is not None]


def add_family_member(ctx: Context, principal: Principal, data: PersonInput) -> Person:
    _citizen(principal)
    area = ctx.area_tree().residence(data.area_code)
    person = build_person(ctx, data, area)
    with ctx.uow(write=True) as uow:
        uow.accounts.get(principal.id)  # locks the account: two phones cannot both add a 7th
        if len(uow.accounts.people_of(principal.id)) >= ctx.settings.family_limit:
            raise FamilyLimitReached(limit=ctx.settings.family_limit)
        add_new_person(ctx, uow, principal, person, confirm_new=True, channel="citizen")
        uow.accounts.add_person(principal.id, person.state_code, person.id, ctx.now())
        uow.commit()
    return person

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ....services import people as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import PersonCreate, PersonPage, PersonPublic, PersonUpdate

router = APIRouter(prefix="/people", tags=["people"])


@router.get("", response_model=PersonPage, summary="Search people in your area")
def search(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    q: Annotated[
        str, Query(max_length=100, description="name in any script, mobile, identifier or id")
    ] = "",
    area: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PersonPage:
    found = svc.search_people(ctx, principal, q, area_code=area, page=page, page_size=page_size)
    return PersonPage(
        items=[PersonPublic.of(p) for p in found.items],
        page=found.page,
        page_size=found.page_size,
        has_more=found.has_more,
    )


@router.post(
    "",
    status_code=201,
    response_model=PersonPublic,
    summary="Register a person",
    responses={409: {"description": "already registered, or similar people to confirm"}},
)
def register(body: PersonCreate, ctx: CtxDep, principal: CurrentPrincipal) -> PersonPublic:
    return PersonPublic.of(
        svc.register_person(ctx, principal, body.to_input(), confirm_new=body.confirm_new)
    )


@router.get("/{person_id}", response_model=PersonPublic, summary="Read a person's record")
def read(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> PersonPublic:
    return PersonPublic.of(svc.get_person(ctx, principal, person_id))


@router.patch("/{person_id}", response_model=PersonPublic, summary="Correct a person's record")
def correct(
    person_id: str, body: PersonUpdate, ctx: CtxDep, principal: CurrentPrincipal
) -> PersonPublic:
    return PersonPublic.of(
        svc.correct_person(
            ctx,
            principal,
            person_id,
            body.changes(),
            reason=body.reason,
            expected_version=body.version,
        )
    )


@router.get("/{person_id}/history", summary="Earlier versions of a person's record")
def history(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    return svc.person_history(ctx, principal, person_id)

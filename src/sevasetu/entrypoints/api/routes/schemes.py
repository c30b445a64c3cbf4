"""Schemes as data (a state admin creates and updates them), a person's attributes the rules
read, and the eligibility check (docs/services-ledger.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ....domain.schemes import Scheme, scheme_document
from ....services import person_attributes as attributes_svc
from ....services import schemes as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict

router = APIRouter(tags=["schemes"])


class SchemeWrite(Strict):
    department: str = Field(min_length=1, max_length=40, examples=["WB-WCD"])
    name: str = Field(min_length=1, max_length=200)
    name_local: str | None = Field(default=None, max_length=200)
    benefit: str = Field(description="cash, in_kind or service")
    period: str = Field(description="one_off, monthly, quarterly or yearly")
    area: str = Field(min_length=1, max_length=40, description="who may receive it lives here")
    amount: float | None = None
    currency: str | None = Field(default=None, max_length=3)
    exclusive_group: str | None = Field(default=None, max_length=40)
    rules: list[str] = Field(
        default_factory=list, max_length=50, examples=[["sex == female", "age >= 13 and age < 18"]]
    )


class SchemePublic(BaseModel):
    code: str
    state_code: str
    department: str
    name: str
    name_local: str | None
    benefit: str
    period: str
    area: str
    amount: float | None
    currency: str | None
    exclusive_group: str | None
    rules: list[str]
    min_age: int | None
    version: int

    @classmethod
    def of(cls, s: Scheme) -> SchemePublic:
        return cls(
            **scheme_document(s)
            | {
                "state_code": s.state_code,
                "min_age": s.min_age,
                "version": s.version,
                "name_local": s.name_local,
                "amount": s.amount,
                "currency": s.currency,
                "exclusive_group": s.exclusive_group,
            }
        )


@router.get("/schemes", response_model=list[SchemePublic], summary="Every scheme")
def schemes(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    state: Annotated[str | None, Query(max_length=12)] = None,
) -> list[SchemePublic]:
    return [SchemePublic.of(s) for s in svc.list_schemes(ctx, state)]


@router.get("/schemes/{code}", response_model=SchemePublic, summary="One scheme")
def scheme(code: str, ctx: CtxDep, principal: CurrentPrincipal) -> SchemePublic:
    return SchemePublic.of(svc.get_scheme(ctx, code[:40], principal.state_code))


@router.put(
    "/schemes/{code}",
    response_model=SchemePublic,
    summary="Create or update a scheme of the state admin's state; a rule that does "
    "not parse is refused with the reason",
)
def put_scheme(
    code: str, body: SchemeWrite, ctx: CtxDep, principal: CurrentPrincipal
) -> SchemePublic:
    raw: dict[str, Any] = {k: v for k, v in body.model_dump().items() if v is not None}
    return SchemePublic.of(svc.save_scheme(ctx, principal, code[:40], raw))


class RulePublic(BaseModel):
    rule: str
    passed: bool
    facts: dict[str, Any]


class EligibilityPublic(BaseModel):
    person_id: str
    scheme: str
    on: date
    eligible: bool
    rules: list[RulePublic]


@router.get(
    "/people/{person_id}/eligibility",
    response_model=EligibilityPublic,
    summary="Which of a scheme's rules the person passes, with the facts read",
)
def eligibility(
    person_id: str,
    ctx: CtxDep,
    principal: CurrentPrincipal,
    scheme: Annotated[str, Query(min_length=1, max_length=40)],
    on: Annotated[date | None, Query(description="the day (default today)")] = None,
) -> EligibilityPublic:
    found = svc.check_eligibility(ctx, principal, person_id[:64], scheme, on)
    return EligibilityPublic(
        person_id=found.person_id,
        scheme=found.scheme.code,
        on=found.on,
        eligible=found.verdict.eligible,
        rules=[
            RulePublic(rule=r.rule, passed=r.passed, facts=r.facts) for r in found.verdict.results
        ],
    )


class AttributesWrite(Strict):
    disabled: bool = False
    chronic_illness: bool = False
    occupation: str | None = Field(default=None, max_length=40, examples=["farmer"])
    marital_status: str | None = Field(
        default=None, description="never_married, married, widowed, divorced, separated or deserted"
    )
    deceased_on: date | None = None


@router.get(
    "/people/{person_id}/attributes",
    response_model=AttributesWrite,
    summary="What the schemes' rules read that the registry does not hold",
)
def attributes(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> AttributesWrite:
    return AttributesWrite(**attributes_svc.get_attributes(ctx, principal, person_id[:64]))


@router.put(
    "/people/{person_id}/attributes",
    response_model=AttributesWrite,
    summary="Replace them; audited with the values before and after",
)
def put_attributes(
    person_id: str, body: AttributesWrite, ctx: CtxDep, principal: CurrentPrincipal
) -> AttributesWrite:
    saved = attributes_svc.set_attributes(ctx, principal, person_id[:64], body.model_dump())
    return AttributesWrite(**saved)

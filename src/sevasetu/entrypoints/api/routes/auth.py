from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ....services import auth as svc
from ....services import family
from ..deps import CtxDep, CurrentPrincipal, bearer_token
from ..schemas import (
    LoginRequest,
    OtpRequest,
    OtpVerify,
    PersonCreate,
    PersonPublic,
    PrincipalPublic,
    TokenPublic,
    UserCreate,
    UserPublic,
)

router = APIRouter(tags=["login and accounts"])


def _token(ctx: CtxDep, session: svc.Session) -> TokenPublic:
    return TokenPublic(
        access_token=session.token,
        expires_in=ctx.settings.token_ttl_hours * 3600,
        principal=PrincipalPublic.of(session.principal),
    )


@router.post("/auth/token", response_model=TokenPublic, summary="Staff login with password")
def login(body: LoginRequest, ctx: CtxDep) -> TokenPublic:
    return _token(ctx, svc.login_staff(ctx, body.username, body.password))


@router.post("/auth/otp", status_code=202, summary="Send a one-time login code by SMS")
def request_otp(body: OtpRequest, ctx: CtxDep) -> dict[str, str]:
    svc.request_otp(ctx, body.phone, body.language)
    return {"status": "sent"}


@router.post("/auth/otp/verify", response_model=TokenPublic, summary="Citizen login with the code")
def verify_otp(body: OtpVerify, ctx: CtxDep) -> TokenPublic:
    return _token(ctx, svc.verify_otp(ctx, body.phone, body.code, body.language))


@router.post("/auth/logout", status_code=204)
def logout(request: Request, ctx: CtxDep, _: CurrentPrincipal) -> Response:
    token = bearer_token(request)
    if token:
        svc.logout(ctx, token)
    return Response(status_code=204)


@router.get("/me", response_model=PrincipalPublic)
def me(principal: CurrentPrincipal) -> PrincipalPublic:
    return PrincipalPublic.of(principal)


@router.get("/me/people", response_model=list[PersonPublic], summary="A citizen's family")
def my_people(ctx: CtxDep, principal: CurrentPrincipal) -> list[PersonPublic]:
    return [PersonPublic.of(p) for p in family.family_of(ctx, principal)]


@router.post(
    "/me/people",
    status_code=201,
    response_model=PersonPublic,
    summary="A citizen registers self or a family member (at most six)",
)
def add_my_person(body: PersonCreate, ctx: CtxDep, principal: CurrentPrincipal) -> PersonPublic:
    return PersonPublic.of(family.add_family_member(ctx, principal, body.to_input()))


@router.post("/users", status_code=201, response_model=UserPublic, summary="Create a staff user")
def add_user(body: UserCreate, ctx: CtxDep, principal: CurrentPrincipal) -> UserPublic:
    user = svc.add_user(
        ctx,
        principal,
        username=body.username,
        password=body.password,
        role=body.role,
        area_code=body.area_code,
        full_name=body.full_name,
        language=body.language,
    )
    return UserPublic.of(user)

"""Dependencies shared by the routes: the context and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ...bootstrap import AppContext
from ...domain.access import Principal
from ...domain.errors import NotAuthenticated
from ...services.auth import principal_for_token

SESSION_COOKIE = "sevasetu_session"


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


def resolve_principal(request: Request) -> Principal | None:
    """The caller, looked up once per request and kept on ``request.state``."""
    if hasattr(request.state, "principal"):
        return request.state.principal  # type: ignore[no-any-return]
    token = bearer_token(request)
    principal = None
    if token:
        try:
            principal = principal_for_token(get_ctx(request), token)
        except NotAuthenticated:
            principal = None
    request.state.principal = principal
    return principal


def current_principal(request: Request) -> Principal:
    principal = resolve_principal(request)
    if principal is None:
        raise NotAuthenticated()
    return principal


CtxDep = Annotated[AppContext, Depends(get_ctx)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

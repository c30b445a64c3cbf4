"""Dependencies shared by the routes: the context and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from ...bootstrap import AppContext
from ...domain.access import Principal
from ...domain.errors import NotAuthenticated
from ...services.auth import cached_principal, principal_for_token

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


async def principal_of(request: Request) -> Principal | None:
    """``resolve_principal`` without leaving the event loop when this process knows the token
    (nearly every call): a hop to a worker thread costs more CPU than the lookup itself."""
    if not hasattr(request.state, "principal"):
        token = bearer_token(request)
        known = cached_principal(get_ctx(request), token) if token else None
        if known is None:
            return await run_in_threadpool(resolve_principal, request)
        request.state.principal = known
    return request.state.principal  # type: ignore[no-any-return]


async def current_principal(request: Request) -> Principal:
    principal = await principal_of(request)
    if principal is None:
        raise NotAuthenticated()
    return principal


async def _ctx(request: Request) -> AppContext:
    return get_ctx(request)  # async: a plain attribute needs no worker thread


CtxDep = Annotated[AppContext, Depends(_ctx)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
# An area's code in a report's query string (a ward, union, block, district or state).
AreaCode = Annotated[str, Query(min_length=1, max_length=40)]


def csv_download(text: str, filename: str) -> PlainTextResponse:
    """A report as a CSV file the browser saves under ``filename``."""
    return PlainTextResponse(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

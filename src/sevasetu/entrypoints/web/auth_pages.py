"""Logging in and out, and choosing the language of the pages."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from ...domain.errors import DomainError
from ...services import auth as svc
from .forms import text
from .shell import (
    CSRF_FIELD,
    LANG_COOKIE,
    LOGIN_NONCE_COOKIE,
    CsrfRefused,
    Page,
    csrf_token,
    local_path,
    page_for,
    redirect,
    set_session,
)

router = APIRouter(include_in_schema=False)


async def form_data(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


@router.get("/")
def home(request: Request) -> RedirectResponse:
    page = page_for(request, login=False)
    if page.principal is None:
        return redirect("/login")
    return redirect("/book" if page.principal.role == "citizen" else "/people")


def _login_form(
    page: Page, nonce: str, next_path: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    response = page.render(
        "login.html",
        status_code=status_code,
        next=next_path,
        login_csrf=csrf_token(page.ctx, "login:" + nonce),
        **values,
    )
    # A pre-login nonce ties the login form to this browser (login CSRF).
    response.set_cookie(
        LOGIN_NONCE_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=str(page.ctx.settings.base_url).startswith("https://"),
    )
    return response


@router.get("/login", response_model=None)
def login_form(request: Request, next: str = "") -> HTMLResponse | RedirectResponse:
    page = page_for(request, login=False)
    if page.principal is not None:
        return redirect(local_path(next))
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE) or secrets.token_urlsafe(16)
    return _login_form(page, nonce[:64], local_path(next))


@router.post("/login", response_model=None)
def login(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    page = page_for(request, login=False)
    next_path = local_path(text(form, "next", 300))
    username = text(form, "username", 60)
    nonce = (request.cookies.get(LOGIN_NONCE_COOKIE) or "")[:64]
    expected = csrf_token(page.ctx, "login:" + nonce)
    if not nonce or not hmac.compare_digest(text(form, CSRF_FIELD, 100), expected):
        fresh = secrets.token_urlsafe(16)
        return _login_form(
            page,
            fresh,
            next_path,
            403,
            username=username,
            message=page._("The form had expired. Please log in again."),
        )
    try:
        session = svc.login_staff(page.ctx, username, str(form.get("password", ""))[:200])
    except DomainError as error:
        return _login_form(
            page, nonce, next_path, 401, username=username, message=page.error(error)
        )
    response = redirect(next_path)
    set_session(response, page.ctx, session.token)
    response.delete_cookie(LOGIN_NONCE_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, form: Form) -> RedirectResponse:
    page = page_for(request, login=False)
    if page.principal is None:
        return redirect("/login")
    page.check_csrf(form)
    if page.session_token:
        svc.logout(page.ctx, page.session_token)
    response = redirect("/login")
    set_session(response, page.ctx, None)
    return response


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next: str = "") -> RedirectResponse:
    settings = request.app.state.ctx.settings
    back = next or _referer_path(request)
    response = redirect(local_path(back, "/"))
    if code in settings.languages:
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 24 * 3600, httponly=True, samesite="lax"
        )
    return response


def _referer_path(request: Request) -> str:
    """The page the switch was pressed on, if it is one of ours."""
    referer = request.headers.get("referer", "")
    base = f"{request.url.scheme}://{request.url.netloc}"
    return referer[len(base) :] if referer.startswith(base + "/") else ""


__all__ = ["CsrfRefused", "Form", "router"]

"""Citizens log in with their mobile number and a one-time code sent by SMS."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.errors import DomainError
from ...services import auth as svc
from .auth_pages import Form
from .forms import NATIVE_DIGITS, text
from .shell import (
    CSRF_FIELD,
    LOGIN_NONCE_COOKIE,
    Page,
    csrf_token,
    local_path,
    page_for,
    redirect,
    set_session,
)

router = APIRouter(include_in_schema=False)
CITIZEN_HOME = "/book"


def _form(
    page: Page, nonce: str, next_path: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    response = page.render(
        "mobile_login.html",
        status_code=status_code,
        next=next_path,
        login_csrf=csrf_token(page.ctx, "login:" + nonce),
        **values,
    )
    response.set_cookie(LOGIN_NONCE_COOKIE, nonce, max_age=3600, httponly=True, samesite="lax",
                        secure=str(page.ctx.settings.base_url).startswith("https://"))  # fmt: skip
    return response


def _nonce_ok(request: Request, page: Page, form: Any) -> str | None:
    """The login nonce when the form carries its token (login CSRF), else None."""
    nonce = (request.cookies.get(LOGIN_NONCE_COOKIE) or "")[:64]
    expected = csrf_token(page.ctx, "login:" + nonce)
    if nonce and hmac.compare_digest(text(form, CSRF_FIELD, 100), expected):
        return nonce
    return None


@router.get("/login/mobile", response_model=None)
def mobile_form(request: Request, next: str = "") -> HTMLResponse | RedirectResponse:
    page = page_for(request, login=False)
    if page.principal is not None:
        return redirect(local_path(next, CITIZEN_HOME))
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE) or secrets.token_urlsafe(16)
    return _form(page, nonce[:64], local_path(next, CITIZEN_HOME))


@router.post("/login/mobile")
def send_code(request: Request, form: Form) -> HTMLResponse:
    page = page_for(request, login=False)
    next_path = local_path(text(form, "next", 300), CITIZEN_HOME)
    phone = text(form, "phone", 30).translate(NATIVE_DIGITS)
    nonce = _nonce_ok(request, page, form)
    if nonce is None:
        return _form(page, secrets.token_urlsafe(16), next_path, 403, phone=phone,
                     message=page._("The form had expired. Please send it again."))  # fmt: skip
    try:
        svc.request_otp(page.ctx, phone, page.lang)
    except DomainError as error:
        status = 429 if error.kind == "rate_limited" else 422
        return _form(page, nonce, next_path, status, phone=phone, message=page.error(error))
    return _form(page, nonce, next_path, phone=phone, sent=True)


@router.post("/login/mobile/code", response_model=None)
def check_code(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    page = page_for(request, login=False)
    next_path = local_path(text(form, "next", 300), CITIZEN_HOME)
    phone = text(form, "phone", 30).translate(NATIVE_DIGITS)
    code = text(form, "code", 12).translate(NATIVE_DIGITS)
    nonce = _nonce_ok(request, page, form)
    if nonce is None:
        return _form(page, secrets.token_urlsafe(16), next_path, 403, phone=phone,
                     message=page._("The form had expired. Please send it again."))  # fmt: skip
    try:
        session = svc.verify_otp(page.ctx, phone, code, page.lang)
    except DomainError as error:
        return _form(page, nonce, next_path, 401, phone=phone, sent=True,
                     message=page.error(error))  # fmt: skip
    response = redirect(next_path)
    set_session(response, page.ctx, session.token)
    response.delete_cookie(LOGIN_NONCE_COOKIE)
    return response

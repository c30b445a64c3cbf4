"""The web shell: server-rendered pages for health workers, light enough for a slow phone."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from . import (
    aefi_pages,
    auth_pages,
    booking_pages,
    desk_pages,
    due_list_pages,
    household_pages,
    ledger_pages,
    legacy_review_pages,
    marriage_pages,
    mobile_login_pages,
    people_pages,
    proof_pages,
    report_pages,
    session_pages,
    statistics_pages,
    stock_pages,
    survey_pages,
    verify_pages,
)
from .shell import STATIC, CsrfRefused, LoginRequired, login_redirect, page_for


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth_pages, people_pages, household_pages, due_list_pages, verify_pages,
                   mobile_login_pages, booking_pages, session_pages, proof_pages, stock_pages,
                   report_pages, legacy_review_pages, ledger_pages, marriage_pages,
                   survey_pages, statistics_pages, aefi_pages):  # fmt: skip
        app.include_router(module.router)
    app.include_router(desk_pages.router)  # hospital continuity: cards and the offline desk

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> RedirectResponse:
        return login_redirect(exc.next_path)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _: CsrfRefused) -> HTMLResponse:
        page = page_for(request, login=False)
        return page.render(
            "error.html",
            status_code=403,
            message=page._(
                "This form had expired, so nothing was saved. Open the page again and resend it."
            ),
        )

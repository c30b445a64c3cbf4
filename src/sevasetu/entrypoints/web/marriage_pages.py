"""The registrar's marriage check (a form, the result with its evidence, printable) and the
outreach list of girls and boys approaching the minimum ages (docs/child-marriage.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...domain.errors import DomainError
from ...services import marriage as svc
from ..api.problems import STATUS, translate_reason
from .auth_pages import Form
from .forms import read_date, text, values_of
from .marriage_view import (
    OUTCOME_WORDS,
    PARTY_WORDS,
    SOURCE_WORDS,
    alerts_chart,
    alerts_view,
    check_view,
)
from .shell import Page, page_for

router = APIRouter(include_in_schema=False)
CHECK = "/marriage-check"
ALERTS = "/reports/marriage-alerts"
PERSON_ID = "person_id"


def _render(view: Page, *, status: int = 200, **values: Any) -> HTMLResponse:
    kinds = [*view.identifier_kinds(), PERSON_ID]
    defaults: dict[str, Any] = {
        "values": {"bride_kind": kinds[0], "groom_kind": kinds[0]},
        "kinds": kinds,
        "result": None,
        "outcome_words": OUTCOME_WORDS,
        "source_words": SOURCE_WORDS,
        "party_words": PARTY_WORDS,
        "today": view.ctx.today().isoformat(),
    }
    return view.render("marriage_check.html", status_code=status, **{**defaults, **values})


@router.get(CHECK)
def check_form(request: Request) -> HTMLResponse:
    return _render(page_for(request))


def _party(form: Any, side: str) -> svc.PartyRef:
    kind = text(form, f"{side}_kind", 16)
    number = text(form, f"{side}_number", 64)
    if kind == PERSON_ID:
        return svc.PartyRef(person_id=number or None)
    return svc.PartyRef(kind=kind, number=number or None)


@router.post(CHECK)
def check(request: Request, form: Form) -> HTMLResponse:
    view = page_for(request)
    view.check_csrf(form)
    values = values_of(form)
    try:
        on = read_date(text(form, "on", 20), "on")
        done = svc.check_marriage(
            view.ctx, view.user, _party(form, "bride"), _party(form, "groom"), on
        )
    except DomainError as error:
        field = (error.field or "").split(".")[0]
        # A number nobody holds is a typing mistake on this form: sent back as bad input.
        status = 422 if error.kind == "not_found" else STATUS.get(error.kind, 400)
        return _render(
            view,
            status=status,
            message=view.error(error),
            errors={field: True} if field else {},
            values=values,
        )
    result = check_view(done, lambda r: translate_reason(r, view._))
    return _render(view, values=values, result=result)


@router.get(ALERTS)
def alerts(request: Request, area: str = "") -> HTMLResponse:
    view = page_for(request)
    area = area.strip()[:40] or (view.user.area_code or "")
    values: dict[str, Any] = {"area": area, "v": None}
    try:
        found = svc.marriage_alerts(view.ctx, view.user, area)
    except DomainError as error:
        return view.render(
            "marriage_alerts.html",
            status_code=STATUS.get(error.kind, 400),
            message=view.error(error),
            **values,
        )
    v = alerts_view(found, view.ctx.area_tree(), view.lang)
    return view.render(
        "marriage_alerts.html", **{**values, "v": v, "chart": alerts_chart(v, view._)}
    )

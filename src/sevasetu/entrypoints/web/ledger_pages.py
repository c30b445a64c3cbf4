"""The services ledger's pages: the duplicate-benefits report with a clerk's decisions, the
disaster priority list, the queue of service records waiting for a clerk, and the "Services"
section of a person's page (docs/services-ledger.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.access import Action
from ...domain.errors import DomainError
from ...services import benefit_findings as findings_svc
from ...services import priority as priority_svc
from ...services import service_records as records_svc
from ...services.schemes import list_schemes
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import text
from .ledger_view import (
    FACTOR_WORDS,
    KIND_WORDS,
    STATUS_WORDS,
    duplicates_view,
    factors_chart,
    findings_chart,
    priority_view,
)
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)
DUPLICATES = "/reports/duplicates"
PRIORITY = "/reports/priority"
QUEUE = "/services/queue"


def _status(error: DomainError) -> int:
    return STATUS.get(error.kind, 400)


@router.get(DUPLICATES)
def duplicates(request: Request, area: str = "", saved: str = "") -> HTMLResponse:
    view = page_for(request)
    area = area.strip()[:40] or (view.user.area_code or "")
    values: dict[str, Any] = {
        "area": area,
        "saved": bool(saved),
        "v": None,
        "kind_words": KIND_WORDS,
        "status_words": STATUS_WORDS,
        "can_review": view.can(Action.BENEFIT_REVIEW),
    }
    try:
        report = findings_svc.duplicates_report(view.ctx, view.user, area)
    except DomainError as error:
        return view.render(
            "ledger_duplicates.html",
            status_code=_status(error),
            message=view.error(error),
            **values,
        )
    v = duplicates_view(report, view.ctx.area_tree(), view.lang)
    return view.render(
        "ledger_duplicates.html", **{**values, "v": v, "chart": findings_chart(v, view._)}
    )


@router.post(DUPLICATES + "/decide", response_model=None)
def decide(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    area = text(form, "area", 40)
    try:
        findings_svc.decide_finding(
            view.ctx,
            view.user,
            text(form, "finding", 160),
            text(form, "status", 12),
            text(form, "reason", 300),
        )
    except DomainError as error:
        return view.render(
            "ledger_duplicates.html",
            status_code=_status(error),
            message=view.error(error),
            area=area,
            v=None,
            kind_words=KIND_WORDS,
            status_words=STATUS_WORDS,
        )
    return redirect(f"{DUPLICATES}?{urlencode({'area': area, 'saved': 1})}")


@router.get(PRIORITY)
def priority(request: Request, area: str = "") -> HTMLResponse:
    view = page_for(request)
    area = area.strip()[:40] or (view.user.area_code or "")
    values: dict[str, Any] = {"area": area, "v": None, "factor_words": FACTOR_WORDS}
    try:
        ranked = priority_svc.priority_list(view.ctx, view.user, area)
    except DomainError as error:
        return view.render(
            "ledger_priority.html", status_code=_status(error), message=view.error(error), **values
        )
    v = priority_view(ranked, view.ctx.area_tree(), view.lang)
    return view.render(
        "ledger_priority.html", **{**values, "v": v, "chart": factors_chart(v, view._)}
    )


def _queue_page(
    view: Page, *, status: int = 200, message: str | None = None, saved: bool = False
) -> HTMLResponse:
    try:
        waiting = records_svc.queued_records(view.ctx, view.user)
    except DomainError as error:
        return view.render(
            "ledger_queue.html", status_code=_status(error), message=view.error(error), queue=[]
        )
    names = {s.code: s.name for s in list_schemes(view.ctx, view.user.state_code)}
    queue = [
        {
            "record": q.record,
            "candidates": q.candidates,
            "scheme": names.get(q.record.scheme_code, q.record.scheme_code),
        }
        for q in waiting
    ]
    return view.render(
        "ledger_queue.html", status_code=status, queue=queue, message=message, saved=saved
    )


@router.get(QUEUE)
def queue(request: Request, saved: str = "") -> HTMLResponse:
    return _queue_page(page_for(request), saved=bool(saved))


@router.post(QUEUE + "/{record_id}", response_model=None)
def decide_record(request: Request, record_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    person = text(form, "other_id", 64) or text(form, "person_id", 64)
    rejecting = text(form, "action", 10) == "reject"
    try:
        records_svc.decide_queued(
            view.ctx,
            view.user,
            record_id[:64],
            person_id=None if rejecting else (person or None),
            reject_reason=text(form, "reason", 300) if rejecting else None,
        )
    except DomainError as error:
        return _queue_page(view, status=_status(error), message=view.error(error))
    return redirect(f"{QUEUE}?saved=1")


def services_section(view: Page, person_id: str) -> list[dict[str, Any]]:
    """The "Services" section of a person's page: theirs and their household's."""
    return [
        {
            "delivered_on": s.record.delivered_on.isoformat(),
            "department": s.record.department,
            "scheme": s.scheme_name,
            "reference": s.record.reference,
            "amount": s.record.amount,
            "whose": s.whose,
        }
        for s in records_svc.services_of(view.ctx, view.user, person_id)
    ]

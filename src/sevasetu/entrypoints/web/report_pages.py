"""The district officer's reconciliation report (S2): every number links to its records, and a
small form records a sarpanch's village completion attestation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.access import Action
from ...domain.areas import RESIDENCE_LEVELS
from ...domain.errors import DomainError, InvalidInput
from ...services import reconciliation as svc
from ...services.attestations import AttestationInput, record_attestation
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import NATIVE_DIGITS, read_date, text, values_of
from .labels import N_
from .report_view import before_after_chart, classes_chart, drill_row, kind_words, report_view
from .shell import Page, area_label, page_for, redirect

router = APIRouter(include_in_schema=False)
PAGE = "/reports/reconciliation"
ATTEST_PATH = "/reports/attestations"
MAX_RECORDS = 1000  # on one page; the command line writes every record to CSV
KIND_VALUES = frozenset(k.value for k in svc.KINDS)


def _filters(area: str, schedule: str, dose: str) -> dict[str, str]:
    return {"area": area.strip()[:40], "schedule": schedule.strip()[:40] or svc.DEFAULT_SCHEDULE,
            "dose": dose.strip().upper()[:12]}  # fmt: skip


def _linker(filters: dict[str, str]):  # type: ignore[no-untyped-def]
    def link(district: str | None, kind: str) -> str:
        query = {**filters, "kind": kind, **({"district": district} if district else {})}
        return f"{PAGE}/records?{urlencode(query)}"

    return link


def _form_choices(view: Page, area_code: str, schedule: str) -> dict[str, Any]:
    tree = view.ctx.area_tree()
    inside = tree.within(area_code) if area_code in tree else []
    villages = sorted(
        ((a.code, f"{area_label(a, view.lang)} · {view.area_name(a.parent_code or '')}")
         for a in inside if a.level in RESIDENCE_LEVELS),
        key=lambda v: v[1],
    )  # fmt: skip
    try:
        doses = [d.code for d in svc.named_schedule(schedule).doses]
    except DomainError:
        doses = []
    return {"villages": villages, "doses": doses}


def _page(
    view: Page, filters: dict[str, str], *, status: int = 200, message: str | None = None,
    attest: dict[str, str] | None = None, errors: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    _ = view._
    filters = {**filters, "area": filters["area"] or (view.user.area_code or "")}
    r = charts = None
    try:
        report = svc.reconciliation_report(view.ctx, view.user, filters["area"],
                                           schedule=filters["schedule"],
                                           dose=filters["dose"] or None)  # fmt: skip
    except DomainError as error:
        status, message = STATUS.get(error.kind, 400), view.error(error)
    else:
        r = report_view(report, view.ctx.area_tree(), view.lang, with_rows=False)
        charts = {"before_after": before_after_chart(r["headline"], _),
                  "classes": classes_chart(r["headline"], _)}  # fmt: skip
    return view.render(
        "report_reconciliation.html", status_code=status, r=r, charts=charts, filters=filters,
        words=kind_words(_), kinds=[k.value for k in svc.KINDS], link=_linker(filters),
        message=message, attest=attest or {}, errors=errors or {},
        can_attest=view.can(Action.ATTESTATION_RECORD.value),
        saved=view.request.query_params.get("saved") == "1",
        **_form_choices(view, filters["area"], filters["schedule"]),
    )  # fmt: skip


@router.get(PAGE)
def reconciliation_page(
    request: Request, area: str = "", schedule: str = "", dose: str = ""
) -> HTMLResponse:
    view = page_for(request)
    return _page(view, _filters(area, schedule, dose))


@router.get(PAGE + "/records")
def records_page(
    request: Request, area: str = "", schedule: str = "", dose: str = "", district: str = "",
    kind: str = "",
) -> HTMLResponse:  # fmt: skip
    view = page_for(request)
    filters = _filters(area, schedule, dose)
    try:
        if kind not in KIND_VALUES:
            raise InvalidInput("kind", reason=N_("Choose one of the report's numbers."))
        report = svc.reconciliation_report(view.ctx, view.user, filters["area"],
                                           schedule=filters["schedule"],
                                           dose=filters["dose"] or None)  # fmt: skip
    except DomainError as error:
        return view.error_page(error)
    tree = view.ctx.area_tree()
    step = report.headline
    rows = step.rows(district.strip()[:40] or None, kind)
    return view.render(
        "report_records.html", filters=filters, kind=kind, words=kind_words(view._),
        step={"previous": step.step.previous, "dose": step.step.dose},
        district=view.area_name(district) if district else "",
        area=view.area_name(report.area.code), total=len(rows),
        rows=[drill_row(step, r, tree, view.lang) for r in rows[:MAX_RECORDS]],
        back=f"{PAGE}?{urlencode(filters)}", person_links=view.can(Action.PERSON_READ.value),
    )  # fmt: skip


def _coverage(raw: str) -> float:
    try:
        return float(raw.translate(NATIVE_DIGITS).replace("%", "").strip())
    except ValueError:
        raise InvalidInput(
            "claimed_coverage", reason=N_("Write the coverage as a number from 0 to 100.")
        ) from None


@router.post(ATTEST_PATH, response_model=None)
def attest(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    """Record an attestation from the report page, then show the report with it compared."""
    view = page_for(request)
    view.check_csrf(form)
    filters = _filters(text(form, "area", 40), text(form, "schedule", 40), "")
    upload = form.get("file")
    try:
        signed_on = read_date(text(form, "signed_on", 10), "signed_on")
        if signed_on is None:
            raise InvalidInput("signed_on", reason=N_("Say on which day it was signed."))
        content = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            content = upload.file.read(view.ctx.settings.proof_max_bytes + 1) or None
        record_attestation(view.ctx, view.user, AttestationInput(
            area_code=text(form, "area_code", 40), schedule=filters["schedule"],
            dose_code=text(form, "dose_code", 12),
            claimed_coverage=_coverage(text(form, "claimed_coverage", 12)),
            signed_by=text(form, "signed_by", 200), signed_on=signed_on, document=content,
        ))  # fmt: skip
    except DomainError as error:
        message = view.error(error)
        return _page(view, filters, status=STATUS.get(error.kind, 400), message=message,
                     attest=values_of(form), errors={error.field or "": message})  # fmt: skip
    return redirect(f"{PAGE}?{urlencode({**filters, 'saved': '1'})}#attestations")

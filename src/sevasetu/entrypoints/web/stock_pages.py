"""A facility's vaccine stock on one page: every lot with what came in, went out and is left
(a bar per lot), and the forms a store keeper uses: a lot received, doses wasted, a count
corrected. Issues to sessions and returns are made from the session's day (docs/bookings.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.access import Action
from ...domain.errors import DomainError, Forbidden, InvalidInput
from ...domain.stock import LotStock, MovementKind, WastageReason
from ...services import lots as lot_svc
from ...services import stock as svc
from ...services.areas import facilities_in
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import NATIVE_DIGITS, read_date, text, values_of
from .labels import N_
from .session_pages import dose_groups
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)

WASTAGE_WORDS = {
    WastageReason.OPEN_VIAL_EXPIRED: N_("Open vial: its hours ran out"),
    WastageReason.BROKEN: N_("Vial broken"),
    WastageReason.COLD_CHAIN: N_("Cold chain failure (frozen, or the vial monitor says discard)"),
    WastageReason.LOT_EXPIRED: N_("Lot expired"),
}
EXPIRY_WARNING_DAYS = 30  # a lot to use first, or to send where it will be used in time
DONE = {
    "lot": N_("The lot is added with the doses received."),
    "wasted": N_("The wasted doses are recorded."),
    "adjusted": N_("The balance is corrected."),
}


def _doses(form: Mapping[str, Any], name: str, *, signed: bool = False) -> int:
    raw = text(form, name, 8).translate(NATIVE_DIGITS).replace("−", "-")
    digits = raw[1:] if signed and raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit()):
        reason = (
            N_("Write a whole number, below zero to take doses off.")
            if signed
            else N_("Write a whole number.")
        )
        raise InvalidInput(name, reason=reason)
    return int(raw)


def _lot_row(view: Page, s: LotStock, on: date) -> dict[str, Any]:
    top = max(s.received + max(s.adjusted, 0), 1)
    parts = {"administered": s.administered, "wasted": s.wasted, "left": s.usable(on)}
    share = {k: round(100 * max(v, 0) / top, 1) for k, v in parts.items()}
    soon = not s.expired(on) and (s.lot.expiry - on).days < EXPIRY_WARNING_DAYS
    flags = [w for f, w in (
        (s.expired(on), N_("Lot expired")), (soon, N_("Expires within a month")),
        (s.low(on), N_("Running low")), (s.discrepancy, N_("More given than received")),
    ) if f]  # fmt: skip
    return {
        "key": f"{s.lot.product}|{s.lot.lot}", "product": s.lot.product, "lot": s.lot.lot,
        "expiry": s.lot.expiry.isoformat(), "doses": ", ".join(s.lot.dose_codes),
        "received": s.received, "issued": s.issued, "returned": s.returned,
        "administered": s.administered, "wasted": s.wasted, "adjusted": s.adjusted,
        "balance": s.balance, "usable": s.usable(on), "share": share,
        "flags": [view._(w) for w in flags], "expired": s.expired(on),
    }  # fmt: skip


def _page(view: Page, facility: str = "", status_code: int = 200, **extra: Any) -> HTMLResponse:
    user = view.user
    if not view.can(Action.LOT_READ):
        return view.error_page(Forbidden(action=Action.LOT_READ.value))
    try:
        facilities = facilities_in(view.ctx, user.area_code or "")
        if not facilities:
            return view.render("stock.html", status_code=status_code, facilities=[], **extra)
        chosen = next((f for f in facilities if f.code == facility), facilities[0])
        report = svc.stock_report(view.ctx, user, chosen.code)
    except DomainError as error:
        return view.error_page(error)
    local = view.lang != "en"
    rows = [_lot_row(view, s, report.on) for s in report.lots]
    return view.render(
        "stock.html", status_code=status_code, chosen=chosen.code, on=report.on.isoformat(),
        facilities=[(f.code, f"{f.name_local} ({f.name})" if local and f.name_local else f.name)
                    for f in facilities],
        lots=rows, usable_lots=[r for r in rows if not r["expired"]],
        totals={k: sum(r[k] for r in rows) for k in
                ("received", "administered", "wasted", "usable")},
        reasons=[(r.value, view._(w)) for r, w in WASTAGE_WORDS.items()], groups=dose_groups(),
        may_manage=view.can(Action.LOT_MANAGE), may_waste=view.can(Action.STOCK_ISSUE),
        values=extra.pop("values", {}), errors=extra.pop("errors", {}), **extra,
    )  # fmt: skip


@router.get("/stock")
def stock(request: Request, facility: str = "", done: str = "") -> HTMLResponse:
    view = page_for(request)
    return _page(view, facility[:40], done=view._(DONE[done]) if done in DONE else None)


def _failed(
    view: Page,
    facility: str,
    form: Any,
    error: DomainError,
    form_name: str,
    names: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page again with the form that failed open, what was typed, and the error at its
    field (``names`` maps the services' field names to the form's)."""
    field = (names or {}).get(error.field or "", error.field)
    return _page(
        view, facility, STATUS.get(error.kind, 400), message=view.error(error), failed=form_name,
        values={**values_of(form), "dose_codes": list(form.getlist("dose_codes"))},
        errors={field: view.error(error)} if field else {},
    )  # fmt: skip


@router.post("/stock/lots", response_model=None)
def add_lot(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    facility = text(form, "facility", 40)
    try:
        expiry = read_date(text(form, "expiry", 10), "expiry")
        if expiry is None:
            raise InvalidInput("expiry", reason=N_("Write the expiry date printed on the vials."))
        lot_svc.add_lot(view.ctx, view.user, facility, lot_svc.LotInput(
            product=text(form, "product", 80), lot=text(form, "lot", 40), expiry=expiry,
            dose_codes=[str(c)[:12] for c in form.getlist("dose_codes")[:60]],
            manufacturer=text(form, "manufacturer", 120),
            doses_received=_doses(form, "doses_received"),
        ))  # fmt: skip
    except DomainError as error:
        return _failed(view, facility, form, error, "lot")
    return redirect(f"/stock?facility={facility}&done=lot")


@router.post("/stock/wastage", response_model=None)
def waste(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    return _move(request, form, MovementKind.WASTED, "wasted", {})


# The correction form sits on the same page as the wastage form: its fields have their own
# names so that every field keeps a unique id.
ADJUSTMENT_FIELDS = {"doses": "change", "reason": "why", "lot_key": "adjust_lot"}


@router.post("/stock/adjustments", response_model=None)
def adjust(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    return _move(request, form, MovementKind.ADJUSTMENT, "adjusted", ADJUSTMENT_FIELDS)


def _move(
    request: Request, form: Any, kind: MovementKind, done: str, names: Mapping[str, str]
) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    facility = text(form, "facility", 40)
    field = {k: names.get(k, k) for k in ("doses", "reason", "lot_key")}
    try:
        product, _, lot = text(form, field["lot_key"], 130).partition("|")
        if not lot:
            raise InvalidInput("lot_key", reason=N_("Choose the lot."))
        doses = _doses(form, field["doses"], signed=kind is MovementKind.ADJUSTMENT)
        svc.move_stock(view.ctx, view.user, facility, kind, svc.MovementInput(
            product=product, lot=lot, doses=doses, reason=text(form, field["reason"], 300),
        ))  # fmt: skip
    except DomainError as error:
        return _failed(view, facility, form, error, done, names)
    return redirect(f"/stock?facility={facility}&done={done}")

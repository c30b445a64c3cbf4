"""The ASHA's due list for her villages (printable), and a child's vaccination card."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...domain.errors import DomainError
from ...domain.schedule import DoseStatus, Status
from ...services import due_lists as svc
from ..api.problems import STATUS
from .shell import Page, area_label, page_for

router = APIRouter(include_in_schema=False)
WINDOWS = (0, 7, 30)  # days after today: the round today, this week, this month
MAX_SHOWN = 500  # a block's list on one page; a district prints from the command line
STATUS_ORDER = ("given", "overdue", "due", "upcoming", "expired", "not_applicable")


def status_words(view: Page) -> dict[str, tuple[str, str]]:
    """Status: (words, a symbol), so the colour is never the only sign."""
    _ = view._
    return {
        "given": (_("Given"), "✓"),
        "overdue": (_("Overdue"), "!"),
        "due": (_("Due"), "●"),
        "upcoming": (_("Upcoming"), "○"),
        "expired": (_("Expired"), "–"),
        "not_applicable": (_("Not applicable"), "–"),
    }


def _dose(d: DoseStatus, antigens: dict[str, str]) -> dict[str, Any]:
    return {
        "code": d.code,
        "antigen": antigens.get(d.code, ""),
        "status": d.status.value,
        "due_date": d.due_date.isoformat() if d.due_date else "",
        "last_date": d.last_date.isoformat() if d.last_date else "",
        "given_date": d.given_date.isoformat() if d.given_date else "",
    }


@router.get("/due-list")
def due_list(
    request: Request, village: str = "", days: str = "0", defaulters: str = ""
) -> HTMLResponse:
    view = page_for(request)
    window = int(days) if days.isascii() and days.isdigit() and int(days) in WINDOWS else 0
    chosen = village.strip()[:40]
    today = view.ctx.today()
    filters = {"village": chosen, "days": window, "defaulters": bool(defaulters)}
    try:
        found = svc.due_list(
            view.ctx,
            view.user,
            chosen or None,
            start=today,
            end=today + timedelta(days=window),
            defaulters=bool(defaulters),
        )
    except DomainError as error:
        return view.render(
            "due_list.html",
            status_code=STATUS.get(error.kind, 400),
            filters=filters,
            villages=[],
            message=view.error(error),
        )
    antigens = {d.code: d.antigen for d in svc.schedule_for(found.area).doses}
    shown = found.items[:MAX_SHOWN]
    villages = []
    for village_code, in_village in groupby(shown, key=lambda i: i.village.code):
        items = list(in_village)
        households = []
        for _, in_household in groupby(items, key=lambda i: i.child.household_id or i.child.id):
            rows = list(in_household)
            households.append({
                "address": rows[0].child.address or "",
                "household_id": rows[0].child.household_id,
                "contact": rows[0].contact,
                "children": [_child(view, i, antigens, today) for i in rows],
            })  # fmt: skip
        villages.append({
            "name": area_label(items[0].village, view.lang), "code": village_code,
            "ashas": items[0].ashas, "households": households, "children": len(items),
        })  # fmt: skip
    return view.render(
        "due_list.html",
        filters=filters,
        villages=villages,
        total=len(found.items),
        shown=len(shown),
        start=found.start.isoformat(),
        end=found.end.isoformat(),
        area=view.area_name(found.area.code),
        words=status_words(view),
        windows=WINDOWS,
    )


def _child(view: Page, item: svc.DueItem, antigens: dict[str, str], today: date) -> dict[str, Any]:
    child = item.child
    age = today.year - child.birth_date.year
    age -= (today.month, today.day) < (child.birth_date.month, child.birth_date.day)
    months = (today.year - child.birth_date.year) * 12 + today.month - child.birth_date.month
    months -= today.day < child.birth_date.day
    return {
        "id": child.id,
        "name": child.name,
        "name_latin": child.name_latin,
        "birth_date": child.birth_date.isoformat(),
        "age": view._("{n} years").format(n=age)
        if age >= 2
        else view._("{n} months").format(n=max(months, 0)),
        "sex": view.label("sex", child.sex),
        "doses": [_dose(d, antigens) for d in item.doses],
    }


@router.get("/people/{person_id}/card")
def child_card(request: Request, person_id: str) -> HTMLResponse:
    view = page_for(request)
    try:
        card = svc.child_card(view.ctx, view.user, person_id[:64])
    except DomainError as error:
        return view.error_page(error)
    antigens = {d.code: d.antigen for d in card.schedule.doses}
    doses = [_dose(d, antigens) for d in card.doses if d.code in antigens]
    pregnancy = {d.code for d in card.schedule.doses if d.group != "child"}
    counts = {s: sum(1 for d in card.doses if d.status.value == s and d.code not in pregnancy)
              for s in STATUS_ORDER}  # fmt: skip
    return view.render(
        "child_card.html",
        person=view.person_row(card.person),
        doses=[d for d in doses if d["code"] not in pregnancy],
        as_of=card.as_of.isoformat(),
        schedule=card.schedule.title,
        words=status_words(view),
        order=STATUS_ORDER,
        counts=counts,
        flags=sorted(card.flags),
        overdue=counts[Status.OVERDUE.value],
    )

"""Clerical review of legacy linkage (docs/legacy.md#clerical-review): the queue of records
the model was not sure of, and one record beside its candidate registry people with each
field's part of the match weight, with Link, Not a match and Undecided."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.errors import DomainError
from ...services import legacy_review as svc
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import text
from .labels import N_
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)

# The fields side by side, in the order a clerk reads them, with the model's comparison each
# one's weight comes from.
FIELDS = [
    ("name", N_("Name")),
    ("sex", N_("Sex")),
    ("birth", N_("Date of birth or age")),
    ("area", N_("Village or ward")),
    ("phone", N_("Mobile")),
    ("identifier", N_("Identifier")),
]
DECISIONS = {
    "auto": N_("Linked automatically"),
    "review": N_("Waiting for review"),
    "new": N_("A new person"),
    "linked": N_("Linked by a clerk"),
    "not_match": N_("Not a match"),
}
DONE = {
    "link": N_("Linked: the legacy doses are now in the person's history."),
    "not_match": N_("Marked as not a match: nothing of this record is in the registry."),
    "undecided": N_("Back in the review queue."),
}


@router.get("/legacy/reviews")
def review_queue(
    request: Request, source: str = "", area: str = "", done: str = ""
) -> HTMLResponse:
    view = page_for(request)
    try:
        found = svc.review_queue(
            view.ctx,
            view.user,
            source=source[:40] or None,
            area_code=area[:40] or None,
            limit=svc.MAX_PAGE,
        )
    except DomainError as error:
        return view.error_page(error)
    rows = [
        {
            "id": i.record_id,
            "name": i.name,
            "source": i.source,
            "row": i.source_row_id,
            "place": view.area_name(i.area_code) if i.area_code else i.area_text,
            "weight": _weight(i.match_weight),
        }
        for i in found
    ]
    return view.render(
        "legacy_review.html",
        rows=rows,
        source=source[:40],
        area=area[:40],
        villages=view.villages(),
        message=view._(DONE[done]) if done in DONE else None,
    )


def _weight(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def _part(value: float | None) -> str:
    """A field's part of the weight; nothing when it has none (missing on either side)."""
    return "" if value is None or abs(value) < 0.05 else f"{value:+.1f}"


def _legacy_side(view: Page, r: dict[str, Any]) -> dict[str, str]:
    if r["birth_date"] is not None:
        birth = r["birth_date"].isoformat()
    elif r["age_years"] is not None:
        as_of = r["age_as_of"].isoformat() if isinstance(r["age_as_of"], date) else ""
        birth = view._("{years} years on {day}").format(years=r["age_years"], day=as_of)
    else:
        birth = ""
    identifier = (
        f"{view.label('identifier', r['id_kind'])} …{r['id_last4']}" if r["id_kind"] else ""
    )
    place = view.area_name(r["area_code"]) if r["area_code"] else ""
    return {
        "name": r["name"],
        "latin": r["name_latin"],
        "sex": view.label("sex", r["sex"]),
        "birth": birth,
        "area": place or r["area_text"],
        "phone": r["phone"] or "",
        "identifier": identifier,
    }


def _detail(view: Page, record_id: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    try:
        item = svc.review_item(view.ctx, view.user, record_id[:64])
    except DomainError as error:
        return view.error_page(error)
    candidates = [
        {
            "id": c.person_id,
            "weight": _weight(c.match_weight),
            "probability": f"{100 * c.match_probability:.1f}",
            "chosen": c.person_id == item.person_id,
            "fields": {
                "name": c.name,
                "latin": c.name_latin,
                "sex": view.label("sex", c.sex),
                "birth": c.birth_date.isoformat(),
                "area": view.area_name(c.area_code),
                "phone": c.phone or "",
                "identifier": "",
            },
            "parts": {f: _part(c.contributions.get(f)) for f, _ in FIELDS},
        }
        for c in item.candidates
    ]
    return view.render(
        "legacy_review_record.html",
        status_code=status_code,
        record=item.record,
        legacy=_legacy_side(view, item.record),
        candidates=candidates,
        fields=[(f, view._(words)) for f, words in FIELDS],
        decision=item.decision,
        decision_words=view._(DECISIONS.get(item.decision or "", "")),
        weight=_weight(item.match_weight),
        **extra,
    )


@router.get("/legacy/records/{record_id}")
def record_page(request: Request, record_id: str) -> HTMLResponse:
    return _detail(page_for(request), record_id)


@router.post("/legacy/records/{record_id}/decision", response_model=None)
def decide(request: Request, record_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    choice = text(form, "decision", 20)
    person_id = text(form, "person_id", 64) or None
    try:
        item = svc.decide_record(view.ctx, view.user, record_id[:64], choice, person_id)
    except DomainError as error:
        return _detail(view, record_id, STATUS.get(error.kind, 400), message=view.error(error))
    return redirect(f"/legacy/reviews?source={quote(item.record['source'])}&done={choice}")

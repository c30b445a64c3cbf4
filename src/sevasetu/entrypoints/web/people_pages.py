"""Finding people, registering one, and reading a record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.access import Action
from ...domain.errors import DomainError, Forbidden
from ...domain.pregnancies import gestation_weeks
from ...services import households as household_svc
from ...services import people as svc
from ...services import pregnancies as pregnancy_svc
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import confirmed, person_input, text, values_of
from .ledger_pages import services_section
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def _page_number(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 10_000 else 1


@router.get("/people")
def people(request: Request, q: str = "", page: str = "1") -> HTMLResponse:
    view = page_for(request)
    query, number = q.strip()[:100], _page_number(page)
    try:
        found = svc.search_people(
            view.ctx,
            view.user,
            query,
            page=number,
            page_size=PAGE_SIZE,
        )
    except DomainError as error:
        return view.render(
            "people.html", status_code=403, q=query, rows=[], message=view.error(error)
        )
    return view.render(
        "people.html",
        q=query,
        rows=[view.person_row(p) for p in found.items],
        number=number,
        has_more=found.has_more,
    )


def person_form(
    view: Page, values: dict[str, str], status_code: int = 200, error: DomainError | None = None
) -> HTMLResponse:
    extra: dict[str, Any] = {}
    if error is not None:
        extra = form_error(view, error, fields=_person_fields(view))
    return view.render("person_form.html", status_code=status_code, values=values, **extra)


def _person_fields(view: Page) -> set[str]:
    kinds = {f"identifiers.{k}" for k in view.identifier_kinds()}
    return {"name", "sex", "birth_date", "age_years", "phone", "area_code", *kinds}


def form_error(
    view: Page, error: DomainError, *, fields: set[str], field: str | None = None
) -> dict[str, Any]:
    """Where an error is shown: next to its input if the form has it, else at the top."""
    field = field if field is not None else error.field
    message = view.error(error)
    matches = getattr(error, "matches", None) or []
    existing = getattr(error, "existing", None)
    return {
        "message": message,
        "errors": {field: message} if field in fields else {},
        "matches": [view.person_row(m.person) for m in matches],
        "existing": view.person_row(existing) if existing is not None else None,
    }


@router.get("/people/new")
def new_person(request: Request) -> HTMLResponse:
    view = page_for(request)
    if not view.can(Action.PERSON_REGISTER):
        return view.error_page(Forbidden(action=Action.PERSON_REGISTER.value))
    return person_form(view, {})


@router.post("/people/new", response_model=None)
def register_person(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    values = values_of(form)
    try:
        data = person_input(form, view.identifier_kinds(), text(form, "area_code", 40))
        person = svc.register_person(
            view.ctx,
            view.user,
            data,
            confirm_new=confirmed(form),
        )
    except DomainError as error:
        values.pop("confirm_new", None)
        return person_form(view, values, STATUS.get(error.kind, 400), error)
    return redirect(f"/people/{person.id}?registered=1")


@router.get("/people/{person_id}")
def person(request: Request, person_id: str, registered: str = "") -> HTMLResponse:
    view = page_for(request)
    try:
        found = svc.get_person(view.ctx, view.user, person_id[:64])
        members = []
        if found.household_id:
            household = household_svc.get_household(
                view.ctx,
                view.user,
                found.household_id,
            )
            members = [view.person_row(p) for p in household.members if p.id != found.id]
        pregnancies = pregnancy_rows(view, found)
        services = services_section(view, found.id)  # the services ledger's section
    except DomainError as error:
        return view.error_page(error)
    return view.render(
        "person.html", person=view.person_row(found), members=members, registered=bool(registered),
        pregnancies=pregnancies, services=services,
    )  # fmt: skip


def pregnancy_rows(view: Page, found: Any) -> list[dict[str, Any]]:
    """A woman's pregnancies for her page: LMP, EDD, weeks today while open, the delivery."""
    if found.sex.value != "female" or found.age_on(view.ctx.today()) < 10:
        return []
    today = view.ctx.today()
    return [
        {"lmp": p.lmp, "edd": p.edd, "open": p.status.value == "open",
         "weeks": gestation_weeks(p.lmp, today), "delivered_on": p.delivered_on,
         "place": p.delivery_place, "live_births": p.live_births}
        for p in pregnancy_svc.pregnancies_of(view.ctx, view.user, found.id)
    ]  # fmt: skip

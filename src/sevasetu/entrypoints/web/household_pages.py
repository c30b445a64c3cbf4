"""Registering a household with its roster, and reading one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.access import Action
from ...domain.errors import DomainError, Forbidden
from ...domain.households import Relation
from ...services import households as svc
from ...services.surveys import survey_record
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import ROSTER_ROWS, Roster, confirmed, read_roster, row_indexes, text, values_of
from .labels import SURVEY_STATUS
from .people_pages import form_error
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)
ROW_FIELDS = ("name", "sex", "birth_date", "age_years", "relation", "phone")


def household_form(
    view: Page,
    values: dict[str, str],
    rows: int,
    status_code: int = 200,
    error: DomainError | None = None,
    roster: Roster | None = None,
) -> HTMLResponse:
    extra = {}
    if error is not None:
        kind = view.roster_identifier()
        fields = (
            {"area_code", "address"}
            | {f"members[{i}].{name}" for i in range(rows) for name in ROW_FIELDS}
            | {f"members[{i}].identifiers.{kind}" for i in range(rows)}
        )
        field = roster.form_field(error.field) if roster is not None else error.field
        extra = form_error(view, error, fields=fields, field=field)
    return view.render(
        "household_form.html",
        status_code=status_code,
        values=values,
        rows=rows,
        relations=[r.value for r in Relation],
        **extra,
    )


@router.get("/households/new")
def new_household(request: Request) -> HTMLResponse:
    view = page_for(request)
    if not view.can(Action.HOUSEHOLD_REGISTER):
        return view.error_page(Forbidden(action=Action.HOUSEHOLD_REGISTER.value))
    return household_form(view, {"members[0].relation": Relation.HEAD.value}, ROSTER_ROWS)


@router.post("/households/new", response_model=None)
def register_household(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    values = values_of(form)
    rows = max([ROSTER_ROWS, *(i + 1 for i in row_indexes(form))])
    roster: Roster | None = None
    try:
        roster = read_roster(form, view.roster_identifier(), view.ctx.today())
        created = svc.register_household(
            view.ctx,
            view.user,
            area_code=text(form, "area_code", 40),
            address=text(form, "address", 300),
            members=roster.members,
            confirm_new=confirmed(form),
        )
    except DomainError as error:
        status = STATUS.get(error.kind, 400)
        values.pop("confirm_new", None)
        return household_form(view, values, rows, status, error, roster)
    return redirect(f"/households/{created.household.id}?registered=1")


@router.get("/households/{household_id}")
def household(request: Request, household_id: str, registered: str = "") -> HTMLResponse:
    view = page_for(request)
    try:
        found = svc.get_household(view.ctx, view.user, household_id[:64])
    except DomainError as error:
        return view.error_page(error)
    head = found.household.head_person_id
    members = sorted(found.members, key=lambda p: (p.id != head, p.birth_date))
    survey, versions = survey_record(view.ctx, view.user, found.household.id)
    return view.render(
        "household.html",
        household=found.household,
        members=[view.person_row(p) for p in members],
        registered=bool(registered),
        survey=survey,
        versions=list(reversed(versions)),
        survey_words=SURVEY_STATUS,
    )

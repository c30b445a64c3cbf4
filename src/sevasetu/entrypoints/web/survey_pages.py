"""The household survey's pages: the volunteer's list (tasks of the yearly update and surveys
returned for correction), the survey form (the household form with the survey's fields), the
verifier's queue with each roster to approve or return, and the year's change report."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...domain.access import Action
from ...domain.errors import DomainError, Forbidden
from ...domain.households import Relation
from ...domain.surveys import SurveyStatus
from ...services import annual_update
from ...services import surveys as svc
from ..api.problems import STATUS
from . import labels
from .auth_pages import Form
from .change_view import change_chart, change_view
from .forms import ROSTER_ROWS, Roster, confirmed, row_indexes, text, values_of
from .people_pages import form_error
from .shell import Page, page_for, redirect
from .survey_forms import ROW_FIELDS, read_survey, survey_values

router = APIRouter(include_in_schema=False)
MINE = "/surveys"
QUEUE = "/surveys/review"
CHANGES = "/reports/changes"


def _status(error: DomainError) -> int:
    return STATUS.get(error.kind, 400)


def survey_form(
    view: Page,
    values: dict[str, str],
    rows: int,
    *,
    action: str,
    survey: Any,
    status_code: int = 200,
    error: DomainError | None = None,
    roster: Roster | None = None,
) -> HTMLResponse:
    extra: dict[str, Any] = {}
    if error is not None:
        kinds = view.identifier_kinds()
        fields = (
            {"area_code", "address", "latitude", "longitude", "place"}
            | {f"members[{i}].{name}" for i in range(rows) for name in ROW_FIELDS}
            | {f"members[{i}].identifiers.{k}" for i in range(rows) for k in kinds}
        )
        field = roster.form_field(error.field) if roster is not None else error.field
        if field is not None and field not in fields and field.endswith("]"):
            field += ".name"  # a whole member (listed twice): mark the row's name
        extra = form_error(view, error, fields=fields, field=field)
    return view.render(
        "household_form.html",
        status_code=status_code,
        values=values,
        rows=rows,
        relations=[r.value for r in Relation],
        survey=survey,
        form_action=action,
        member_statuses=labels.MEMBER_STATUS,
        arrivals=labels.ARRIVAL,
        marital=labels.MARITAL,
        **extra,
    )


NEW_SURVEY = {"status": "new", "comment": None, "campaign_year": None}


@router.get(MINE + "/new")
def new_survey(request: Request) -> HTMLResponse:
    view = page_for(request)
    if not view.can(Action.SURVEY):
        return view.error_page(Forbidden(action=Action.SURVEY.value))
    values = {"members[0].relation": Relation.HEAD.value}
    return survey_form(view, values, ROSTER_ROWS, action=MINE + "/new", survey=NEW_SURVEY)


def _submit(view: Page, form: Form, survey_id: str | None, survey: Any, action: str) -> Any:
    view.check_csrf(form)
    values = values_of(form)
    rows = max([ROSTER_ROWS, *(i + 1 for i in row_indexes(form))])
    roster: Roster | None = None
    try:
        data, roster = read_survey(form, view.identifier_kinds(), view.ctx.today())
        done = svc.submit_survey(view.ctx, view.user, data, survey_id=survey_id,
                                 confirm_new=confirmed(form))  # fmt: skip
    except DomainError as error:
        values.pop("confirm_new", None)
        return survey_form(view, values, rows, action=action, survey=survey,
                           status_code=_status(error), error=error, roster=roster)  # fmt: skip
    return redirect(f"{MINE}?{urlencode({'submitted': done.survey.id})}")


@router.post(MINE + "/new", response_model=None)
def submit_new(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    return _submit(view, form, None, NEW_SURVEY, MINE + "/new")  # type: ignore[no-any-return]


@router.get(MINE)
def my_surveys(request: Request, submitted: str = "") -> HTMLResponse:
    view = page_for(request)
    try:
        todo = svc.list_surveys(view.ctx, view.user, [SurveyStatus.RETURNED, SurveyStatus.OPEN])
        sent = svc.list_surveys(view.ctx, view.user, [SurveyStatus.SUBMITTED])
    except DomainError as error:
        return view.error_page(error)
    return view.render("surveys.html", todo=todo, sent=sent, submitted=bool(submitted),
                       statuses=labels.SURVEY_STATUS)  # fmt: skip


def _said(view: Page, attributes: dict[str, Any], pregnant: bool) -> list[str]:
    """What the survey says of a member beyond the registry's fields, in words."""
    said = [str(attributes["occupation"])] if attributes.get("occupation") else []
    marital = labels.MARITAL.get(attributes.get("marital_status") or "")
    if marital:
        said.append(view._(marital))
    if attributes.get("disabled"):
        said.append(view._("Has a disability"))
    if attributes.get("chronic_illness"):
        said.append(view._("Has a chronic illness"))
    if pregnant:
        said.append(view._("Pregnant"))
    return said


def _queue(view: Page, *, status: int = 200, message: str | None = None, done: str = "") -> Any:
    try:
        waiting = svc.list_surveys(view.ctx, view.user, [SurveyStatus.SUBMITTED])
    except DomainError as error:
        return view.error_page(error)
    items = [
        {
            "survey": w.survey,
            "household": w.household,
            "members": [
                {
                    **view.person_row(p),
                    "said": _said(view, w.attributes.get(p.id, {}), p.id in w.pregnant),
                }
                for p in w.members
            ],
        }  # fmt: skip
        for w in waiting
    ]
    return view.render("survey_review.html", status_code=status, items=items, message=message,
                       done=done)  # fmt: skip


@router.get(QUEUE)
def review_queue(request: Request, done: str = "") -> HTMLResponse:
    view = page_for(request)
    if not view.can(Action.SURVEY_VERIFY):
        return view.error_page(Forbidden(action=Action.SURVEY_VERIFY.value))
    return _queue(view, done=done[:12])  # type: ignore[no-any-return]


@router.post(QUEUE + "/{survey_id}", response_model=None)
def review(request: Request, survey_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    approve = text(form, "decision", 10) == "approve"
    try:
        svc.review_survey(view.ctx, view.user, survey_id[:64], approve=approve,
                          comment=text(form, "comment", 500))  # fmt: skip
    except DomainError as error:
        return _queue(view, status=_status(error), message=view.error(error))  # type: ignore[no-any-return]
    return redirect(f"{QUEUE}?done={'approved' if approve else 'returned'}")


@router.get(CHANGES)
def changes(request: Request, area: str = "", year: str = "") -> HTMLResponse:
    view = page_for(request)
    area = area.strip()[:40] or (view.user.area_code or "")
    today: date = view.ctx.today()
    chosen = int(year) if year.strip().isdigit() else today.year
    values: dict[str, Any] = {
        "area": area,
        "year": chosen,
        "v": None,
        "change_words": labels.CHANGE,
    }
    try:
        report = annual_update.change_report(view.ctx, view.user, area, chosen)
    except DomainError as error:
        return view.render("report_changes.html", status_code=_status(error),
                           message=view.error(error), **values)  # fmt: skip
    v = change_view(report, view.ctx.area_tree(), view.lang)
    return view.render(
        "report_changes.html", **{**values, "v": v, "chart": change_chart(v, view._)}
    )


# After /surveys/new and /surveys/review: any other word is a survey's id.
@router.get(MINE + "/{survey_id}")
def survey_page(request: Request, survey_id: str) -> HTMLResponse:
    view = page_for(request)
    try:
        found = svc.get_survey(view.ctx, view.user, survey_id[:64])
    except DomainError as error:
        return view.error_page(error)
    values, rows = survey_values(found, view.ctx.today())
    return survey_form(view, values, rows, action=f"{MINE}/{found.survey.id}",
                       survey=found.survey)  # fmt: skip


@router.post(MINE + "/{survey_id}", response_model=None)
def submit_survey(request: Request, survey_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    try:
        found = svc.get_survey(view.ctx, view.user, survey_id[:64], audited=False)
    except DomainError as error:
        return view.error_page(error)
    action = f"{MINE}/{found.survey.id}"
    return _submit(view, form, found.survey.id, found.survey, action)  # type: ignore[no-any-return]

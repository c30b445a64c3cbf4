"""Planning sessions at the facilities of one's area, and the vaccinator's day at a session:
who is booked in each slot, check in, no-show, record the dose, take walk-ins (printable)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...adapters.schedules import load_schedule
from ...domain.access import Action
from ...domain.bookings import BookingStatus
from ...domain.errors import DomainError, Forbidden, InvalidInput
from ...domain.sessions import WEEKDAYS, AgeBand, SessionSpec
from ...services import bookings as booking_svc
from ...services import people as people_svc
from ...services import sessions as svc
from ...services.areas import facilities_in
from ...services.vaccinations import VaccinationInput, record_vaccination
from ..api.problems import STATUS
from .auth_pages import Form
from .booking_pages import age_words, day_words, facility_names, hhmm, sessions_rows, status_word
from .forms import NATIVE_DIGITS, read_date, text, values_of
from .labels import N_
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)
LISTED_DAYS = 30
WEEKDAY_SHORT = dict(zip(WEEKDAYS, (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"),
                                    N_("Sat"), N_("Sun")), strict=True))  # fmt: skip
AGE = re.compile(r"^\d{1,3}[dwmy]$")
PLAN_FIELDS = {"facility_code", "day", "starts", "ends", "slot_minutes", "capacity_per_slot",
               "walk_in_percent", "offers", "site", "min_age", "max_age", "weekdays",
               "last_day"}  # fmt: skip
FIELD_OF = {"last": "last_day", "first": "day", "code": "offers"}  # the services' names
DEFAULTS = {"starts": "09:00", "ends": "13:00", "slot_minutes": "30", "capacity_per_slot": "10",
            "walk_in_percent": "20"}  # fmt: skip


def _number(form: Mapping[str, Any], name: str) -> int:
    raw = text(form, name, 10).translate(NATIVE_DIGITS)
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput(name, reason=N_("Write a whole number."))
    return int(raw)


def _time(form: Mapping[str, Any], name: str) -> time:
    try:
        return time.fromisoformat(text(form, name, 8).translate(NATIVE_DIGITS))
    except ValueError:
        raise InvalidInput(
            name, reason=N_("Write the time as hours:minutes, for example 09:30.")
        ) from None


def _age(form: Mapping[str, Any], name: str) -> str | None:
    raw = text(form, name, 8).translate(NATIVE_DIGITS).lower().replace(" ", "")
    if raw and not AGE.match(raw):
        raise InvalidInput(
            name, reason=N_("Write an age as a number and d, w, m or y, for example 45y.")
        )
    return raw or None


def _spec(form: Any) -> SessionSpec:
    day = read_date(text(form, "day", 10), "day")
    if day is None:
        raise InvalidInput("day", reason=N_("Choose the day."))
    return SessionSpec(
        facility_code=text(form, "facility_code", 40), day=day, starts=_time(form, "starts"),
        ends=_time(form, "ends"), slot_minutes=_number(form, "slot_minutes"),
        capacity_per_slot=_number(form, "capacity_per_slot"),
        offers=tuple(str(c)[:12] for c in form.getlist("offers")[:60]),
        site=text(form, "site", 120),
        ages=AgeBand(_age(form, "min_age"), _age(form, "max_age")),
        walk_in_percent=_number(form, "walk_in_percent"),
    )  # fmt: skip


def dose_groups() -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for d in load_schedule("india-uip").doses:
        groups.setdefault(d.antigen, []).append(d.code)
    return list(groups.items())


def _planning_page(view: Page, status_code: int = 200, **extra: Any) -> HTMLResponse:
    user = view.user
    if not (view.can(Action.SESSION_PLAN) or view.can(Action.VACCINATION_RECORD)):
        return view.error_page(Forbidden(action=Action.SESSION_PLAN.value))
    today = view.ctx.today()
    try:
        found = svc.sessions_in(view.ctx, user, user.area_code or "", today,
                                today + timedelta(days=LISTED_DAYS))  # fmt: skip
        facilities = facilities_in(view.ctx, user.area_code or "")
    except DomainError as error:
        return view.error_page(error)
    values = {"day": (today + timedelta(days=1)).isoformat(), **DEFAULTS, **extra.pop("values", {})}
    local = view.lang != "en"
    return view.render(
        "sessions.html", status_code=status_code, values=values,
        sessions=sessions_rows(view, found),
        facilities=[(f.code, f"{f.name_local} ({f.name})" if local and f.name_local else f.name)
                    for f in facilities],
        groups=dose_groups(), weekdays=[(w, view._(WEEKDAY_SHORT[w])) for w in WEEKDAYS],
        today=today.isoformat(), may_plan=view.can(Action.SESSION_PLAN),
        may_run=view.can(Action.VACCINATION_RECORD), **extra,
    )  # fmt: skip


@router.get("/sessions")
def sessions(request: Request, planned: str = "", cancelled: str = "") -> HTMLResponse:
    view = page_for(request)
    done = planned[:4] if planned.isdigit() else ""
    return _planning_page(view, planned=done, cancelled=bool(cancelled))


@router.post("/sessions", response_model=None)
def plan(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    values: dict[str, Any] = values_of(form)
    values["offers"] = list(form.getlist("offers"))
    values["weekdays"] = list(form.getlist("weekdays"))
    try:
        spec = _spec(form)
        if values["weekdays"]:
            last = read_date(text(form, "last_day", 10), "last_day")
            if last is None:
                raise InvalidInput("last_day", reason=N_("Choose the last day of the plan."))
            made = svc.plan_recurring(view.ctx, view.user, spec, last=last,
                                      weekdays=tuple(values["weekdays"]))  # fmt: skip
            count = len(made)
        else:
            svc.plan_session(view.ctx, view.user, spec)
            count = 1
    except DomainError as error:
        field = FIELD_OF.get(error.field or "", error.field)
        message = view.error(error)
        errors = {field: message} if field in PLAN_FIELDS else {}
        return _planning_page(view, STATUS.get(error.kind, 400), values=values, message=message,
                              errors=errors)  # fmt: skip
    return redirect(f"/sessions?planned={count}")


@router.post("/sessions/{session_id}/cancel", response_model=None)
def cancel(request: Request, session_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    try:
        svc.cancel_session(view.ctx, view.user, session_id[:64], text(form, "reason", 300))
    except DomainError as error:
        return _planning_page(view, STATUS.get(error.kind, 400), message=view.error(error),
                              failed=session_id)  # fmt: skip
    return redirect("/sessions?cancelled=1")


# --- the vaccinator's day ----------------------------------------------------------------------


def _day_page(
    view: Page, session_id: str, q: str = "", status_code: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        session, places, entries = booking_svc.day_view(view.ctx, view.user, session_id[:64])
        found = people_svc.search_people(view.ctx, view.user, q, page_size=10).items if q else []
    except DomainError as error:
        return view.error_page(error)
    spec, today = session.spec, view.ctx.today()
    names = facility_names(view, {session.area_code})
    slots = []
    for p in places:
        people = [{"booking": e.booking.id, "person_id": e.booking.person_id,
                   "name": e.person["name"], "latin": e.person["name_latin"],
                   "age": age_words(view, e.person["birth_date"], spec.day),
                   "sex": view.label("sex", e.person["sex"]), "dose": e.booking.dose_code,
                   "status": e.booking.status.value,
                   "status_word": status_word(view, e.booking.status),
                   "walk_in": e.booking.walk_in}
                  for e in entries if e.booking.slot_number == p.slot.number]  # fmt: skip
        slots.append({"number": p.slot.number, "starts": hhmm(p.slot.starts),
                      "ends": hhmm(p.slot.ends), "capacity": p.slot.capacity,
                      "people": people, "free": p.free_on_the_day})  # fmt: skip
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.booking.status.value] = counts.get(e.booking.status.value, 0) + 1
    return view.render(
        "day_view.html", status_code=status_code, q=q, slots=slots,
        session={"id": session.id, "day": day_words(view, spec.day), "site": spec.site,
                 "place": names.get(spec.facility_code, spec.facility_code),
                 "starts": hhmm(spec.starts), "ends": hhmm(spec.ends), "offers": spec.offers,
                 "cancelled": session.status.value == "cancelled",
                 "is_today": spec.day == today},
        counts=[(status_word(view, BookingStatus(s)), n) for s, n in counts.items()],
        found=[{**view.person_row(p), "age_words": age_words(view, p.birth_date, today)}
               for p in found], **extra,
    )  # fmt: skip


@router.get("/sessions/{session_id}/day")
def day(request: Request, session_id: str, q: str = "", done: str = "") -> HTMLResponse:
    return _day_page(page_for(request), session_id, q.strip()[:100], done=done[:12])


@router.post("/sessions/{session_id}/day/{booking_id}/{move}", response_model=None)
def arrive(
    request: Request, session_id: str, booking_id: str, move: str, form: Form
) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    step = {"check-in": booking_svc.check_in, "no-show": booking_svc.no_show}.get(move)
    try:
        if step is None:
            raise InvalidInput("move", reason=N_("Check in or mark as not come."))
        step(view.ctx, view.user, booking_id[:64])
    except DomainError as error:
        return _day_page(
            view, session_id, "", STATUS.get(error.kind, 400), message=view.error(error)
        )
    return redirect(f"/sessions/{session_id[:64]}/day?done={move}")


@router.post("/sessions/{session_id}/walk-ins", response_model=None)
def walk_in(request: Request, session_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    q = text(form, "q", 100)
    try:
        if not text(form, "dose", 12):
            raise InvalidInput("dose", reason=N_("Choose the dose."))
        booking_svc.walk_in(view.ctx, view.user, session_id[:64],
                            person_id=text(form, "person", 64),
                            dose_code=text(form, "dose", 12))  # fmt: skip
    except DomainError as error:
        return _day_page(
            view, session_id, q, STATUS.get(error.kind, 400), message=view.error(error)
        )
    return redirect(f"/sessions/{session_id[:64]}/day?done=walk-in")


@router.post("/sessions/{session_id}/doses", response_model=None)
def record_dose(request: Request, session_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    """The dose of a booking, given today at the session's facility (lot optional)."""
    view = page_for(request)
    view.check_csrf(form)
    try:
        session = svc.get_session(view.ctx, session_id[:64]).session
        record_vaccination(view.ctx, view.user, VaccinationInput(
            person_id=text(form, "person", 64), dose_code=text(form, "dose", 12),
            given_on=view.ctx.today(), schedule=session.spec.schedule,
            facility_code=session.spec.facility_code, lot=text(form, "lot", 40)))  # fmt: skip
    except DomainError as error:
        return _day_page(
            view, session_id, "", STATUS.get(error.kind, 400), message=view.error(error)
        )
    return redirect(f"/sessions/{session_id[:64]}/day?done=recorded")

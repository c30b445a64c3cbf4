"""The citizen's booking pages: book a vaccine for a family member, then see, cancel or move
the family's bookings. Phone first: one column, one tap to book."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...adapters.schedules import load_schedule
from ...domain.access import Role
from ...domain.areas import RESIDENCE_LEVELS, AreaLevel
from ...domain.bookings import Booking, BookingStatus
from ...domain.errors import DomainError, Forbidden, InvalidInput, NotEligible, NotFound
from ...domain.people import Person
from ...domain.proofs import IDENTIFIER_KINDS
from ...domain.schedule import Status
from ...services import bookings as svc
from ...services import family as family_svc
from ...services import proofs as proof_svc
from ...services import sessions as session_svc
from ...services.areas import facilities_in
from ...services.vaccinations import person_schedule
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import read_date, text
from .labels import N_
from .shell import Page, area_label, page_for, redirect

router = APIRouter(include_in_schema=False)
PROOF_PATH = "/book/proof"  # a file upload: the body guard allows it a larger body
WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                 N_("Saturday"), N_("Sunday"))  # fmt: skip
BOOKING_STATUS = {
    BookingStatus.BOOKED: N_("Booked"),
    BookingStatus.PENDING_VERIFICATION: N_("Waiting for a check of the proof"),
    BookingStatus.CHECKED_IN: N_("Checked in"),
    BookingStatus.COMPLETED: N_("Vaccinated"),
    BookingStatus.CANCELLED: N_("Cancelled"),
    BookingStatus.NO_SHOW: N_("Did not come"),
}
DUE_NOW = (Status.OVERDUE, Status.DUE)


# --- shared with the session pages -----------------------------------------------------------


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def day_words(view: Page, day: date) -> str:
    return f"{view._(WEEKDAY_NAMES[day.weekday()])} {day.isoformat()}"


def status_word(view: Page, status: BookingStatus) -> str:
    return view._(BOOKING_STATUS[status])


def age_words(view: Page, birth: date, on: date) -> str:
    """Years from two, months below, weeks for the newborn: what a vaccinator asks."""
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    if months >= 24:
        return view._("{n} years").format(n=months // 12)
    if months >= 2:
        return view._("{n} months").format(n=months)
    return view._("{n} weeks").format(n=max(0, (on - birth).days // 7))


def reference(booking_id: str) -> str:
    """What a person reads out at the desk: the first eight characters of the booking id."""
    return booking_id.replace("-", "")[:8].upper()


def facility_names(view: Page, area_codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for code in sorted(area_codes):
        for f in facilities_in(view.ctx, code):
            local = view.lang != "en" and f.name_local
            names[f.code] = f"{f.name_local} ({f.name})" if local else f.name
    return names


def session_row(
    view: Page, found: session_svc.SessionView, names: dict[str, str]
) -> dict[str, Any]:
    s, spec = found.session, found.session.spec
    return {
        "id": s.id, "day": day_words(view, spec.day), "date": spec.day.isoformat(),
        "starts": hhmm(spec.starts), "ends": hhmm(spec.ends),
        "place": names.get(spec.facility_code, spec.facility_code), "site": spec.site,
        "village": view.area_name(s.area_code), "free": found.free, "offers": spec.offers,
        "booked": sum(p.booked for p in found.slots),
        "walk_ins": sum(p.walk_ins for p in found.slots),
        "capacity": sum(p.slot.capacity for p in found.slots),
        "cancelled": s.status.value == "cancelled", "cancel_reason": s.cancel_reason,
        "slots": [{"number": p.slot.number, "starts": hhmm(p.slot.starts),
                   "ends": hhmm(p.slot.ends), "free": p.free_to_book, "booked": p.booked,
                   "walk_ins": p.walk_ins, "capacity": p.slot.capacity} for p in found.slots],
    }  # fmt: skip


def sessions_rows(view: Page, found: list[session_svc.SessionView]) -> list[dict[str, Any]]:
    names = facility_names(view, {v.session.area_code for v in found})
    return [session_row(view, v, names) for v in found]


# --- the citizen's family ----------------------------------------------------------------------


def _family(view: Page) -> list[Person]:
    if view.user.role is not Role.CITIZEN:
        raise Forbidden(action=N_("book vaccinations for a family"))
    return family_svc.family_of(view.ctx, view.user)


def _places(view: Page, person: Person) -> list[tuple[str, list[tuple[str, str]]]]:
    """Villages and wards of the person's district, grouped by block: where to look for slots."""
    tree = view.ctx.area_tree()
    path = tree.get(person.area_code).path
    top = next((c for c in path if tree.get(c).level == AreaLevel.DISTRICT), path[-1])
    groups: dict[str, list[tuple[str, str]]] = {}
    for area in tree.within(top):
        if area.level in RESIDENCE_LEVELS:
            groups.setdefault(area.parent_code or "", []).append(
                (area.code, area_label(area, view.lang))
            )
    return sorted((view.area_name(p), sorted(i, key=lambda x: x[1])) for p, i in groups.items())


def _doses(view: Page, person: Person) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The doses due or overdue for the person, and the others they may still take."""
    statuses, _ = person_schedule(view.ctx, view.user, person.id)
    antigens = {d.code: d.antigen for d in load_schedule("india-uip").doses}
    due, other = [], []
    for d in statuses:
        row = {"code": d.code, "antigen": antigens.get(d.code, ""), "status": d.status.value}
        if d.status in DUE_NOW:
            due.append(row)
        elif d.status is Status.UPCOMING:
            other.append(row)
    return due, other


def _book_page(
    view: Page,
    values: dict[str, str],
    status_code: int = 200,
    message: str | None = None,
    proof: dict[str, str] | None = None,
) -> HTMLResponse:
    try:
        family = _family(view)
    except DomainError as error:
        return view.error_page(error)
    picked = [p for p in family if p.id == values.get("person")] or family[:1]
    chosen = picked[0] if picked else None
    today = view.ctx.today()
    rows = [
        {**view.person_row(p), "age_words": age_words(view, p.birth_date, today)} for p in family
    ]
    extra: dict[str, Any] = {"family": rows, "found": None, "proof": proof,
                             "id_kinds": IDENTIFIER_KINDS}  # fmt: skip
    if chosen is not None:
        values["person"] = chosen.id
        due, other = _doses(view, chosen)
        booked = {b.dose_code for b in svc.bookings_of(view.ctx, view.user, [chosen.id])
                  if b.active}  # fmt: skip
        for row in due + other:
            row["booked"] = row["code"] in booked
        values.setdefault("dose", next((d["code"] for d in due if not d["booked"]), ""))
        values["area"] = values.get("area") or chosen.area_code
        extra.update(due=due, other=other, places=_places(view, chosen), chosen=chosen.name)
        if values.get("search"):  # after a refusal too: the other slots stay one tap away
            try:
                day = read_date(values.get("day", ""), "day")
                if day is None or not values["dose"]:
                    raise InvalidInput("day", reason=N_("Choose a dose and a day."))
                found = session_svc.find_slots(view.ctx, values["area"], day, values["dose"])
                extra["found"] = sessions_rows(view, found)
            except DomainError as error:
                if message is None:
                    message, status_code = view.error(error), STATUS.get(error.kind, 400)
    values["day"] = values.get("day") or (view.ctx.today() + timedelta(days=1)).isoformat()
    return view.render("book.html", status_code=status_code, values=values, message=message,
                       **extra)  # fmt: skip


@router.get("/book")
def book_form(
    request: Request, person: str = "", dose: str = "", area: str = "", day: str = "",
    search: str = "",
) -> HTMLResponse:  # fmt: skip
    view = page_for(request)
    values = {"person": person[:64], "area": area[:40], "day": day[:10], "search": search[:1]}
    if dose:
        values["dose"] = dose[:12].upper()
    return _book_page(view, values)


@router.post("/book", response_model=None)
def book(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    values = {name: text(form, name, 64) for name in ("person", "dose", "area", "day")}
    values["search"] = "1"
    try:
        slot = text(form, "slot", 5)
        made = svc.book(view.ctx, view.user, person_id=values["person"],
                        session_id=text(form, "session", 64),
                        slot_number=int(slot) if slot.isdigit() else 0,
                        dose_code=values["dose"])  # fmt: skip
    except DomainError as error:
        proof = _proof_offer(error, text(form, "session", 64), text(form, "slot", 5))
        return _book_page(view, values, STATUS.get(error.kind, 400), view.error(error),
                          proof=proof)  # fmt: skip
    return redirect(f"/bookings/{made.id}")


def _proof_offer(error: DomainError, session_id: str, slot: str) -> dict[str, str] | None:
    """When the dose before was never recorded here (given elsewhere, on an old portal), the
    citizen may book anyway with a proof of it: the form asks for that dose."""
    reason = error.params.get("reason")
    previous = getattr(reason, "params", {}).get("previous")
    if not isinstance(error, NotEligible) or not previous:
        return None
    return {"session": session_id, "slot": slot, "previous": str(previous)}


@router.post(PROOF_PATH, response_model=None)
def book_with_proof(request: Request, form: Form) -> HTMLResponse | RedirectResponse:
    """Book the dose with a photo or PDF of the earlier one: it waits for a verifier."""
    view = page_for(request)
    view.check_csrf(form)
    values = {name: text(form, name, 64) for name in ("person", "dose", "area", "day")}
    values["search"] = "1"
    session_id, slot = text(form, "session", 64), text(form, "slot", 5)
    upload = form.get("file")
    try:
        if upload is None or isinstance(upload, str):
            raise InvalidInput("file", reason=N_("Choose the photo or PDF of the earlier dose."))
        given_on = read_date(text(form, "given_on", 10), "given_on")
        if given_on is None:
            raise InvalidInput("given_on", reason=N_("Say when the earlier dose was given."))
        made, _ = proof_svc.book_with_proof(
            view.ctx, view.user, person_id=values["person"], session_id=session_id,
            slot_number=int(slot) if slot.isdigit() else 0, dose_code=values["dose"],
            claim=proof_svc.ClaimInput(
                dose_code=text(form, "previous", 12), given_on=given_on,
                place=text(form, "place", 120), identifier_kind=text(form, "id_kind", 20),
                identifier_value=text(form, "id_value", 40),
            ),
            content=upload.file.read(view.ctx.settings.proof_max_bytes + 1),
        )  # fmt: skip
    except DomainError as error:
        proof = {"session": session_id, "slot": slot, "previous": text(form, "previous", 12)}
        return _book_page(view, values, STATUS.get(error.kind, 400), view.error(error),
                          proof=proof)  # fmt: skip
    return redirect(f"/bookings/{made.id}")


# --- the family's bookings ---------------------------------------------------------------------


def _booking_rows(
    view: Page, family: list[Person], bookings: list[Booking]
) -> list[dict[str, Any]]:
    names = {p.id: p.name for p in family}
    ids = {b.session_id for b in bookings}
    views = {sid: session_svc.get_session(view.ctx, sid) for sid in ids}
    rows_of = sessions_rows(view, list(views.values()))
    sessions = {r["id"]: r for r in rows_of}
    today = view.ctx.today()
    rows = []
    for b in sorted(bookings, key=lambda b: b.created_at, reverse=True):
        s = sessions[b.session_id]
        slot = next((x for x in s["slots"] if x["number"] == b.slot_number), None)
        open_ = views[b.session_id].session.spec.day >= today and not s["cancelled"]
        rows.append({
            "id": b.id, "reference": reference(b.id), "person": names.get(b.person_id, ""),
            "person_id": b.person_id, "dose": b.dose_code, "status": b.status.value,
            "status_word": status_word(view, b.status),
            "note": b.note, "session": s, "slot": slot,
            "may_cancel": open_ and b.status in (BookingStatus.BOOKED,
                                                 BookingStatus.PENDING_VERIFICATION),
            "may_move": open_ and b.status is BookingStatus.BOOKED,
        })  # fmt: skip
    return rows


def _family_bookings(view: Page) -> tuple[list[Person], list[dict[str, Any]]]:
    family = _family(view)
    found = svc.bookings_of(view.ctx, view.user, [p.id for p in family])
    return family, _booking_rows(view, family, found)


def _one(view: Page, booking_id: str) -> dict[str, Any]:
    _, rows = _family_bookings(view)
    row = next((r for r in rows if r["id"] == booking_id), None)
    if row is None:
        raise NotFound("booking_id", what=N_("booking"), id=booking_id[:64])
    return row


@router.get("/bookings/{booking_id}")
def booking_done(request: Request, booking_id: str, moved: str = "") -> HTMLResponse:
    view = page_for(request)
    try:
        row = _one(view, booking_id)
    except DomainError as error:
        return view.error_page(error)
    return view.render("booking_done.html", b=row, moved=bool(moved))


def _my_page(view: Page, status_code: int = 200, **extra: Any) -> HTMLResponse:
    try:
        family, rows = _family_bookings(view)
    except DomainError as error:
        return view.error_page(error)
    return view.render("my_bookings.html", status_code=status_code, rows=rows,
                       family=len(family), **extra)  # fmt: skip


@router.get("/my-bookings")
def my_bookings(request: Request, done: str = "") -> HTMLResponse:
    return _my_page(page_for(request), done=done[:12])


@router.post("/my-bookings/{booking_id}/cancel", response_model=None)
def cancel(request: Request, booking_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    reason = text(form, "reason", 300)
    try:
        _family(view)
        if not reason:
            raise InvalidInput("reason", reason=N_("Say why the booking is cancelled."))
        svc.cancel(view.ctx, view.user, booking_id[:64], reason)
    except DomainError as error:
        return _my_page(view, STATUS.get(error.kind, 400), message=view.error(error),
                        failed=booking_id, reason=reason)  # fmt: skip
    return redirect("/my-bookings?done=cancelled")


def _move_page(
    view: Page, booking_id: str, values: dict[str, str], status_code: int = 200,
    message: str | None = None,
) -> HTMLResponse:  # fmt: skip
    try:
        row = _one(view, booking_id)
        person = next(p for p in _family(view) if p.id == row["person_id"])
    except DomainError as error:
        return view.error_page(error)
    values["area"] = values.get("area") or person.area_code
    values["day"] = values.get("day") or row["session"]["date"]
    found = None
    if not message:
        try:
            day = read_date(values["day"], "day") or view.ctx.today()
            found = sessions_rows(view, session_svc.find_slots(view.ctx, values["area"], day,
                                                               row["dose"]))  # fmt: skip
        except DomainError as error:
            message, status_code = view.error(error), STATUS.get(error.kind, 400)
    return view.render("reschedule.html", status_code=status_code, b=row, values=values,
                       found=found, places=_places(view, person), message=message)  # fmt: skip


@router.get("/my-bookings/{booking_id}/move")
def move_form(request: Request, booking_id: str, area: str = "", day: str = "") -> HTMLResponse:
    return _move_page(page_for(request), booking_id[:64], {"area": area[:40], "day": day[:10]})


@router.post("/my-bookings/{booking_id}/move", response_model=None)
def move(request: Request, booking_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    values = {"area": text(form, "area", 40), "day": text(form, "day", 10)}
    try:
        _family(view)
        slot = text(form, "slot", 5)
        svc.reschedule(view.ctx, view.user, booking_id[:64], session_id=text(form, "session", 64),
                       slot_number=int(slot) if slot.isdigit() else 0)  # fmt: skip
    except DomainError as error:
        return _move_page(view, booking_id[:64], values, STATUS.get(error.kind, 400),
                          view.error(error))  # fmt: skip
    return redirect(f"/bookings/{booking_id[:64]}?moved=1")

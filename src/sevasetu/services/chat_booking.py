"""Booking by chat: person, place, centre, day, slot, through ``services.bookings`` (so the
eligibility and capacity rules are the web's); a later dose whose earlier one is not on record
is held with the proof of the card (``services.proofs``), and the verifier's approval reaches
the chat through the notification outbox. Then: my bookings, and cancelling one."""

from __future__ import annotations

from datetime import date, timedelta

from ..adapters.schedules import load_schedule
from ..domain.bookings import Booking, BookingStatus
from ..domain.chat_flow import RETRY, Step, date_from_answer
from ..domain.chat_texts import say
from ..domain.errors import DomainError, NotEligible, SlotFull
from ..domain.people import Person
from ..domain.sessions import Session, SessionStatus
from . import bookings as booking_svc
from . import proofs as proof_svc
from .chat_people import (
    NEAR_LEVELS,
    chosen_person,
    citizen,
    family,
    person_rows,
    picked_place,
    place_answer,
    show_places,
)
from .chat_turn import Turn
from .notifications import booking_params
from .sessions import SessionView

DAYS_AHEAD = 14  # how far ahead the chat looks for sessions
PLACE_OF_PROOF = "as on the card sent on WhatsApp"


# --- whom, where ------------------------------------------------------------------------------


def ask_person(turn: Turn) -> None:
    turn.choose(say("book.person", turn.lang), person_rows(turn, family(turn)))


def on_person(turn: Turn, answer: str) -> str:
    person = chosen_person(turn, answer)
    if person is None:
        turn.send_text(say("book.gone", turn.lang))
        return RETRY
    turn.answers["person"] = person.id
    turn.answers["home"] = person.area_code
    return "ok"


def ask_area(turn: Turn) -> None:
    turn.choose(say("book.area", turn.lang), [("home", say("book.home", turn.lang))])


def on_area(turn: Turn, answer: str) -> str:
    if answer == "home":
        turn.answers["area"] = turn.answers.get("home", "")
        outcome = "ok"
    else:
        outcome = place_answer(turn, answer, "area")
    return _with_centres(turn, outcome)


def on_area_pick(turn: Turn, answer: str) -> str:
    return _with_centres(turn, picked_place(turn, answer, "area"))


def _with_centres(turn: Turn, outcome: str) -> str:
    if outcome == "ok" and not open_sessions(turn):
        turn.send_text(say("book.no_centre", turn.lang, days=DAYS_AHEAD))
        return RETRY if Step(turn.conversation.step) is Step.BOOK_AREA else "none"
    return outcome


def open_sessions(turn: Turn, facility: str | None = None) -> list[SessionView]:
    """Sessions near the chosen place, from today for ``DAYS_AHEAD`` days, with free places."""
    ctx, tree = turn.ctx, turn.ctx.area_tree()
    code = turn.answers.get("area", "")
    if code not in tree:
        return []
    area = tree.get(code)
    near = next((c for c in reversed(area.path) if tree.get(c).level in NEAR_LEVELS), code)
    codes = [a.code for a in tree.within(near)]
    today = ctx.today()
    with ctx.uow() as uow:
        found = [s for s in uow.sessions.in_areas(codes, today, today + timedelta(DAYS_AHEAD))
                 if s.status is SessionStatus.PLANNED and s.spec.day >= today
                 and (facility is None or s.spec.facility_code == facility)]  # fmt: skip
        views = [SessionView(s, uow.sessions.slots(s.state_code, s.id)) for s in found]
    return sorted((v for v in views if v.free > 0),
                  key=lambda v: (v.session.spec.day, v.session.spec.starts))  # fmt: skip


def _facility_names(turn: Turn, codes: list[str]) -> dict[str, str]:
    with turn.ctx.uow() as uow:
        facilities = uow.areas.facilities_by_code(codes)
    local = turn.lang != "en"
    return {f.code: (f.name_local if local and f.name_local else f.name) for f in facilities}


# --- centre, day, slot ------------------------------------------------------------------------


def ask_centre(turn: Turn) -> None:
    views = open_sessions(turn)
    by_facility: dict[str, list[SessionView]] = {}
    for v in views:
        by_facility.setdefault(v.session.spec.facility_code, []).append(v)
    names = _facility_names(turn, list(by_facility))
    rows = [
        (
            f"fac:{code}",
            names.get(code, code),
            ", ".join(sorted({v.session.spec.day.strftime("%d %b") for v in vs}))[:72],
        )
        for code, vs in sorted(by_facility.items(), key=lambda i: names.get(i[0], i[0]))
    ]
    turn.choose(say("book.centre", turn.lang, days=DAYS_AHEAD), rows)  # fmt: skip


def on_centre(turn: Turn, answer: str) -> str:
    code = answer.removeprefix("fac:")
    if not open_sessions(turn, code):
        turn.send_text(say("book.gone", turn.lang))
        return RETRY
    turn.answers["facility"] = code
    return "ok"


def ask_day(turn: Turn) -> None:
    code = turn.answers.get("facility", "")
    place = _facility_names(turn, [code]).get(code, code)
    rows = [(f"sess:{v.session.id}", v.session.spec.day.strftime("%a %d %b %Y"),
             f"{v.session.spec.starts:%H:%M}-{v.session.spec.ends:%H:%M} · "
             + say("book.free", turn.lang, n=v.free))
            for v in open_sessions(turn, code)]  # fmt: skip
    turn.choose(say("book.day", turn.lang, place=place), rows)


def on_day(turn: Turn, answer: str) -> str:
    wanted = answer.removeprefix("sess:")
    if not any(v.session.id == wanted for v in open_sessions(turn, turn.answers.get("facility"))):
        turn.send_text(say("book.gone", turn.lang))
        return RETRY
    turn.answers["session"] = wanted
    return "ok"


def ask_slot(turn: Turn) -> None:
    view = next((v for v in open_sessions(turn, turn.answers.get("facility"))
                 if v.session.id == turn.answers.get("session")), None)  # fmt: skip
    if view is None:
        turn.send_text(say("book.gone", turn.lang))
        return
    rows = [(f"slot:{p.slot.number}", f"{p.slot.starts:%H:%M}-{p.slot.ends:%H:%M}",
             say("book.free", turn.lang, n=p.free_to_book))
            for p in view.slots if p.free_to_book > 0]  # fmt: skip
    turn.choose(say("book.slot", turn.lang, day=view.session.spec.day.isoformat()), rows)


def _active_at(turn: Turn, person: Person, session_id: str) -> Booking | None:
    """The person's active booking at the session: made already (a message processed again
    after a crash finds it, and does not book twice)."""
    principal = citizen(turn)
    if principal is None:
        return None
    return next((b for b in booking_svc.bookings_of(turn.ctx, principal, [person.id])
                 if b.session_id == session_id and b.active), None)  # fmt: skip


def _told(turn: Turn, key: str, person: Person, booking: Booking) -> None:
    with turn.ctx.uow() as uow:
        session = uow.sessions.get(booking.session_id)
        params = booking_params(uow, person, session, booking)
    turn.send_text(say(key, turn.lang, **params))


def on_slot(turn: Turn, answer: str) -> str:
    """Book the first dose the session offers that the person may take; if a later dose waits
    only for an earlier one not on record, ask for the proof of that one."""
    person, principal = chosen_person(turn, turn.answers.get("person", "")), citizen(turn)
    session_id = turn.answers.get("session", "")
    slot = int(answer.removeprefix("slot:")) if answer.removeprefix("slot:").isdigit() else 0
    if person is None or principal is None or slot < 1:
        turn.send_text(say("book.gone", turn.lang))
        return RETRY
    turn.answers["slot"] = slot
    done = _active_at(turn, person, session_id)
    if done is not None:
        _told(turn, "book.done", person, done)
        return "booked"
    with turn.ctx.uow() as uow:
        session: Session | None = uow.sessions.get(session_id)
        assert session is not None
        refusal: DomainError | None = None
        claim: tuple[str, str] | None = None
        for code in session.spec.offers:
            try:
                booking_svc.check_booking(turn.ctx, uow, session, person, code)
                break
            except NotEligible as error:
                refusal = refusal or error
        else:
            code = ""
        if not code:
            claim = _missing_earlier(uow, session, person)
    if not code:
        if claim is None:
            assert refusal is not None  # a session offers at least one dose
            turn.refuse(refusal)
            return "refused"
        turn.answers["dose"], turn.answers["claimed"] = claim
        return "proof"
    try:
        booking = booking_svc.book(
            turn.ctx,
            principal,
            person_id=person.id,
            session_id=session_id,
            slot_number=slot,
            dose_code=code,
        )
    except SlotFull as error:  # fmt: skip
        turn.refuse(error)
        ask_slot(turn)
        return RETRY
    except DomainError as error:
        turn.refuse(error)
        return "refused"
    _told(turn, "book.done", person, booking)
    return "booked"


def _missing_earlier(uow, session: Session, person: Person) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """(the offered dose, the earlier dose it waits for) when the earlier is not on record."""
    schedule = load_schedule(session.spec.schedule)
    history = uow.vaccinations.history(person.state_code, person.id, schedule.name)
    for code in session.spec.offers:
        dose = schedule.dose(code)
        earlier = sorted((d for d in schedule.doses if d.series == dose.series
                          and d.number < dose.number), key=lambda d: d.number)  # fmt: skip
        if code not in history and earlier and earlier[0].code not in history:
            return code, earlier[0].code
    return None


# --- the proof of the earlier dose ---------------------------------------------------------


def ask_proof_date(turn: Turn) -> None:
    person = chosen_person(turn, turn.answers.get("person", ""))
    turn.send_text(say("book.proof_date", turn.lang, dose=turn.answers.get("dose", ""),
                       claimed=turn.answers.get("claimed", ""),
                       name=person.name if person else ""))  # fmt: skip


def on_proof_date(turn: Turn, answer: str) -> str:
    try:
        turn.answers["claimed_on"] = date_from_answer(answer, turn.ctx.today()).isoformat()
    except DomainError as error:
        turn.refuse(error)
        return RETRY
    return "ok"


def on_proof_card(turn: Turn, answer: str) -> str:
    a, ctx, m = turn.answers, turn.ctx, turn.message
    person, principal = chosen_person(turn, a.get("person", "")), citizen(turn)
    if person is None or principal is None:
        turn.send_text(say("book.gone", turn.lang))
        return "refused"
    done = _active_at(turn, person, a.get("session", ""))
    if done is not None and done.status is BookingStatus.PENDING_VERIFICATION:
        _told(turn, "book.proof_sent", person, done)  # processed again after a crash
        return "done"
    with ctx.uow() as uow:
        media = uow.whatsapp.media(m.media_id) if m.media_id else None
    if media is None:
        turn.send_text(say("book.proof_missing", turn.lang))
        return RETRY
    aadhaar = next((i for i in person.identifiers if i.kind.value == "aadhaar"), None)
    claim = proof_svc.ClaimInput(
        dose_code=a.get("claimed", ""), given_on=date.fromisoformat(a.get("claimed_on", "")),
        place=PLACE_OF_PROOF, identifier_kind="aadhaar" if aadhaar else "other",
        identifier_value=aadhaar.last4 if aadhaar else turn.conversation.wa_id,
    )  # fmt: skip
    try:
        booking, _ = proof_svc.book_with_proof(
            ctx, principal, person_id=person.id, session_id=a.get("session", ""),
            slot_number=int(a.get("slot", 0)), dose_code=a.get("dose", ""), claim=claim,
            content=bytes(media["content"]),
        )  # fmt: skip
    except DomainError as error:
        turn.refuse(error)
        return RETRY if error.field == "file" else "refused"
    _told(turn, "book.proof_sent", person, booking)
    return "done"


# --- my bookings, cancel ----------------------------------------------------------------------


def active_bookings(turn: Turn) -> list[tuple[Booking, Person]]:
    principal, people = citizen(turn), family(turn)
    if principal is None or not people:
        return []
    by_id = {p.id: p for p in people}
    found = booking_svc.bookings_of(turn.ctx, principal, list(by_id))
    return [(b, by_id[b.person_id]) for b in found if b.active]


def ask_booking(turn: Turn) -> None:
    rows = []
    with turn.ctx.uow() as uow:
        for b, person in active_bookings(turn):
            session = uow.sessions.get(b.session_id)
            p = booking_params(uow, person, session, b)
            waiting = (" · " + say("bookings.waiting", turn.lang)
                       if b.status is BookingStatus.PENDING_VERIFICATION else "")  # fmt: skip
            rows.append(
                (
                    f"bk:{b.id}",
                    f"{person.name} {b.dose_code}",
                    f"{p['day']} {p['time']} {p['place']}{waiting}",
                )
            )
    turn.choose(say("bookings.list", turn.lang), rows)


def on_booking(turn: Turn, answer: str) -> str:
    wanted = answer.removeprefix("bk:")
    if not any(b.id == wanted for b, _ in active_bookings(turn)):
        turn.send_text(say("book.gone", turn.lang))
        return RETRY
    turn.answers["booking"] = wanted
    return "ok"


def ask_cancel(turn: Turn) -> None:
    wanted = turn.answers.get("booking")
    found = next(((b, p) for b, p in active_bookings(turn) if b.id == wanted), None)
    if found is None:
        turn.send_text(say("book.gone", turn.lang))
        return
    with turn.ctx.uow() as uow:
        params = booking_params(uow, found[1], uow.sessions.get(found[0].session_id), found[0])
    turn.choose(say("cancel.ask", turn.lang, **params),
                [("cancel:yes", say("yes.cancel", turn.lang)),
                 ("cancel:no", say("no.keep", turn.lang))])  # fmt: skip


def on_cancel(turn: Turn, answer: str) -> str:
    wanted = turn.answers.get("booking", "")
    if answer != "cancel:yes":
        turn.send_text(say("cancel.kept", turn.lang))
        return "done"
    principal = citizen(turn)
    still = any(b.id == wanted for b, _ in active_bookings(turn))
    if principal is not None and still:
        try:
            booking_svc.cancel(turn.ctx, principal, wanted, "cancelled on WhatsApp")
        except DomainError as error:
            turn.refuse(error)
            return "done"
    # Not active any more: cancelled already (this message processed again after a crash).
    turn.send_text(say("cancel.done", turn.lang, ref=wanted[:8].upper()))
    return "done"


def has_bookings(turn: Turn) -> bool:
    if active_bookings(turn):
        return True
    turn.send_text(say("bookings.none", turn.lang))
    return False


HANDLERS = {
    Step.BOOK_PERSON: on_person,
    Step.BOOK_AREA: on_area,
    Step.BOOK_AREA_PICK: on_area_pick,
    Step.BOOK_CENTRE: on_centre,
    Step.BOOK_DAY: on_day,
    Step.BOOK_SLOT: on_slot,
    Step.PROOF_DATE: on_proof_date,
    Step.PROOF_CARD: on_proof_card,
    Step.MY_BOOKINGS: on_booking,
    Step.CANCEL_CONFIRM: on_cancel,
}
PROMPTS = {
    Step.BOOK_PERSON: ask_person,
    Step.BOOK_AREA: ask_area,
    Step.BOOK_AREA_PICK: show_places,
    Step.BOOK_CENTRE: ask_centre,
    Step.BOOK_DAY: ask_day,
    Step.BOOK_SLOT: ask_slot,
    Step.PROOF_DATE: ask_proof_date,
    Step.PROOF_CARD: lambda turn: turn.send_text(
        say("book.proof_card", turn.lang, claimed=turn.answers.get("claimed", ""))
    ),
    Step.MY_BOOKINGS: ask_booking,
    Step.CANCEL_CONFIRM: ask_cancel,
}

"""The booking and session pages through HTTP, as a browser without scripts would use them:
a citizen books for the family, a facility admin plans sessions, the vaccinator runs the day."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal
from sevasetu.domain.sessions import SessionSpec
from sevasetu.entrypoints.api.app import create_app
from sevasetu.services import auth as auth_svc
from sevasetu.services.bookings import bookings_of
from sevasetu.services.family import add_family_member
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.sessions import find_slots, plan_session

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, staff, stock
from ..fakes import RecordingSms
from .test_web_pages import csrf_of, field_error, login

SUB_CENTRE = "IN-WB-NAD-KN1-SC1"
TODAY = date(2026, 11, 20)  # the fake clock's Friday
WEDNESDAY = date(2026, 11, 25)
PHONE = "9830012345"
OFFERED = ["PENTA1", "PENTA2", "OPV1", "RVV1", "TD10"]


def spec(day: date = WEDNESDAY, **changes: object) -> SessionSpec:
    values: dict[str, object] = dict(
        facility_code=SUB_CENTRE,
        day=day,
        starts=_t("09:00"),
        ends=_t("11:00"),
        slot_minutes=30,
        capacity_per_slot=10,
        offers=("PENTA1", "OPV1", "RVV1", "TD10"),
        walk_in_percent=20,
    )
    values.update(changes)
    return SessionSpec(**values)  # type: ignore[arg-type]


def _t(text: str):  # type: ignore[no-untyped-def]
    from datetime import time

    return time.fromisoformat(text)


@pytest.fixture
def planner(ctx: AppContext) -> Principal:
    stock(ctx, SUB_CENTRE, OFFERED)  # a session offers only what the facility holds
    token = staff(ctx, "fa.test", "facility_admin", NADIA_BLOCK)
    return auth_svc.principal_for_token(ctx, token)


@pytest.fixture
def family(ctx: AppContext, sms: RecordingSms) -> tuple[str, Principal, list[str]]:
    """A citizen's token, principal and two family members: a baby and a ten-year-old."""
    auth_svc.request_otp(ctx, PHONE)
    session = auth_svc.verify_otp(ctx, PHONE, sms.last_code("+91" + PHONE))
    people = [
        add_family_member(
            ctx, session.principal, PersonInput(name, sex, NADIA_VILLAGE, birth_date=born)
        ).id
        for name, sex, born in (
            ("শিশু দাস", "female", date(2026, 9, 20)),
            ("রাহুল দাস", "male", date(2016, 11, 1)),
        )
    ]
    return session.token, session.principal, people


def citizen_client(ctx: AppContext, token: str, language: str = "en") -> TestClient:
    client = TestClient(create_app(ctx=ctx))
    client.cookies.set("sevasetu_session", token)
    client.cookies.set("sevasetu_lang", language)
    return client


def staff_client(ctx: AppContext, username: str, role: str, area: str = NADIA_BLOCK) -> TestClient:
    staff(ctx, username, role, area)
    client = TestClient(create_app(ctx=ctx))
    assert login(client, username).status_code == 303
    return client


def book_form(client: TestClient, person: str, session_id: str, slot: int, dose: str) -> dict:
    page = client.get(
        f"/book?person={person}&dose={dose}&area={NADIA_VILLAGE}&day=2026-11-25&search=1"
    )
    assert page.status_code == 200, page.text
    return {
        "csrf": csrf_of(page.text),
        "person": person,
        "dose": dose,
        "area": NADIA_VILLAGE,
        "day": WEDNESDAY.isoformat(),
        "session": session_id,
        "slot": str(slot),
    }


# --- the citizen -------------------------------------------------------------------------------


def test_a_citizen_logs_in_with_a_code_sent_by_sms(ctx: AppContext, sms: RecordingSms) -> None:
    client = TestClient(create_app(ctx=ctx))
    first = client.get("/login/mobile")
    assert first.status_code == 200 and 'name="phone"' in first.text
    sent = client.post("/login/mobile", data={"phone": PHONE, "csrf": csrf_of(first.text)})
    assert sent.status_code == 200 and 'name="code"' in sent.text
    wrong = client.post(
        "/login/mobile/code", data={"phone": PHONE, "code": "000000", "csrf": csrf_of(sent.text)}
    )
    assert wrong.status_code == 401 and "The code is wrong or has expired." in wrong.text
    done = client.post(
        "/login/mobile/code",
        follow_redirects=False,
        data={"phone": PHONE, "code": sms.last_code("+91" + PHONE), "csrf": csrf_of(sent.text)},
    )
    assert done.status_code == 303 and done.headers["location"] == "/book"
    assert client.get("/", follow_redirects=False).headers["location"] == "/book"
    page = client.get("/book")
    assert page.status_code == 200 and "No family member is registered" in page.text
    assert 'href="/my-bookings"' in page.text and 'href="/people"' not in page.text
    forged = TestClient(create_app(ctx=ctx)).post("/login/mobile", data={"phone": PHONE})
    assert forged.status_code == 403


def test_a_citizen_books_for_two_members_then_cancels_and_moves(
    ctx: AppContext, planner: Principal, family: tuple[str, Principal, list[str]]
) -> None:
    token, principal, (baby, boy) = family
    session = plan_session(ctx, planner, spec()).session
    client = citizen_client(ctx, token)
    page = client.get(f"/book?person={baby}")
    assert "শিশু দাস" in page.text and "রাহুল দাস" in page.text
    due = re.search(r'<optgroup label="Due now for শিশু দাস">(.*?)</optgroup>', page.text, re.S)
    assert due and "PENTA1" in due.group(1) and "TD10" not in due.group(1)
    assert f'value="{NADIA_VILLAGE}" selected' in page.text  # the member's village
    found = client.get(
        f"/book?person={baby}&dose=PENTA1&area={NADIA_VILLAGE}&day=2026-11-25&search=1"
    )
    assert "Dogachhi Sub-Centre" in found.text and "32 places free" in found.text
    assert found.text.count('class="slot"') == 4

    made = client.post(
        "/book", data=book_form(client, baby, session.id, 1, "PENTA1"), follow_redirects=False
    )
    assert made.status_code == 303, made.text
    done = client.get(made.headers["location"])
    booking_id = made.headers["location"].rsplit("/", 1)[1]
    assert booking_id.replace("-", "")[:8].upper() in done.text
    assert "Dogachhi Sub-Centre" in done.text and "09:00–09:30" in done.text
    assert "Wednesday 2026-11-25" in done.text
    second = client.post(
        "/book", data=book_form(client, boy, session.id, 2, "TD10"), follow_redirects=False
    )
    assert second.status_code == 303, second.text

    mine = client.get("/my-bookings")
    assert mine.text.count('class="card booking') == 2 and mine.text.count("Reschedule") == 2
    no_reason = client.post(
        f"/my-bookings/{booking_id}/cancel", data={"csrf": csrf_of(mine.text), "reason": ""}
    )
    assert no_reason.status_code == 422 and "Say why the booking is cancelled." in no_reason.text
    moving = client.get(f"/my-bookings/{booking_id}/move")
    assert "Your time now" in moving.text
    moved = client.post(
        f"/my-bookings/{booking_id}/move",
        follow_redirects=False,
        data={
            "csrf": csrf_of(moving.text),
            "session": session.id,
            "slot": "4",
            "area": NADIA_VILLAGE,
            "day": "2026-11-25",
        },
    )
    assert moved.status_code == 303
    assert "10:30–11:00" in client.get(moved.headers["location"]).text
    gone = client.post(
        f"/my-bookings/{booking_id}/cancel",
        follow_redirects=False,
        data={"csrf": csrf_of(mine.text), "reason": "unwell"},
    )
    assert gone.status_code == 303
    statuses = {b.dose_code: b.status.value for b in bookings_of(ctx, principal, [baby, boy])}
    assert statuses == {"PENTA1": "cancelled", "TD10": "booked"}
    assert "Reason: unwell" in client.get("/my-bookings").text


def test_refusals_are_shown_in_bengali_and_keep_the_choices(
    ctx: AppContext, planner: Principal, family: tuple[str, Principal, list[str]]
) -> None:
    token, _, (baby, boy) = family
    session = plan_session(ctx, planner, spec(capacity_per_slot=2, walk_in_percent=50)).session
    client = citizen_client(ctx, token, "bn")
    assert (
        client.post(
            "/book", data=book_form(client, baby, session.id, 1, "PENTA1"), follow_redirects=False
        ).status_code
        == 303
    )
    again = client.post("/book", data=book_form(client, baby, session.id, 2, "PENTA1"))
    assert again.status_code == 409
    assert "এই ব্যক্তির PENTA1-এর জন্য একটি সক্রিয় বুকিং আগে থেকেই আছে।" in again.text
    full = client.post("/book", data=book_form(client, boy, session.id, 1, "TD10"))
    assert full.status_code == 409 and 'role="alert"' in full.text
    assert "এই সেশনের 1 নম্বর স্লট ভর্তি" in full.text
    assert 'value="TD10" selected' in full.text and 'value="2026-11-25"' in full.text
    young = client.post("/book", data=book_form(client, boy, session.id, 3, "PENTA1"))
    assert young.status_code == 422 and "PENTA1" in young.text


def test_forms_without_the_csrf_token_are_refused_and_nothing_is_booked(
    ctx: AppContext, planner: Principal, family: tuple[str, Principal, list[str]]
) -> None:
    token, principal, (baby, _) = family
    session = plan_session(ctx, planner, spec()).session
    client = citizen_client(ctx, token)
    form = book_form(client, baby, session.id, 1, "PENTA1")
    for sent in ({k: v for k, v in form.items() if k != "csrf"}, {**form, "csrf": "forged"}):
        answer = client.post("/book", data=sent)
        assert answer.status_code == 403 and "nothing was saved" in answer.text
    assert bookings_of(ctx, principal, [baby]) == []
    officer = staff_client(ctx, "fa.csrf", "facility_admin")
    assert officer.post(f"/sessions/{session.id}/cancel", data={"reason": "x"}).status_code == 403
    assert find_slots(ctx, NADIA_VILLAGE, WEDNESDAY) != []


# --- staff -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sessions", "menu"),
    [
        ("asha", 403, False),
        ("anm", 200, True),
        ("facility_admin", 200, True),
        ("district_officer", 200, True),
        ("verifier", 403, False),
    ],
)
def test_who_sees_the_session_pages(ctx: AppContext, role: str, sessions: int, menu: bool) -> None:
    client = staff_client(ctx, f"{role}.menu", role)
    assert ('href="/sessions"' in client.get("/people").text) is menu
    assert client.get("/sessions").status_code == sessions
    assert client.get("/book").status_code == 403
    assert 'href="/book"' not in client.get("/people").text


def test_a_citizen_cannot_open_the_staff_pages(
    ctx: AppContext, planner: Principal, family: tuple[str, Principal, list[str]]
) -> None:
    session = plan_session(ctx, planner, spec(day=TODAY)).session
    client = citizen_client(ctx, family[0])
    assert client.get("/sessions").status_code == 403
    assert client.get(f"/sessions/{session.id}/day").status_code == 403


def test_a_facility_admin_plans_a_session_and_a_weekly_plan_then_cancels(ctx: AppContext) -> None:
    stock(ctx, SUB_CENTRE, OFFERED)
    client = staff_client(ctx, "fa.plan", "facility_admin")
    page = client.get("/sessions")
    assert "No session is planned" in page.text and "Dogachhi Sub-Centre" in page.text
    assert page.text.count('name="offers"') == 41
    form = {
        "csrf": csrf_of(page.text),
        "facility_code": SUB_CENTRE,
        "day": "2026-11-25",
        "starts": "09:00",
        "ends": "11:00",
        "slot_minutes": "30",
        "capacity_per_slot": "10",
        "walk_in_percent": "20",
        "offers": ["PENTA1", "OPV1"],
        "site": "Anganwadi 4",
    }
    bad = client.post("/sessions", data={**form, "ends": "09:10"})
    assert bad.status_code == 422
    assert (
        field_error(bad.text, "f-ends") == "The session must end at least one slot after it starts."
    )
    assert 'value="Anganwadi 4"' in bad.text and 'value="PENTA1" checked' in bad.text
    none = client.post("/sessions", data={**form, "offers": []})
    assert field_error(none.text, "f-offers") == "A session must offer at least one dose."
    made = client.post("/sessions", data=form, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/sessions?planned=1"
    weekly = client.post(
        "/sessions",
        follow_redirects=False,
        data={**form, "day": "2026-11-23", "weekdays": ["wed", "sat"], "last_day": "2026-12-06"},
    )
    assert weekly.headers["location"] == "/sessions?planned=4"
    listed = client.get("/sessions")
    assert listed.text.count('class="card session') == 5
    assert "Wednesday 2026-11-25" in listed.text and "Anganwadi 4" in listed.text
    first = re.search(r'action="/sessions/([^/]+)/cancel"', listed.text)
    assert first
    cancelled = client.post(
        f"/sessions/{first.group(1)}/cancel",
        follow_redirects=False,
        data={"csrf": csrf_of(listed.text), "reason": "no vaccine"},
    )
    assert cancelled.status_code == 303
    assert "Reason: no vaccine" in client.get("/sessions").text
    client.cookies.set("sevasetu_lang", "hi")
    hindi = client.get("/sessions").text
    assert "टीकाकरण सत्र" in hindi and "कारण: no vaccine" in hindi
    again = client.post(
        f"/sessions/{first.group(1)}/cancel", data={"csrf": csrf_of(listed.text), "reason": "again"}
    )
    assert again.status_code == 422 and "यह सत्र बुकिंग नहीं ले रहा" in again.text


def test_planning_outside_ones_area_is_refused(ctx: AppContext) -> None:
    client = staff_client(ctx, "fa.raigarh", "facility_admin", "IN-CG-RGH")
    page = client.get("/sessions")
    assert "Dogachhi Sub-Centre" not in page.text
    refused = client.post(
        "/sessions",
        data={
            "csrf": csrf_of(page.text),
            "facility_code": SUB_CENTRE,
            "day": "2026-11-25",
            "starts": "09:00",
            "ends": "11:00",
            "slot_minutes": "30",
            "capacity_per_slot": "10",
            "walk_in_percent": "20",
            "offers": ["PENTA1"],
        },
    )
    assert refused.status_code == 403 and "outside yours" in refused.text


def test_the_vaccinators_day_check_in_no_show_record_and_walk_in(
    ctx: AppContext, planner: Principal, family: tuple[str, Principal, list[str]]
) -> None:
    token, principal, (baby, boy) = family
    session = plan_session(ctx, planner, spec(day=TODAY)).session
    citizen = citizen_client(ctx, token)
    for person, dose, slot in ((baby, "PENTA1", 1), (boy, "TD10", 2)):
        form = book_form(citizen, person, session.id, slot, dose)
        form["day"] = TODAY.isoformat()
        assert citizen.post("/book", data=form, follow_redirects=False).status_code == 303
    asha_token = staff(ctx, "asha.walk", "asha", NADIA_BLOCK)
    asha = auth_svc.principal_for_token(ctx, asha_token)
    register_person(
        ctx,
        asha,
        PersonInput("মিনা বিবি", "female", NADIA_VILLAGE, birth_date=date(2026, 9, 1)),
        confirm_new=True,
    )
    anm = staff_client(ctx, "anm.day", "anm")
    day = anm.get(f"/sessions/{session.id}/day")
    assert day.status_code == 200
    assert "শিশু দাস" in day.text and "2 months" in day.text and "Booked: <strong" in day.text
    check_in, no_show = (
        re.findall(rf'action="(/sessions/{session.id}/day/[^"]+/{m})"', day.text)
        for m in ("check-in", "no-show")
    )
    assert len(check_in) == 2
    assert (
        anm.post(check_in[0], data={"csrf": csrf_of(day.text)}, follow_redirects=False).status_code
        == 303
    )
    assert (
        anm.post(no_show[1], data={"csrf": csrf_of(day.text)}, follow_redirects=False).status_code
        == 303
    )
    again = anm.post(no_show[1], data={"csrf": csrf_of(day.text)})
    assert again.status_code == 409 and "cannot become" in again.text
    recorded = anm.post(
        f"/sessions/{session.id}/doses",
        follow_redirects=False,
        data={"csrf": csrf_of(day.text), "person": baby, "dose": "PENTA1", "lot": ""},
    )
    assert recorded.status_code == 303
    statuses = {b.dose_code: b.status.value for b in bookings_of(ctx, principal, [baby, boy])}
    assert statuses == {"PENTA1": "completed", "TD10": "no_show"}

    searched = anm.get(f"/sessions/{session.id}/day?q=মিনা")
    assert "মিনা বিবি" in searched.text and "Take in" in searched.text
    walker = re.search(
        r'name="person" value="([^"]+)">\s*<input type="hidden" name="q"', searched.text
    )
    assert walker
    form = {"csrf": csrf_of(searched.text), "person": walker.group(1), "dose": "", "q": "মিনা"}
    unchosen = anm.post(f"/sessions/{session.id}/walk-ins", data=form)
    assert unchosen.status_code == 422 and "Choose the dose." in unchosen.text
    assert 'value="মিনা"' in unchosen.text  # the search is kept
    wrong = anm.post(
        f"/sessions/{session.id}/walk-ins",
        data={
            "csrf": csrf_of(searched.text),
            "person": walker.group(1),
            "dose": "TD10",
            "q": "মিনা",
        },
    )
    assert wrong.status_code == 422 and "Not eligible for TD10" in wrong.text
    taken = anm.post(
        f"/sessions/{session.id}/walk-ins",
        follow_redirects=False,
        data={"csrf": csrf_of(searched.text), "person": walker.group(1), "dose": "PENTA1"},
    )
    assert taken.status_code == 303
    after = anm.get(taken.headers["location"])
    assert "The walk-in was taken in." in after.text and "walk-in" in after.text
    assert "মিনা বিবি" in after.text
    officer = staff_client(ctx, "dio.day", "district_officer", "IN-WB-NAD")
    assert officer.get(f"/sessions/{session.id}/day").status_code == 403


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # sniffed by its bytes


def test_a_dose_given_elsewhere_is_booked_with_a_photo_of_the_card(
    ctx: AppContext, planner: Principal, family: tuple[str, Principal, list[str]]
) -> None:
    token, _, (baby, _) = family
    session = plan_session(ctx, planner, spec(date(2026, 12, 2), offers=("PENTA2",)))
    client = citizen_client(ctx, token)
    form = book_form(client, baby, session.session.id, 1, "PENTA2")
    refused = client.post("/book", data=form)
    assert refused.status_code == 422 and "PENTA1 has not been given yet" in refused.text
    assert (
        'action="/book/proof"' in refused.text and 'name="previous" value="PENTA1"' in refused.text
    )
    claim = {**form, "csrf": csrf_of(refused.text), "previous": "PENTA1",
             "given_on": "2026-11-02", "place": "Private clinic, Krishnanagar",
             "id_kind": "mcp_card", "id_value": "WB-2026-1234"}  # fmt: skip
    not_an_image = {"file": ("card.jpg", b"not an image", "image/jpeg")}
    text_file = client.post("/book/proof", data=claim, files=not_an_image)
    assert text_file.status_code == 415
    sent = client.post("/book/proof", data=claim, follow_redirects=False,
                       files={"file": ("card.jpg", PNG, "image/jpeg")})  # fmt: skip
    assert sent.status_code == 303, sent.text
    done = client.get(sent.headers["location"])
    assert "Waiting for a check of the proof" in done.text

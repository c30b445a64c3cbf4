"""Planning sessions, finding free slots and booking them for a family."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sevasetu.services.maintenance import start_maintenance, stop_maintenance

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, auth, person_body, staff, stock

SUB_CENTRE = "IN-WB-NAD-KN1-SC1"  # Dogachhi, in Krishnanagar-I block
WEDNESDAY = "2026-11-25"  # the fake clock's today is Friday 20 November 2026


OFFERED = ["PENTA1", "PENTA2", "OPV0", "OPV1", "RVV1", "MR1", "TD10", "BCG"]


@pytest.fixture
def planner(ctx):
    for facility in (SUB_CENTRE, "IN-WB-NAD-KN1-PHC2"):  # a session offers what is in stock
        stock(ctx, facility, OFFERED)
    return staff(ctx, "fa.dogachhi", "facility_admin", NADIA_BLOCK)


def session_body(**overrides):
    body = {
        "facility_code": SUB_CENTRE, "day": WEDNESDAY, "starts": "09:00", "ends": "11:00",
        "slot_minutes": 30, "capacity_per_slot": 10, "walk_in_percent": 20,
        "offers": ["penta1", "OPV1", "RVV1", "MR1", "TD10"],
    }  # fmt: skip
    body.update(overrides)
    return body


def plan(client, planner, **overrides):
    made = client.post("/api/v1/sessions", json=session_body(**overrides), headers=auth(planner))
    assert made.status_code == 201, made.text
    return made.json()


def citizen(client, sms, phone="9830012345"):
    client.post("/api/v1/auth/otp", json={"phone": phone})
    code = sms.last_code(f"+91{phone}")
    verified = client.post("/api/v1/auth/otp/verify", json={"phone": phone, "code": code})
    return verified.json()["access_token"]


def family_member(client, token, name, birth_date):
    body = person_body(name=name, birth_date=birth_date, identifiers={}, phone=None)
    added = client.post("/api/v1/me/people", json=body, headers=auth(token))
    assert added.status_code == 201, added.text
    return added.json()


def booking(person, session, dose, slot=1):
    return {"person_id": person["id"], "session_id": session["id"], "slot_number": slot,
            "dose_code": dose}  # fmt: skip


def test_a_session_is_cut_into_slots_with_places_kept_for_walk_ins(client, planner):
    session = plan(client, planner)
    assert session["offers"] == ["PENTA1", "OPV1", "RVV1", "MR1", "TD10"]
    assert session["area_code"] == "IN-WB-NAD-KN1-DOG" and session["state_code"] == "IN-WB"
    assert [(s["number"], s["starts"], s["ends"]) for s in session["slots"]] == [
        (1, "09:00:00", "09:30:00"), (2, "09:30:00", "10:00:00"),
        (3, "10:00:00", "10:30:00"), (4, "10:30:00", "11:00:00"),
    ]  # fmt: skip
    assert all(s["capacity"] == 10 and s["bookable"] == 8 for s in session["slots"])
    assert session["free"] == 32


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": "2026-11-19"}, "day"),
        ({"ends": "09:10"}, "ends"),
        ({"capacity_per_slot": 0}, "capacity_per_slot"),
        ({"offers": []}, "offers"),
        ({"offers": ["XYZ9"]}, "code"),
        ({"walk_in_percent": 120}, "walk_in_percent"),
        ({"facility_code": "IN-WB-NOWHERE"}, "facility_code"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field_and_nothing_is_written(
    client, planner, change, field
):
    refused = client.post("/api/v1/sessions", json=session_body(**change), headers=auth(planner))
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    found = client.get("/api/v1/slots", params={"area": NADIA_BLOCK, "date": WEDNESDAY},
                       headers=auth(planner))  # fmt: skip
    assert found.json() == []


def test_only_planners_of_the_area_plan_sessions(ctx, client):
    asha = staff(ctx, "asha.plan", "asha", NADIA_BLOCK)
    raigarh = staff(ctx, "fa.raigarh", "facility_admin", "IN-CG-RGH")
    assert client.post("/api/v1/sessions", json=session_body(), headers=auth(asha)).status_code \
        == 403  # fmt: skip
    assert client.post("/api/v1/sessions", json=session_body(),
                       headers=auth(raigarh)).status_code == 403  # fmt: skip


def test_recurring_plan_every_wednesday_and_saturday(client, planner):
    made = client.post(
        "/api/v1/session-plans",
        json=session_body(day="2026-11-23", last_day="2026-12-06", weekdays=["wed", "Saturday"]),
        headers=auth(planner),
    )
    assert made.status_code == 201, made.text
    days = [s["day"] for s in made.json()]
    assert days == ["2026-11-25", "2026-11-28", "2026-12-02", "2026-12-05"]
    assert len({s["plan_id"] for s in made.json()}) == 1
    bad = client.post(
        "/api/v1/session-plans",
        json=session_body(day="2026-11-23", last_day="2026-12-06", weekdays=["someday"]),
        headers=auth(planner),
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "weekdays"


def test_a_citizen_books_two_family_members_and_manages_the_bookings(client, planner, sms):
    session = plan(client, planner)
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু দাস", "2026-09-20")  # 9 weeks old on the day
    boy = family_member(client, token, "রাহুল দাস", "2016-11-01")  # ten years old
    first = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                        headers=auth(token))  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "booked"
    second = client.post("/api/v1/bookings", json=booking(boy, session, "TD10", slot=2),
                         headers=auth(token))  # fmt: skip
    assert second.status_code == 201, second.text
    again = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1", slot=3),
                        headers=auth(token))  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "already-booked"
    mine = client.get("/api/v1/bookings", params={"person_id": [baby["id"], boy["id"]]},
                      headers=auth(token)).json()  # fmt: skip
    assert sorted(b["dose_code"] for b in mine) == ["PENTA1", "TD10"]
    seen = client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token)).json()
    assert [s["booked"] for s in seen["slots"]] == [1, 1, 0, 0]

    moved = client.post(f"/api/v1/bookings/{first.json()['id']}/reschedule",
                        json={"session_id": session["id"], "slot_number": 4},
                        headers=auth(token))  # fmt: skip
    assert moved.status_code == 200 and moved.json()["slot_number"] == 4
    cancelled = client.post(f"/api/v1/bookings/{second.json()['id']}/cancel",
                            json={"reason": "unwell"}, headers=auth(token))  # fmt: skip
    assert cancelled.json()["status"] == "cancelled"
    seen = client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token)).json()
    assert [s["booked"] for s in seen["slots"]] == [0, 0, 0, 1]
    twice = client.post(f"/api/v1/bookings/{second.json()['id']}/cancel",
                        json={"reason": "again"}, headers=auth(token))  # fmt: skip
    assert twice.status_code == 409 and twice.json()["code"] == "booking-state-conflict"
    rebook = client.post("/api/v1/bookings", json=booking(boy, session, "TD10", slot=2),
                         headers=auth(token))  # fmt: skip
    assert rebook.status_code == 201, "a cancelled booking does not block a new one"


@pytest.mark.parametrize(
    ("birth", "dose", "session_change", "words"),
    [
        ("2026-11-01", "PENTA1", {}, "due from 2026-12-13"),  # too young on the day
        ("2026-09-20", "BCG", {"offers": ["PENTA1"]}, "does not offer"),
        ("2026-09-20", "OPV0", {"offers": ["OPV0"]}, "past the age"),
        ("2026-09-20", "PENTA1", {"min_age": "45y"}, "aged 45y and over"),
        ("2016-11-01", "TD10", {"max_age": "10y"}, "younger than 10y"),
    ],
)
def test_ineligible_bookings_are_refused_with_their_reason(
    client, planner, sms, birth, dose, session_change, words
):
    session = plan(client, planner, **session_change)
    token = citizen(client, sms)
    person = family_member(client, token, "Anyone", birth)
    refused = client.post("/api/v1/bookings", json=booking(person, session, dose),
                          headers=auth(token))  # fmt: skip
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "not-eligible"
    assert words in refused.json()["detail"]
    seen = client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token)).json()
    assert seen["slots"][0]["booked"] == 0


def test_a_dose_already_given_or_too_soon_after_the_last_is_refused(ctx, client, planner, sms):
    session = plan(client, planner, day="2026-12-02", offers=["PENTA1", "PENTA2"])
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু", "2026-09-20")
    anm = staff(ctx, "anm.rec", "anm", NADIA_BLOCK)
    given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
        "person_id": baby["id"], "dose_code": "PENTA1", "given_on": "2026-11-10"})  # fmt: skip
    assert given.status_code == 201, given.text
    already = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                          headers=auth(token))  # fmt: skip
    assert already.status_code == 422 and "already given" in already.json()["detail"]
    early = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA2"),
                        headers=auth(token))  # fmt: skip
    assert early.status_code == 422 and "due from 2026-12-08" in early.json()["detail"]


def test_a_full_slot_answers_409_and_the_count_never_passes_the_places(client, planner, sms):
    session = plan(client, planner, capacity_per_slot=2, walk_in_percent=50)  # one bookable
    token = citizen(client, sms)
    a = family_member(client, token, "A", "2026-09-20")
    b = family_member(client, token, "B", "2026-09-21")
    assert client.post("/api/v1/bookings", json=booking(a, session, "PENTA1"),
                       headers=auth(token)).status_code == 201  # fmt: skip
    full = client.post("/api/v1/bookings", json=booking(b, session, "PENTA1"), headers=auth(token))
    assert full.status_code == 409 and full.json()["code"] == "slot-full"
    assert full.json()["type"].endswith("/slot-full")
    listed = client.get("/api/v1/slots", params={"area": NADIA_VILLAGE, "date": WEDNESDAY},
                        headers=auth(token)).json()  # fmt: skip
    assert [s["free"] for s in listed] == [3], "slots 2-4 still have their one place each"


def test_a_booking_in_a_state_under_maintenance_answers_503_and_takes_no_place(
    ctx, client, planner, sms, clock
):
    session = plan(client, planner, capacity_per_slot=2, walk_in_percent=50)  # one bookable
    token = citizen(client, sms)
    child = family_member(client, token, "A", "2026-09-20")
    start_maintenance(ctx, "IN-WB", clock() + timedelta(hours=1), "moving", actor="tests")
    refused = client.post("/api/v1/bookings", json=booking(child, session, "PENTA1"),
                          headers=auth(token))  # fmt: skip
    assert refused.status_code == 503, refused.text
    assert refused.json()["type"].endswith("/state-in-maintenance")
    stop_maintenance(ctx, "IN-WB", actor="tests")
    free = client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token)).json()
    assert [s["booked"] for s in free["slots"]] == [0, 0, 0, 0], "no place was taken"
    assert client.get("/api/v1/bookings", params={"person_id": child["id"]},
                      headers=auth(token)).json() == []  # fmt: skip
    # Once the window is over, the same booking goes through.
    assert client.post("/api/v1/bookings", json=booking(child, session, "PENTA1"),
                       headers=auth(token)).status_code == 201  # fmt: skip


def test_nobody_books_for_another_account_or_a_cancelled_or_past_session(
    ctx, client, planner, sms, clock
):
    session = plan(client, planner)
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু", "2026-09-20")
    stranger = citizen(client, sms, phone="9830099999")
    other = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                        headers=auth(stranger))  # fmt: skip
    assert other.status_code == 403
    made = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                       headers=auth(token)).json()  # fmt: skip
    cancelled = client.post(f"/api/v1/sessions/{session['id']}/cancel",
                            json={"reason": "vaccine not delivered"},
                            headers=auth(planner))  # fmt: skip
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    mine = client.get("/api/v1/bookings", params={"person_id": baby["id"]},
                      headers=auth(token)).json()  # fmt: skip
    assert mine[0]["id"] == made["id"] and mine[0]["status"] == "cancelled"
    assert "vaccine not delivered" in mine[0]["note"]
    closed = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                         headers=auth(token))  # fmt: skip
    assert closed.status_code == 422 and closed.json()["code"] == "session-not-open"
    later = plan(client, planner)
    clock.advance(days=6)
    past = client.post("/api/v1/bookings", json=booking(baby, later, "PENTA1"),
                       headers=auth(citizen(client, sms)))  # fmt: skip
    assert past.status_code == 422 and "in the past" in past.json()["detail"], past.text


def test_finding_slots_near_a_village_lists_the_block_and_filters_by_dose(
    ctx, client, planner, sms
):
    plan(client, planner)
    plan(client, planner, facility_code="IN-WB-NAD-KN1-PHC2", offers=["MR1"])
    plan(client, planner, day="2026-11-26")
    token = citizen(client, sms)
    near = client.get("/api/v1/slots", params={"area": NADIA_VILLAGE, "date": WEDNESDAY},
                      headers=auth(token)).json()  # fmt: skip
    assert sorted(s["facility_code"] for s in near) == ["IN-WB-NAD-KN1-PHC2", SUB_CENTRE]
    query = {"area": NADIA_VILLAGE, "date": WEDNESDAY, "dose": "penta1"}
    penta = client.get("/api/v1/slots", params=query, headers=auth(token)).json()
    assert [s["facility_code"] for s in penta] == [SUB_CENTRE]
    elsewhere = client.get("/api/v1/slots", params={"area": "IN-CG-RGH", "date": WEDNESDAY},
                           headers=auth(token)).json()  # fmt: skip
    assert elsewhere == []


def test_replaying_an_idempotency_key_returns_the_same_booking(client, planner, sms):
    session = plan(client, planner)
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু", "2026-09-20")
    headers = auth(token, **{"Idempotency-Key": "book-once-1"})
    first = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"), headers=headers)
    replay = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert first.json()["id"] == replay.json()["id"]
    seen = client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token)).json()
    assert seen["slots"][0]["booked"] == 1


def test_the_vaccinators_day_booked_people_check_in_no_show_and_walk_ins(ctx, client, planner, sms):
    today = "2026-11-20"
    session = plan(client, planner, day=today, ends="09:30", capacity_per_slot=3,
                   walk_in_percent=33)  # two bookable ahead, one held back  # fmt: skip
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু দাস", "2026-09-20")
    twin = family_member(client, token, "শিশু দাস ২", "2026-09-20")
    first = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                        headers=auth(token)).json()  # fmt: skip
    second = client.post("/api/v1/bookings", json=booking(twin, session, "PENTA1"),
                         headers=auth(token)).json()  # fmt: skip
    anm = staff(ctx, "anm.day", "anm", NADIA_BLOCK)
    asha = staff(ctx, "asha.day", "asha", NADIA_BLOCK)
    assert client.get(f"/api/v1/sessions/{session['id']}/day",
                      headers=auth(asha)).status_code == 403  # fmt: skip

    arrived = client.post(f"/api/v1/bookings/{first['id']}/check-in", headers=auth(anm))
    assert arrived.status_code == 200 and arrived.json()["status"] == "checked_in"
    absent = client.post(f"/api/v1/bookings/{second['id']}/no-show", headers=auth(anm))
    assert absent.json()["status"] == "no_show"

    # A child from Raigarh walks in: vaccination anywhere; the held-back place takes her.
    raigarh_asha = staff(ctx, "asha.rgh", "asha", "IN-CG-RGH")
    visitor = client.post("/api/v1/people", headers=auth(raigarh_asha), json=person_body(
        name="Guest Child", birth_date="2026-09-25", identifiers={}, phone=None,
        area_code="IN-CG-RGH-RGH-KDT", sex="female")).json()  # fmt: skip
    assert "id" in visitor, visitor
    walked = client.post(f"/api/v1/sessions/{session['id']}/walk-ins", headers=auth(anm),
                         json={"person_id": visitor["id"], "dose_code": "PENTA1"})  # fmt: skip
    assert walked.status_code == 201, walked.text
    assert walked.json()["status"] == "checked_in" and walked.json()["walk_in"] is True
    other = family_member(client, token, "তৃতীয়", "2026-09-01")
    fourth = client.post(f"/api/v1/sessions/{session['id']}/walk-ins", headers=auth(anm),
                         json={"person_id": other["id"], "dose_code": "PENTA1"})  # fmt: skip
    assert fourth.status_code == 201, "the no-show's place went back to the day"
    full = client.post(f"/api/v1/sessions/{session['id']}/walk-ins", headers=auth(anm),
                       json={"person_id": twin["id"], "dose_code": "PENTA1"})  # fmt: skip
    assert full.status_code == 409 and full.json()["code"] == "slot-full"

    given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
        "person_id": baby["id"], "dose_code": "PENTA1", "given_on": today})  # fmt: skip
    assert given.status_code == 201, given.text
    day = client.get(f"/api/v1/sessions/{session['id']}/day", headers=auth(anm)).json()
    assert day["counts"] == {"completed": 1, "checked_in": 2, "no_show": 1}
    assert sorted((e["name"], e["booking"]["status"], e["booking"]["walk_in"])
                  for e in day["entries"]) == [
        ("Guest Child", "checked_in", True), ("তৃতীয়", "checked_in", True),
        ("শিশু দাস", "completed", False), ("শিশু দাস ২", "no_show", False),
    ]  # fmt: skip
    assert day["session"]["slots"][0]["walk_ins"] == 2


def test_walk_ins_are_taken_only_on_the_session_day(ctx, client, planner):
    session = plan(client, planner)  # next Wednesday
    anm = staff(ctx, "anm.early", "anm", NADIA_BLOCK)
    asha = staff(ctx, "asha.early", "asha", NADIA_BLOCK)
    child = client.post("/api/v1/people", headers=auth(asha), json=person_body(
        name="Early", birth_date="2026-09-20", identifiers={}, phone=None)).json()  # fmt: skip
    early = client.post(f"/api/v1/sessions/{session['id']}/walk-ins", headers=auth(anm),
                        json={"person_id": child["id"], "dose_code": "PENTA1"})  # fmt: skip
    assert early.status_code == 422 and early.json()["code"] == "session-not-open"


def test_a_moved_session_takes_its_bookings_along_and_tells_each_family(ctx, client, planner, sms):
    session = plan(client, planner, day="2026-12-20", offers=["PENTA1", "TD10"])
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু দাস", "2026-11-01")  # PENTA1 due 2026-12-13
    boy = family_member(client, token, "রাহুল দাস", "2016-11-01")
    baby_booking = client.post("/api/v1/bookings", json=booking(baby, session, "PENTA1"),
                               headers=auth(token)).json()  # fmt: skip
    boy_booking = client.post("/api/v1/bookings", json=booking(boy, session, "TD10", slot=2),
                              headers=auth(token)).json()  # fmt: skip
    moved = client.post(f"/api/v1/sessions/{session['id']}/move", headers=auth(planner),
                        json={"day": "2026-12-02", "starts": "10:00",
                              "reason": "the ANM is on leave that week"})  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert (moved.json()["day"], moved.json()["starts"], moved.json()["ends"]) == (
        "2026-12-02",
        "10:00:00",
        "12:00:00",
    )
    assert moved.json()["slots"][1]["starts"] == "10:30:00"
    mine = {b["id"]: b for b in client.get(
        "/api/v1/bookings", params={"person_id": [baby["id"], boy["id"]]},
        headers=auth(token)).json()}  # fmt: skip
    assert mine[boy_booking["id"]]["status"] == "booked"
    assert mine[baby_booking["id"]]["status"] == "cancelled", "too young for PENTA1 on 2 Dec"
    assert "due from 2026-12-13" in mine[baby_booking["id"]]["note"]
    from sevasetu.services.notifications import deliver_due

    deliver_due(ctx, "w")
    texts = [t for _, t in sms.sent]
    assert any("2026-12-02" in t and "10:30" in t and "রাহুল দাস" in t for t in texts)
    assert any("শিশু দাস" in t and "2026-12-13" in t for t in texts)
    past = client.post(f"/api/v1/sessions/{session['id']}/move", headers=auth(planner),
                       json={"day": "2026-11-01", "reason": "typo"})  # fmt: skip
    assert past.status_code == 422

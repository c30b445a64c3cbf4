"""COVID-19 doses through the same API: the vaccine on every dose, dose 2 of the same vaccine,
the interval of the first dose's vaccine for bookings, and one certificate for everything."""

from __future__ import annotations

import json
import zlib

from joserfc import jws as jose_jws
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

from ..builders import NADIA_BLOCK, auth, person_body, staff, stock

CAMPAIGN = "covid19-india"


def adult(client, token, name, birth="1972-02-02"):
    made = client.post("/api/v1/people", headers=auth(token), json=person_body(
        name=name, birth_date=birth, identifiers={}, phone=None, sex="female"))  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()


def covid(client, token, person, code, day, product, **extra):
    return client.post("/api/v1/vaccinations", headers=auth(token), json={
        "person_id": person["id"], "schedule": CAMPAIGN, "dose_code": code, "given_on": day,
        "product": product, **extra})  # fmt: skip


def test_campaign_doses_carry_their_vaccine_and_dose_two_must_match(ctx, client):
    anm = staff(ctx, "anm.covid", "anm", NADIA_BLOCK)
    rina = adult(client, anm, "রিনা ঘোষ")
    first = covid(client, anm, rina, "COVID1", "2026-08-01", "Covishield (SII)")
    assert first.status_code == 201, first.text
    assert first.json()["product"] == "covishield"
    nameless = covid(client, anm, rina, "COVID2", "2026-11-10", "")
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["field"] == "product"
    other = covid(client, anm, rina, "COVID2", "2026-11-10", "Covaxin")
    assert other.status_code == 422 and other.json()["code"] == "dose-out-of-schedule"
    assert "same vaccine as the first dose (covishield)" in other.json()["detail"]
    reason = "Covishield out of stock; district order 12/2026"
    overridden = covid(client, anm, rina, "COVID2", "2026-11-10", "Covaxin",
                       override_reason=reason)  # fmt: skip
    assert overridden.status_code == 201, overridden.text
    assert overridden.json()["override_reason"].startswith("Covishield out of stock")
    card = client.get(f"/api/v1/people/{rina['id']}/schedule", params={"schedule": CAMPAIGN},
                      headers=auth(anm)).json()  # fmt: skip
    assert [(d["code"], d["status"]) for d in card["doses"]][:2] == [
        ("COVID1", "given"),
        ("COVID2", "given"),
    ]


def test_a_second_dose_is_booked_only_after_the_first_doses_interval(ctx, client):
    anm = staff(ctx, "anm.covid.b", "anm", NADIA_BLOCK)
    planner = staff(ctx, "fa.covid", "facility_admin", NADIA_BLOCK)
    stock(ctx, "IN-WB-NAD-KN1-SC1", ["COVID2"])  # a session offers only what is in stock
    session = client.post("/api/v1/sessions", headers=auth(planner), json={
        "facility_code": "IN-WB-NAD-KN1-SC1", "day": "2026-11-25", "starts": "10:00",
        "ends": "12:00", "slot_minutes": 60, "capacity_per_slot": 50, "schedule": CAMPAIGN,
        "offers": ["COVID2"], "kind": "campaign", "campaign": "COVID-19", "min_age": "45y",
    })  # fmt: skip
    assert session.status_code == 201, session.text
    recent, earlier = adult(client, anm, "Recent"), adult(client, anm, "Earlier")
    assert covid(client, anm, recent, "COVID1", "2026-10-01", "covishield").status_code == 201
    assert covid(client, anm, earlier, "COVID1", "2026-08-01", "covishield").status_code == 201
    body = {"session_id": session.json()["id"], "slot_number": 1, "dose_code": "COVID2"}
    too_soon = client.post("/api/v1/bookings", headers=auth(anm),
                           json={**body, "person_id": recent["id"]})  # fmt: skip
    assert too_soon.status_code == 422 and too_soon.json()["code"] == "not-eligible"
    assert "12w, so it is due from 2026-12-24" in too_soon.json()["detail"]
    booked = client.post("/api/v1/bookings", headers=auth(anm),
                         json={**body, "person_id": earlier["id"]})  # fmt: skip
    assert booked.status_code == 201, booked.text
    young = adult(client, anm, "Young", birth="1995-05-05")
    assert covid(client, anm, young, "COVID1", "2026-08-01", "covaxin").status_code == 201
    band = client.post("/api/v1/bookings", headers=auth(anm),
                       json={**body, "person_id": young["id"]})  # fmt: skip
    assert band.status_code == 422 and "aged 45y and over" in band.json()["detail"]


def test_one_certificate_lists_routine_and_campaign_doses(ctx, client):
    anm = staff(ctx, "anm.covid.c", "anm", NADIA_BLOCK)
    mother = adult(client, anm, "মা", birth="1990-01-01")
    assert covid(client, anm, mother, "COVID1", "2026-06-01", "covaxin").status_code == 201
    assert covid(client, anm, mother, "COVID2", "2026-07-06", "covaxin").status_code == 201
    td = client.post("/api/v1/vaccinations", headers=auth(anm), json={
        "person_id": mother["id"], "dose_code": "TD10", "given_on": "2026-09-01",
        "override_reason": "catch-up Td for an adult"})  # fmt: skip
    assert td.status_code == 201, td.text
    card = client.get(f"/api/v1/people/{mother['id']}/certificate.smart-health-card",
                      headers=auth(anm)).json()["verifiableCredential"][0]  # fmt: skip
    keys = KeySet.import_key_set(client.get("/.well-known/jwks.json").json())
    registry = JWSRegistry({"zip": HeaderParameter("Compression", "str")}, algorithms=["ES256"])
    payload = json.loads(
        zlib.decompress(
            jose_jws.deserialize_compact(card, keys, registry=registry).payload, wbits=-15
        )
    )
    entries = payload["vc"]["credentialSubject"]["fhirBundle"]["entry"][1:]
    codes = sorted(e["resource"]["vaccineCode"]["coding"][0]["code"] for e in entries)
    assert codes == ["COVID1", "COVID2", "TD10"]


def test_the_second_dose_list_of_an_area(ctx, client):
    anm = staff(ctx, "anm.covid.list", "anm", NADIA_BLOCK)
    due_now, later, done = adult(client, anm, "Due Now"), adult(client, anm, "Later"), adult(
        client, anm, "Done")  # fmt: skip
    for person, day in ((due_now, "2026-08-01"), (later, "2026-10-01"), (done, "2026-06-01")):
        assert covid(client, anm, person, "COVID1", day, "covishield").status_code == 201
    assert covid(client, anm, done, "COVID2", "2026-09-01", "covishield").status_code == 201
    window = {"area": NADIA_BLOCK, "from": "2026-11-20", "to": "2026-11-30",
              "schedule": CAMPAIGN, "dose": "covid2"}  # fmt: skip
    listed = client.get("/api/v1/due-list", params=window, headers=auth(anm))
    assert listed.status_code == 200, listed.text
    (only,) = listed.json()["items"]
    assert only["person_id"] == due_now["id"] and only["contact"] == "self"
    assert only["doses"] == [{"code": "COVID2", "status": "due", "due_date": "2026-10-24",
                              "last_date": None}]  # fmt: skip
    month = client.get("/api/v1/due-list", params={**window, "to": "2026-12-31"},
                       headers=auth(anm)).json()  # fmt: skip
    assert sorted(i["name"] for i in month["items"]) == ["Due Now", "Later"]
    routine = client.get("/api/v1/due-list", params={**window, "schedule": "india-uip"},
                         headers=auth(anm))  # fmt: skip
    assert routine.status_code == 422 and "routine schedule" in routine.json()["detail"]

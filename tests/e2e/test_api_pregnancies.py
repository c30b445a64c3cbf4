"""Pregnancies: registration, Td doses judged against the pregnancy, ANC visits, and the
delivery that registers the newborns with their birth doses, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sevasetu.adapters.db.tables import people, pregnancies, vaccinations

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, auth, person_body, staff

CHC = "IN-WB-NAD-KN1-CHC"  # in Krishnanagar-I block


@pytest.fixture
def anm(ctx):
    return staff(ctx, "anm.preg", "anm", NADIA_BLOCK)


def register(client, token, **overrides):
    body = person_body(phone=None, identifiers={}, **overrides)
    response = client.post("/api/v1/people", json={**body, "confirm_new": True},
                           headers=auth(token))  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def woman(client, anm):
    return register(client, anm, name="রিনা দাস", sex="female", birth_date="1998-05-01")


def pregnancy(client, token, person, lmp="2026-03-01", **extra):
    return client.post("/api/v1/pregnancies", headers=auth(token),
                       json={"person_id": person["id"], "lmp": lmp, **extra})  # fmt: skip


def dose(client, token, person, code, day, **extra):
    return client.post("/api/v1/vaccinations", headers=auth(token),
                       json={"person_id": person["id"], "dose_code": code, "given_on": day,
                             **extra})  # fmt: skip


def counts(ctx):
    with ctx.uow() as uow:
        conn = uow.conn
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (people, vaccinations)
        ) + (conn.execute(select(pregnancies.c.status)).scalars().all(),)


def baby(weight=2900, **extra):
    doses = [{"code": c, "given_on": "2026-11-18"} for c in ("BCG", "HEPB0", "OPV0")]
    return {"sex": "female", "birth_weight_g": weight, "birth_doses": doses, **extra}


def test_an_anm_follows_a_pregnancy_from_registration_to_the_newborns_schedule(
    ctx, client, anm, woman
):
    registered = pregnancy(client, anm, woman, gravida=2, parity=1, facility_code=CHC)
    assert registered.status_code == 201, registered.text
    preg = registered.json()
    assert preg["edd"] == "2026-12-06" and preg["gestation_weeks"] == 37
    assert preg["status"] == "open"

    card = client.get(f"/api/v1/people/{woman['id']}/schedule", headers=auth(anm),
                      params={"as_of": "2026-04-01"}).json()  # fmt: skip
    by_code = {d["code"]: d for d in card["doses"]}
    assert by_code["TD1"]["status"] == "overdue" and by_code["TD1"]["due_date"] == "2026-03-01"
    assert by_code["TD2"]["status"] == "upcoming"
    assert by_code["TDB"]["status"] == "not_applicable"

    assert dose(client, anm, woman, "TD1", "2026-05-10").status_code == 201
    early = dose(client, anm, woman, "TD2", "2026-05-20")
    assert early.status_code == 422 and early.json()["code"] == "dose-out-of-schedule"
    assert "2026-06-07" in early.json()["detail"]
    assert dose(client, anm, woman, "TD2", "2026-06-10").status_code == 201

    visit = client.post(f"/api/v1/pregnancies/{preg['id']}/anc-visits", headers=auth(anm),
                        json={"visit_on": "2026-06-10", "weight_kg": 54.5, "bp_systolic": 110,
                              "bp_diastolic": 70, "hb_g_dl": 10.8})  # fmt: skip
    assert visit.status_code == 201, visit.text
    assert visit.json()["gestation_weeks"] == 14

    delivered = client.post(f"/api/v1/pregnancies/{preg['id']}/delivery", headers=auth(anm),
                            json={"delivered_on": "2026-11-18", "place": CHC, "live_births": 1,
                                  "babies": [baby()]})  # fmt: skip
    assert delivered.status_code == 201, delivered.text
    detail = delivered.json()
    assert detail["pregnancy"]["status"] == "delivered"
    assert detail["pregnancy"]["delivery_place"] == CHC
    assert [v["dose_code"] for v in detail["vaccinations"]] == ["BCG", "HEPB0", "OPV0"]
    [newborn] = detail["babies"]
    assert newborn["name"] == "Baby of রিনা দাস" and newborn["birth_date"] == "2026-11-18"
    assert newborn["birth_weight_g"] == 2900

    child = client.get(f"/api/v1/people/{newborn['person_id']}/schedule", headers=auth(anm))
    statuses = {d["code"]: d["status"] for d in child.json()["doses"]}
    assert statuses["BCG"] == statuses["HEPB0"] == statuses["OPV0"] == "given"
    assert statuses["OPV1"] == statuses["PENTA1"] == "upcoming"

    mother_card = client.get(f"/api/v1/people/{woman['id']}/schedule", headers=auth(anm)).json()
    mother = {d["code"]: d["status"] for d in mother_card["doses"]}
    assert mother["TD1"] == mother["TD2"] == "given"

    again = client.get(f"/api/v1/pregnancies/{preg['id']}", headers=auth(anm)).json()
    assert len(again["anc_visits"]) == 1 and len(again["babies"]) == 1
    listed = client.get(f"/api/v1/people/{woman['id']}/pregnancies", headers=auth(anm)).json()
    assert [p["id"] for p in listed] == [preg["id"]]
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("IN-WB")]
    assert {"pregnancy.register", "pregnancy.anc_visit", "pregnancy.delivery"} <= set(actions)


@pytest.mark.parametrize(
    ("babies", "field", "code"),
    [
        ([baby(), baby(weight=200)], "babies[1].birth_weight_g", "birth-weight-out-of-range"),
        ([baby(), {**baby(), "birth_doses": [{"code": "HEPB0", "given_on": "2026-11-20"}]}],
         "babies[1].birth_doses[0].code", "dose-out-of-schedule"),
        ([baby(), {**baby(), "birth_doses": [{"code": "MR1", "given_on": "2026-11-18"}]}],
         "babies[1].birth_doses[0].code", "invalid-input"),
        ([baby(), {**baby(), "birth_doses": [{"code": "NOPE", "given_on": "2026-11-18"}]}],
         "babies[1].birth_doses[0].code", "invalid-input"),
    ],
)  # fmt: skip
def test_a_failed_delivery_writes_nothing(ctx, client, anm, woman, babies, field, code):
    preg = pregnancy(client, anm, woman).json()
    before = counts(ctx)
    failed = client.post(f"/api/v1/pregnancies/{preg['id']}/delivery", headers=auth(anm),
                         json={"delivered_on": "2026-11-18", "place": CHC, "live_births": 2,
                               "babies": babies})  # fmt: skip
    assert failed.status_code == 422, failed.text
    assert failed.json()["code"] == code
    assert failed.json()["errors"][0]["field"] == field
    assert counts(ctx) == before
    assert before[2] == ["open"]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"delivered_on": "2026-02-20"}, "delivered_on", "impossible-date"),
        ({"delivered_on": "2026-11-21"}, "delivered_on", "impossible-date"),
        ({"place": "NOWHERE"}, "place", "unknown-facility"),
        ({"live_births": 2}, "babies", "invalid-input"),
    ],
)
def test_bad_deliveries_name_the_reason(ctx, client, anm, woman, body, field, code):
    preg = pregnancy(client, anm, woman).json()
    before = counts(ctx)
    json = {"delivered_on": "2026-11-18", "place": "home", "live_births": 1,
            "babies": [baby(birth_doses=[])], **body}  # fmt: skip
    failed = client.post(f"/api/v1/pregnancies/{preg['id']}/delivery", headers=auth(anm),
                         json=json)  # fmt: skip
    assert failed.status_code == 422, failed.text
    assert (failed.json()["code"], failed.json()["errors"][0]["field"]) == (code, field)
    assert counts(ctx) == before


def test_a_home_delivery_places_the_baby_in_the_mothers_household(ctx, client, anm):
    house = client.post("/api/v1/households", headers=auth(anm), json={
        "area_code": NADIA_VILLAGE, "address": "Dogachhi para", "confirm_new": True,
        "members": [
            {"relation": "head", "person": person_body(name="অমিত দাস", phone=None,
                                                       identifiers={})},
            {"relation": "spouse", "person": person_body(name="রিনা দাস", sex="female",
                                                         birth_date="1998-05-01", phone=None,
                                                         identifiers={})},
        ]})  # fmt: skip
    assert house.status_code == 201, house.text
    mother = house.json()["members"][1]
    preg = pregnancy(client, anm, mother).json()
    done = client.post(f"/api/v1/pregnancies/{preg['id']}/delivery", headers=auth(anm),
                       json={"delivered_on": "2026-11-19", "place": "home", "live_births": 1,
                             "stillbirths": 1,
                             "babies": [{"sex": "male", "birth_weight_g": 2500,
                                         "name": "শুভ দাস"}]})  # fmt: skip
    assert done.status_code == 201, done.text
    [newborn] = done.json()["babies"]
    assert newborn["household_id"] == house.json()["id"]
    person = client.get(f"/api/v1/people/{newborn['person_id']}", headers=auth(anm)).json()
    assert person["relation_to_head"] == "son" and person["name"] == "শুভ দাস"
    again = client.post(f"/api/v1/pregnancies/{preg['id']}/delivery", headers=auth(anm),
                        json={"delivered_on": "2026-11-19", "place": "home", "live_births": 1,
                              "babies": [{"sex": "male", "birth_weight_g": 2500}]})  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "pregnancy-closed"


@pytest.mark.parametrize(
    ("who", "lmp", "status", "code"),
    [
        ({"sex": "male"}, "2026-03-01", 422, "not-eligible-for-pregnancy"),
        ({"sex": "female", "birth_date": "1960-01-01"}, "2026-03-01", 422,
         "not-eligible-for-pregnancy"),
        ({"sex": "female", "birth_date": "2018-01-01"}, "2026-03-01", 422,
         "not-eligible-for-pregnancy"),
        ({"sex": "female"}, "2026-11-21", 422, "impossible-date"),
        ({"sex": "female"}, "2026-01-01", 422, "impossible-date"),
    ],
)  # fmt: skip
def test_pregnancy_registration_refusals(ctx, client, anm, who, lmp, status, code):
    person = register(client, anm, name="রিনা দাস", **who)
    refused = pregnancy(client, anm, person, lmp=lmp)
    assert refused.status_code == status, refused.text
    assert refused.json()["code"] == code
    assert counts(ctx)[2] == []


def test_a_second_open_pregnancy_is_refused(client, anm, woman):
    assert pregnancy(client, anm, woman).status_code == 201
    second = pregnancy(client, anm, woman, lmp="2026-04-01")
    assert second.status_code == 409 and second.json()["code"] == "pregnancy-already-open"


def test_td_for_a_man_a_child_or_a_woman_without_pregnancy_is_refused_with_the_reason(
    ctx, client, anm, woman
):
    man = register(client, anm, name="অমিত দাস", sex="male")
    girl = register(client, anm, name="মিতা দাস", sex="female", birth_date="2020-01-01")
    for person, words in ((man, "pregnant women"), (girl, "pregnant women"),
                          (woman, "no registered pregnancy")):  # fmt: skip
        refused = dose(client, anm, person, "TD1", "2026-11-01", override_reason="asked to")
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "dose-not-for-person"
        assert words in refused.json()["detail"]
    hi = client.post("/api/v1/vaccinations", headers=auth(anm, **{"Accept-Language": "hi"}),
                     json={"person_id": man["id"], "dose_code": "TD1",
                           "given_on": "2026-11-01"})  # fmt: skip
    assert "केवल गर्भवती महिलाओं" in hi.json()["detail"]
    assert counts(ctx)[1] == 0


def test_an_asha_registers_a_pregnancy_but_cannot_record_the_delivery(ctx, client, woman):
    asha = staff(ctx, "asha.preg", "asha", NADIA_BLOCK)
    preg = pregnancy(client, asha, woman)
    assert preg.status_code == 201
    refused = client.post(f"/api/v1/pregnancies/{preg.json()['id']}/delivery",
                          headers=auth(asha),
                          json={"delivered_on": "2026-11-18", "place": "home",
                                "live_births": 1, "babies": [baby(birth_doses=[])]})  # fmt: skip
    assert refused.status_code == 403
    outsider = staff(ctx, "anm.raigarh", "anm", "IN-CG-RGH")
    hidden = client.get(f"/api/v1/pregnancies/{preg.json()['id']}", headers=auth(outsider))
    assert hidden.status_code == 403


def test_the_person_page_shows_her_pregnancy(ctx, client, anm, woman):
    assert pregnancy(client, anm, woman).status_code == 201
    client.cookies.set("sevasetu_session", anm)
    page = client.get(f"/people/{woman['id']}", headers={"Accept-Language": "en"})
    assert page.status_code == 200, page.text
    assert "Pregnancies" in page.text and "2026-12-06" in page.text and "37 weeks" in page.text


def bcg(lot):
    return [{"code": "BCG", "lot": lot, "given_on": "2026-11-18"}]


def test_birth_doses_at_a_facility_come_from_its_lots(ctx, client, anm, woman):
    admin = staff(ctx, "fa.chc", "facility_admin", NADIA_BLOCK)
    lot = client.post(f"/api/v1/facilities/{CHC}/lots", headers=auth(admin),
                      json={"product": "BCG vaccine", "lot": "BCG-1", "expiry": "2027-06-30",
                            "dose_codes": ["BCG"], "doses_received": 100})  # fmt: skip
    assert lot.status_code == 201, lot.text
    preg = pregnancy(client, anm, woman).json()
    url = f"/api/v1/pregnancies/{preg['id']}/delivery"
    body = {"delivered_on": "2026-11-18", "place": CHC, "live_births": 1}
    unknown = client.post(url, headers=auth(anm),
                          json={**body, "babies": [baby(birth_doses=bcg("NOPE"))]})  # fmt: skip
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"][0]["field"].startswith("babies[0].birth_doses[0].")
    done = client.post(url, headers=auth(anm),
                       json={**body, "babies": [baby(birth_doses=bcg("BCG-1"))]})  # fmt: skip
    assert done.status_code == 201, done.text
    [given] = done.json()["vaccinations"]
    assert (given["lot"], given["product"]) == ("BCG-1", "BCG vaccine")

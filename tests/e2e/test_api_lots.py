"""Vaccine lots a facility holds, and doses recorded from them."""

from __future__ import annotations

import pytest

from ..builders import NADIA_BLOCK, auth, person_body, staff

CHC = "IN-WB-NAD-KN1-CHC"


@pytest.fixture
def child(ctx, client):
    asha = staff(ctx, "asha.l", "asha", NADIA_BLOCK)
    body = person_body(name="শিশু দাস", birth_date="2026-03-31", phone=None, identifiers={})
    return client.post("/api/v1/people", json=body, headers=auth(asha)).json()


def lot_body(**overrides):
    body = {"product": "Pentavac", "lot": "PV1", "expiry": "2026-06-30",
            "dose_codes": ["penta1", "PENTA2", "PENTA3"], "manufacturer": "Serum Institute",
            "doses_received": 500}  # fmt: skip
    return {**body, **overrides}


def penta1(child, **extra):
    return {"person_id": child["id"], "dose_code": "PENTA1", "given_on": "2026-05-12",
            "facility_code": CHC, **extra}  # fmt: skip


def test_a_facility_admin_adds_lots_and_vaccinators_list_the_usable_ones(ctx, client):
    admin = staff(ctx, "fa.kn1", "facility_admin", NADIA_BLOCK)
    added = client.post(f"/api/v1/facilities/{CHC}/lots", json=lot_body(), headers=auth(admin))
    assert added.status_code == 201, added.text
    assert added.json()["dose_codes"] == ["PENTA1", "PENTA2", "PENTA3"]
    old = lot_body(product="BCG (SII)", lot="B0", expiry="2026-01-31", dose_codes=["BCG"])
    assert client.post(f"/api/v1/facilities/{CHC}/lots", json=old,
                       headers=auth(admin)).status_code == 201  # fmt: skip
    again = client.post(f"/api/v1/facilities/{CHC}/lots", json=lot_body(), headers=auth(admin))
    assert again.status_code == 409 and again.json()["code"] == "duplicate-lot"
    anm = staff(ctx, "anm.kn1", "anm", NADIA_BLOCK)
    every = client.get(f"/api/v1/facilities/{CHC}/lots", headers=auth(anm)).json()
    assert [x["lot"] for x in every] == ["B0", "PV1"]  # soonest expiry first
    usable = client.get(f"/api/v1/facilities/{CHC}/lots", params={"usable_on": "2026-05-01"},
                        headers=auth(anm)).json()  # fmt: skip
    assert [x["lot"] for x in usable] == ["PV1"]
    with ctx.uow() as uow:
        assert any(e.action == "lot.add" for e in uow.audit.of_state("IN-WB"))


@pytest.mark.parametrize(
    ("role", "area", "status"),
    [("anm", NADIA_BLOCK, 403), ("facility_admin", "IN-CG-RGH", 403),
     ("district_officer", "IN-WB-NAD", 201), ("state_admin", "IN-WB", 201)],
)  # fmt: skip
def test_only_a_facility_admin_or_higher_of_that_area_adds_lots(ctx, client, role, area, status):
    token = staff(ctx, f"u.{role}", role, area)
    answer = client.post(f"/api/v1/facilities/{CHC}/lots", json=lot_body(), headers=auth(token))
    assert answer.status_code == status, answer.text


@pytest.mark.parametrize(
    ("body", "field"),
    [({"dose_codes": ["NOPE"]}, "dose_codes"), ({"dose_codes": []}, "dose_codes"),
     ({"product": "  "}, "product"), ({"doses_received": -1}, "doses_received")],
)  # fmt: skip
def test_bad_lots_are_refused(ctx, client, body, field):
    admin = staff(ctx, "fa.bad", "facility_admin", NADIA_BLOCK)
    answer = client.post(f"/api/v1/facilities/{CHC}/lots", json=lot_body(**body),
                         headers=auth(admin))  # fmt: skip
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == field


def test_unknown_facility(ctx, client):
    admin = staff(ctx, "fa.unk", "facility_admin", NADIA_BLOCK)
    answer = client.post("/api/v1/facilities/NOWHERE/lots", json=lot_body(), headers=auth(admin))
    assert answer.status_code == 422 and answer.json()["code"] == "unknown-facility"


@pytest.fixture
def stocked(ctx, client):
    admin = staff(ctx, "fa.stock", "facility_admin", NADIA_BLOCK)
    for body in (lot_body(), lot_body(product="BCG (SII)", lot="B0", expiry="2026-05-10",
                                      dose_codes=["BCG"])):  # fmt: skip
        assert client.post(f"/api/v1/facilities/{CHC}/lots", json=body,
                           headers=auth(admin)).status_code == 201  # fmt: skip
    return staff(ctx, "anm.stock", "anm", NADIA_BLOCK)


def test_a_dose_from_a_lot_takes_its_product_and_expiry(ctx, client, child, stocked):
    answer = client.post("/api/v1/vaccinations", json=penta1(child, lot="PV1"),
                         headers=auth(stocked))  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert (answer.json()["product"], answer.json()["lot_expiry"]) == ("Pentavac", "2026-06-30")


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [({"lot": "XX9"}, "unknown-lot", "XX9"),
     ({"lot": "PV1", "product": "Easyfive"}, "unknown-lot", "PV1"),
     ({"lot": "B0"}, "lot-not-for-dose", "PENTA1"),
     ({"lot": "PV1", "given_on": "2026-07-01", "dose_code": "PENTA1"}, None, None)],
)  # fmt: skip
def test_a_dose_from_a_lot_not_held_not_serving_it_or_expired_is_refused(
    ctx, client, child, stocked, extra, code, words
):
    body = penta1(child, **extra)
    answer = client.post("/api/v1/vaccinations", json=body, headers=auth(stocked))
    if code is None:  # PENTA1 on 1 July from a lot that expired on 30 June
        code, words = "lot-expired", "2026-06-30"
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code and words in answer.json()["detail"]
    assert answer.json()["errors"][0]["field"] == "lot"
    with ctx.uow() as uow:
        assert uow.vaccinations.of_person("IN-WB", child["id"]) == []


def test_a_backdated_dose_carries_a_free_text_lot(ctx, client, child, stocked):
    body = penta1(child, lot="CARD-77", backdated=True, evidence="MCP card")
    answer = client.post("/api/v1/vaccinations", json=body, headers=auth(stocked))
    assert answer.status_code == 201, answer.text
    assert answer.json()["lot"] == "CARD-77" and answer.json()["source"] == "backdated"


def test_without_a_facility_the_lot_is_free_text_as_before(ctx, client, child, stocked):
    body = {**penta1(child, lot="ANY"), "facility_code": None}
    answer = client.post("/api/v1/vaccinations", json=body, headers=auth(stocked))
    assert answer.status_code == 201, answer.text

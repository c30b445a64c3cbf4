"""Recording doses anywhere, refusing doses out of schedule, and the schedule from the record."""

from __future__ import annotations

import pytest

from ..builders import NADIA_BLOCK, auth, person_body, staff


@pytest.fixture
def child(ctx, client):
    asha = staff(ctx, "asha.v", "asha", NADIA_BLOCK)
    body = person_body(name="শিশু দাস", birth_date="2026-03-31", phone=None, identifiers={})
    return client.post("/api/v1/people", json=body, headers=auth(asha)).json()


def dose(child, code, day, **extra):
    return {"person_id": child["id"], "dose_code": code, "given_on": day, **extra}


def test_an_anm_in_another_district_records_a_dose(ctx, client, child):
    raigarh_anm = staff(ctx, "anm.raigarh", "anm", "IN-CG-RGH")
    lot = {"product": "BCG (SII)", "lot": "B123", "expiry": "2027-01-31", "dose_codes": ["BCG"],
           "doses_received": 200}  # fmt: skip
    admin = staff(ctx, "fa.raigarh", "facility_admin", "IN-CG-RGH")
    assert client.post("/api/v1/facilities/IN-CG-RGH-RGH-CHC/lots", json=lot,
                       headers=auth(admin)).status_code == 201  # fmt: skip
    recorded = client.post(
        "/api/v1/vaccinations",
        headers=auth(raigarh_anm),
        json=dose(child, "BCG", "2026-04-02", facility_code="IN-CG-RGH-RGH-CHC", lot="B123"),
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["source"] == "session"
    nadia_anm = staff(ctx, "anm.nadia", "anm", NADIA_BLOCK)
    card = client.get(f"/api/v1/people/{child['id']}/schedule", params={"as_of": "2026-12-31"},
                      headers=auth(nadia_anm)).json()  # fmt: skip
    by_code = {d["code"]: d for d in card["doses"]}
    assert by_code["BCG"] == {"code": "BCG", "status": "given", "due_date": None,
                              "last_date": "2027-03-30", "given_date": "2026-04-02"}  # fmt: skip
    assert by_code["MR1"]["status"] == "due" and by_code["MR1"]["due_date"] == "2026-12-31"


def test_a_dose_out_of_schedule_is_refused_unless_overridden_and_audited(ctx, client, child):
    anm = staff(ctx, "anm.o", "anm", NADIA_BLOCK)
    early = client.post(
        "/api/v1/vaccinations", headers=auth(anm), json=dose(child, "MR1", "2026-10-01")
    )
    assert early.status_code == 422
    assert early.json()["code"] == "dose-out-of-schedule"
    assert "2026-12-31" in early.json()["detail"]
    forced = client.post(
        "/api/v1/vaccinations",
        headers=auth(anm),
        json=dose(child, "MR1", "2026-10-01", override_reason="outbreak response, DIO order 17"),
    )
    assert forced.status_code == 201
    with ctx.uow() as uow:
        entry = next(e for e in uow.audit.of_state("IN-WB") if e.action == "vaccination.record")
    assert entry.detail["override"] == "outbreak response, DIO order 17"
    twice = client.post(
        "/api/v1/vaccinations",
        headers=auth(anm),
        json=dose(child, "MR1", "2026-11-15", override_reason="again"),
    )
    assert twice.status_code == 422 and "already given" in twice.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dose_code": "NOPE"}, "code"),
        ({"given_on": "2026-03-01"}, "given_on"),
        ({"given_on": "2027-01-01"}, "given_on"),
        ({"lot_expiry": "2026-03-31"}, "lot_expiry"),
        ({"facility_code": "NOWHERE"}, "facility_code"),
        ({"backdated": True}, "evidence"),
        ({"person_id": "0e5f1a30-0000-4000-8000-000000000000"}, "person_id"),
    ],
)
def test_bad_doses_name_the_reason_and_write_nothing(ctx, client, child, body, field):
    anm = staff(ctx, "anm.b", "anm", NADIA_BLOCK)
    response = client.post("/api/v1/vaccinations", headers=auth(anm),
                           json={**dose(child, "BCG", "2026-04-02"), **body})  # fmt: skip
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["errors"][0]["field"] == field
    with ctx.uow() as uow:
        assert uow.vaccinations.of_person("IN-WB", child["id"]) == []


def test_an_asha_cannot_record_doses(ctx, client, child):
    asha = staff(ctx, "asha.no", "asha", NADIA_BLOCK)
    refused = client.post(
        "/api/v1/vaccinations", headers=auth(asha), json=dose(child, "BCG", "2026-04-02")
    )
    assert refused.status_code == 403


def test_a_verifier_records_only_doses_given_elsewhere_with_their_evidence(ctx, client, child):
    verifier = staff(ctx, "verifier.v", "verifier", NADIA_BLOCK)
    today = client.post("/api/v1/vaccinations", headers=auth(verifier),
                        json=dose(child, "BCG", "2026-04-01"))  # fmt: skip
    assert today.status_code == 403
    seen = dose(child, "BCG", "2026-04-01", backdated=True, evidence="BCG card, home visit")
    card = client.post("/api/v1/vaccinations", headers=auth(verifier), json=seen)
    assert card.status_code == 201, card.text
    assert card.json()["source"] == "backdated"

"""Vaccination anywhere: a vaccinator in another state finds a person by an exact identifier
and reads their schedule; everyone else stays inside their area; all of it audited."""

from __future__ import annotations

import pytest

from ..builders import NADIA_BLOCK, aadhaar, auth, person_body, staff

NUMBER = aadhaar("34567890123")


@pytest.fixture
def child(ctx, client):
    asha = staff(ctx, "asha.l", "asha", NADIA_BLOCK)
    body = person_body(name="শিশু দাস", birth_date="2026-03-31", phone="9123456780",
                       identifiers={"aadhaar": NUMBER})  # fmt: skip
    made = client.post("/api/v1/people", json=body, headers=auth(asha))
    assert made.status_code == 201, made.text
    return made.json()


def lookup(client, token, kind, value):
    return client.get(
        "/api/v1/people/lookup", params={"kind": kind, "value": value}, headers=auth(token)
    )


def test_a_vaccinator_in_another_state_finds_and_reads_the_schedule(ctx, client, child):
    anm = staff(ctx, "anm.raigarh", "anm", "IN-CG-RGH")
    found = lookup(client, anm, "aadhaar", NUMBER[:4] + " " + NUMBER[4:])
    assert found.status_code == 200, found.text
    assert found.json() == [{
        "id": child["id"], "name": "শিশু দাস", "name_latin": child["name_latin"],
        "birth_date": "2026-03-31", "sex": "male", "identifier": "xxxx-xxxx-" + NUMBER[-4:],
        "area_code": "IN-WB-NAD-KN1-DOG", "reach": "anywhere",
    }]  # fmt: skip
    card = client.get(f"/api/v1/people/{child['id']}/schedule", headers=auth(anm))
    assert card.status_code == 200
    # Only the schedule: the full record stays inside the area.
    assert client.get(f"/api/v1/people/{child['id']}", headers=auth(anm)).status_code == 403
    with ctx.uow() as uow:
        entries = [e for e in uow.audit.of_state("IN-WB") if e.actor.endswith(anm_id(ctx))]
    assert {(e.action, e.detail.get("reach")) for e in entries} >= {
        ("person.lookup", "anywhere"),
        ("person.read", "anywhere"),
    }


def anm_id(ctx) -> str:
    with ctx.uow() as uow:
        return uow.users.by_username("anm.raigarh").id


def test_by_mobile_and_unknown_numbers(ctx, client, child):
    facility = staff(ctx, "facility.cg", "facility_admin", "IN-CG-RGH")
    by_phone = lookup(client, facility, "phone", "9123456780").json()
    assert [h["id"] for h in by_phone] == [child["id"]]
    assert by_phone[0]["identifier"] == "xxxxxxxxx6780"
    assert lookup(client, facility, "aadhaar", aadhaar("99999999999")).json() == []
    assert lookup(client, facility, "passport", "X1").status_code == 422
    assert lookup(client, facility, "aadhaar", "123").status_code == 422


def test_others_stay_inside_their_area(ctx, client, child):
    raigarh_asha = staff(ctx, "asha.rgh", "asha", "IN-CG-RGH")
    assert lookup(client, raigarh_asha, "aadhaar", NUMBER).json() == []
    refused = client.get(f"/api/v1/people/{child['id']}/schedule", headers=auth(raigarh_asha))
    assert refused.status_code == 403
    nadia_asha = staff(ctx, "asha.n2", "asha", NADIA_BLOCK)
    mine = lookup(client, nadia_asha, "aadhaar", NUMBER).json()
    assert [(h["id"], h["reach"]) for h in mine] == [(child["id"], "area")]
    assert (
        client.get("/api/v1/people/lookup", params={"kind": "phone", "value": "1"}).status_code
        == 401
    )

"""Households are registered whole or not at all."""

from __future__ import annotations

import pytest

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, aadhaar, auth, person_body, staff


@pytest.fixture
def asha(ctx):
    return staff(ctx, "asha.hh", "asha", NADIA_BLOCK)


def member(relation, **person):
    body = {k: v for k, v in person_body(**person).items() if k != "area_code"}
    return {"relation": relation, "person": body}


def roster():
    return [
        member(
            "head",
            name="রহিম শেখ",
            birth_date="1980-03-01",
            identifiers={"aadhaar": aadhaar("45678901234")},
        ),
        member(
            "spouse",
            name="ফাতেমা বিবি",
            sex="female",
            birth_date="1985-07-15",
            phone=None,
            identifiers={},
        ),
        member(
            "daughter",
            name="আয়েশা খাতুন",
            sex="female",
            birth_date="2024-01-20",
            phone=None,
            identifiers={},
        ),
    ]


def test_register_household_with_members(client, asha):
    response = client.post(
        "/api/v1/households",
        json={"area_code": NADIA_VILLAGE, "address": "Near the pond", "members": roster()},
        headers=auth(asha),
    )
    assert response.status_code == 201, response.text
    household = response.json()
    assert [m["relation_to_head"] for m in household["members"]] == ["head", "spouse", "daughter"]
    head = household["members"][0]
    assert household["head_person_id"] == head["id"]
    assert all(m["household_id"] == household["id"] for m in household["members"])
    read = client.get(f"/api/v1/households/{household['id']}", headers=auth(asha)).json()
    assert {m["name"] for m in read["members"]} == {"রহিম শেখ", "ফাতেমা বিবি", "আয়েশা খাতুন"}


def test_an_existing_person_joins_a_new_household(client, asha):
    person = client.post("/api/v1/people", json=person_body(), headers=auth(asha)).json()
    response = client.post(
        "/api/v1/households",
        json={
            "area_code": NADIA_VILLAGE,
            "members": [{"relation": "head", "person_id": person["id"]}],
        },
        headers=auth(asha),
    )
    assert response.status_code == 201, response.text
    again = client.post(
        "/api/v1/households",
        json={
            "area_code": NADIA_VILLAGE,
            "members": [{"relation": "head", "person_id": person["id"]}],
        },
        headers=auth(asha),
    )
    assert again.status_code == 422


@pytest.mark.parametrize("breakage", ["bad_member", "two_heads", "no_head", "bad_relation"])
def test_a_bad_member_writes_nothing(ctx, client, asha, breakage):
    members = roster()
    if breakage == "bad_member":
        members[2]["person"]["birth_date"] = "2099-01-01"
    elif breakage == "two_heads":
        members[1]["relation"] = "head"
    elif breakage == "no_head":
        members[0]["relation"] = "son"
    else:
        members[1]["relation"] = "cousin-ish"
    response = client.post(
        "/api/v1/households",
        json={"area_code": NADIA_VILLAGE, "members": members},
        headers=auth(asha),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith("members")
    with ctx.uow() as uow:
        assert uow.people.count() == 0


def test_a_duplicate_member_identifier_rolls_back_the_whole_household(ctx, client, asha):
    client.post(
        "/api/v1/people",
        json=person_body(identifiers={"aadhaar": aadhaar("45678901234")}),
        headers=auth(asha),
    )
    response = client.post(
        "/api/v1/households",
        json={"area_code": NADIA_VILLAGE, "members": roster()},
        headers=auth(asha),
    )
    assert response.status_code == 409
    with ctx.uow() as uow:
        assert uow.people.count() == 1


def test_a_duplicate_member_is_named_by_its_row(client, asha):
    client.post(
        "/api/v1/people",
        json=person_body(identifiers={"aadhaar": aadhaar("45678901234")}),
        headers=auth(asha),
    )
    response = client.post(
        "/api/v1/households",
        json={"area_code": NADIA_VILLAGE, "members": roster()},
        headers=auth(asha),
    )
    assert response.json()["errors"][0]["field"] == "members[0].identifiers.aadhaar"
    assert "Aadhaar" in response.json()["detail"]

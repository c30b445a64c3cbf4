"""The people API as a health worker and an integration use it, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from ..builders import NADIA, NADIA_BLOCK, aadhaar, auth, person_body, staff


@pytest.fixture
def asha(ctx):
    return staff(ctx, "asha.one", "asha", NADIA_BLOCK, "bn")


def test_register_and_read_person_hides_aadhaar(client, asha):
    created = client.post("/api/v1/people", json=person_body(), headers=auth(asha))
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["name"] == "অমিত দাস"
    assert person["name_latin"] == "Amit Das"
    assert person["state_code"] == "IN-WB"
    assert person["phone"] == "+919876543210"
    assert person["identifiers"] == [
        {"kind": "aadhaar", "display": "xxxx-xxxx-" + aadhaar("23456789012")[-4:]}
    ]
    read = client.get(f"/api/v1/people/{person['id']}", headers=auth(asha))
    assert read.status_code == 200
    assert aadhaar("23456789012") not in read.text


def test_aadhaar_is_not_stored_in_the_clear(ctx, client, asha):
    number = aadhaar("23456789012")
    client.post("/api/v1/people", json=person_body(), headers=auth(asha))
    with ctx.engine.connect() as conn:
        from sqlalchemy import text

        for table in ("people", "person_identifiers", "audit_log", "person_history"):
            dump = " ".join(str(r) for r in conn.execute(text(f"SELECT * FROM {table}")))
            assert number not in dump, table


def test_person_without_phone_or_birth_date_but_with_age(client, asha):
    body = person_body(phone=None, birth_date=None, age_years=70, identifiers={})
    response = client.post("/api/v1/people", json=body, headers=auth(asha))
    assert response.status_code == 201, response.text
    assert response.json()["birth_date_estimated"] is True
    assert response.json()["phone"] is None


def test_same_identifier_twice_is_a_conflict_with_the_existing_record(client, asha):
    first = client.post("/api/v1/people", json=person_body(), headers=auth(asha)).json()
    again = client.post(
        "/api/v1/people", json=person_body(name="Amit Kumar Das"), headers=auth(asha)
    )
    assert again.status_code == 409
    problem = again.json()
    assert again.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/duplicate-identifier")
    assert problem["existing"]["id"] == first["id"]


def test_near_match_warns_until_confirmed(client, asha):
    client.post("/api/v1/people", json=person_body(identifiers={}), headers=auth(asha))
    similar = person_body(name="Amit Das", birth_date="1990-11-02", phone=None, identifiers={})
    warned = client.post("/api/v1/people", json=similar, headers=auth(asha))
    assert warned.status_code == 409
    assert warned.json()["code"] == "possible-duplicate"
    assert warned.json()["matches"][0]["person"]["name"] == "অমিত দাস"
    confirmed = client.post(
        "/api/v1/people", json={**similar, "confirm_new": True}, headers=auth(asha)
    )
    assert confirmed.status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"identifiers": {"aadhaar": "234567890123"}}, "identifiers.aadhaar", "check digit"),
        ({"identifiers": {"aadhaar": "23456789012"}}, "identifiers.aadhaar", "12 digits"),
        ({"identifiers": {"abha": "1234"}}, "identifiers.abha", "14 digits"),
        ({"birth_date": "2031-01-01"}, "birth_date", "future"),
        ({"birth_date": "1870-01-01"}, "birth_date", "older than 120"),
        ({"birth_date": "2020-02-30"}, "birth_date", ""),
        ({"area_code": "IN-XX-NOPE"}, "area_code", "no area"),
        ({"area_code": NADIA}, "area_code", "village or ward"),
        ({"phone": "12345"}, "phone", "not a valid"),
        ({"sex": "x"}, "sex", "female, male or other"),
        ({"nickname": "Amu"}, "nickname", "not known"),
        ({"name": ""}, "name", ""),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(ctx, client, asha, change, field, words):
    response = client.post("/api/v1/people", json=person_body(**change), headers=auth(asha))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["status"] == 422
    assert any(e["field"] == field for e in problem["errors"]), problem
    assert words.lower() in problem["detail"].lower()
    with ctx.uow() as uow:
        assert uow.people.count() == 0


def test_errors_speak_the_callers_language(client, asha):
    response = client.post(
        "/api/v1/people",
        json=person_body(birth_date="2031-01-01"),
        headers=auth(asha, **{"Accept-Language": "bn"}),
    )
    assert response.status_code == 422
    assert any("\u0980" <= ch <= "\u09ff" for ch in response.json()["detail"])


def test_malformed_bodies(client, asha):
    not_utf8 = client.post(
        "/api/v1/people",
        content=b'{"name": "\xff\xfe"}',
        headers=auth(asha, **{"Content-Type": "application/json"}),
    )
    assert not_utf8.status_code == 400
    assert not_utf8.json()["code"] == "malformed-body"
    too_big = client.post(
        "/api/v1/people",
        content=b"{" + b" " * 1_100_000 + b"}",
        headers=auth(asha, **{"Content-Type": "application/json"}),
    )
    assert too_big.status_code == 413
    broken = client.post(
        "/api/v1/people",
        content=b'{"name": ',
        headers=auth(asha, **{"Content-Type": "application/json"}),
    )
    assert broken.status_code == 400


def test_idempotency_key_replays_the_first_answer(ctx, client, asha):
    headers = auth(asha, **{"Idempotency-Key": "reg-0001"})
    first = client.post("/api/v1/people", json=person_body(), headers=headers)
    second = client.post("/api/v1/people", json=person_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    with ctx.uow() as uow:
        assert uow.people.count() == 1
    different = client.post("/api/v1/people", json=person_body(name="Other"), headers=headers)
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency-key-reused"


def test_a_failed_request_can_be_retried_with_its_key(client, asha):
    headers = auth(asha, **{"Idempotency-Key": "reg-0002"})
    bad = client.post("/api/v1/people", json=person_body(sex="x"), headers=headers)
    assert bad.status_code == 422
    again = client.post("/api/v1/people", json=person_body(sex="x"), headers=headers)
    assert again.status_code == 422 and again.headers.get("idempotent-replayed") == "true"


def test_search_by_name_in_any_script_phone_and_aadhaar(client, asha):
    client.post("/api/v1/people", json=person_body(), headers=auth(asha))
    client.post(
        "/api/v1/people",
        json=person_body(
            name="সুনীতা দেবী",
            sex="female",
            birth_date="1995-01-01",
            phone=None,
            identifiers={"aadhaar": aadhaar("34567890123")},
        ),
        headers=auth(asha),
    )
    for query, expected in [
        ("Amit", "অমিত দাস"),
        ("অমিত", "অমিত দাস"),
        ("das", "অমিত দাস"),
        ("Sunita", "সুনীতা দেবী"),
        ("98765 43210", "অমিত দাস"),
        (aadhaar("34567890123"), "সুনীতা দেবী"),
    ]:
        found = client.get("/api/v1/people", params={"q": query}, headers=auth(asha)).json()
        assert [p["name"] for p in found["items"]] == [expected], query


def test_pagination(client, asha):
    for i in range(5):
        client.post(
            "/api/v1/people",
            json=person_body(
                name=f"Rina {chr(65 + i)}",
                sex="female",
                birth_date=f"19{70 + i * 5}-01-01",
                identifiers={},
                confirm_new=True,
            ),
            headers=auth(asha),
        )
    page1 = client.get(
        "/api/v1/people", params={"q": "rina", "page_size": 2}, headers=auth(asha)
    ).json()
    page3 = client.get(
        "/api/v1/people", params={"q": "rina", "page_size": 2, "page": 3}, headers=auth(asha)
    ).json()
    assert len(page1["items"]) == 2 and page1["has_more"] is True
    assert len(page3["items"]) == 1 and page3["has_more"] is False


def test_correction_keeps_history(client, asha):
    person = client.post("/api/v1/people", json=person_body(), headers=auth(asha)).json()
    fixed = client.patch(
        f"/api/v1/people/{person['id']}",
        json={
            "name": "অমিত কুমার দাস",
            "reason": "spelling on Aadhaar card",
            "version": 1,
        },
        headers=auth(asha),
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["version"] == 2
    assert fixed.json()["identifiers"] == person["identifiers"]
    stale = client.patch(
        f"/api/v1/people/{person['id']}",
        json={"name": "X", "reason": "late edit", "version": 1},
        headers=auth(asha),
    )
    assert stale.status_code == 409
    history = client.get(f"/api/v1/people/{person['id']}/history", headers=auth(asha)).json()
    assert [h["snapshot"]["name"] for h in history] == ["অমিত দাস"]
    assert history[0]["reason"] == "spelling on Aadhaar card"


def test_health_and_openapi(client):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/people" in spec["paths"]


def test_reasons_with_numbers_are_translated_too(client, asha):
    response = client.post(
        "/api/v1/people",
        json=person_body(identifiers={"bd_nid": "12345"}),
        headers=auth(asha, **{"Accept-Language": "hi"}),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "must have" not in detail and " or " not in detail
    assert "5" in detail and "17" in detail


def test_text_with_a_nul_character_is_refused_at_the_edge(ctx, client):
    token = staff(ctx, "asha.nul", "asha", NADIA_BLOCK)
    body = client.post("/api/v1/people", json=person_body(name="Ami\u0000t"), headers=auth(token))
    assert body.status_code == 400 and body.json()["code"] == "malformed-body"
    login = client.post("/api/v1/auth/token", json={"username": "\u0000", "password": "x"})
    assert login.status_code == 400
    query = client.get("/api/v1/people?q=a%00b", headers=auth(token))
    assert query.status_code == 400 and query.json()["code"] == "malformed-query"
    escaped = client.post("/api/v1/people", json=person_body(name="Amit \\u0000"),
                          headers=auth(token))  # fmt: skip
    assert escaped.status_code != 400, "a backslash and 'u0000' as typed are only text"

"""The child-marriage check and the outreach list over HTTP: the result with its evidence,
problems with stable types for unknown numbers and bad input, the registrar's rights."""

from __future__ import annotations

import pytest

from tests.builders import auth, staff
from tests.integration.test_marriage import BOY_NID, GIRL_BRN, couple
from tests.ledger_builders import TALA

PROBLEM = "application/problem+json"


@pytest.fixture
def tokens(ctx):
    people = couple(ctx)
    return {
        "kazi": staff(ctx, "tala.kazi", "registrar", TALA),
        "asha": staff(ctx, "tala.asha", "asha", TALA),
        "people": people,
    }


def test_a_registrar_checks_a_couple_and_gets_the_refusal_with_the_evidence(client, tokens):
    body = {"bride": {"kind": "bd_brn", "number": GIRL_BRN},
            "groom": {"kind": "bd_nid", "number": BOY_NID}}  # fmt: skip
    answer = client.post("/api/v1/marriage-checks", json=body, headers=auth(tokens["kazi"]))
    assert answer.status_code == 201, answer.text
    found = answer.json()
    assert found["outcome"] == "refused" and found["on"] == "2026-11-20"
    assert found["minimum_ages"]["bride"] == 18 and found["minimum_ages"]["groom"] == 21
    bride = found["bride"]
    assert (bride["age"], bride["outcome"], bride["reaches_minimum_on"]) == (
        16, "refused", "2028-03-04")  # fmt: skip
    assert bride["evidence"]["birth_date"] == "2010-03-04"
    assert bride["evidence"]["birth_date_source"] == "registry"
    assert (
        bride["evidence"]["named_by"] == "bd_brn" and bride["evidence"]["number_birth_year"] == 2010
    )
    assert found["groom"]["evidence"]["number"].startswith("x")  # an NID is masked
    in_bengali = client.post("/api/v1/marriage-checks", json=body,
                             headers={**auth(tokens["kazi"]), "Accept-Language": "bn"})  # fmt: skip
    assert in_bengali.json()["bride"]["reasons"][0] != bride["reasons"][0]
    later = client.post("/api/v1/marriage-checks", json={**body, "on": "2028-03-04"},
                        headers=auth(tokens["kazi"]))  # fmt: skip
    assert later.json()["outcome"] == "allowed"


def test_an_unknown_number_is_a_404_problem_with_a_stable_type(client, tokens):
    body = {"bride": {"kind": "bd_brn", "number": "20100304999999999"},
            "groom": {"person_id": tokens["people"]["sumon"]}}  # fmt: skip
    answer = client.post("/api/v1/marriage-checks", json=body, headers=auth(tokens["kazi"]))
    assert answer.status_code == 404 and answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["type"] == "https://sevasetu.org/problems/unknown-identifier"
    assert problem["errors"][0]["field"] == "bride.number"
    bad = client.post(
        "/api/v1/marriage-checks",
        json={"bride": {"kind": "bd_brn", "number": "12"}, "groom": {"person_id": "x"}},
        headers=auth(tokens["kazi"]),
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid-identifier"
    neither = client.post("/api/v1/marriage-checks", json={"bride": {}, "groom": {}},
                          headers=auth(tokens["kazi"]))  # fmt: skip
    assert neither.status_code == 422 and neither.json()["errors"][0]["field"] == "bride"
    extra = client.post("/api/v1/marriage-checks", json={"bride": {}, "groom": {}, "x": 1},
                        headers=auth(tokens["kazi"]))  # fmt: skip
    assert extra.status_code == 422


def test_only_registrars_and_officers_check_and_list(client, tokens):
    body = {"bride": {"kind": "bd_brn", "number": GIRL_BRN},
            "groom": {"kind": "bd_nid", "number": BOY_NID}}  # fmt: skip
    refused = client.post("/api/v1/marriage-checks", json=body, headers=auth(tokens["asha"]))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    listed = client.get(
        f"/api/v1/reports/marriage-alerts?area={TALA}", headers=auth(tokens["kazi"])
    )
    assert listed.status_code == 200
    assert {p["person_id"] for p in listed.json()["people"]} == {
        tokens["people"]["nasrin"], tokens["people"]["ratan"]}  # fmt: skip
    as_csv = client.get(f"/api/v1/reports/marriage-alerts.csv?area={TALA}",
                        headers=auth(tokens["kazi"]))  # fmt: skip
    assert as_csv.text.splitlines()[0].startswith("person_id,name,sex,age")
    assert len(as_csv.text.splitlines()) == 3
    assert client.get(f"/api/v1/reports/marriage-alerts?area={TALA}",
                      headers=auth(tokens["asha"])).status_code == 403  # fmt: skip

"""The services ledger over HTTP: schemes, attributes, eligibility, service records with the
Idempotency-Key, the clerk's queue, the duplicates report and its decisions, the priority
list. Errors are RFC 9457 problems naming the field."""

from __future__ import annotations

import pytest

from tests.builders import auth, staff
from tests.ledger_builders import OAA, RAHIMA_NID, TALA, TALA_W1, tala

PROBLEM = "application/problem+json"


@pytest.fixture
def tokens(ctx):
    people = tala(ctx)
    return {
        "admin": staff(ctx, "bd.admin", "state_admin", "BD-D"),
        "uno": staff(ctx, "tala.uno", "district_officer", TALA),
        "asha": staff(ctx, "tala.asha", "asha", TALA),
        "people": people,
    }


def record(ref: str, scheme: str = OAA, day: str = "2026-01-15", **extra):
    return {
        "department": "BD-DSS",
        "scheme": scheme,
        "reference": ref,
        "delivered_on": day,
        **extra,
    }


def test_a_state_admin_saves_a_scheme_and_a_rule_that_does_not_parse_is_refused(client, tokens):
    body = {
        "department": "BD-DSS",
        "name": "Ward stipend",
        "benefit": "cash",
        "period": "yearly",
        "area": TALA,
        "rules": ["age >= 6", "age < 16"],
    }
    saved = client.put("/api/v1/schemes/BD-STIPEND", json=body, headers=auth(tokens["admin"]))
    assert saved.status_code == 200, saved.text
    assert (saved.json()["version"], saved.json()["min_age"]) == (1, 6)
    bad = client.put(
        "/api/v1/schemes/BD-STIPEND",
        json={**body, "rules": ["age >= 6", "age >> 16"]},
        headers=auth(tokens["admin"]),
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    assert bad.json()["errors"][0]["field"] == "rules[1]"
    assert 'The rule "age >> 16" does not parse' in bad.json()["detail"]
    assert client.get("/api/v1/schemes/BD-STIPEND", headers=auth(tokens["admin"])).json()[
        "rules"
    ] == ["age >= 6", "age < 16"]
    grouped = client.put(
        "/api/v1/schemes/BD-STIPEND",
        json={**body, "exclusive_group": "BD-ALLOWANCE"},
        headers=auth(tokens["admin"]),
    )
    assert grouped.status_code == 422 and grouped.json()["errors"][0]["field"] == "period"
    denied = client.put("/api/v1/schemes/BD-STIPEND", json=body, headers=auth(tokens["asha"]))
    assert denied.status_code == 403


def test_eligibility_says_which_rule_passed_or_failed(client, tokens):
    people = tokens["people"]
    widow = client.get(
        f"/api/v1/people/{people['rahima']}/eligibility",
        params={"scheme": "BD-WIDOW-ALLOWANCE"},
        headers=auth(tokens["uno"]),
    )
    assert widow.status_code == 200 and widow.json()["eligible"] is True
    child = client.get(
        f"/api/v1/people/{people['mitu']}/eligibility",
        params={"scheme": OAA},
        headers=auth(tokens["uno"]),
    ).json()
    assert child["eligible"] is False
    (rule,) = child["rules"]
    assert rule == {
        "rule": "age >= 65 or sex == female and age >= 62",
        "passed": False,
        "facts": {"age": 11, "sex": "female"},
    }
    put = client.put(
        f"/api/v1/people/{people['mitu']}/attributes",
        json={"marital_status": "engaged"},
        headers=auth(tokens["asha"]),
    )
    assert put.status_code == 422 and put.json()["errors"][0]["field"] == "marital_status"


def test_records_all_or_none_idempotent_queued_and_resolved_by_a_clerk(client, tokens):
    people = tokens["people"]
    batch = {
        "records": [
            record("DSS-1", identifiers={"bd_nid": RAHIMA_NID}),
            record("DSS-2", identifiers={"bd_nid": "9999999999"}, name="অচেনা", area_code=TALA_W1),
        ]
    }
    headers = auth(tokens["uno"], **{"Idempotency-Key": "dss-batch-1"})
    first = client.post("/api/v1/service-records", json=batch, headers=headers)
    assert first.status_code == 201, first.text
    assert (first.json()["created"], first.json()["queued"]) == (2, 1)
    replay = client.post("/api/v1/service-records", json=batch, headers=headers)
    assert replay.json() == first.json()
    again = client.post("/api/v1/service-records", json=batch, headers=auth(tokens["uno"]))
    assert (again.json()["created"], again.json()["already_on_file"]) == (0, 2)
    wrong = client.post(
        "/api/v1/service-records",
        headers=auth(tokens["uno"]),
        json={
            "records": [
                record("DSS-3", identifiers={"bd_nid": RAHIMA_NID}),
                record("DSS-4", scheme="BD-NOPE", identifiers={"bd_nid": RAHIMA_NID}),
            ]
        },
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "records[1].scheme"
    (waiting,) = client.get("/api/v1/service-records/queue", headers=auth(tokens["uno"])).json()
    assert waiting["reference"] == "DSS-2" and waiting["key_last4"] == "9999"
    done = client.post(
        f"/api/v1/service-records/{waiting['id']}/decision",
        json={"person_id": people["karim"]},
        headers=auth(tokens["uno"]),
    )
    assert done.status_code == 200 and done.json()["resolved_by"] == "clerk"
    services = client.get(
        f"/api/v1/people/{people['rafi']}/services", headers=auth(tokens["uno"])
    ).json()
    assert {s["reference"] for s in services} == {"DSS-1", "DSS-2"}


def test_duplicates_report_and_a_decision_with_its_reason(client, tokens):
    client.post(
        "/api/v1/service-records",
        headers=auth(tokens["uno"]),
        json={
            "records": [
                record("DSS-1", identifiers={"bd_nid": RAHIMA_NID}),
                record("DSS-2", day="2026-01-20", identifiers={"bd_brn": "19581234567890123"}),
            ]
        },
    )
    report = client.get(
        "/api/v1/reports/duplicates", params={"area": TALA}, headers=auth(tokens["uno"])
    ).json()
    (finding,) = report["findings"]
    assert finding["kind"] == "duplicate" and len(finding["evidence"]) == 2
    assert report["totals"][0]["duplicate_amount"] == 1200
    path = f"/api/v1/benefit-findings/{finding['id']}/status"
    missing = client.post(path, json={"status": "dismissed"}, headers=auth(tokens["uno"]))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    done = client.post(path, json={"status": "confirmed"}, headers=auth(tokens["uno"]))
    assert done.status_code == 200 and done.json()["status"] == "confirmed"


def test_priority_list_json_and_csv(client, tokens):
    found = client.get(
        "/api/v1/reports/priority", params={"area": TALA}, headers=auth(tokens["uno"])
    ).json()
    assert found["people"][0]["person_id"] == tokens["people"]["abdul"]
    assert found["weights"]["aged_65_plus"] == 3
    csv_text = client.get(
        "/api/v1/reports/priority.csv", params={"area": TALA}, headers=auth(tokens["uno"])
    ).text
    assert csv_text.splitlines()[0].startswith("rank,points,factors")
    denied = client.get(
        "/api/v1/reports/priority", params={"area": TALA}, headers=auth(tokens["asha"])
    )
    assert denied.status_code == 403

"""`GET /api/v1/reports/reconciliation` and `POST /api/v1/attestations`."""

from __future__ import annotations

import base64

import pytest

from ..builders import KATHLI, auth, raigarh_reconciliation, staff

BODY = {"area_code": KATHLI, "dose_code": "COVID2", "claimed_coverage": 85,
        "signed_by": "Ramesh Sahu", "signed_on": "2021-12-01"}  # fmt: skip


@pytest.fixture
def dio(ctx):
    raigarh_reconciliation(ctx)
    return staff(ctx, "dio.raigarh", "district_officer", "IN-CG-RGH")


def test_the_report_as_json(client, dio):
    got = client.get("/api/v1/reports/reconciliation?area=IN-CG-RGH", headers=auth(dio))
    assert got.status_code == 200, got.text
    (rgh,) = got.json()["headline"]["districts"]
    assert rgh["second_before"] - rgh["first_before"] == 4 and rgh["balanced"]
    assert len(got.json()["headline"]["records"]) == 6


def test_report_refusals_are_problems(client, ctx, dio):
    asha = staff(ctx, "asha.rgh", "asha", "IN-CG-RGH-PUS")
    refused = client.get("/api/v1/reports/reconciliation?area=IN-CG-RGH", headers=auth(asha))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    outside = client.get("/api/v1/reports/reconciliation?area=IN-WB-NAD", headers=auth(dio))
    assert outside.status_code == 403
    village = client.get(f"/api/v1/reports/reconciliation?area={KATHLI}", headers=auth(dio))
    assert village.status_code == 422 and village.json()["code"] == "wrong-area-level"
    assert client.get("/api/v1/reports/reconciliation?area=IN-CG-RGH").status_code == 401


def test_record_an_attestation_with_its_scan(client, dio):
    scan = base64.b64encode(b"%PDF-1.4 certificate").decode()
    made = client.post("/api/v1/attestations", json={**BODY, "document": scan}, headers=auth(dio))
    assert made.status_code == 201, made.text
    assert made.json()["document_media_type"] == "application/pdf"
    report = client.get("/api/v1/reports/reconciliation?area=IN-CG-RGH", headers=auth(dio)).json()
    (check,) = report["attestations"]
    assert check["verdict"] == "agrees" and check["eligible"] == 8


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [({"claimed_coverage": 101}, 422, "claimed_coverage"), ({"area_code": "IN-CG-RGH"}, 422, None),
     ({"dose_code": "XYZ"}, 422, None), ({"document": "%%%"}, 422, "document"),
     ({"document": base64.b64encode(b"plain text").decode()}, 415, None),
     ({"signed_on": "2030-01-01"}, 422, "signed_on")],
)  # fmt: skip
def test_a_bad_attestation_is_a_problem_and_writes_nothing(client, ctx, dio, change, status,
                                                           field):  # fmt: skip
    refused = client.post("/api/v1/attestations", json={**BODY, **change}, headers=auth(dio))
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    with ctx.uow() as uow:
        assert uow.attestations.in_areas([KATHLI]) == []

"""The reconciliation pages over HTTP (no JS), on both databases: numbers, drill-downs, refusals,
and an attestation from the form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sevasetu.entrypoints.api.app import create_app

from ..builders import KATHLI, raigarh_reconciliation, staff
from .test_web_pages import csrf_of, login


@pytest.fixture
def officer(ctx):
    raigarh_reconciliation(ctx)
    staff(ctx, "dio.rgh", "district_officer", "IN-CG-RGH")
    staff(ctx, "asha.rgh", "asha", "IN-CG-RGH-PUS")
    with TestClient(create_app(ctx=ctx)) as client:
        login(client, "dio.rgh")
        yield client


def test_each_number_opens_its_records(officer):
    page = officer.get("/reports/reconciliation?area=IN-CG-RGH")
    assert page.status_code == 200 and "<svg" in page.text
    assert "kind=unexplained" in page.text and "kind=review" in page.text
    records = officer.get("/reports/reconciliation/records?area=IN-CG-RGH&kind=unexplained"
                          "&district=IN-CG-RGH")  # fmt: skip
    assert records.status_code == 200
    assert "nobody" in records.text and "refused" in records.text  # the two unexplained
    review = officer.get("/reports/reconciliation/records?area=IN-CG-RGH&kind=review")
    assert "CGT-review" in review.text and "6.0" in review.text  # its match weight


def test_refusals_are_pages_with_the_reason(officer, ctx):
    assert officer.get("/reports/reconciliation/records?area=IN-CG-RGH&kind=x").status_code == 422
    outside = officer.get("/reports/reconciliation?area=IN-WB-NAD")
    assert outside.status_code == 403 and 'class="alert"' in outside.text
    with TestClient(create_app(ctx=ctx)) as asha:
        login(asha, "asha.rgh")
        assert asha.get("/reports/reconciliation").status_code == 403
        assert "/reports/reconciliation" not in asha.get("/people").text  # no menu entry


def test_an_attestation_from_the_form(officer):
    page = officer.get("/reports/reconciliation?area=IN-CG-RGH")
    form = {"csrf": csrf_of(page.text), "area": "IN-CG-RGH", "schedule": "covid19-india",
            "area_code": KATHLI, "dose_code": "COVID2", "claimed_coverage": "८८",
            "signed_by": "Ramesh Sahu", "signed_on": "2021-12-01"}  # fmt: skip
    done = officer.post("/reports/attestations", data=form, follow_redirects=False)
    assert done.status_code == 303 and "saved=1" in done.headers["location"]
    shown = officer.get(done.headers["location"])
    assert "Agrees with the records" in shown.text and "88.0 %" in shown.text
    refused = officer.post("/reports/attestations", data={**form, "signed_on": ""})
    assert refused.status_code == 422 and "Say on which day it was signed." in refused.text
    forged = officer.post("/reports/attestations", data={**form, "csrf": "x"})
    assert forged.status_code == 403

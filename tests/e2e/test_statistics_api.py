"""Area statistics over HTTP: the figures as JSON and CSV, refusals as problems."""

from __future__ import annotations

from tests.builders import auth, staff
from tests.integration.test_statistics import population
from tests.ledger_builders import TALA, record_tala_services


def test_statistics_as_json_and_csv_for_officers_only(client, ctx):
    population(ctx)
    record_tala_services(ctx)
    uno = staff(ctx, "tala.uno", "district_officer", TALA)
    asha = staff(ctx, "tala.asha", "asha", TALA)
    found = client.get(f"/api/v1/reports/statistics?area={TALA}", headers=auth(uno))
    assert found.status_code == 200, found.text
    view = found.json()
    assert view["total"]["residents"] == 15 and len(view["bands"]) == 17
    assert view["total"]["pyramid"]["female"][3] == 2  # the two girls of 16
    assert view["total"]["schemes"]["BD-OLD-AGE-ALLOWANCE"]["recipients"] >= 2
    as_csv = client.get(f"/api/v1/reports/statistics.csv?area={TALA}", headers=auth(uno))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0] == "ward_code,ward_name,section,item,count,of,percent"
    refused = client.get(f"/api/v1/reports/statistics?area={TALA}", headers=auth(asha))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    unknown = client.get("/api/v1/reports/statistics?area=XX-NOWHERE", headers=auth(uno))
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-area"

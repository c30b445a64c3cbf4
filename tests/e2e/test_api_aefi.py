"""Adverse events following immunisation: reported by the vaccinator, followed up to the
outcome, listed for the district immunisation officer."""

from __future__ import annotations

import pytest

from ..builders import NADIA, NADIA_BLOCK, auth, person_body, staff

CHC = "IN-WB-NAD-KN1-CHC"


@pytest.fixture
def anm(ctx):
    return staff(ctx, "anm.aefi", "anm", NADIA_BLOCK)


@pytest.fixture
def dose(client, anm):
    body = person_body(name="শিশু দাস", birth_date="2026-03-31", phone=None, identifiers={})
    child = client.post("/api/v1/people", json=body, headers=auth(anm)).json()
    given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
        "person_id": child["id"], "dose_code": "PENTA1", "given_on": "2026-05-12",
        "facility_code": CHC})  # fmt: skip
    assert given.status_code == 201, given.text
    return given.json()


def report(**overrides):
    return {"onset_at": "2026-05-12T18:30:00+05:30", "symptoms": ["fever", "seizure"],
            "severity": "serious", "serious_reasons": ["hospitalisation"],
            "outcome": "recovering", "reported_by": "mother, via ASHA Nadia",
            **overrides}  # fmt: skip


def test_a_serious_event_is_reported_followed_up_and_listed_for_the_dio(ctx, client, anm, dose):
    made = client.post(f"/api/v1/vaccinations/{dose['id']}/aefi", headers=auth(anm),
                       json=report())  # fmt: skip
    assert made.status_code == 201, made.text
    event = made.json()
    assert event["serious"] is True and event["area_code"] == "IN-WB-NAD-KN1"
    assert event["dose_code"] == "PENTA1" and event["symptoms"] == ["fever", "seizure"]
    minor = client.post(f"/api/v1/vaccinations/{dose['id']}/aefi", headers=auth(anm),
                        json=report(severity="minor", serious_reasons=[],
                                    symptoms=["local_reaction"], outcome="recovered"))  # fmt: skip
    assert minor.status_code == 201, minor.text

    updated = client.patch(f"/api/v1/aefi/{event['id']}", headers=auth(anm),
                           json={"outcome": "recovered", "version": 1})  # fmt: skip
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    assert [h["outcome"] for h in updated.json()["outcome_history"]] == ["recovering", "recovered"]
    stale = client.patch(f"/api/v1/aefi/{event['id']}", headers=auth(anm),
                         json={"outcome": "recovered_with_sequelae", "version": 1})  # fmt: skip
    assert stale.status_code == 409

    dio = staff(ctx, "dio.nadia", "district_officer", NADIA)
    listed = client.get("/api/v1/aefi", headers=auth(dio), params={"area": NADIA, "serious": True})
    assert listed.status_code == 200, listed.text
    assert [r["id"] for r in listed.json()["items"]] == [event["id"]]
    everything = client.get("/api/v1/aefi", headers=auth(dio)).json()
    assert len(everything["items"]) == 2
    since = {"since": "2026-05-13T00:00:00+05:30"}
    assert client.get("/api/v1/aefi", headers=auth(dio), params=since).json()["items"] == []
    naive = client.get("/api/v1/aefi", headers=auth(dio), params={"since": "2026-05-13T00:00"})
    assert naive.status_code == 422
    other = staff(ctx, "dio.raigarh", "district_officer", "IN-CG-RGH")
    assert client.get("/api/v1/aefi", headers=auth(other)).json()["items"] == []
    assert client.get("/api/v1/aefi", headers=auth(other), params={"area": NADIA}).status_code == (
        403
    )
    assert client.get("/api/v1/aefi", headers=auth(anm)).status_code == 403
    assert client.get(f"/api/v1/aefi/{event['id']}", headers=auth(dio)).status_code == 200
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("IN-WB")]
    assert actions.count("aefi.report") == 2 and actions.count("aefi.outcome") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (report(symptoms=["sneezing"]), "symptoms"),
        (report(symptoms=[], other_symptoms=""), "symptoms"),
        (report(symptoms=["other"]), "other_symptoms"),
        (report(serious_reasons=[]), "serious_reasons"),
        (report(severity="minor"), "serious_reasons"),
        (report(severity="grave"), "severity"),
        (report(outcome="died"), "outcome"),
        (report(onset_at="2026-05-11T10:00:00+05:30"), "onset_at"),
        (report(onset_at="2026-11-21T10:00:00+05:30"), "onset_at"),
    ],
)
def test_bad_reports_name_the_field_and_write_nothing(ctx, client, anm, dose, body, field):
    refused = client.post(f"/api/v1/vaccinations/{dose['id']}/aefi", headers=auth(anm),
                          json=body)  # fmt: skip
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    dio = staff(ctx, "dio.n", "district_officer", NADIA)
    assert client.get("/api/v1/aefi", headers=auth(dio)).json()["items"] == []


def test_a_death_is_serious_and_unknown_vaccinations_are_not_found(client, anm, dose):
    died = client.post(f"/api/v1/vaccinations/{dose['id']}/aefi", headers=auth(anm),
                       json=report(serious_reasons=["death"], outcome="died"))  # fmt: skip
    assert died.status_code == 201, died.text
    missing = client.post("/api/v1/vaccinations/0e5f1a30-0000-4000-8000-000000000000/aefi",
                          headers=auth(anm), json=report())  # fmt: skip
    assert missing.status_code == 404


def test_an_asha_cannot_report_and_outsiders_cannot_read(ctx, client, anm, dose):
    asha = staff(ctx, "asha.aefi", "asha", NADIA_BLOCK)
    refused = client.post(f"/api/v1/vaccinations/{dose['id']}/aefi", headers=auth(asha),
                          json=report())  # fmt: skip
    assert refused.status_code == 403
    made = client.post(f"/api/v1/vaccinations/{dose['id']}/aefi", headers=auth(anm),
                       json=report()).json()  # fmt: skip
    outsider = staff(ctx, "anm.rgh", "anm", "IN-CG-RGH")
    assert client.get(f"/api/v1/aefi/{made['id']}", headers=auth(outsider)).status_code == 403
    patched = client.patch(f"/api/v1/aefi/{made['id']}", headers=auth(outsider),
                           json={"outcome": "recovered"})  # fmt: skip
    assert patched.status_code == 403

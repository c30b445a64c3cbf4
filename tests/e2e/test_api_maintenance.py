"""Maintenance mode on the API: a frozen state's writes answer 503 with Retry-After; its reads,
certificate verification and other states go on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sevasetu.domain.maintenance import StateInMaintenance
from sevasetu.services import certificates
from sevasetu.services.maintenance import (
    chat_reply,
    maintenance_status,
    start_maintenance,
    stop_maintenance,
)

from ..builders import NADIA_BLOCK, auth, person_body, staff

CG_VILLAGE = "IN-CG-RGH-RGH-KDT"


@pytest.fixture
def tokens(ctx):
    return (staff(ctx, "anm.wb", "anm", NADIA_BLOCK, "bn"),
            staff(ctx, "anm.cg", "anm", "IN-CG-RGH-RGH", "hi"))  # fmt: skip


def test_writes_of_the_frozen_state_answer_503_and_everything_else_goes_on(ctx, clock, client,
                                                                          tokens):  # fmt: skip
    wb, cg = tokens
    person = client.post("/api/v1/people", json=person_body(), headers=auth(wb)).json()
    card = certificates.issue_card(ctx, certificates_principal(ctx, wb), person["id"])
    until = clock() + timedelta(hours=2)
    start_maintenance(ctx, "IN-WB", until, "moving to the state data centre", actor="tests")

    refused = client.post("/api/v1/people", json=person_body(
        name="Rina Das", identifiers={}, phone=None), headers=auth(wb))  # fmt: skip
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["Retry-After"] == str(2 * 3600)
    problem = refused.json()
    assert problem["type"].endswith("/state-in-maintenance")
    assert "IN-WB" in problem["detail"] and "moving to the state data centre" in problem["detail"]
    assert problem["until"] == until.isoformat()
    # In the caller's language too.
    bengali = client.post("/api/v1/people", json=person_body(
        name="সুমিত্রা দাস", sex="female", identifiers={}, phone=None),
                          headers=auth(wb, **{"Accept-Language": "bn"}))  # fmt: skip
    assert bengali.status_code == 503 and "IN-WB" in bengali.json()["detail"]
    # Correcting an existing record is a write too.
    correction = {"name": "Amit Kumar Das", "reason": "spelling"}
    corrected = client.patch(f"/api/v1/people/{person['id']}", json=correction,
                             headers=auth(wb, **{"If-Match": str(person["version"])}))  # fmt: skip
    assert corrected.status_code == 503, corrected.text

    # Reads, and certificate verification, go on.
    read = client.get(f"/api/v1/people/{person['id']}", headers=auth(wb))
    assert read.status_code == 200 and read.json()["name"] == "অমিত দাস"
    assert (
        client.get(f"/api/v1/people/{person['id']}/schedule", headers=auth(wb)).status_code == 200
    )
    assert certificates.verify_with_issuer(ctx, card.jws).kid == card.kid
    assert client.get("/.well-known/jwks.json").status_code == 200

    # Another state is untouched.
    other = client.post(
        "/api/v1/people",
        json=person_body(area_code=CG_VILLAGE, name="Ramesh Sahu", identifiers={}, phone=None),
        headers=auth(cg),
    )
    assert other.status_code == 201, other.text

    # After the window is lifted, the same write goes through.
    stop_maintenance(ctx, "IN-WB", actor="tests")
    again = client.post("/api/v1/people", json=person_body(
        name="Rina Das", identifiers={}, phone=None), headers=auth(wb))  # fmt: skip
    assert again.status_code == 201, again.text


def certificates_principal(ctx, token):  # type: ignore[no-untyped-def]
    from sevasetu.services.auth import principal_for_token

    return principal_for_token(ctx, token)


def test_a_window_needs_a_known_state_a_future_end_and_a_reason(ctx, clock):
    from sevasetu.domain.errors import InvalidInput, UnknownArea

    later = clock() + timedelta(hours=1)
    with pytest.raises(UnknownArea):
        start_maintenance(ctx, "IN-XX", later, "moving")
    with pytest.raises(UnknownArea):
        start_maintenance(ctx, "IN-WB-NAD", later, "a district is not a state")
    with pytest.raises(InvalidInput, match="in the future"):
        start_maintenance(ctx, "IN-WB", clock() - timedelta(minutes=1), "moving")
    with pytest.raises(InvalidInput, match="why"):
        start_maintenance(ctx, "IN-WB", later, "  ")
    assert maintenance_status(ctx) == ([], [])


def test_the_chat_bot_says_when_service_resumes(clock):
    from sevasetu.domain.maintenance import MaintenanceWindow

    window = MaintenanceWindow("IN-WB", clock(), datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                               "moving", "tests")  # fmt: skip
    error = StateInMaintenance(window, clock())
    assert "2026-11-20 09:00" in (chat_reply(error, "en") or "")
    assert chat_reply(error, "bn") != chat_reply(error, "en")
    assert chat_reply(StateInMaintenance.__mro__[1]("x"), "en") is None  # type: ignore[arg-type]

"""Hospital continuity over HTTP: cards by the API, the desk's batches (503 in maintenance), and
``sevasetu card`` and ``sevasetu desk`` as a hospital runs them against a served deployment."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sevasetu.entrypoints.cli import app
from sevasetu.services.maintenance import start_maintenance, stop_maintenance

from ..builders import NADIA, auth, person_body, staff
from ..integration.test_hospital_continuity import SWASTHYA, wb_admin
from .live_server import serving

runner = CliRunner()
HOSPITAL = "IN-WB-NAD-DH"


@pytest.fixture
def desk_token(ctx):
    from sevasetu.services.schemes import load_schemes, scheme_files

    load_schemes(ctx, wb_admin(), [p for p in scheme_files() if p.name == "west-bengal.toml"])
    return staff(ctx, "desk.nadia", "facility_admin", NADIA)


def _event(person: str, card: str, **changes):  # type: ignore[no-untyped-def]
    event_id = str(uuid.uuid4())
    body = {
        "id": event_id,
        "idempotency_key": f"desk:{event_id}",
        "kind": "admission",
        "facility_code": HOSPITAL,
        "person_id": person,
        "scheme_code": SWASTHYA,
        "card_id": card,
        "admitted_at": "2026-11-20T09:30:00+05:30",
        "package": "S-123",
        "amount": 12000,
        "queued_at": "2026-11-20T09:31:00+05:30",
    }
    return {**body, **changes}


def test_cards_and_events_through_the_api(ctx, client, desk_token):
    headers = auth(desk_token)
    person = client.post("/api/v1/people", json=person_body(), headers=headers).json()["id"]
    issued = client.post(
        f"/api/v1/people/{person}/eligibility-cards", json={"scheme": SWASTHYA}, headers=headers
    )
    assert issued.status_code == 201, issued.text
    card = issued.json()
    assert base64.b64decode(card["qr_png"]).startswith(b"\x89PNG")
    assert (
        client.get(f"/api/v1/people/{person}/eligibility-cards", headers=headers).json()[0][
            "card_id"
        ]
        == card["card_id"]
    )
    checked = client.post("/api/v1/eligibility-cards/verify", json={"card": card["jws"]})
    assert checked.status_code == 200 and checked.json()["person_id"] == person

    batch = [
        _event(person, card["card_id"]),
        _event(person, card["card_id"], kind="bogus"),
        _event(person, card["card_id"], admitted_at="2026-11-20T09:30:00"),  # no offset
    ]
    sent = client.post("/api/v1/hospital-events", json={"events": batch}, headers=headers)
    assert sent.status_code == 200, sent.text
    answer = sent.json()
    assert (answer["recorded"], answer["refused"]) == (1, 2)
    assert answer["items"][1]["problem"]["code"] == "invalid-input"
    assert answer["items"][2]["problem"]["errors"][0]["field"] == "admitted_at"
    again = client.post("/api/v1/hospital-events", json={"events": batch[:1]}, headers=headers)
    assert again.json()["items"][0]["status"] == "already_recorded"

    # In maintenance: 503 with Retry-After, as every write; nothing is recorded.
    start_maintenance(ctx, "IN-WB", ctx.now() + timedelta(hours=1), "moving", actor="tests")
    frozen = client.post(
        "/api/v1/hospital-events",
        json={"events": [_event(person, card["card_id"])]},
        headers=headers,
    )
    assert frozen.status_code == 503 and frozen.headers["Retry-After"] == "3600"
    assert frozen.json()["code"] == "state-in-maintenance"
    stop_maintenance(ctx, "IN-WB", actor="tests")

    revoked = client.post(
        f"/api/v1/eligibility-cards/{card['card_id']}/revoke",
        json={"reason": "lost"},
        headers=headers,
    )
    assert revoked.status_code == 204, revoked.text
    refused = client.post("/api/v1/eligibility-cards/verify", json={"card": card["jws"]})
    assert refused.status_code == 422 and refused.json()["code"] == "card-revoked"
    assert "lost" in refused.json()["detail"]
    forged = client.post(
        "/api/v1/eligibility-cards/verify", json={"card": card["jws"][:-4] + "AAAA"}
    )
    assert forged.json()["code"] == "card-invalid"


def run(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    result.text = " ".join(result.output.split())  # rich wraps lines at the terminal width
    return result


@pytest.fixture
def operator(database_url, monkeypatch):
    """The operator's console on the test's database (same secrets as the test's context)."""
    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    monkeypatch.setenv("SEVASETU_SECRET_KEY", "test-secret-key-0123456789")
    monkeypatch.setenv("SEVASETU_IDENTIFIER_KEY", "test-identifier-key-0123")


def test_a_desk_works_through_a_move_from_the_command_line(
    ctx, desk_token, operator, tmp_path: Path
):
    from sevasetu.services.people import PersonInput, register_person

    person = register_person(
        ctx,
        wb_admin(),
        PersonInput(
            name="রীতা মণ্ডল",
            sex="female",
            area_code="IN-WB-NAD-KN1-DOG",
            birth_date=None,
            age_years=44,
        ),
    ).id
    card_file, png = tmp_path / "card.txt", tmp_path / "card.png"
    issued = run(
        "card",
        "issue",
        "--person",
        person,
        "--scheme",
        SWASTHYA,
        "--out",
        str(card_file),
        "--png",
        str(png),
    )
    assert issued.exit_code == 0, issued.output
    assert png.read_bytes().startswith(b"\x89PNG")
    refused = run("card", "issue", "--person", person, "--scheme", "WB-KANYASHREE-K1")
    assert refused.exit_code == 2 and "not eligible" in refused.text

    directory = tmp_path / "desk"
    d = ("--dir", str(directory))
    with serving(ctx) as url:
        assert run("desk", "check", str(card_file), *d).exit_code == 2  # no keys yet
        synced = run("desk", "sync", "--url", url, *d)
        assert synced.exit_code == 0, synced.output
        checked = run("desk", "check", str(png), *d)  # the QR image, offline
        assert checked.exit_code == 0 and "valid" in checked.text and person in checked.text

        start_maintenance(ctx, "IN-WB", ctx.now() + timedelta(minutes=20), "moving", actor="t")
        admitted = run(
            "desk",
            "admit",
            str(card_file),
            "--facility",
            HOSPITAL,
            "--package",
            "S-77 cholecystectomy",
            "--at",
            "2026-11-20T08:00",
            *d,
        )
        assert admitted.exit_code == 0, admitted.output
        admission = admitted.text.split()[1]
        discharged = run(
            "desk", "discharge", admission, "--amount", "15000", "--at", "2026-11-20T11:45", *d
        )
        assert discharged.exit_code == 0, discharged.output
        stopped = run("desk", "replay", "--url", url, "--token", desk_token, *d)
        assert stopped.exit_code == 3, stopped.output
        assert "2 still queued" in stopped.text and "retry after 1200 s" in stopped.text

        stop_maintenance(ctx, "IN-WB", actor="t")
        done = run("desk", "replay", "--url", url, "--token", desk_token, *d)
        assert done.exit_code == 0, done.output
        assert "sent 2: 2 recorded, 0 already recorded, 0 refused; 0 still queued" in done.text
        listed = run("desk", "queue", "--json", *d)
        rows = [json.loads(line) for line in listed.output.splitlines()]
        assert [(r["kind"], r["status"]) for r in rows] == [
            ("admission", "recorded"),
            ("discharge", "recorded"),
        ]

        revoked_card = run("card", "revoke", "--card", rows[0]["card_id"], "--reason", "lost")
        assert revoked_card.exit_code == 0, revoked_card.output
        assert run("desk", "sync", "--url", url, *d).exit_code == 0
        refused_card = run("desk", "check", str(card_file), *d)
        assert refused_card.exit_code == 1 and "revoked" in refused_card.text
        keys_before = (directory / "keys.json").read_bytes()
        card2 = tmp_path / "card2.txt"
        assert run("card", "issue", "--person", person, "--scheme", SWASTHYA, "--out",
                   str(card2)).exit_code == 0  # fmt: skip
        queued = run("desk", "admit", str(card2), "--facility", HOSPITAL, "--at",
                     "2026-11-20T09:00", *d)  # fmt: skip
        assert queued.exit_code == 0, queued.output
    # The deployment cannot be reached: sync keeps the saved keys, replay keeps the queue.
    unreachable = run("desk", "sync", "--url", url, *d)
    assert unreachable.exit_code == 2 and "cannot be reached" in unreachable.text
    assert (directory / "keys.json").read_bytes() == keys_before
    offline = run("desk", "replay", "--url", url, "--token", desk_token, *d)
    assert offline.exit_code == 3 and "1 still queued" in offline.text

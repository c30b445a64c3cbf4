"""Login, tokens, OTP, roles and areas: deny by default, one district cannot read another."""

from __future__ import annotations

from sqlalchemy import text

from sevasetu.domain.audit import chain_for
from sevasetu.services.audit import verify_audit

from ..builders import NADIA_BLOCK, PASSWORD, auth, person_body, staff

RAIGARH_VILLAGE = "IN-CG-RGH-RGH-KDT"


def test_password_login_gives_a_token_and_wrong_passwords_lock(ctx, client):
    staff(ctx, "anm.one", "anm", NADIA_BLOCK)
    ok = client.post("/api/v1/auth/token", json={"username": "anm.one", "password": PASSWORD})
    assert ok.status_code == 200
    token = ok.json()["access_token"]
    assert client.get("/api/v1/me", headers=auth(token)).json()["role"] == "anm"
    for _ in range(5):
        bad = client.post(
            "/api/v1/auth/token", json={"username": "anm.one", "password": "nope-nope-nope"}
        )
        assert bad.status_code == 401
    locked = client.post("/api/v1/auth/token", json={"username": "anm.one", "password": PASSWORD})
    assert locked.status_code == 401
    ctx._clock.advance(minutes=16)
    assert (
        client.post(
            "/api/v1/auth/token", json={"username": "anm.one", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_no_token_or_a_revoked_token_is_refused(ctx, client):
    token = staff(ctx, "asha.x", "asha", NADIA_BLOCK)
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people", headers=auth("not-a-token")).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=auth(token)).status_code == 204
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401


def test_tokens_expire(ctx, client):
    login = client.post("/api/v1/auth/token", json={"username": "asha.y", "password": PASSWORD})
    assert login.status_code == 401
    staff(ctx, "asha.y", "asha", NADIA_BLOCK)
    token = client.post(
        "/api/v1/auth/token", json={"username": "asha.y", "password": PASSWORD}
    ).json()["access_token"]
    ctx._clock.advance(hours=13)
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401


def test_a_district_cannot_read_another_districts_people(ctx, client):
    nadia = staff(ctx, "asha.nadia", "asha", NADIA_BLOCK)
    raigarh = staff(ctx, "asha.raigarh", "asha", "IN-CG-RGH")
    person = client.post("/api/v1/people", json=person_body(), headers=auth(nadia)).json()
    assert client.get(f"/api/v1/people/{person['id']}", headers=auth(raigarh)).status_code == 403
    assert (
        client.get("/api/v1/people", params={"q": "amit"}, headers=auth(raigarh)).json()["items"]
        == []
    )
    outside = client.post(
        "/api/v1/people",
        json=person_body(area_code=RAIGARH_VILLAGE, identifiers={}),
        headers=auth(nadia),
    )
    assert outside.status_code == 403
    assert outside.json()["code"] == "outside-area"
    searching_there = client.get(
        "/api/v1/people", params={"area": "IN-CG-RGH"}, headers=auth(nadia)
    )
    assert searching_there.status_code == 403


def test_roles_are_denied_by_default(ctx, client):
    verifier = staff(ctx, "verifier.one", "verifier", NADIA_BLOCK)
    auditor = staff(ctx, "auditor.one", "auditor", "IN-WB")
    assert (
        client.post("/api/v1/people", json=person_body(), headers=auth(verifier)).status_code == 403
    )
    assert (
        client.post("/api/v1/people", json=person_body(), headers=auth(auditor)).status_code == 403
    )
    asha = staff(ctx, "asha.z", "asha", NADIA_BLOCK)
    made = client.post(
        "/api/v1/users",
        json={
            "username": "newbie",
            "password": "long-enough-pw",
            "role": "anm",
            "area_code": NADIA_BLOCK,
            "full_name": "New",
        },
        headers=auth(asha),
    )
    assert made.status_code == 403


def test_district_officer_creates_users_below_rank_inside_district(ctx, client):
    officer = staff(ctx, "dio.nadia", "district_officer", "IN-WB-NAD")
    body = {
        "username": "anm.new",
        "password": "long-enough-pw",
        "role": "anm",
        "area_code": NADIA_BLOCK,
        "full_name": "Rekha Pal",
        "language": "bn",
    }
    assert client.post("/api/v1/users", json=body, headers=auth(officer)).status_code == 201
    again = client.post("/api/v1/users", json=body, headers=auth(officer))
    assert again.status_code == 409
    higher = client.post(
        "/api/v1/users",
        json={**body, "username": "boss", "role": "state_admin"},
        headers=auth(officer),
    )
    assert higher.status_code == 403
    elsewhere = client.post(
        "/api/v1/users",
        json={**body, "username": "far", "area_code": "IN-CG-RGH"},
        headers=auth(officer),
    )
    assert elsewhere.status_code == 403


def test_citizen_logs_in_by_otp_and_manages_six_people(ctx, client, sms):
    assert (
        client.post("/api/v1/auth/otp", json={"phone": "98300 12345", "language": "bn"}).status_code
        == 202
    )
    code = sms.last_code("+919830012345")
    assert "সেবাসেতু" in sms.sent[-1][1]
    wrong = client.post("/api/v1/auth/otp/verify", json={"phone": "9830012345", "code": "000000"})
    assert wrong.status_code == 401
    session = client.post("/api/v1/auth/otp/verify", json={"phone": "9830012345", "code": code})
    assert session.status_code == 200
    token = session.json()["access_token"]
    reused = client.post("/api/v1/auth/otp/verify", json={"phone": "9830012345", "code": code})
    assert reused.status_code == 401
    for i in range(6):
        added = client.post(
            "/api/v1/me/people",
            json=person_body(
                name=f"Member {chr(65 + i)}", identifiers={}, birth_date=f"{1960 + i * 8}-05-05"
            ),
            headers=auth(token),
        )
        assert added.status_code == 201, added.text
    seventh = client.post(
        "/api/v1/me/people", json=person_body(name="Seventh", identifiers={}), headers=auth(token)
    )
    assert seventh.status_code == 409
    assert seventh.json()["code"] == "family-limit"
    family = client.get("/api/v1/me/people", headers=auth(token)).json()
    assert len(family) == 6
    assert client.get(f"/api/v1/people/{family[0]['id']}", headers=auth(token)).status_code == 200
    assert client.get("/api/v1/people", headers=auth(token)).status_code == 403


def test_otp_attempts_expiry_and_rate_limits(ctx, client, sms):
    client.post("/api/v1/auth/otp", json={"phone": "+8801712345678"})
    code = sms.last_code("+8801712345678")
    for _ in range(5):
        client.post("/api/v1/auth/otp/verify", json={"phone": "+8801712345678", "code": "111111"})
    locked = client.post("/api/v1/auth/otp/verify", json={"phone": "+8801712345678", "code": code})
    assert locked.status_code == 401 and locked.json()["code"] == "otp-locked"
    client.post("/api/v1/auth/otp", json={"phone": "+8801712345678"})
    code = sms.last_code("+8801712345678")
    ctx._clock.advance(minutes=6)
    expired = client.post("/api/v1/auth/otp/verify", json={"phone": "+8801712345678", "code": code})
    assert expired.status_code == 401 and expired.json()["code"] == "otp-invalid"
    third = client.post("/api/v1/auth/otp", json={"phone": "+8801712345678"})
    assert third.status_code == 202
    fourth = client.post("/api/v1/auth/otp", json={"phone": "+8801712345678"})
    assert fourth.status_code == 429


def test_every_read_and_write_is_audited_and_tampering_is_found(ctx, client):
    token = staff(ctx, "asha.audit", "asha", NADIA_BLOCK)
    person = client.post("/api/v1/people", json=person_body(), headers=auth(token)).json()
    client.get(f"/api/v1/people/{person['id']}", headers=auth(token))
    client.post("/api/v1/auth/token", json={"username": "asha.audit", "password": "wrong-wrong"})
    with ctx.uow() as uow:
        entries = uow.audit.of_state("IN-WB")
    assert sorted(e.action for e in entries) == sorted(
        ["user.add", "token.issue", "person.register", "person.read", "login.failed"]
    )
    read = next(e for e in entries if e.action == "person.read")
    registered = next(e for e in entries if e.action == "person.register")
    assert read.chain == registered.chain == chain_for(person["id"])  # one person, one chain
    assert read.prev_hash == registered.hash
    assert all(r.problem is None for r in verify_audit(ctx))
    with ctx.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor = 'user:someone-else' WHERE action = 'person.read'")
        )
    broken = {r.state_code: r.problem for r in verify_audit(ctx)}["IN-WB"]
    assert broken is not None and (broken.chain, broken.seq) == (read.chain, read.seq)


def test_deleting_the_last_audit_entries_is_found(ctx, client):
    token = staff(ctx, "asha.audit2", "asha", NADIA_BLOCK)
    client.post("/api/v1/people", json=person_body(), headers=auth(token))
    with ctx.uow() as uow:
        last = next(e for e in uow.audit.of_state("IN-WB") if e.action == "person.register")
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE action = 'person.register'"))
    broken = {r.state_code: r.problem for r in verify_audit(ctx)}["IN-WB"]
    assert broken is not None and (broken.chain, broken.seq) == (last.chain, last.seq)
    assert broken.reason == "entries at the end were removed"


def test_refused_access_is_audited_in_the_records_state(ctx, client):
    nadia = staff(ctx, "asha.n2", "asha", NADIA_BLOCK)
    raigarh = staff(ctx, "asha.r2", "asha", "IN-CG-RGH")
    person = client.post("/api/v1/people", json=person_body(), headers=auth(nadia)).json()
    assert client.get(f"/api/v1/people/{person['id']}", headers=auth(raigarh)).status_code == 403
    with ctx.uow() as uow:
        denied = [e for e in uow.audit.of_state("IN-WB") if e.action == "access.denied"]
    assert [(d.subject_id, d.detail["refusal"]) for d in denied] == [(person["id"], "outside-area")]
    assert denied[0].actor.startswith("user:")
    assert all(r.problem is None for r in verify_audit(ctx))

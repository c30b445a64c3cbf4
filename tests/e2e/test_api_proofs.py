"""The Kolkata flow (S1): a later dose booked with a proof of the earlier one, given elsewhere;
a verifier of the session's area approves (the earlier dose is recorded back-dated) or rejects
(the place is given back); the citizen is told either way."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from sevasetu.adapters.db.tables import audit_log, documents, dose_proofs, vaccinations
from sevasetu.domain.proofs import sniff

from ..builders import NADIA_BLOCK, auth, staff
from .test_api_sessions import SUB_CENTRE, citizen, family_member, plan

BABY_BORN = "2026-08-01"  # 16 weeks old on the session day
SESSION_DAY = "2026-11-25"


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def form(person, session, *, dose="PENTA2", claimed="PENTA1", on="2026-09-15", slot=1):
    return {
        "person_id": person["id"], "session_id": session["id"], "slot_number": str(slot),
        "dose_code": dose, "claimed_dose_code": claimed, "claimed_given_on": on,
        "claimed_place": "Kolkata Medical College, old portal",
        "identifier_kind": "certificate", "identifier_value": "CG-TEEKA-0045-7781",
    }  # fmt: skip


@pytest.fixture
def planner(ctx):
    return staff(ctx, "fa.dogachhi", "facility_admin", NADIA_BLOCK)


@pytest.fixture
def verifier(ctx):
    return staff(ctx, "verifier.nadia", "verifier", NADIA_BLOCK)


def stock(client, planner):
    """Pentavalent vaccine at the sub-centre: a session offers only what it holds."""
    lot = {"product": "Pentavac", "lot": "PV9", "expiry": "2027-06-30",
           "dose_codes": ["PENTA1", "PENTA2", "PENTA3"], "manufacturer": "Serum Institute",
           "doses_received": 500}  # fmt: skip
    added = client.post(f"/api/v1/facilities/{SUB_CENTRE}/lots", json=lot, headers=auth(planner))
    assert added.status_code == 201, added.text


@pytest.fixture
def scene(client, planner, sms):
    stock(client, planner)
    session = plan(client, planner, day=SESSION_DAY, offers=["PENTA1", "PENTA2"])
    token = citizen(client, sms)
    baby = family_member(client, token, "শিশু দাস", BABY_BORN)
    return session, token, baby


def upload(client, token, data, name="card.png", content_type="image/png", **kw):
    person, session = kw.pop("person"), kw.pop("session")
    headers = auth(token, **kw.pop("headers", {}))
    return client.post("/api/v1/bookings/with-proof", data=form(person, session, **kw),
                       files={"file": (name, data, content_type)}, headers=headers)  # fmt: skip


def counts(ctx):
    with ctx.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (documents, dose_proofs))  # fmt: skip


def booked(client, token, session):
    seen = client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token)).json()
    return seen["slots"][0]["booked"]


def actions(ctx):
    with ctx.engine.connect() as conn:
        return [r.action for r in conn.execute(select(audit_log.c.action))]


def test_approve_records_the_earlier_dose_and_confirms_the_booking(
    ctx, client, scene, verifier, sms
):
    session, token, baby = scene
    plain = client.post("/api/v1/bookings", headers=auth(token), json={
        "person_id": baby["id"], "session_id": session["id"], "slot_number": 1,
        "dose_code": "PENTA2"})  # fmt: skip
    assert plain.status_code == 422 and "PENTA1 has not been given" in plain.json()["detail"]

    made = upload(client, token, png(), person=baby, session=session)
    assert made.status_code == 201, made.text
    booking, proof = made.json()["booking"], made.json()["proof"]
    assert booking["status"] == "pending_verification"
    assert proof["status"] == "pending" and proof["claim"]["identifier_last"] == "7781"
    assert booked(client, token, session) == 1, "the place is kept while it waits"

    queue = client.get("/api/v1/proofs", params={"status": "pending"}, headers=auth(verifier))
    assert queue.status_code == 200, queue.text
    assert [(p["id"], p["dose_code"], p["name"]) for p in queue.json()] == [
        (proof["id"], "PENTA2", "শিশু দাস")]  # fmt: skip
    detail = client.get(f"/api/v1/proofs/{proof['id']}", headers=auth(verifier)).json()
    assert detail["document"]["media_type"] == "image/png"
    assert detail["person"]["birth_date"] == BABY_BORN
    document = client.get(f"/api/v1/proofs/{proof['id']}/document", headers=auth(verifier))
    assert document.status_code == 200 and document.content == png()
    assert document.headers["content-type"] == "image/png"
    assert document.headers["x-content-type-options"] == "nosniff"
    assert document.headers["content-disposition"] == "inline"

    approved = client.post(f"/api/v1/proofs/{proof['id']}/approve", headers=auth(verifier))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["booking"]["status"] == "booked"
    with ctx.engine.connect() as conn:
        (dose,) = conn.execute(select(vaccinations)).all()
    assert (dose.dose_code, dose.given_on.isoformat(), dose.source) == (
        "PENTA1", "2026-09-15", "backdated")  # fmt: skip
    assert dose.evidence.startswith(f"proof {detail['document']['id']} verified by Verifier.Nadia")
    with ctx.uow() as uow:
        kinds = [n.kind.value for n in uow.notifications.of_person("IN-WB", baby["id"])]
    assert "proof_approved" in kinds
    again = client.post(f"/api/v1/proofs/{proof['id']}/approve", headers=auth(verifier))
    assert again.status_code == 409 and again.json()["code"] == "proof-decided"
    assert client.get("/api/v1/proofs", headers=auth(verifier)).json() == []
    done = actions(ctx)
    for action in ("booking.create_with_proof", "proof.document.read", "proof.approve",
                   "vaccination.record"):  # fmt: skip
        assert action in done


def test_reject_cancels_the_booking_gives_the_place_back_and_tells_the_citizen(
    ctx, client, scene, verifier
):
    session, token, baby = scene
    proof = upload(client, token, png(), person=baby, session=session).json()["proof"]
    assert booked(client, token, session) == 1
    no_reason = client.post(f"/api/v1/proofs/{proof['id']}/reject", json={"reason": ""},
                            headers=auth(verifier))  # fmt: skip
    assert no_reason.status_code == 422
    rejected = client.post(f"/api/v1/proofs/{proof['id']}/reject",
                           json={"reason": "the card is unreadable"},
                           headers=auth(verifier))  # fmt: skip
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["booking"]["status"] == "cancelled"
    assert rejected.json()["reason"] == "the card is unreadable"
    assert booked(client, token, session) == 0
    with ctx.uow() as uow:
        (note,) = [n for n in uow.notifications.of_person("IN-WB", baby["id"])
                   if n.kind.value == "proof_rejected"]  # fmt: skip
    assert "the card is unreadable" in note.text()
    with ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(vaccinations)).scalar_one() == 0
    assert "proof.reject" in actions(ctx)


def test_the_type_comes_from_the_bytes_not_the_name(ctx, client, scene, verifier):
    session, token, baby = scene
    made = upload(client, token, png(), name="card.pdf", content_type="application/pdf",
                  person=baby, session=session)  # fmt: skip
    assert made.status_code == 201, made.text
    proof = made.json()["proof"]
    seen = client.get(f"/api/v1/proofs/{proof['id']}/document", headers=auth(verifier))
    assert seen.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, not a photo\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
    ],
)
def test_anything_but_an_image_or_pdf_is_refused_and_nothing_written(ctx, client, scene, data):
    session, token, baby = scene
    refused = upload(client, token, data, name="card.jpg", content_type="image/jpeg",
                     person=baby, session=session)  # fmt: skip
    assert refused.status_code == 415, refused.text
    assert refused.json()["code"] == "not-an-image-or-pdf"
    assert counts(ctx) == (0, 0) and booked(client, token, session) == 0


def test_an_oversized_upload_is_refused_with_413_and_nothing_written(ctx, client, scene):
    session, token, baby = scene
    big = b"%PDF-1.4\n" + b"0" * ctx.settings.proof_max_bytes
    refused = upload(client, token, big, name="card.pdf", content_type="application/pdf",
                     person=baby, session=session)  # fmt: skip
    assert refused.status_code == 413, refused.text
    far = upload(client, token, big * 2, name="card.pdf", content_type="application/pdf",
                 person=baby, session=session)  # fmt: skip
    assert far.status_code == 413 and far.json()["code"] == "body-too-large"
    assert counts(ctx) == (0, 0) and booked(client, token, session) == 0
    small = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)  # over the general body limit: accepted
    assert upload(client, token, small, name="card.pdf", content_type="application/pdf",
                  person=baby, session=session).status_code == 201  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"claimed": "OPV1"}, "claimed_dose_code"),  # not before PENTA2
        ({"on": "2026-12-01"}, "claimed_given_on"),  # in the future
        ({"on": "2026-08-20"}, "code"),  # too young for PENTA1 then
        ({"on": "2026-11-10"}, "dose_code"),  # PENTA2 too soon after the claimed PENTA1
    ],
)
def test_a_claim_that_does_not_make_the_dose_eligible_is_refused(ctx, client, scene, change, field):
    session, token, baby = scene
    refused = upload(client, token, png(), person=baby, session=session, **change)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    assert counts(ctx) == (0, 0) and booked(client, token, session) == 0


def test_only_the_uploader_and_staff_of_the_area_read_the_document(
    ctx, client, scene, verifier, sms
):
    session, token, baby = scene
    proof = upload(client, token, png(), person=baby, session=session).json()["proof"]
    path = f"/api/v1/proofs/{proof['id']}/document"
    assert client.get(path, headers=auth(token)).status_code == 200
    other = citizen(client, sms, phone="9830099999")
    assert client.get(path, headers=auth(other)).status_code == 403
    asha = staff(ctx, "asha.nadia", "asha", NADIA_BLOCK)
    assert client.get(path, headers=auth(asha)).status_code == 200
    far = staff(ctx, "asha.raigarh", "asha", "IN-CG-RGH")
    assert client.get(path, headers=auth(far)).status_code == 403
    assert actions(ctx).count("proof.document.read") == 2
    assert "access.denied" in actions(ctx)


def test_a_verifier_outside_the_area_or_without_the_role_cannot_decide(
    ctx, client, scene, verifier
):
    session, token, baby = scene
    proof = upload(client, token, png(), person=baby, session=session).json()["proof"]
    raigarh = staff(ctx, "verifier.raigarh", "verifier", "IN-CG-RGH")
    asha = staff(ctx, "asha.decide", "asha", NADIA_BLOCK)
    for who in (raigarh, asha, token):
        tried = client.post(f"/api/v1/proofs/{proof['id']}/approve", headers=auth(who))
        assert tried.status_code == 403, tried.text
    assert client.get("/api/v1/proofs", headers=auth(raigarh)).json() == []
    assert client.get("/api/v1/proofs", headers=auth(asha)).status_code == 403
    assert client.get(f"/api/v1/proofs/{proof['id']}",
                      headers=auth(verifier)).json()["status"] == "pending"  # fmt: skip


def test_an_upload_sent_again_with_its_idempotency_key_is_answered_once(ctx, client, scene):
    session, token, baby = scene
    key = {"headers": {"Idempotency-Key": "proof-upload-1"}}
    first = upload(client, token, png(), person=baby, session=session, **key)
    assert first.status_code == 201, first.text
    # A new multipart boundary each time: still the same request.
    second = upload(client, token, png(), person=baby, session=session, **key)
    assert second.status_code == 201 and second.headers.get("idempotent-replayed") == "true"
    assert second.json() == first.json()
    assert counts(ctx) == (1, 1)


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),  # a .docx or a zip
        (b"\x89PNG", None),  # cut short
        (b"", None),
    ],
)
def test_sniffing_reads_the_magic_bytes(head, media_type):
    assert sniff(head) == media_type


def test_a_covid_first_dose_from_another_portal_is_approved_with_the_vaccine_on_the_card(
    ctx, client, verifier, sms
):
    """The Kolkata flow itself: a second COVID dose booked with the card of a first dose from
    another state's portal. The verifier names the vaccine the card shows; the page asks."""
    from ..builders import stock as give_stock
    from .test_web_pages import csrf_of, login

    give_stock(ctx, SUB_CENTRE, ["COVID2"])
    planner = staff(ctx, "fa.covid.proof", "facility_admin", NADIA_BLOCK)
    session = plan(client, planner, day=SESSION_DAY, offers=["COVID2"],
                   schedule="covid19-india", min_age="45y")  # fmt: skip
    token = citizen(client, sms)
    mother = family_member(client, token, "মায়া দাস", "1960-03-01")
    made = upload(client, token, png(), person=mother, session=session, dose="COVID2",
                  claimed="COVID1", on="2026-06-01")  # fmt: skip
    assert made.status_code == 201, made.text
    proof = made.json()["proof"]

    login(client, "verifier.nadia")
    page = client.get(f"/proofs/{proof['id']}")
    assert page.status_code == 200 and 'name="product" value="covishield"' in page.text
    nameless = client.post(f"/proofs/{proof['id']}/approve", data={"csrf": csrf_of(page.text)})
    assert nameless.status_code == 422 and 'id="f-product-error"' in nameless.text
    with ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(vaccinations)).scalar_one() == 0

    approved = client.post(f"/api/v1/proofs/{proof['id']}/approve", headers=auth(verifier),
                           json={"product": "Covishield"})  # fmt: skip
    assert approved.status_code == 200, approved.text
    assert approved.json()["booking"]["status"] == "booked"
    with ctx.engine.connect() as conn:
        (dose,) = conn.execute(select(vaccinations)).all()
    assert (dose.dose_code, dose.product, dose.source) == ("COVID1", "covishield", "backdated")

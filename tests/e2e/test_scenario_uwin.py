"""U-WIN end to end: a pregnancy, a delivery, the newborn's birth doses and due list, doses at
a session in another state, and a printed certificate whose QR an independent verifier accepts.
"""

from __future__ import annotations

import json
import zlib

import pypdfium2
import zxingcpp
from joserfc import jws as jose_jws
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, auth, person_body, staff


def jws_from_qr(text: str) -> str:
    """The ``shc:/`` numeric form back to the compact JWS (two digits per character)."""
    digits = text.removeprefix("shc:/")
    return "".join(chr(int(digits[i : i + 2]) + 45) for i in range(0, len(digits), 2))


def qr_codes_in(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]  # fmt: skip


def test_an_anm_follows_a_mother_and_her_baby_and_anyone_can_verify_the_card(ctx, client, clock):
    anm = staff(ctx, "anm.uwin", "anm", NADIA_BLOCK)
    mother = client.post("/api/v1/people", headers=auth(anm), json=person_body(
        name="রুমা বিবি", sex="female", birth_date="1998-07-01", phone="9830055555",
        identifiers={})).json()  # fmt: skip
    pregnancy = client.post("/api/v1/pregnancies", headers=auth(anm),
                            json={"person_id": mother["id"], "lmp": "2026-02-10"})  # fmt: skip
    assert pregnancy.status_code == 201, pregnancy.text
    for code, day in (("TD1", "2026-03-15"), ("TD2", "2026-04-20")):
        given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
            "person_id": mother["id"], "dose_code": code, "given_on": day})  # fmt: skip
        assert given.status_code == 201, given.text

    delivered = client.post(
        f"/api/v1/pregnancies/{pregnancy.json()['id']}/delivery", headers=auth(anm),
        json={"delivered_on": "2026-11-18", "place": "IN-WB-NAD-KN1-CHC", "live_births": 1,
              "stillbirths": 0, "babies": [{"sex": "female", "birth_weight_g": 2900,
              "birth_doses": [{"code": c, "given_on": "2026-11-18"}
                              for c in ("BCG", "HEPB0", "OPV0")]}]},
    )  # fmt: skip
    assert delivered.status_code == 201, delivered.text
    (baby_id,) = [b["person_id"] for b in delivered.json()["babies"]]

    card = client.get(f"/api/v1/people/{baby_id}/schedule", headers=auth(anm)).json()
    status = {d["code"]: d for d in card["doses"]}
    assert {c: status[c]["status"] for c in ("BCG", "HEPB0", "OPV0")} == dict.fromkeys(
        ("BCG", "HEPB0", "OPV0"), "given"
    )
    assert status["PENTA1"]["status"] == "upcoming" and status["PENTA1"]["due_date"] == "2026-12-30"

    window = {"area": NADIA_VILLAGE, "from": "2026-12-28", "to": "2027-01-05"}
    due = client.get("/api/v1/due-list", params=window, headers=auth(anm))
    assert due.status_code == 200, due.text
    (entry,) = [e for e in due.json()["items"] if e["person_id"] == baby_id]
    assert {"PENTA1", "OPV1", "RVV1"} <= {d["code"] for d in entry["doses"]}
    assert (entry["mother_name"], entry["contact"]) == ("রুমা বিবি", "mother")

    # Six weeks on, the family is in Raigarh: the ANM there vaccinates the baby.
    clock.advance(days=42)
    raigarh = staff(ctx, "anm.raigarh.uwin", "anm", "IN-CG-RGH")
    for code in ("PENTA1", "OPV1", "RVV1"):
        given = client.post("/api/v1/vaccinations", headers=auth(raigarh), json={
            "person_id": baby_id, "dose_code": code, "given_on": "2026-12-31",
            "facility_code": "IN-CG-RGH-RGH-CHC"})  # fmt: skip
        assert given.status_code == 201, given.text

    pdf = client.get(f"/api/v1/people/{baby_id}/certificate.pdf", headers=auth(anm))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (qr,) = qr_codes_in(pdf.content)
    keys = KeySet.import_key_set(client.get("/.well-known/jwks.json").json())
    registry = JWSRegistry({"zip": HeaderParameter("Compression", "str")}, algorithms=["ES256"])
    verified = jose_jws.deserialize_compact(jws_from_qr(qr), keys, registry=registry)
    payload = json.loads(zlib.decompress(verified.payload, wbits=-15))
    resources = [e["resource"] for e in payload["vc"]["credentialSubject"]["fhirBundle"]["entry"]]
    assert resources[0]["birthDate"] == "2026-11-18"
    given_codes = sorted(r["vaccineCode"]["coding"][0]["code"] for r in resources[1:])
    assert given_codes == ["BCG", "HEPB0", "OPV0", "OPV1", "PENTA1", "RVV1"]

"""SMART Health Cards, the issuer's keys, revocation, and FHIR R4 records over the API."""

from __future__ import annotations

import copy
import json
import zlib

import pytest
from fhir.resources.R4B.bundle import Bundle
from joserfc import jws as jose_jws
from joserfc.jwk import ECKey, KeySet
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

from sevasetu.domain.errors import CertificateRevoked
from sevasetu.services import certificates as svc

from ..builders import NADIA_BLOCK, auth, person_body, staff

DOSES = [
    ("BCG", "2026-03-31", "B123"),
    ("HEPB0", "2026-03-31", ""),
    ("OPV0", "2026-03-31", ""),
    ("OPV1", "2026-05-12", "P9"),
    ("PENTA1", "2026-05-12", "X7"),
]


@pytest.fixture
def anm(ctx):
    return staff(ctx, "anm.cert", "anm", NADIA_BLOCK)


def register(client, token, name="শিশু দাস", birth="2026-03-31"):
    body = person_body(name=name, birth_date=birth, phone=None, identifiers={})
    made = client.post("/api/v1/people", json=body, headers=auth(token))
    assert made.status_code == 201, made.text
    return made.json()


@pytest.fixture
def child(client, anm):
    person = register(client, anm)
    for code, day, lot in DOSES:
        given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
            "person_id": person["id"], "dose_code": code, "given_on": day, "lot": lot})  # fmt: skip
        assert given.status_code == 201, given.text
    return person


def card_of(client, token, person_id):
    got = client.get(
        f"/api/v1/people/{person_id}/certificate.smart-health-card", headers=auth(token)
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/smart-health-card")
    return got.json()["verifiableCredential"][0]


def test_a_card_verifies_with_an_independent_jose_library(ctx, client, anm, child):
    jws = card_of(client, anm, child["id"])
    published = client.get("/.well-known/jwks.json")  # public: no token
    assert published.status_code == 200
    assert published.headers["access-control-allow-origin"] == "*"
    assert "max-age" in published.headers["cache-control"]
    keys = published.json()["keys"]
    assert len(keys) == 1 and {"kty", "crv", "x", "y", "kid", "use", "alg"} <= set(keys[0])
    assert (keys[0]["use"], keys[0]["alg"], keys[0]["crv"]) == ("sig", "ES256", "P-256")
    assert "d" not in keys[0]

    key_set = KeySet.import_key_set(published.json())
    assert ECKey.import_key(keys[0]).thumbprint() == keys[0]["kid"]  # RFC 7638
    # SMART Health Cards put "zip" in a JWS header, which JOSE libraries only know from JWE.
    registry = JWSRegistry({"zip": HeaderParameter("Compression", "str")}, algorithms=["ES256"])
    checked = jose_jws.deserialize_compact(jws, key_set, registry=registry)
    assert checked.protected == {"alg": "ES256", "zip": "DEF", "kid": keys[0]["kid"]}
    payload = json.loads(zlib.decompress(checked.payload, wbits=-15))

    assert payload["iss"] == ctx.settings.base_url
    assert payload["nbf"] == int(ctx.now().timestamp())
    vc = payload["vc"]
    assert vc["type"] == [
        "https://smarthealth.cards#health-card", "https://smarthealth.cards#immunization"
    ]  # fmt: skip
    assert vc["credentialSubject"]["fhirVersion"] == "4.0.1"
    bundle = vc["credentialSubject"]["fhirBundle"]
    assert bundle["type"] == "collection"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert urls == [f"resource:{n}" for n in range(len(DOSES) + 1)]
    resources = [e["resource"] for e in bundle["entry"]]
    assert all(not {"id", "meta", "text"} & set(r) for r in resources)  # minimised
    assert resources[0]["birthDate"] == "2026-03-31"
    assert {"text": "শিশু দাস"} in resources[0]["name"]
    coded = {
        (r["vaccineCode"]["coding"][0]["code"], r["occurrenceDateTime"]) for r in resources[1:]
    }
    assert coded == {(code, day) for code, day, _ in DOSES}
    bcg = next(r for r in resources[1:] if r["vaccineCode"]["coding"][0]["code"] == "BCG")
    assert {"system": "http://hl7.org/fhir/sid/cvx", "code": "19"} in bcg["vaccineCode"]["coding"]
    assert all(r["patient"] == {"reference": "resource:0"} for r in resources[1:])
    Bundle.model_validate(bundle)  # valid FHIR (R4B shares these resources with R4)
    assert len(jws) <= 1195


def test_the_certificate_follows_the_rules_for_reading_the_person(ctx, client, child):
    elsewhere = staff(ctx, "asha.raigarh", "asha", "IN-CG-RGH")
    refused = client.get(
        f"/api/v1/people/{child['id']}/certificate.smart-health-card", headers=auth(elsewhere)
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    anonymous = client.get(f"/api/v1/people/{child['id']}/certificate.smart-health-card")
    assert anonymous.status_code == 401
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("IN-WB")]
    assert "certificate.issue" not in actions


def test_issuing_is_audited(ctx, client, anm, child):
    card_of(client, anm, child["id"])
    with ctx.uow() as uow:
        entry = next(e for e in uow.audit.of_state("IN-WB") if e.action == "certificate.issue")
    assert entry.subject_id == child["id"] and entry.detail["doses"] == len(DOSES)


def test_rotated_out_keys_still_verify_and_revocation_refuses(ctx, clock, client, anm, child):
    first = card_of(client, anm, child["id"])
    old, new = svc.rotate_key(ctx)
    second = card_of(client, anm, child["id"])
    kids = [k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]]
    assert kids == [old, new]
    assert svc.verify_with_issuer(ctx, first).kid == old
    assert svc.verify_with_issuer(ctx, second).kid == new

    clock.advance(hours=1)
    svc.revoke(ctx, child["id"], "wrong birth date recorded")
    for card in (first, second):
        with pytest.raises(CertificateRevoked) as refused:
            svc.verify_with_issuer(ctx, card)
        assert "wrong birth date recorded" in refused.value.message()
    published = client.get("/.well-known/jwks.json").json()["keys"]
    assert all(k["crlVersion"] > 0 for k in published)
    listed = client.get(f"/.well-known/crl/{new}.json").json()
    assert listed["kid"] == new and listed["method"] == "rid" and len(listed["rids"]) == 1
    assert client.get("/.well-known/crl/nope.json").status_code == 404

    clock.advance(minutes=5)
    corrected = card_of(client, anm, child["id"])  # issued after the revocation
    assert svc.verify_with_issuer(ctx, corrected).holder_names


def test_the_fhir_record_is_a_valid_document(ctx, client, anm, child):
    got = client.get(f"/api/v1/people/{child['id']}/fhir", headers=auth(anm))
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/fhir+json")
    document = got.json()
    assert document["type"] == "document"
    kinds = [e["resource"]["resourceType"] for e in document["entry"]]
    assert kinds == ["Composition", "Patient", *["Immunization"] * len(DOSES),
                     "ImmunizationRecommendation"]  # fmt: skip
    composition = document["entry"][0]["resource"]
    assert composition["type"]["coding"][0]["code"] == "41000179103"
    recommendation = document["entry"][-1]["resource"]["recommendation"]
    due = {r["vaccineCode"][0]["coding"][0]["code"]: r for r in recommendation}
    assert "OPV2" in due and "MR1" in due  # from the schedule engine
    assert due["MR1"]["dateCriterion"][0]["code"]["coding"][0]["code"] == "30980-7"
    assert due["MR1"]["dateCriterion"][0]["value"] == "2026-12-31"
    parsed = Bundle.model_validate(document)
    assert parsed.type == "document"


def _record_for(document, person):
    moved = copy.deepcopy(document)
    patient = moved["entry"][1]["resource"]
    patient["identifier"][0]["value"] = person["id"]
    return moved


def test_a_record_imports_as_doses_given_elsewhere_once(ctx, client, anm, child):
    document = client.get(f"/api/v1/people/{child['id']}/fhir", headers=auth(anm)).json()
    twin = register(client, anm, name="যমজ দাস")
    headers = auth(anm, **{"Content-Type": "application/fhir+json"})
    body = json.dumps(_record_for(document, twin))
    imported = client.post("/api/v1/fhir/Bundle", content=body, headers=headers)
    assert imported.status_code == 201, imported.text
    assert sorted(d["dose_code"] for d in imported.json()["recorded"]) == sorted(
        c for c, _, _ in DOSES
    )
    with ctx.uow() as uow:
        recorded = uow.vaccinations.of_person("IN-WB", twin["id"])
    assert {v.source for v in recorded} == {"backdated"}
    assert all(v.evidence.startswith("FHIR Bundle urn:uuid:") for v in recorded)
    assert {v.lot for v in recorded if v.dose_code == "BCG"} == {"B123"}
    again = client.post("/api/v1/fhir/Bundle", content=body, headers=headers)
    assert again.status_code == 201 and again.json()["recorded"] == []


def _count(ctx, person_id):
    with ctx.uow() as uow:
        return len(uow.vaccinations.of_person("IN-WB", person_id))


@pytest.mark.parametrize(
    ("spoil", "status"),
    [
        (lambda d: d["entry"][-2]["resource"].update(occurrenceDateTime="2027-05-01"), 422),
        (lambda d: d["entry"][-2]["resource"]["vaccineCode"]["coding"][0].update(code="NOPE"), 422),
        (lambda d: d["entry"][-2]["resource"].pop("vaccineCode"), 422),
        (lambda d: d["entry"][1]["resource"].update(birthDate="2020-01-01"), 422),
        (lambda d: d["entry"][1]["resource"]["identifier"][0].update(value="no-such"), 404),
        (lambda d: d.update(resourceType="Patient"), 422),
        (lambda d: d.update(entry=[]), 422),
        (
            lambda d: d.update(
                entry=[{"resource": {"resourceType": "Patient", "name": "x", "identifier": 5}}],
                identifier="x",
            ),
            422,
        ),
        (lambda d: d["entry"][-2]["resource"].update(vaccineCode=["BCG"], performer="x"), 422),
        (lambda d: d.update(entry=[1, "two"]), 422),
    ],
)
def test_a_bad_import_is_refused_whole(ctx, client, anm, child, spoil, status):
    document = client.get(f"/api/v1/people/{child['id']}/fhir", headers=auth(anm)).json()
    twin = register(client, anm, name="যমজ দাস")
    spoiled = _record_for(document, twin)
    spoil(spoiled)
    refused = client.post("/api/v1/fhir/Bundle", json=spoiled, headers=auth(anm))
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert _count(ctx, twin["id"]) == 0  # the good doses before the bad one were not kept


def test_a_body_that_is_not_json_is_a_problem(client, anm):
    headers = auth(anm, **{"Content-Type": "application/fhir+json"})
    refused = client.post("/api/v1/fhir/Bundle", content=b"{nope", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid-input"


def test_the_printed_certificate(ctx, client, anm, child):
    pdf = client.get(f"/api/v1/people/{child['id']}/certificate.pdf", headers=auth(anm))
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    card = svc.sign_card_for_operator(ctx, child["id"])
    printed = svc.certificate_print(ctx, card, svc.print_language(card.person, None))
    assert printed.language == "bn"  # West Bengal
    assert printed.qr_text.startswith("shc:/") and "/" not in printed.qr_text[5:]
    assert [d.code for d in printed.doses] == [c for c, _, _ in DOSES]
    assert {d.dose_label for d in printed.doses if d.code in ("OPV0", "PENTA1")} == {
        "Birth dose", "Dose 1"
    }  # fmt: skip
    assert printed.next_due and printed.next_due[0].status in ("due", "overdue", "upcoming")
    hindi = client.get(
        f"/api/v1/people/{child['id']}/certificate.pdf", params={"lang": "hi"}, headers=auth(anm)
    )
    assert hindi.status_code == 200

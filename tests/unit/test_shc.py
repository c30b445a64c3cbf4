"""SMART Health Card signing, verification and QR encoding, without a database."""

from __future__ import annotations

import json
import zlib
from datetime import date

import pytest
from joserfc.jwk import ECKey

from sevasetu.adapters.certificates import fhir, shc
from sevasetu.adapters.certificates.verify import jws_of, qr_png, verify_card
from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain.errors import CertificateInvalid, CertificateRevoked

HOLDER = fhir.Holder("শিশু দাস", "Shishu Das", date(2026, 3, 31))
ISSUER = "https://sevasetu.example.org"


def key() -> tuple[str, object, dict]:
    made = shc.generate_key(b"passphrase")
    private = shc.load_private_key(made.private_pem, b"passphrase")
    return made.kid, private, {"keys": [shc.published_jwk(made.public_jwk)]}


def doses(n: int, lot: str = "") -> list[fhir.GivenDose]:
    schedule = load_schedule("india-uip")
    child = [d for d in schedule.doses if d.group == "child"][:n]
    return [fhir.GivenDose(d.code, date(2026, 4, 1), lot=lot,
                           cvx=fhir.CVX_BY_SERIES.get(d.series)) for d in child]  # fmt: skip


def card(private, kid: str, n: int = 5, nbf: int = 1_790_000_000, lot: str = "") -> str:
    bundle = fhir.shc_bundle(HOLDER, doses(n, lot))
    return shc.sign(fhir.shc_payload(ISSUER, nbf, bundle, "rid-of-shishu"), private, kid)  # type: ignore[arg-type]


def test_a_card_verifies_and_reads_back():
    kid, private, jwks = key()
    verified = verify_card(card(private, kid), jwks)
    assert verified.kid == kid and verified.issuer == ISSUER and verified.rid == "rid-of-shishu"
    assert verified.holder_names == ("Shishu Das", "শিশু দাস")
    assert verified.birth_date == date(2026, 3, 31)
    assert [d.code for d in verified.doses] == ["BCG", "HEPB0", "OPV0", "OPV1", "OPV2"]


def test_the_kid_is_the_rfc7638_thumbprint():
    kid, _, jwks = key()
    assert ECKey.import_key(jwks["keys"][0]).thumbprint() == kid


def test_a_tampered_payload_fails():
    kid, private, jwks = key()
    header, payload, signature = card(private, kid).split(".")
    body = json.loads(zlib.decompress(shc.b64u_decode(payload), wbits=-15))
    body["vc"]["credentialSubject"]["fhirBundle"]["entry"][0]["resource"]["birthDate"] = (
        "2020-01-01"
    )
    forged = shc.b64u(shc.deflate(json.dumps(body).encode()))
    with pytest.raises(CertificateInvalid, match="signature does not match"):
        verify_card(f"{header}.{forged}.{signature}", jwks)


def test_a_tampered_signature_fails():
    kid, private, jwks = key()
    header, payload, signature = card(private, kid).split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(CertificateInvalid, match="signature does not match"):
        verify_card(f"{header}.{payload}.{flipped}", jwks)


def test_an_unknown_kid_fails():
    kid, private, _ = key()
    _, _, other = key()
    with pytest.raises(CertificateInvalid, match="key this issuer does not publish"):
        verify_card(card(private, kid), other)


def test_a_jwks_entry_whose_kid_is_not_its_thumbprint_is_ignored():
    kid, private, jwks = key()
    _, _, other = key()
    impostor = {**other["keys"][0], "kid": kid}
    with pytest.raises(CertificateInvalid):
        verify_card(card(private, kid), {"keys": [impostor]})


@pytest.mark.parametrize(
    "text",
    ["", "a.b", "not a card at all", "e30.e30.e30", "shc:/12345", "shc:/99", "shc:/1/2/5676"],
)
def test_malformed_input_fails_with_a_reason(text):
    _, _, jwks = key()
    with pytest.raises(CertificateInvalid) as refused:
        verify_card(jws_of(text.encode()), jwks)
    assert refused.value.message().startswith("The certificate is not valid: ")


def test_a_payload_that_inflates_without_end_is_refused():
    kid, private, jwks = key()
    header = shc.b64u(json.dumps({"alg": "ES256", "zip": "DEF", "kid": kid}).encode())
    bomb = shc.b64u(shc.deflate(b"0" * 3_000_000))
    with pytest.raises(CertificateInvalid, match="cannot be read"):
        verify_card(f"{header}.{bomb}.{'A' * 86}", jwks)


def test_revocation_lists_refuse_cards_issued_before_the_revocation():
    kid, private, jwks = key()
    before, after = card(private, kid, nbf=1_790_000_000), card(private, kid, nbf=1_790_000_900)
    listed = {"kid": kid, "method": "rid", "ctr": 1, "rids": ["rid-of-shishu.1790000500"],
              "reasons": {"rid-of-shishu": "wrong birth date"}}  # fmt: skip
    with pytest.raises(CertificateRevoked, match="wrong birth date"):
        verify_card(before, jwks, [listed])
    assert verify_card(after, jwks, [listed]).rid == "rid-of-shishu"
    other_key = {**listed, "kid": "someone-else"}
    assert verify_card(before, jwks, [other_key])


def test_numeric_encoding_round_trips():
    kid, private, _ = key()
    jws = card(private, kid)
    (text,) = shc.qr_texts(jws)
    assert text.startswith("shc:/") and text[5:].isdigit()
    assert len(text) == 5 + 2 * len(jws)
    assert text[5:7] == f"{ord(jws[0]) - 45:02d}"
    assert shc.from_qr_texts([text]) == jws


def test_a_long_card_is_split_into_balanced_chunks_in_any_order():
    kid, private, jwks = key()
    jws = card(private, kid, n=38, lot="LOT-2026-0001")
    assert len(jws) > shc.MAX_SINGLE_JWS
    texts = shc.qr_texts(jws)
    assert [t.split("/")[1:3] for t in texts] == [
        [str(i + 1), str(len(texts))] for i in range(len(texts))
    ]
    assert all(len(t.split("/")[3]) // 2 <= shc.MAX_CHUNK for t in texts)
    assert shc.from_qr_texts(list(reversed(texts))) == jws
    with pytest.raises(CertificateInvalid, match="missing"):
        shc.from_qr_texts(texts[:1])
    assert verify_card(jws_of(" ".join(texts).encode()), jwks).doses


def test_a_qr_image_round_trips_through_zxing_cpp():
    kid, private, jwks = key()
    jws = card(private, kid, n=12, lot="B1234")
    (text,) = shc.qr_texts(jws)
    png = qr_png(text)
    assert png.startswith(b"\x89PNG")
    assert jws_of(png) == jws
    assert len(verify_card(jws_of(png), jwks).doses) == 12


def test_an_image_without_a_card_is_refused():
    png = qr_png("shc:/56")
    from io import BytesIO

    from PIL import Image

    blank = BytesIO()
    Image.new("L", (60, 60), 255).save(blank, format="PNG")
    with pytest.raises(CertificateInvalid, match="no SMART Health Card QR"):
        jws_of(blank.getvalue())
    assert jws_of(png) == "e"  # 56 + 45 = ord("e")


def test_a_smart_health_card_file_is_read():
    kid, private, jwks = key()
    jws = card(private, kid)
    assert jws_of(json.dumps({"verifiableCredential": [jws]}).encode()) == jws
    with pytest.raises(CertificateInvalid):
        jws_of(b'{"verifiableCredential": []}')

"""Eligibility cards as compact JWS (a JWT, RFC 7519), ES256 with the issuer's certificate keys,
verified offline against a saved JWKS and the keys' revocation lists.

The same keys, ``kid`` (RFC 7638 thumbprint), signature form (raw ``r || s``) and revocation
lists (``rid`` method: the card id is the ``rid``) as the SMART Health Cards in ``shc``; the
payload is not DEFLATEd (``zip`` is not a JWT header), so any JOSE library, and a browser's
WebCrypto, verifies a card as it is. The QR code holds the compact JWS itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ...domain.eligibility_cards import CardClaims, check_valid_on, read_claims
from ...domain.errors import CardInvalid, CardRevoked, CertificateInvalid
from . import shc

_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
MAX_CARD = 2000  # characters: a card is some 600; anything far longer is not one


def sign_card(claims: CardClaims, key: ec.EllipticCurvePrivateKey, kid: str) -> str:
    header = json.dumps({"alg": "ES256", "typ": "JWT", "kid": kid}, separators=(",", ":"))
    body = json.dumps(claims.payload(), separators=(",", ":"), ensure_ascii=False)
    signing_input = f"{shc.b64u(header.encode())}.{shc.b64u(body.encode())}"
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), shc._ECDSA))
    return f"{signing_input}.{shc.b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def card_text(data: bytes | str) -> str:
    """The compact JWS from what a desk was given: the text (perhaps with spaces or line breaks
    from a paste), a file holding it, or a QR image of it."""
    if isinstance(data, bytes):
        if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF")):
            return _text_in_image(data)
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CardInvalid("card", reason="it is not an eligibility card") from None
    text = "".join(data.split())
    if len(text) > MAX_CARD or not _COMPACT.match(text):
        raise CardInvalid("card", reason="it is not an eligibility card")
    return text


def _text_in_image(data: bytes) -> str:
    import io

    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        raise CardInvalid("card", reason="the image cannot be read") from None
    for found in zxingcpp.read_barcodes(image.convert("L")):
        if _COMPACT.match(found.text.strip()):
            return found.text.strip()
    raise CardInvalid("card", reason="no eligibility card QR code was found")


def verify_card(
    jws: str | bytes,
    jwks: Mapping[str, Any],
    crls: Iterable[Mapping[str, Any]] = (),
    *,
    on: date | None = None,
) -> CardClaims:
    """The card's claims once the signature (against the JWKS), the content, the revocation
    lists and, with ``on``, the validity on that day are checked; else the refusal."""
    text = card_text(jws)
    try:
        unpacked = shc.verify(text, shc.keys_of_jwks(jwks))
    except CertificateInvalid as refusal:
        raise CardInvalid("card", **refusal.params) from None
    if unpacked.header.get("zip") is not None:
        raise CardInvalid("card", reason="it is not an eligibility card")
    claims = read_claims(unpacked.payload)
    kid = str(unpacked.header["kid"])
    for crl in crls:
        if crl.get("kid") != kid:
            continue
        reasons = crl.get("reasons") or {}
        for entry in crl.get("rids") or []:
            rid, _, stamp = str(entry).partition(".")
            if rid == claims.card_id and (not stamp or claims.issued_at < int(stamp)):
                day = datetime.fromtimestamp(int(stamp), UTC).date().isoformat() if stamp else "?"
                raise CardRevoked("card", day=day, reason=str(reasons.get(rid, "")) or "-")
    if on is not None:
        check_valid_on(claims, on)
    return claims


def kid_of(jws: str) -> str:
    """The key id in a card's header (unverified), for error messages and lookups."""
    try:
        return str(shc.unpack(card_text(jws)).header.get("kid", ""))
    except CertificateInvalid:
        raise CardInvalid("card", reason="it is not an eligibility card") from None


def qr_png(text: str, scale: int = 4) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="L", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(text: str, scale: int = 3) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="L", micro=False).save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode("utf-8")

"""Verifying a SMART Health Card offline, with only the issuer's JWKS (and its revocation lists),
from whatever the holder brings: the .smart-health-card file, a QR image, or the shc:/ text."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ...domain.errors import CertificateInvalid, CertificateRevoked, InvalidInput
from . import shc
from .fhir import SHC_TYPES, GivenDose, read_bundle

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF")


@dataclass(frozen=True, slots=True)
class VerifiedCard:
    issuer: str
    kid: str
    rid: str
    issued_at: datetime
    holder_names: tuple[str, ...]
    birth_date: date | None
    doses: tuple[GivenDose, ...]

    @property
    def holder(self) -> str:
        return " / ".join(dict.fromkeys(self.holder_names)) or "?"


def jws_of(data: bytes) -> str:
    """The compact JWS in a .smart-health-card file, a QR image, or shc:/ text."""
    if data.startswith(_IMAGE_MAGIC):
        return shc.from_qr_texts(qr_texts_in_image(data))
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CertificateInvalid("certificate", reason="it is not a shc:/ text") from None
    if text.startswith("{"):
        try:
            document = json.loads(text)
            credentials = document["verifiableCredential"]
            return str(credentials[0])
        except (ValueError, KeyError, IndexError, TypeError):
            raise CertificateInvalid(
                "certificate", reason="it is not a SMART Health Card (a compact JWS)"
            ) from None
    if text.lower().startswith("shc:/"):
        return shc.from_qr_texts(text.split())
    return text


def qr_texts_in_image(data: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        raise CertificateInvalid("certificate", reason="the image cannot be read") from None
    found = zxingcpp.read_barcodes(image.convert("L"))
    texts = [b.text for b in found if b.text.lower().startswith("shc:/")]
    if not texts:
        raise CertificateInvalid("certificate", reason="no SMART Health Card QR code was found")
    return texts


def qr_png(text: str, scale: int = 4) -> bytes:
    """A PNG of one QR code holding a ``shc:/`` text: the prefix in byte mode, the digits in
    numeric mode, error correction L, as the spec asks."""
    import segno
    from segno import consts

    prefix, _, digits = text.rpartition("/")
    qr = segno.make(
        [(prefix + "/", consts.MODE_BYTE), (digits, consts.MODE_NUMERIC)],  # type: ignore[arg-type]
        error="L", boost_error=False, micro=False,
    )  # fmt: skip
    out = io.BytesIO()
    qr.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def verify_card(
    jws: str, jwks: Mapping[str, Any], crls: Iterable[Mapping[str, Any]] = ()
) -> VerifiedCard:
    """Check the signature against the JWKS, the content, and the revocation lists."""
    unpacked = shc.verify(jws, shc.keys_of_jwks(jwks))
    payload, kid = unpacked.payload, str(unpacked.header["kid"])
    vc = payload.get("vc")
    subject = vc.get("credentialSubject") if isinstance(vc, Mapping) else None
    if (
        not isinstance(subject, Mapping)
        or SHC_TYPES[0] not in (vc.get("type") or [])  # type: ignore[union-attr]
        or not isinstance(payload.get("nbf"), int | float)
    ):
        raise CertificateInvalid("certificate", reason="its content is not a health card")
    try:
        bundle = read_bundle(subject.get("fhirBundle"))
    except InvalidInput:
        raise CertificateInvalid("certificate", reason="its content is not a health card") from None
    rid = str(vc.get("rid") or "")  # type: ignore[union-attr]
    nbf = int(payload["nbf"])
    for crl in crls:
        if crl.get("kid") != kid or not rid:
            continue
        reasons = crl.get("reasons") or {}
        for entry in crl.get("rids") or []:
            revoked_rid, _, stamp = str(entry).partition(".")
            if revoked_rid == rid and (not stamp or nbf < int(stamp)):
                day = datetime.fromtimestamp(int(stamp), UTC).date().isoformat() if stamp else "?"
                raise CertificateRevoked(
                    "certificate", day=day, reason=str(reasons.get(rid, "")) or "-"
                )
    return VerifiedCard(
        issuer=str(payload.get("iss", "")),
        kid=kid,
        rid=rid,
        issued_at=datetime.fromtimestamp(nbf, UTC),
        holder_names=bundle.holder_names,
        birth_date=bundle.birth_date,
        doses=bundle.doses,
    )

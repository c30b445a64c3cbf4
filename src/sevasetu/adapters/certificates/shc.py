"""SMART Health Cards: ES256 compact JWS over a raw-DEFLATEd payload, and its QR text.

Written against the SMART Health Cards framework (spec.smarthealth.cards): the header is
``{"alg":"ES256","zip":"DEF","kid":...}``; the kid is the RFC 7638 thumbprint of the public
P-256 key; the signature is the raw 64-byte ``r || s`` (RFC 7518 section 3.4), not DER; the QR
holds ``shc:/`` followed by two digits per base64url character (ord(c) - 45), split into
``shc:/i/n/`` chunks when the JWS is longer than one version-22 QR code carries.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import operator
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ...domain.errors import CertificateInvalid

MAX_SINGLE_JWS = 1195  # the most a version-22 QR code (error correction L) holds, per the spec
MAX_CHUNK = 1191
MAX_INFLATED = 1_000_000  # a payload inflating beyond this is refused (a zip bomb)
_ECDSA = ec.ECDSA(hashes.SHA256())
_NUMERIC = re.compile(r"^shc:/(?:([0-9]+)/([0-9]+)/)?([0-9]+)$")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def inflate(data: bytes, limit: int = MAX_INFLATED) -> bytes:
    unpacker = zlib.decompressobj(-15)
    out = unpacker.decompress(data, limit)
    if unpacker.unconsumed_tail or not unpacker.eof:
        raise ValueError("the payload is truncated or too large")
    return out


# --- keys --------------------------------------------------------------------------------


def public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64u(numbers.x.to_bytes(32, "big")),
        "y": b64u(numbers.y.to_bytes(32, "big")),
    }


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638: SHA-256 over the required members, sorted, without whitespace."""
    required = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    canonical = json.dumps(required, sort_keys=True, separators=(",", ":"))
    return b64u(hashlib.sha256(canonical.encode()).digest())


def published_jwk(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The key as listed in ``/.well-known/jwks.json``."""
    return {**{k: jwk[k] for k in ("kty", "crv", "x", "y")}, "kid": thumbprint(jwk),
            "use": "sig", "alg": "ES256"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NewKey:
    kid: str
    private_pem: str
    public_jwk: dict[str, str]


def generate_key(passphrase: bytes) -> NewKey:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = public_jwk(private.public_key())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    return NewKey(thumbprint(jwk), pem.decode("ascii"), jwk)


@lru_cache(maxsize=32)
def load_private_key(pem: str, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=passphrase)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the signing key is not an EC key")
    return key


def public_key_of(jwk: Mapping[str, Any]) -> ec.EllipticCurvePublicKey:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("not a P-256 key")
    x = int.from_bytes(b64u_decode(jwk["x"]), "big")
    y = int.from_bytes(b64u_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def keys_of_jwks(jwks: Mapping[str, Any]) -> dict[str, ec.EllipticCurvePublicKey]:
    """The usable keys of a JWKS document, by kid; a kid that is not the key's thumbprint or a
    key that is not P-256 is left out."""
    found = {}
    for jwk in jwks.get("keys", []) if isinstance(jwks, Mapping) else []:
        try:
            if jwk.get("kid") == thumbprint(jwk):
                found[jwk["kid"]] = public_key_of(jwk)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
    return found


# --- JWS ---------------------------------------------------------------------------------


def sign(payload: Mapping[str, Any], key: ec.EllipticCurvePrivateKey, kid: str) -> str:
    header = b64u(b'{"alg":"ES256","zip":"DEF","kid":"' + kid.encode("ascii") + b'"}')
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    signing_input = f"{header}.{b64u(deflate(body))}"
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), _ECDSA))
    return f"{signing_input}.{b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass(frozen=True, slots=True)
class Unpacked:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def unpack(jws: str) -> Unpacked:
    """Split and decode without checking the signature; anything malformed is refused."""
    parts = jws.strip().split(".")
    if len(parts) != 3:
        raise CertificateInvalid(
            "certificate", reason="it is not a SMART Health Card (a compact JWS)"
        )
    try:
        header = json.loads(b64u_decode(parts[0]))
        raw = b64u_decode(parts[1])
        signature = b64u_decode(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise CertificateInvalid(
            "certificate", reason="it is not a SMART Health Card (a compact JWS)"
        ) from None
    if not isinstance(header, dict) or header.get("alg") != "ES256":
        raise CertificateInvalid("certificate", reason="it is not signed with ES256")
    try:
        body = inflate(raw) if header.get("zip") == "DEF" else raw
        payload = json.loads(body)
    except (ValueError, zlib.error, UnicodeDecodeError):
        raise CertificateInvalid("certificate", reason="its content cannot be read") from None
    if not isinstance(payload, dict):
        raise CertificateInvalid("certificate", reason="its content cannot be read")
    return Unpacked(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def verify(jws: str, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> Unpacked:
    """The header and payload of a JWS signed by one of ``keys`` (by kid), else a refusal."""
    unpacked = unpack(jws)
    kid = unpacked.header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise CertificateInvalid(
            "certificate", reason="it was signed with a key this issuer does not publish"
        )
    sig = unpacked.signature
    if len(sig) != 64:
        raise CertificateInvalid("certificate", reason="the signature does not match the content")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        key.verify(der, unpacked.signing_input, _ECDSA)
    except InvalidSignature:
        raise CertificateInvalid(
            "certificate", reason="the signature does not match the content"
        ) from None
    return unpacked


# --- QR text -----------------------------------------------------------------------------


# Each base64url or "." character as two digits, ord(c) - 45, and back: by table, for speed.
_TO_DIGITS = {c: f"{c - 45:02d}" for c in range(45, 123)}
_TENS = bytes.maketrans(b"0123456789", bytes(45 + 10 * d for d in range(10)))
_ONES = bytes.maketrans(b"0123456789", bytes(range(10)))


def to_numeric(jws: str) -> str:
    return jws.translate(_TO_DIGITS)


def qr_texts(jws: str) -> list[str]:
    """One ``shc:/`` text per QR code: one when the JWS fits, else balanced ``shc:/i/n/`` chunks."""
    if len(jws) <= MAX_SINGLE_JWS:
        return ["shc:/" + to_numeric(jws)]
    count = math.ceil(len(jws) / MAX_CHUNK)
    size = math.ceil(len(jws) / count)
    return [
        f"shc:/{i + 1}/{count}/" + to_numeric(jws[i * size : (i + 1) * size]) for i in range(count)
    ]


def from_qr_texts(texts: list[str]) -> str:
    """The JWS back from one ``shc:/`` text or all the chunks of one card, in any order."""
    chunks: dict[int, str] = {}
    total = None
    for text in texts:
        match = _NUMERIC.match(text.strip())
        if not match or len(match.group(3)) % 2:
            raise CertificateInvalid("certificate", reason="it is not a shc:/ text")
        digits = match.group(3)
        codes = bytes(map(operator.add, digits[::2].encode().translate(_TENS),
                          digits[1::2].encode().translate(_ONES)))  # fmt: skip
        if codes and max(codes) > 122:  # above 77, ord("z") - 45
            raise CertificateInvalid("certificate", reason="it is not a shc:/ text")
        part = codes.decode("ascii")
        index, of = (int(match.group(1)), int(match.group(2))) if match.group(1) else (1, 1)
        if total not in (None, of) or not 1 <= index <= of:
            raise CertificateInvalid("certificate", reason="it is not a shc:/ text")
        total = of
        chunks[index] = part
    if total is None or len(chunks) != total:
        raise CertificateInvalid(
            "certificate", reason="some parts of a card split over several QR codes are missing"
        )
    return "".join(chunks[i] for i in range(1, total + 1))

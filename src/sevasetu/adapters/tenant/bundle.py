"""The bundle on disk: one gzip-compressed JSON Lines file per table, ``manifest.json`` and
``manifest.jws``, the manifest signed (ES256, compact JWS) by the origin's signing key.

The file hash covers the compressed bytes as they travel; the content hash covers the
canonical lines, which is what ``tenant verify`` recomputes from a live database.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ...domain.tenancy import BundleRefused, Manifest, TableEntry
from ..certificates.shc import b64u, b64u_decode, keys_of_jwks, published_jwk

MANIFEST = "manifest.json"
SIGNATURE = "manifest.jws"
TYPE = "sevasetu-tenant-manifest"
_ECDSA = ec.ECDSA(hashes.SHA256())
_CHUNK = 1 << 20


class TableWriter:
    """Writes one table's canonical lines, hashing the lines and the file as they go."""

    def __init__(self, directory: Path, name: str) -> None:
        self.file = f"{name}.jsonl.gz"
        self._path = directory / self.file
        self._raw: IO[bytes] = open(self._path, "wb")  # noqa: SIM115 - closed in close()
        self._file_hash = hashlib.sha256()
        self._content_hash = hashlib.sha256()
        # mtime 0 and no name: the same rows give the same bytes.
        self._gzip = gzip.GzipFile(fileobj=_Hashing(self._raw, self._file_hash), mode="wb",
                                   compresslevel=1, mtime=0, filename="")  # fmt: skip
        self.rows = 0

    def write(self, line: bytes) -> None:
        self._gzip.write(line)
        self._content_hash.update(line)
        self.rows += 1

    def write_block(self, lines: bytes) -> None:
        """Whole canonical lines at once (each ends with its newline, the only one in it)."""
        self._gzip.write(lines)
        self._content_hash.update(lines)
        self.rows += lines.count(b"\n")

    def close(self) -> tuple[str, str]:
        self._gzip.close()
        self._raw.close()
        return self._file_hash.hexdigest(), self._content_hash.hexdigest()


class _Hashing:
    def __init__(self, raw: IO[bytes], digest: Any) -> None:
        self._raw, self._digest = raw, digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()


def read_lines(path: Path) -> Iterator[bytes]:
    """A table file's canonical lines, streamed."""
    with gzip.open(path, "rb") as f:
        yield from f


def parse_line(line: bytes) -> list[Any]:
    values = json.loads(line.decode("utf-8"))
    if not isinstance(values, list):
        raise ValueError("a line is not a JSON array")
    return values


# --- the signature -----------------------------------------------------------------------


def sign_manifest(directory: Path, manifest: Manifest, key: ec.EllipticCurvePrivateKey) -> None:
    body = manifest.to_bytes()
    (directory / MANIFEST).write_bytes(body)
    header = json.dumps({"alg": "ES256", "kid": manifest.key_id, "typ": TYPE},
                        separators=(",", ":"), sort_keys=True).encode()  # fmt: skip
    signing_input = f"{b64u(header)}.{b64u(body)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), _ECDSA))
    signature = b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    (directory / SIGNATURE).write_text(f"{signing_input}.{signature}\n", encoding="ascii")


def trusted_keys(jwks: Mapping[str, Any]) -> dict[str, ec.EllipticCurvePublicKey]:
    """Keys from a JWKS document (``/.well-known/jwks.json``) or a single JWK."""
    if "keys" not in jwks and "kty" in jwks:
        jwks = {"keys": [published_jwk(jwks)]}
    return keys_of_jwks(jwks)


def read_manifest(directory: Path, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> Manifest:
    """The manifest, once its signature is checked against ``keys``; else a refusal."""
    if not directory.is_dir():
        raise BundleRefused("bundle", reason=f"{directory} is not a directory")
    for name in (MANIFEST, SIGNATURE):
        if not (directory / name).is_file():
            raise BundleRefused("bundle", reason=f"{name} is missing")
    body = (directory / MANIFEST).read_bytes()
    parts = (directory / SIGNATURE).read_text(encoding="ascii", errors="replace").strip().split(".")
    try:
        header = json.loads(b64u_decode(parts[0]))
        payload = b64u_decode(parts[1])
        signature = b64u_decode(parts[2])
    except (IndexError, ValueError):
        raise BundleRefused("signature", reason=f"{SIGNATURE} is not a compact JWS") from None
    if not isinstance(header, dict) or header.get("alg") != "ES256" or header.get("typ") != TYPE:
        raise BundleRefused("signature", reason=f"{SIGNATURE} is not an ES256 manifest signature")
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise BundleRefused(
            "signature", reason=f"it is signed with key {kid}, which is not among the trusted keys"
        )
    if len(signature) != 64:
        raise BundleRefused("signature", reason="the signature does not match the manifest")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, f"{parts[0]}.{parts[1]}".encode("ascii"), _ECDSA)
    except InvalidSignature:
        raise BundleRefused(
            "signature", reason="the signature does not match the manifest"
        ) from None
    if payload != body:
        raise BundleRefused("manifest", reason=f"{MANIFEST} is not the manifest that was signed")
    try:
        manifest = Manifest.from_json(json.loads(body))
    except ValueError:
        raise BundleRefused("manifest", reason=f"{MANIFEST} is not JSON") from None
    if manifest.key_id != kid:
        raise BundleRefused("manifest", reason="the manifest names another key than its signature")
    return manifest


def check_files(directory: Path, manifest: Manifest) -> None:
    """Every table file is there, with the signed hash, row count and content hash. The files
    are read once each, two at a time (hashing and decompressing run outside the GIL)."""
    for entry in manifest.tables:
        if Path(entry.file).name != entry.file:
            raise BundleRefused(entry.name, reason=f"{entry.file} is not a plain file name")
        if not (directory / entry.file).is_file():
            raise BundleRefused(entry.name, reason=f"{entry.file} is missing")
    with ThreadPoolExecutor(max_workers=2) as pool:
        refusals = list(pool.map(lambda e: _file_refusal(directory, e), manifest.tables))
    for refusal in refusals:
        if refusal is not None:
            raise refusal


def _file_refusal(directory: Path, entry: TableEntry) -> BundleRefused | None:
    """Why one table file is refused, or None: its bytes, its lines and their count, read in
    one pass (the file hash over the compressed bytes, the content hash over the lines)."""
    file_hash, content, rows = hashlib.sha256(), hashlib.sha256(), 0
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip, its CRC and length checked
    broken: str | None = None
    last = b"\n"
    with open(directory / entry.file, "rb") as f:
        while chunk := f.read(_CHUNK):
            file_hash.update(chunk)
            if broken is not None:
                continue
            try:
                lines = inflate.decompress(chunk)
            except zlib.error as exc:
                broken = str(exc)
                continue
            if lines:
                content.update(lines)
                rows += lines.count(b"\n")
                last = lines[-1:]
    if file_hash.hexdigest() != entry.file_sha256:
        return BundleRefused(entry.name, reason=f"{entry.file} has changed since it was signed")
    if broken is None and (not inflate.eof or inflate.unused_data):
        broken = "it does not end where its compressed stream ends"
    if broken is not None:
        return BundleRefused(entry.name, reason=f"{entry.file} cannot be read ({broken})")
    rows += last != b"\n"  # a last line without its newline is still a line
    if rows != entry.rows or content.hexdigest() != entry.content_sha256:
        return BundleRefused(
            entry.name, reason=f"{entry.file} holds {rows} rows, not the {entry.rows} signed"
        )
    return None

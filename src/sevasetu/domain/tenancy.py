"""A state's data as a bundle: canonical values, the manifest, and comparing two copies.

The bundle holds, per table, the state's rows in primary-key order, one canonical JSON array a
line. Canonical means the same row gives the same bytes whichever database it was read from:
dates ``YYYY-MM-DD``, instants in UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, times ``HH:MM:SS.ffffff``,
binary as base64, JSON values as JSON with sorted keys. The manifest names the schema version,
and per table the columns, row count and SHA-256 of the file and of the canonical lines.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from .errors import DomainError

FORMAT = "sevasetu-tenant-bundle/1"
# Value kinds a column is canonicalised as (the adapter maps column types onto these).
KINDS = ("text", "int", "float", "decimal", "bool", "date", "datetime", "time", "json", "binary")


def encode_value(kind: str, value: Any) -> Any:
    """A column's value as a JSON-ready canonical value."""
    if value is None:
        return None
    if kind not in _ENCODERS:
        raise ValueError(f"unknown kind {kind!r}")
    encode = _ENCODERS[kind]
    return value if encode is None else encode(value)


def decode_value(kind: str, value: Any) -> Any:
    """The canonical value back as the Python value a database driver takes."""
    decode = _DECODERS.get(kind)
    return value if value is None or decode is None else decode(value)


_DECODERS: dict[str, Callable[[Any], Any] | None] = {
    "datetime": datetime.fromisoformat,  # "...Z" is UTC (Python 3.11)
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "binary": lambda v: base64.b64decode(v, validate=True),
    "decimal": Decimal,
}


def row_decoder(kinds: list[str]) -> Callable[[list[Any]], list[Any]]:
    """The inverse of ``row_encoder``: canonical values back to what a driver takes."""
    plan = [_DECODERS.get(k) for k in kinds]
    if all(d is None for d in plan):
        return list
    return lambda row: [
        v if v is None or d is None else d(v) for v, d in zip(row, plan, strict=True)
    ]


# One encoder object, built once: ``json.dumps`` with options builds a new one every call.
_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def canonical_line(values: list[Any]) -> bytes:
    """One row: its canonical values in column order, as one line of UTF-8 JSON."""
    return (_DUMPS(values) + "\n").encode("utf-8")


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"not an aware datetime: {value!r}")
    if value.utcoffset():
        value = value.astimezone(UTC)
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:"
            f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}Z")  # fmt: skip


_ENCODERS: dict[str, Callable[[Any], Any] | None] = {
    "datetime": _instant,
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.strftime("%H:%M:%S.%f"),
    "binary": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "decimal": str,
    "bool": bool,
    "int": int,
    "float": float,
    "text": None,
    "json": None,
}


def row_encoder(kinds: list[str]) -> Callable[[Iterable[Any]], list[Any]]:
    """A function from a row's values (in column order) to their canonical values: the same
    as ``encode_value`` column by column, built once per table for speed."""
    plan = [_ENCODERS[k] for k in kinds]
    if all(e is None for e in plan):
        return list
    return lambda row: [
        v if v is None or e is None else e(v) for v, e in zip(row, plan, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class TableEntry:
    """One table of a bundle, as its manifest describes it."""

    name: str
    rule: str  # how its rows were chosen (adapters.tenant.scope)
    file: str
    columns: list[str]
    kinds: list[str]
    primary_key: list[str]
    rows: int
    file_sha256: str
    content_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "rule": self.rule, "file": self.file, "columns": self.columns,
            "kinds": self.kinds, "primary_key": self.primary_key, "rows": self.rows,
            "file_sha256": self.file_sha256, "content_sha256": self.content_sha256,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Manifest:
    state_code: str
    schema_version: str
    origin: str
    exported_at: datetime
    key_id: str
    tables: list[TableEntry] = field(default_factory=list)

    def table(self, name: str) -> TableEntry | None:
        return next((t for t in self.tables if t.name == name), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "state_code": self.state_code,
            "schema_version": self.schema_version,
            "origin": self.origin,
            "exported_at": encode_value("datetime", self.exported_at),
            "key_id": self.key_id,
            "tables": [t.as_json() for t in self.tables],
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BundleRefused(None, reason=f"its manifest is not a {FORMAT} manifest")
        try:
            return cls(
                state_code=str(data["state_code"]),
                schema_version=str(data["schema_version"]),
                origin=str(data["origin"]),
                exported_at=decode_value("datetime", data["exported_at"]),
                key_id=str(data["key_id"]),
                tables=[TableEntry(**t) for t in data["tables"]],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleRefused(None, reason=f"its manifest cannot be read ({exc})") from None


# --- comparing two copies of a table -----------------------------------------------------


@dataclass(slots=True)
class TableDifference:
    """How the live rows of one table differ from the bundle's, by primary key."""

    name: str
    live_rows: int = 0
    bundle_rows: int = 0
    live_sha256: str = ""
    bundle_sha256: str = ""
    missing: list[list[Any]] = field(default_factory=list)  # in the bundle, not live
    extra: list[list[Any]] = field(default_factory=list)  # live, not in the bundle
    changed: list[list[Any]] = field(default_factory=list)  # in both, different
    missing_count: int = 0
    extra_count: int = 0
    changed_count: int = 0

    @property
    def same(self) -> bool:
        return not (self.missing_count or self.extra_count or self.changed_count)


SHOWN_KEYS = 20  # keys listed per kind of difference; the counts are always complete


def compare_rows(
    name: str,
    live: Iterable[tuple[list[Any], bytes]],
    bundle: Iterable[tuple[list[Any], bytes]],
) -> TableDifference:
    """Merge two streams of (primary key, canonical line), each in primary-key order."""
    diff = TableDifference(name)

    def note(kind: str, key: list[Any]) -> None:
        setattr(diff, f"{kind}_count", getattr(diff, f"{kind}_count") + 1)
        shown = getattr(diff, kind)
        if len(shown) < SHOWN_KEYS:
            shown.append(key)

    a, b = _Peek(iter(live)), _Peek(iter(bundle))
    while a.item is not None or b.item is not None:
        if b.item is None or (a.item is not None and a.item[0] < b.item[0]):
            note("extra", a.item[0])  # type: ignore[index]
            a.advance()
        elif a.item is None or b.item[0] < a.item[0]:
            note("missing", b.item[0])
            b.advance()
        else:
            if a.item[1] != b.item[1]:
                note("changed", a.item[0])
            a.advance()
            b.advance()
    diff.live_rows, diff.bundle_rows = a.count, b.count
    return diff


class _Peek:
    def __init__(self, items: Iterator[tuple[list[Any], bytes]]) -> None:
        self._items = items
        self.count = 0
        self.item: tuple[list[Any], bytes] | None = None
        self.advance()

    def advance(self) -> None:
        self.item = next(self._items, None)
        if self.item is not None:
            self.count += 1


# --- refusals ----------------------------------------------------------------------------


class BundleRefused(DomainError):
    code = "bundle-refused"
    template = "The bundle is refused: {reason}."


class SchemaVersionMismatch(DomainError):
    code = "schema-version-mismatch"
    kind = "conflict"
    template = (
        "The bundle was exported at schema version {bundle} but this database is at {here}; "
        "bring both to the same version first."
    )


class TargetHoldsOtherData(DomainError):
    code = "tenant-conflict"
    kind = "conflict"
    template = (
        "This database already holds other records of {state} in: {tables}. Nothing was imported."
    )


class ImportFailed(DomainError):
    code = "tenant-import-failed"
    kind = "conflict"
    template = "Importing {table} failed ({reason}); nothing was imported."

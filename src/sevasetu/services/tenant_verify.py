"""``tenant verify``: the live database against a bundle, table by table, by primary key.

A table whose live rows hash to the bundle's content hash (counted and hashed as they stream,
on PostgreSQL written by the server itself) is the same; only a table that differs is read
again row by row and merged with the bundle by primary key, to name the keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

from ..adapters.tenant.bundle import parse_line, read_lines
from ..adapters.tenant.parallel import each_table
from ..adapters.tenant.rows import canonical_rows, state_digest
from ..domain.tenancy import BundleRefused, Manifest, TableDifference, compare_rows
from .ports import Context
from .tenant_export import snapshot, state_code_of
from .tenant_import import open_bundle


class _Hashed:
    """Passes (key, line) pairs through, hashing the lines."""

    def __init__(self, items: Iterable[tuple[list[Any], bytes]]) -> None:
        self._items = items
        self.digest = hashlib.sha256()

    def __iter__(self) -> Iterator[tuple[list[Any], bytes]]:
        for key, line in self._items:
            self.digest.update(line)
            yield key, line


def digest_of(code: str) -> Callable[[Connection, Table], tuple[int, str]]:
    return lambda conn, table: state_digest(conn, table, code)


def verify_state(
    ctx: Context, state_code: str, directory: Path, trusted: Mapping[str, Any] | None = None
) -> tuple[Manifest, list[TableDifference]]:
    code = state_code_of(ctx, state_code)
    manifest, pairs = open_bundle(ctx, directory, trusted)
    if manifest.state_code != code:
        raise BundleRefused("state", reason=f"it holds {manifest.state_code}, not {code}")
    found = []
    engine = ctx.engine  # type: ignore[attr-defined]
    with snapshot(engine) as conn:
        # Counted and hashed first, two tables at a time: most tables are simply the same.
        digests = each_table(engine, conn, [table for table, _ in pairs], digest_of(code))
        for table, entry in pairs:
            key_at = [entry.columns.index(n) for n in entry.primary_key]

            def bundle(
                path: Path = directory / entry.file, at: list[int] = key_at
            ) -> Iterator[tuple[list[Any], bytes]]:
                for line in read_lines(path):
                    values = parse_line(line)
                    yield [values[i] for i in at], line

            rows, digest = digests[table.name]
            if rows == entry.rows and digest == entry.content_sha256:
                # The bundle's lines were checked against this hash: the same rows, no
                # need to read them again key by key.
                diff = TableDifference(table.name, rows, entry.rows, digest, digest)
                found.append(diff)
                continue
            live = _Hashed(canonical_rows(conn, table, code))
            diff = compare_rows(table.name, live, bundle())
            diff.live_sha256, diff.bundle_sha256 = live.digest.hexdigest(), entry.content_sha256
            if entry.rule == "public_keys":
                # This deployment's own keys are not the bundle's business.
                diff.extra, diff.extra_count = [], 0
            found.append(diff)
    return manifest, found

"""``tenant verify``: the live database against a bundle, table by table, by primary key."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..adapters.tenant.bundle import parse_line, read_lines
from ..adapters.tenant.rows import canonical_rows
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


def verify_state(
    ctx: Context, state_code: str, directory: Path, trusted: Mapping[str, Any] | None = None
) -> tuple[Manifest, list[TableDifference]]:
    code = state_code_of(ctx, state_code)
    manifest, pairs = open_bundle(ctx, directory, trusted)
    if manifest.state_code != code:
        raise BundleRefused("state", reason=f"it holds {manifest.state_code}, not {code}")
    found = []
    with snapshot(ctx.engine) as conn:  # type: ignore[attr-defined]
        for table, entry in pairs:
            key_at = [entry.columns.index(n) for n in entry.primary_key]

            def bundle(
                path: Path = directory / entry.file, at: list[int] = key_at
            ) -> Iterator[tuple[list[Any], bytes]]:
                for line in read_lines(path):
                    values = parse_line(line)
                    yield [values[i] for i in at], line

            live = _Hashed(canonical_rows(conn, table, code))
            diff = compare_rows(table.name, live, bundle())
            diff.live_sha256, diff.bundle_sha256 = live.digest.hexdigest(), entry.content_sha256
            if entry.rule == "public_keys":
                # This deployment's own keys are not the bundle's business.
                diff.extra, diff.extra_count = [], 0
            found.append(diff)
    return manifest, found

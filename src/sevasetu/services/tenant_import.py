"""``tenant import``: a state's bundle into this deployment, all or nothing.

Checks first, then writes: the signature (a trusted key), the schema version, every file's
hash, row count and content hash; then, in one transaction, whether this database already holds
rows of the state (identical: skipped, so a second run is a no-op; different: refused, naming
the tables); then the inserts in foreign-key order, identifiers kept (on PostgreSQL the
files stream into COPY and the server turns the lines into rows: ``adapters.tenant.load``),
and the sequences moved past the imported numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, text, tuple_
from sqlalchemy.exc import DBAPIError

from ..adapters.db import tables as t
from ..adapters.db.bulk import bulk_insert
from ..adapters.db.engine import IMMEDIATE, writer_lock
from ..adapters.db.migrate import current_revision
from ..adapters.tenant.bundle import check_files, parse_line, read_lines, read_manifest
from ..adapters.tenant.freeze import TRANSFER
from ..adapters.tenant.load import build_again, copy_file_in, is_empty, set_aside
from ..adapters.tenant.rows import decoded, kind_of, state_digest, utc
from ..adapters.tenant.scope import compared_columns, exported_tables, exported_values
from ..domain.tenancy import (
    BundleRefused,
    ImportFailed,
    Manifest,
    SchemaVersionMismatch,
    TableEntry,
    TargetHoldsOtherData,
    canonical_line,
    encode_value,
    row_decoder,
)
from .ports import Context
from .tenant_export import Progress, keys_to_trust

BATCH = 10_000
MERGE_BATCH = 500  # rows of a shared table looked up at once


@dataclass
class ImportReport:
    manifest: Manifest
    inserted: dict[str, int] = field(default_factory=dict)
    already_there: list[str] = field(default_factory=list)

    @property
    def no_op(self) -> bool:
        return not any(self.inserted.values())


def open_bundle(
    ctx: Context, directory: Path, trusted: Mapping[str, Any] | None
) -> tuple[Manifest, list[tuple[Table, TableEntry]]]:
    """The bundle's manifest and its tables, once every check that needs no write passed."""
    manifest = read_manifest(directory, keys_to_trust(ctx, trusted))
    here = current_revision(ctx.engine) or ""  # type: ignore[attr-defined]
    if manifest.schema_version != here:
        raise SchemaVersionMismatch("schema_version", bundle=manifest.schema_version, here=here)
    pairs = []
    for table in exported_tables():
        entry = manifest.table(table.name)
        if entry is None:
            raise BundleRefused(table.name, reason=f"it holds no file for table {table.name}")
        if entry.columns != [c.name for c in table.columns]:
            raise BundleRefused(table.name, reason=f"its columns of {table.name} are not ours")
        pairs.append((table, entry))
    check_files(directory, manifest)
    return manifest, pairs


def import_bundle(
    ctx: Context,
    directory: Path,
    trusted: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    manifest, pairs = open_bundle(ctx, directory, trusted)
    report = ImportReport(manifest)
    engine: Engine = ctx.engine  # type: ignore[attr-defined]
    lock = writer_lock(engine)
    if lock is not None:
        lock.acquire()
    try:
        with engine.connect() as raw:
            conn = raw.execution_options(**{TRANSFER: True, IMMEDIATE: True})
            with conn.begin():
                utc(conn)
                plan = _plan(conn, manifest, pairs, directory, report)
                postgres = conn.dialect.name == "postgresql"
                # A deployment that holds nobody yet (a new State Data Centre): indexes and
                # foreign keys are built after the rows, not maintained row by row.
                fresh = postgres and is_empty(conn, t.people)
                for table, entry, rows in plan:
                    if postgres and entry.rule == "state":
                        inserted = _copy_in(conn, table, directory / entry.file, progress,
                                            bulk=fresh and is_empty(conn, table))  # fmt: skip
                    else:
                        inserted = _insert(conn, table, entry, rows, progress)
                    report.inserted[table.name] = inserted
                _move_sequences(conn, [table for table, _, _ in plan])
    finally:
        if lock is not None:
            lock.release()
    if report.inserted.get("areas") or report.inserted.get("facilities"):
        ctx.refresh_areas()  # this process's cached tree learns the state's areas
    return report


def _plan(
    conn: Connection,
    manifest: Manifest,
    pairs: list[tuple[Table, TableEntry]],
    directory: Path,
    report: ImportReport,
) -> list[tuple[Table, TableEntry, Iterator[list[Any]]]]:
    """Which tables to fill, and with which lines; refuses when the state's rows differ."""
    conflicts: list[str] = []
    plan: list[tuple[Table, TableEntry, Iterator[list[Any]]]] = []
    for table, entry in pairs:
        lines = (parse_line(line) for line in read_lines(directory / entry.file))
        if entry.rule == "state":
            count, digest = state_digest(conn, table, manifest.state_code)
            if count == 0:
                if entry.rows:
                    plan.append((table, entry, lines))
            elif count == entry.rows and digest == entry.content_sha256:
                report.already_there.append(table.name)
            else:
                conflicts.append(table.name)
            continue
        seen = {"differs": False}
        missing = sum(1 for _ in _missing_here(conn, table, entry, directory, seen))
        if seen["differs"]:
            conflicts.append(table.name)
        elif missing:
            plan.append((table, entry, _missing_here(conn, table, entry, directory, seen)))
        else:
            report.already_there.append(table.name)
    if conflicts:
        raise TargetHoldsOtherData("state", state=manifest.state_code, tables=", ".join(conflicts))
    return plan


def _missing_here(
    conn: Connection, table: Table, entry: TableEntry, directory: Path, state: dict[str, bool]
) -> Iterator[list[Any]]:
    """A shared table's bundle rows that are not here yet, streamed in batches; a row here
    that differs from the bundle's sets ``state["differs"]``."""
    names, kinds = entry.columns, entry.kinds
    key_at = [names.index(n) for n in entry.primary_key]
    compared = [names.index(n) for n in compared_columns(table)]
    pk = [table.c[n] for n in entry.primary_key]
    batch: list[list[Any]] = []

    def settle() -> Iterator[list[Any]]:
        keys = [tuple(decoded([kinds[i] for i in key_at], [v[i] for i in key_at],
                              [names[i] for i in key_at]).values()) for v in batch]  # fmt: skip
        here: dict[tuple[Any, ...], list[Any]] = {}
        for row in conn.execute(select(table).where(tuple_(*pk).in_(keys))):
            mapping = exported_values(table, dict(row._mapping))
            values = [encode_value(k, mapping[n]) for n, k in zip(names, kinds, strict=True)]
            here[tuple(values[i] for i in key_at)] = values
        for values in batch:
            found = here.get(tuple(values[i] for i in key_at))
            if found is None:
                yield values
            elif canonical_line([found[i] for i in compared]) != canonical_line(
                [values[i] for i in compared]
            ):
                state["differs"] = True

    for line in read_lines(directory / entry.file):
        batch.append(parse_line(line))
        if len(batch) >= MERGE_BATCH:
            yield from settle()
            batch = []
    if batch:
        yield from settle()


def _copy_in(
    conn: Connection, table: Table, path: Path, progress: Progress | None, *, bulk: bool
) -> int:
    """PostgreSQL: the file's lines in with no row in Python (``adapters.tenant.load``);
    ``bulk``: into an empty table, its indexes and foreign keys built after the rows."""
    done = 0
    try:
        rebuild = set_aside(conn, table) if bulk else []
        for inserted in copy_file_in(conn, table, path):
            done += inserted
            if progress is not None:
                progress(table.name, done)
        build_again(conn, table, rebuild)
    except conn.dialect.loaded_dbapi.Error as exc:
        reason = str(exc).strip().splitlines()[0][:200]
        raise ImportFailed(table.name, table=table.name, reason=reason) from None
    return done


def _insert(
    conn: Connection,
    table: Table,
    entry: TableEntry,
    lines: Iterator[list[Any]],
    progress: Progress | None,
) -> int:
    names, done = entry.columns, 0
    decode = row_decoder(entry.kinds)
    batch: list[dict[str, Any]] = []
    driver_error = conn.dialect.loaded_dbapi.Error  # COPY raises the driver's own errors
    try:
        for values in lines:
            batch.append(dict(zip(names, decode(values), strict=True)))
            if len(batch) >= BATCH:
                bulk_insert(conn, table, batch)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(table.name, done)
        bulk_insert(conn, table, batch)
        done += len(batch)
    except (DBAPIError, driver_error) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise ImportFailed(table.name, table=table.name, reason=reason) from None
    except (ValueError, TypeError) as exc:
        raise ImportFailed(table.name, table=table.name, reason=str(exc)[:200]) from None
    if progress is not None:
        progress(table.name, done)
    return done


def _move_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: each serial or identity column's sequence past the largest number now in
    the table, so that rows made here after the import never take an imported number. (SQLite
    numbers an INTEGER PRIMARY KEY from the largest present.)"""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.columns:
            if kind_of(column) != "int" or column is not table.autoincrement_column:
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence is None:
                continue
            prep = conn.dialect.identifier_preparer
            conn.execute(text(
                f"SELECT setval(:s, COALESCE((SELECT MAX({prep.quote(column.name)}) FROM "
                f"{prep.format_table(table)}), 0) + 1, false)"
            ), {"s": sequence})  # fmt: skip

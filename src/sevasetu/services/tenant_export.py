"""``tenant export``: a state's rows from every table, as a bundle signed by this deployment.

One consistent snapshot (REPEATABLE READ on PostgreSQL, one read transaction on SQLite), each
table streamed to its file in primary-key order (``adapters.tenant.rows.canonical_chunks``:
on PostgreSQL the server writes the lines of most tables itself, two tables at a time on two
connections sharing the snapshot: ``adapters.tenant.parallel``). Run it inside a maintenance
window so that nothing changes after the snapshot (``tenant rehearse`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Connection, Engine, Table, select

from ..adapters.certificates import shc
from ..adapters.db import tables as t
from ..adapters.db.migrate import current_revision
from ..adapters.tenant.bundle import MANIFEST, TableWriter, sign_manifest, trusted_keys
from ..adapters.tenant.parallel import each_table
from ..adapters.tenant.rows import canonical_chunks, kind_of, primary_key
from ..adapters.tenant.scope import exported_tables, rule_of
from ..domain.areas import TENANT_LEVELS
from ..domain.errors import InvalidInput, UnknownArea
from ..domain.tenancy import Manifest, TableEntry
from .certificates import _passphrase, active_key
from .ports import Context

Progress = Callable[[str, int], None]  # (table, rows so far)


def state_code_of(ctx: Context, state_code: str) -> str:
    code = state_code.strip().upper()
    tree = ctx.area_tree()
    if code not in tree or tree.get(code).level not in TENANT_LEVELS:
        raise UnknownArea("state", area_code=code)
    return code


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one moment of the database throughout."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def export_state(
    ctx: Context, state_code: str, out: Path, progress: Progress | None = None
) -> Manifest:
    code = state_code_of(ctx, state_code)
    if out.exists() and any(out.iterdir()):
        raise InvalidInput("out", reason=f"{out} is not empty; export into a new directory.")
    key = active_key(ctx)  # made now if this deployment never signed anything
    private = shc.load_private_key(key.private_pem, _passphrase(ctx))
    engine: Engine = ctx.engine  # type: ignore[attr-defined]
    version = current_revision(engine) or ""
    out.mkdir(parents=True, exist_ok=True)
    exported_at = ctx.now()

    def write(conn: Connection, table: Table) -> TableEntry:
        writer = TableWriter(out, table.name)
        try:
            for block in canonical_chunks(conn, table, code):
                writer.write_block(block)
                if progress is not None:
                    progress(table.name, writer.rows)
        finally:
            file_hash, content_hash = writer.close()
        if progress is not None:
            progress(table.name, writer.rows)
        return TableEntry(
            name=table.name, rule=rule_of(table).kind,  # type: ignore[union-attr]
            file=writer.file, columns=[c.name for c in table.columns],
            kinds=[kind_of(c) for c in table.columns], primary_key=primary_key(table),
            rows=writer.rows, file_sha256=file_hash, content_sha256=content_hash,
        )  # fmt: skip

    tables = exported_tables()
    with snapshot(engine) as conn:
        written = each_table(engine, conn, tables, write)
    entries = [written[table.name] for table in tables]
    manifest = Manifest(code, version, str(ctx.settings.base_url), exported_at, key.kid, entries)
    sign_manifest(out, manifest, private)
    assert (out / MANIFEST).is_file()
    return manifest


def own_keys(ctx: Context) -> dict[str, ec.EllipticCurvePublicKey]:
    """This deployment's own signing keys (not the public keys it imported with a state)."""
    with ctx.uow() as uow:
        rows = uow.conn.execute(  # type: ignore[attr-defined]
            select(t.signing_keys.c.public_jwk).where(t.signing_keys.c.private_pem != "")
        ).all()
    return trusted_keys({"keys": [shc.published_jwk(r.public_jwk) for r in rows]})


def keys_to_trust(ctx: Context, trusted: Mapping[str, Any] | None) -> dict[str, Any]:
    """The keys a bundle may be signed with: this deployment's own, and those given (the
    origin's JWKS, passed as ``--trust``)."""
    keys: dict[str, Any] = dict(own_keys(ctx))
    if trusted:
        keys.update(trusted_keys(trusted))
    return keys

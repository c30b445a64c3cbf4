"""Insert-or-update (or insert-if-missing) of many rows, in the dialect's own syntax."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert(
    conn: Connection, table: Table, rows: list[dict], keys: list[str], *, update: bool = True
) -> None:
    """Rows whose keys exist are updated, or left as they are with ``update=False``."""
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    stmt = (
        stmt.on_conflict_do_update(index_elements=keys, set_=updates)
        if updates and update
        else stmt.on_conflict_do_nothing(index_elements=keys)
    )
    conn.execute(stmt, rows)

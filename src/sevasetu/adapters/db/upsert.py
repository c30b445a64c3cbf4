"""Insert-or-update (or insert-if-missing) of many rows, in the dialect's own syntax."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert(
    conn: Connection, table: Table, rows: list[dict], keys: list[str], *, update: bool = True
) -> None:
    """Rows whose keys exist are updated, or left as they are with ``update=False``."""
    if not rows:
        return
    conn.execute(
        upsert_statement(conn.dialect.name, table, tuple(rows[0]), tuple(keys), update), rows
    )


@lru_cache(maxsize=256)
def upsert_statement(
    dialect: str, table: Table, columns: tuple[str, ...], keys: tuple[str, ...], update: bool
) -> Any:
    """The statement for rows of these columns, built once per process: building a statement
    (and its cache key) costs more CPU than the database takes to run a one-row upsert."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table)
    updates = {c: stmt.excluded[c] for c in columns if c not in keys}
    return (
        stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)
        if updates and update
        else stmt.on_conflict_do_nothing(index_elements=list(keys))
    )

"""Reading many tables of one snapshot on both cores.

On PostgreSQL a second connection joins the first one's snapshot (``pg_export_snapshot`` /
``SET TRANSACTION SNAPSHOT``), so both see the same moment of the database, and the two take
the tables from one queue, largest first: while the server writes one table's lines, it writes
another's on the other core. SQLite reads the tables in turn on the one connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection, Engine, Table

from .rows import utc

T = TypeVar("T")
WORKERS = 2


def each_table(
    engine: Engine, conn: Connection, tables: list[Table], work: Callable[[Connection, Table], T]
) -> dict[str, T]:
    """``work(connection, table)`` for every table, inside ``conn``'s snapshot (``conn`` is in a
    REPEATABLE READ transaction on PostgreSQL); the results by table name."""
    if conn.dialect.name != "postgresql" or len(tables) < 2:
        return {table.name: work(conn, table) for table in tables}
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    row = driver.execute("SELECT pg_export_snapshot()").fetchone()
    assert row is not None
    snapshot = row[0]
    queue = sorted(tables, key=lambda t: _size(conn, t), reverse=True)
    lock = threading.Lock()
    results: dict[str, T] = {}

    def drain(connection: Connection) -> None:
        while True:
            with lock:
                if not queue:
                    return
                table = queue.pop(0)
            try:
                results[table.name] = work(connection, table)
            except BaseException:
                with lock:
                    queue.clear()  # the other worker stops after its table
                raise

    def second() -> None:
        with engine.connect() as other:
            other = other.execution_options(isolation_level="REPEATABLE READ")
            with other.begin():
                other_driver = other.connection.driver_connection
                assert other_driver is not None
                other_driver.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                utc(other)
                drain(other)

    with ThreadPoolExecutor(max_workers=WORKERS - 1) as pool:
        helper = pool.submit(second)
        drain(conn)
        helper.result()
    return results


def _size(conn: Connection, table: Table) -> int:
    """The table's size on disk: which tables to start first."""
    driver = conn.connection.driver_connection
    assert driver is not None
    name = conn.dialect.identifier_preparer.format_table(table)
    row = driver.execute("SELECT pg_relation_size(%s::regclass)", (name,)).fetchone()
    return int(row[0]) if row else 0

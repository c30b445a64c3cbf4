"""A bundle's table file into PostgreSQL with no row in Python.

The file's canonical lines go, decompressed, straight into ``COPY ... FROM STDIN`` of a
temporary table of ``jsonb`` (the same CSV form that ``rows.canonical_chunks`` reads them
with: each line passes verbatim), and one ``INSERT ... SELECT`` per batch turns each JSON array
into the table's row, kind by kind (the inverse of ``rows._SQL_KINDS``). All of it inside the
caller's transaction: a failure leaves nothing behind.

Into a table that holds no row at all, ``set_aside`` first drops the table's foreign keys and
secondary indexes, and the statements it returns build them again once the rows are in: one
sort per index and one set-based check per foreign key instead of one index insertion and one
lookup per row, the same checks at a fraction of the cost. Dropping them locks the table and
the tables it points to until the commit, so the importer does this only in a deployment that
holds nobody yet (``services.tenant_import``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Table

from .rows import LINE_FORMAT, kind_of

STAGE = "sevasetu_bundle_lines"
BATCH_BYTES = 64 << 20  # lines staged before they are inserted (bounded temporary space)
_READ = 1 << 20

# A canonical value (the element ``{v}`` of the line's JSON array) as the column's value.
_FROM_JSON: dict[str, str] = {
    "text": "{v}->>{i}",
    "int": "({v}->>{i})::bigint",
    "float": "({v}->>{i})::double precision",
    "decimal": "({v}->>{i})::numeric",
    "bool": "({v}->>{i})::boolean",
    "date": "({v}->>{i})::date",
    "datetime": "({v}->>{i})::timestamptz",
    "time": "({v}->>{i})::time",
    "json": "NULLIF({v}->{i}, 'null'::jsonb)",
    "binary": "decode({v}->>{i}, 'base64')",
}


def insert_sql(conn: Connection, table: Table) -> str:
    """The statement that inserts the staged lines as rows of ``table``, identifiers kept."""
    prep = conn.dialect.identifier_preparer
    names = ", ".join(prep.quote(c.name) for c in table.columns)
    values = ", ".join(
        _FROM_JSON[kind_of(c)].format(v="line", i=i) for i, c in enumerate(table.columns)
    )
    return (
        f"INSERT INTO {prep.format_table(table)} ({names}) OVERRIDING SYSTEM VALUE "
        f"SELECT {values} FROM {STAGE}"
    )


def batches(path: Path) -> Iterator[Iterator[bytes]]:
    """The file's decompressed lines as batches of about ``BATCH_BYTES``, each a stream of
    blocks of whole lines."""
    with gzip.open(path, "rb") as f:
        carry = b""
        done = False

        def batch() -> Iterator[bytes]:
            nonlocal carry, done
            size = 0
            while size < BATCH_BYTES:
                block = f.read(_READ)
                if not block:
                    done = True
                    if carry:
                        yield carry  # a last line without its newline: COPY still reads it
                        carry = b""
                    return
                block = carry + block
                end = block.rfind(b"\n") + 1
                carry = block[end:]
                if end:
                    size += end
                    yield block[:end]

        while not done:
            yield batch()


def copy_file_in(conn: Connection, table: Table, path: Path) -> Iterator[int]:
    """Insert the file's rows into ``table`` on ``conn`` (PostgreSQL), in whatever
    transaction it is in; yields the rows inserted after each batch."""
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    # COPY bypasses execute(): tell the engine's listeners (the maintenance freeze) of the write.
    conn.dispatch.before_execute(conn, table.insert(), [], {}, conn.get_execution_options())
    driver.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (line jsonb) ON COMMIT DROP")
    insert = insert_sql(conn, table)
    with driver.cursor() as cursor:
        for lines in batches(path):
            cursor.execute(f"TRUNCATE {STAGE}")
            with cursor.copy(f"COPY {STAGE} (line) FROM STDIN {LINE_FORMAT}") as copy:
                for block in lines:
                    copy.write(block)
            cursor.execute(insert)
            yield cursor.rowcount


def is_empty(conn: Connection, table: Table) -> bool:
    """Whether the table holds no row at all, of any state."""
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    table_sql = conn.dialect.identifier_preparer.format_table(table)
    found = driver.execute(f"SELECT EXISTS (SELECT 1 FROM {table_sql})").fetchone()
    return not (found and found[0])


def set_aside(conn: Connection, table: Table) -> list[str]:
    """Drop the table's foreign keys and secondary indexes (those no foreign key relies on);
    return the statements that build them again, indexes first."""
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    prep = conn.dialect.identifier_preparer
    table_sql = prep.format_table(table)
    driver.execute(f"LOCK TABLE {table_sql} IN ACCESS EXCLUSIVE MODE")
    rebuild, drop = [], []
    for name, definition, constraint, constrained in driver.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname,
                  pg_get_constraintdef(c.oid)
             FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
                  AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x')
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                               WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
            ORDER BY 1""",
        (table_sql,),
    ).fetchall():
        if constraint is not None:
            drop.append(f"ALTER TABLE {table_sql} DROP CONSTRAINT {prep.quote(constraint)}")
            rebuild.append(
                f"ALTER TABLE {table_sql} ADD CONSTRAINT {prep.quote(constraint)} {constrained}"
            )
        else:
            drop.append(f"DROP INDEX {name}")
            rebuild.append(definition)
    for constraint, definition in driver.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1",
        (table_sql,),
    ).fetchall():
        drop.insert(0, f"ALTER TABLE {table_sql} DROP CONSTRAINT {prep.quote(constraint)}")
        rebuild.append(
            f"ALTER TABLE {table_sql} ADD CONSTRAINT {prep.quote(constraint)} {definition}"
        )
    for statement in drop:
        driver.execute(statement)
    return rebuild


def build_again(conn: Connection, table: Table, statements: list[str]) -> None:
    """Run what ``set_aside`` returned: indexes sorted in memory, then, once the planner
    knows the new rows (ANALYZE: else it checks a foreign key with a nested loop), the
    foreign keys, each checked by one join."""
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    driver.execute("SET LOCAL maintenance_work_mem = '256MB'")
    analyzed = False
    for statement in statements:
        if " FOREIGN KEY " in statement and not analyzed:
            driver.execute(f"ANALYZE {conn.dialect.identifier_preparer.format_table(table)}")
            analyzed = True
        driver.execute(statement)

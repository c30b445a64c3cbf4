"""Reading a table's rows in canonical form, streamed, in the same order on both databases.

Two readers give the same bytes. ``canonical_rows`` fetches rows and encodes them in Python
(``domain.tenancy``): it works on both databases and for every column kind. ``canonical_chunks``
gives the same lines in blocks; on PostgreSQL, for a table whose columns are all of the kinds
SQL can spell canonically, the server writes each line itself (``COPY (SELECT ...) TO
STDOUT``) and no row becomes a Python object: that is what makes a state of millions of rows
move in minutes. ``tests/integration/test_tenant_lines.py`` holds the two readers to the same
bytes, value by value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Select,
    String,
    Table,
    Time,
    literal_column,
)

from ...domain.tenancy import canonical_line, row_decoder, row_encoder
from .scope import RESHAPED, exported_values, rows_of_state

BATCH = 5_000
BLOCK = 1 << 20  # bytes of lines handed on at once


def kind_of(column: Any) -> str:
    """The canonical kind of a column (domain.tenancy.KINDS), from its SQLAlchemy type."""
    kind = column.type
    for types, name in (
        (JSON, "json"), (LargeBinary, "binary"), (Boolean, "bool"), (DateTime, "datetime"),
        (Date, "date"), (Time, "time"), (Integer, "int"), (Float, "float"),
        (Numeric, "decimal"), (String, "text"),
    ):  # fmt: skip
        if isinstance(kind, types) or isinstance(getattr(kind, "impl", None), types):
            return name
    raise TypeError(f"column {column.table.name}.{column.name}: no canonical form for {kind!r}")


def primary_key(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _ordered(conn: Connection, table: Table) -> list[Any]:
    """Primary-key order by code point on both databases: PostgreSQL compares text by its
    collation (en_US orders 'a' < 'B'), so text keys are ordered COLLATE "C" there; SQLite's
    BINARY is already code-point order for UTF-8."""
    postgres = conn.dialect.name == "postgresql"
    return [
        c.collate("C") if postgres and kind_of(c) == "text" else c
        for c in table.primary_key.columns
    ]


def canonical_rows(
    conn: Connection, table: Table, state_code: str
) -> Iterator[tuple[list[Any], bytes]]:
    """(primary key, canonical line) of each of the state's rows, in primary-key order,
    fetched in batches (a server-side cursor on PostgreSQL), never the whole table at once."""
    names = [c.name for c in table.columns]
    encode = row_encoder([kind_of(c) for c in table.columns])
    key_at = [names.index(n) for n in primary_key(table)]
    statement = rows_of_state(table, state_code).order_by(*_ordered(conn, table))
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(statement)
    reshaped = table.name in RESHAPED
    for row in result:
        if reshaped:
            mapping = exported_values(table, dict(row._mapping))
            values = encode([mapping[n] for n in names])
        else:
            values = encode(row)  # select(table): the columns in the table's order
        yield [values[i] for i in key_at], canonical_line(values)


def decoded(kinds: list[str], values: list[Any], names: list[str]) -> dict[str, Any]:
    """A bundle line's values as the row dict an insert takes."""
    return dict(zip(names, row_decoder(kinds)(values), strict=True))


# --- the lines written by PostgreSQL itself -------------------------------------------------

# COPY's CSV form with a delimiter and a quote that a JSON line never holds (JSON escapes every
# control character), so each line passes through verbatim: no quoting, no escaping.
LINE_FORMAT = "(FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"

# Each kind spelled as its canonical JSON text (domain.tenancy) by PostgreSQL: to_json quotes
# a string exactly as Python's json module does (the same short escapes, \u00XX for the other
# control characters, nothing else escaped); the session's time zone is UTC.
_SQL_KINDS: dict[str, str] = {
    "text": "to_json({c})::text",
    "int": "({c})::text",
    "bool": "CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END",
    "date": "'\"' || to_char({c}, 'YYYY-MM-DD') || '\"'",
    "datetime": "'\"' || to_char({c}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '\"'",
    "time": "'\"' || to_char(({c})::interval, 'HH24:MI:SS.US') || '\"'",
    "binary": "'\"' || translate(encode({c}, 'base64'), E'\\n', '') || '\"'",
}  # fmt: skip


def written_by_server(conn: Connection, table: Table) -> bool:
    """Whether the database can write the table's canonical lines itself."""
    return (
        conn.dialect.name == "postgresql"
        and table.name not in RESHAPED
        and all(kind_of(c) in _SQL_KINDS for c in table.columns)
    )


def line_sql(conn: Connection, table: Table) -> str:
    """The SQL expression of a row's canonical line (without its newline)."""
    quote = conn.dialect.identifier_preparer.quote
    parts = []
    for column in table.columns:
        name = f"{quote(table.name)}.{quote(column.name)}"
        spelled = _SQL_KINDS[kind_of(column)].format(c=name)
        parts.append(f"COALESCE({spelled}, 'null')")
    return "'[' || " + " || ',' || ".join(parts) + " || ']'"


def _copy_statement(conn: Connection, table: Table, state_code: str) -> str:
    statement: Select[Any] = (
        rows_of_state(table, state_code)
        .with_only_columns(literal_column(line_sql(conn, table)))
        .select_from(table)
        .order_by(*_ordered(conn, table))
    )
    query = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return f"COPY ({query}) TO STDOUT {LINE_FORMAT}"


def canonical_chunks(conn: Connection, table: Table, state_code: str) -> Iterator[bytes]:
    """The state's canonical lines of ``table`` in primary-key order, the same bytes as
    ``canonical_rows`` gives, in blocks of whole lines (about ``BLOCK`` bytes each)."""
    if not written_by_server(conn, table):
        block: list[bytes] = []
        size = 0
        for _, line in canonical_rows(conn, table, state_code):
            block.append(line)
            size += len(line)
            if size >= BLOCK:
                yield b"".join(block)
                block, size = [], 0
        if block:
            yield b"".join(block)
        return
    utc(conn)
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    with driver.cursor() as cursor, cursor.copy(_copy_statement(conn, table, state_code)) as copy:
        pending: list[bytes] = []
        size = 0
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= BLOCK:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)


def state_digest(conn: Connection, table: Table, state_code: str) -> tuple[int, str]:
    """The state's rows of ``table`` here: how many, and the SHA-256 of their canonical lines
    (what a bundle's manifest holds as ``content_sha256``)."""
    rows, digest = 0, hashlib.sha256()
    for block in canonical_chunks(conn, table, state_code):
        rows += block.count(b"\n")
        digest.update(block)
    return rows, digest.hexdigest()


def utc(conn: Connection) -> None:
    """PostgreSQL: this transaction shows instants in UTC (to_char formats in the session's
    zone)."""
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None, "the connection is closed"
        driver.execute("SET LOCAL TIME ZONE 'UTC'")

"""Reading a table's rows in canonical form, streamed, in the same order on both databases."""

from __future__ import annotations

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
    String,
    Table,
    Time,
)

from ...domain.tenancy import canonical_line, row_decoder, row_encoder
from .scope import RESHAPED, exported_values, rows_of_state

BATCH = 5_000


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

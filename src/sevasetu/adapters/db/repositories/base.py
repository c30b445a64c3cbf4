from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Select,
    String,
    any_,
    bindparam,
    func,
    literal_column,
    select,
)

from ..engine import IMMEDIATE


class Repository:
    """Statements on the busiest paths (a booking, a person read, an audit entry) are built
    once per process, at module level with ``bindparam`` placeholders, and executed with their
    values: building a statement and its cache key costs some 200 microseconds of CPU, more
    than the database takes to run a one-row statement."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def locking(self) -> bool:
        """Whether reads in this transaction should lock rows (PostgreSQL in a write unit)."""
        return self.conn.dialect.name != "sqlite" and bool(
            self.conn.get_execution_options().get(IMMEDIATE)
        )

    def for_update(self, query: Select) -> Select:  # type: ignore[type-arg]
        return query.with_for_update() if self.locking else query

    def among(self, column: Any, values: Iterable[str]) -> Any:
        """``column IN values`` with one parameter whatever the number of values: an array on
        PostgreSQL (``= ANY``), a JSON list on SQLite (``IN (SELECT value FROM json_each)``).
        Thousands of ids then cost neither placeholders nor a fresh compile per call (psycopg
        spends longer splitting a query of 1,000 placeholders than the server running it)."""
        listed = list(values)
        if self.conn.dialect.name == "postgresql":
            return column == any_(bindparam(None, listed, type_=ARRAY(String)))
        each = func.json_each(bindparam(None, json.dumps(listed), type_=String))
        return column.in_(select(literal_column("value")).select_from(each))

from __future__ import annotations

from sqlalchemy import Connection, Select


class Repository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def locking(self) -> bool:
        """Whether reads in this transaction should lock rows (PostgreSQL in a write unit)."""
        from ..engine import IMMEDIATE

        return self.conn.dialect.name != "sqlite" and bool(
            self.conn.get_execution_options().get(IMMEDIATE)
        )

    def for_update(self, query: Select) -> Select:  # type: ignore[type-arg]
        return query.with_for_update() if self.locking else query

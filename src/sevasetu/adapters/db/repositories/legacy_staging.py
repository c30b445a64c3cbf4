"""The staging tables of legacy imports: ``legacy_imports``, ``legacy_records``, ``legacy_doses``.

Records and doses go in as tuples: COPY on PostgreSQL, one executemany on SQLite, in the
caller's transaction, so an import that fails half-way leaves nothing behind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, func, select, update
from sqlalchemy.exc import IntegrityError

from ....domain.errors import ImportFileError
from ..tables import legacy_doses, legacy_imports, legacy_records
from .base import Repository

RECORD_COLUMNS = (
    "state_code", "id", "source", "import_id", "source_row_id", "name", "name_latin", "name_key",
    "sex", "birth_date", "age_years", "age_as_of", "phone", "area_code", "area_text", "id_kind",
    "id_lookup_hash", "id_last4", "raw", "created_at",
)  # fmt: skip
DOSE_COLUMNS = (
    "state_code", "id", "record_id", "schedule", "dose_code", "given_on", "product",
    "facility_text", "area_code", "vaccination_id",
)  # fmt: skip


class LegacyStagingRepository(Repository):
    def import_of_file(self, source: str, file_sha256: str) -> Row | None:  # type: ignore[type-arg]
        """An earlier import of the same file for the same source, in any state."""
        c = legacy_imports.c
        query = (
            select(legacy_imports)
            .where(c.source == source, c.file_sha256 == file_sha256)
            .order_by(c.imported_at)
            .limit(1)
        )
        return self.conn.execute(query).first()

    def start_import(
        self, *, state_code: str, import_id: str, source: str, file_name: str,
        file_sha256: str, mapping_sha256: str, imported_by: str, imported_at: datetime,
    ) -> None:  # fmt: skip
        row = dict(
            state_code=state_code, id=import_id, source=source, file_name=file_name[:200],
            file_sha256=file_sha256, mapping_sha256=mapping_sha256, rows_read=0,
            rows_imported=0, rows_rejected=0, imported_by=imported_by, imported_at=imported_at,
        )  # fmt: skip
        try:
            with self.conn.begin_nested():
                self.conn.execute(legacy_imports.insert(), [row])
        except IntegrityError:
            # Another import of the same file committed between our check and this insert.
            raise ImportFileError(
                "file",
                reason=f"{file_name} was imported for the source "
                f"{source} at the same moment; nothing to do.",
            ) from None

    def finish_import(
        self, state_code: str, import_id: str, *, read: int, imported: int, rejected: int
    ) -> None:
        c = legacy_imports.c
        self.conn.execute(
            update(legacy_imports)
            .where(c.state_code == state_code, c.id == import_id)
            .values(rows_read=read, rows_imported=imported, rows_rejected=rejected)
        )

    def add_records(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows as tuples in ``RECORD_COLUMNS`` order, ``raw`` as JSON text."""
        self._insert(legacy_records, RECORD_COLUMNS, rows)

    def add_doses(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows as tuples in ``DOSE_COLUMNS`` order."""
        self._insert(legacy_doses, DOSE_COLUMNS, rows)

    def _insert(self, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        # Tuples straight to the driver: at a million rows, building a dict per row and
        # SQLAlchemy's per-row parameter processing cost more than the database's work.
        if not rows:
            return
        conn = self.conn
        if not conn.in_transaction():
            conn.begin()
        driver = conn.connection.driver_connection
        assert driver is not None, "the connection is closed"
        prep = conn.dialect.identifier_preparer
        names = ", ".join(prep.quote(c) for c in columns)
        if conn.dialect.name == "postgresql":
            statement = f"COPY {prep.format_table(table)} ({names}) FROM STDIN"
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
            return
        processors = [
            (i, proc) for i, c in enumerate(columns)
            if (proc := table.c[c].type._cached_bind_processor(conn.dialect)) is not None
        ]  # fmt: skip
        if processors:
            converted = []
            for row in rows:
                values = list(row)
                for i, proc in processors:
                    if values[i] is not None:
                        values[i] = proc(values[i])
                converted.append(values)
            rows = converted  # type: ignore[assignment]
        marks = ", ".join("?" * len(columns))
        cursor = driver.cursor()
        try:
            cursor.executemany(f"INSERT INTO {prep.format_table(table)} ({names}) VALUES ({marks})",
                               rows)  # fmt: skip
        finally:
            cursor.close()

    def row_ids(self, state_code: str, source: str) -> set[str]:
        """The source's row ids already staged (from earlier files)."""
        c = legacy_records.c
        query = select(c.source_row_id).where(c.state_code == state_code, c.source == source)
        return set(self.conn.execute(query).scalars())

    def has_records(self, state_code: str, source: str) -> bool:
        c = legacy_records.c
        query = select(func.count()).select_from(
            select(c.id).where(c.state_code == state_code, c.source == source).limit(1).subquery()
        )
        return bool(self.conn.execute(query).scalar_one())

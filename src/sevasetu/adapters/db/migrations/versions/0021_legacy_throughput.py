"""Legacy throughput: staging rows without per-row checks the import does not need

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25

A legacy import writes a million rows in one transaction; PostgreSQL's cost per row was
mostly two foreign-key checks (a lookup and a row lock for every record and every dose), a
second index on (state, source) and parsing ``raw`` as JSON. The records and doses of an
import are written together, by one statement pair per batch of one transaction, and only
ever deleted together with their import (tenant purge), so the two foreign keys checked
what the import guarantees by construction; ``(state_code, source, source_row_id)`` serves
every query the name-key index served; ``raw`` is evidence only, kept as the JSON text it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_legacy_records_state_code_source_name_key", table_name="legacy_records")
    with op.batch_alter_table("legacy_doses") as batch:
        batch.drop_constraint("fk_legacy_doses_state_code_record_id_legacy_records", "foreignkey")
    with op.batch_alter_table("legacy_records") as batch:
        batch.drop_constraint("fk_legacy_records_state_code_import_id_legacy_imports", "foreignkey")
        batch.alter_column("raw", type_=sa.Text(), existing_type=sa.JSON(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("legacy_records") as batch:
        batch.alter_column(
            "raw",
            type_=sa.JSON(),
            existing_type=sa.Text(),
            existing_nullable=False,
            postgresql_using="raw::json",
        )
        batch.create_foreign_key(
            "fk_legacy_records_state_code_import_id_legacy_imports",
            "legacy_imports",
            ["state_code", "import_id"],
            ["state_code", "id"],
        )
    with op.batch_alter_table("legacy_doses") as batch:
        batch.create_foreign_key(
            "fk_legacy_doses_state_code_record_id_legacy_records",
            "legacy_records",
            ["state_code", "record_id"],
            ["state_code", "id"],
        )
    op.create_index(
        "ix_legacy_records_state_code_source_name_key",
        "legacy_records",
        ["state_code", "source", "name_key"],
    )

"""Legacy records: imports, staged records and their doses

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "legacy_imports",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=60), nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_legacy_imports")),
        sa.UniqueConstraint(
            "state_code",
            "source",
            "file_sha256",
            name=op.f("uq_legacy_imports_state_code_source_file_sha256"),
        ),
    )
    op.create_table(
        "legacy_records",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("source_row_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_latin", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("age_years", sa.SmallInteger(), nullable=True),
        sa.Column("age_as_of", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("area_code", sa.String(length=40), nullable=True),
        sa.Column("area_text", sa.String(length=120), nullable=False),
        sa.Column("id_kind", sa.String(length=16), nullable=True),
        sa.Column("id_lookup_hash", sa.String(length=64), nullable=True),
        sa.Column("id_last4", sa.String(length=4), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "import_id"],
            ["legacy_imports.state_code", "legacy_imports.id"],
            name=op.f("fk_legacy_records_state_code_import_id_legacy_imports"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_legacy_records")),
        sa.UniqueConstraint(
            "state_code",
            "source",
            "source_row_id",
            name=op.f("uq_legacy_records_state_code_source_source_row_id"),
        ),
    )
    op.create_index(
        op.f("ix_legacy_records_state_code_source_name_key"),
        "legacy_records",
        ["state_code", "source", "name_key"],
    )
    op.create_table(
        "legacy_doses",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("dose_code", sa.String(length=12), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("facility_text", sa.String(length=160), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=True),
        sa.Column("vaccination_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["state_code", "record_id"],
            ["legacy_records.state_code", "legacy_records.id"],
            name=op.f("fk_legacy_doses_state_code_record_id_legacy_records"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_legacy_doses")),
        sa.UniqueConstraint(
            "state_code",
            "record_id",
            "schedule",
            "dose_code",
            name=op.f("uq_legacy_doses_state_code_record_id_schedule_dose_code"),
        ),
    )


def downgrade() -> None:
    op.drop_table("legacy_doses")
    op.drop_index(op.f("ix_legacy_records_state_code_source_name_key"), "legacy_records")
    op.drop_table("legacy_records")
    op.drop_table("legacy_imports")

"""vaccine lots held by facilities

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: no lock on existing ones.
    op.create_table(
        "vaccine_lots",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("facility_code", sa.String(length=40), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("dose_codes", sa.JSON(), nullable=False),
        sa.Column("manufacturer", sa.String(length=120), nullable=False),
        sa.Column("doses_received", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_vaccine_lots_facility_code_facilities"),
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "facility_code", "product", "lot", name=op.f("pk_vaccine_lots")
        ),
    )
    op.create_index(
        op.f("ix_vaccine_lots_state_code_facility_code_lot"),
        "vaccine_lots",
        ["state_code", "facility_code", "lot"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_vaccine_lots_state_code_facility_code_lot"), table_name="vaccine_lots")
    op.drop_table("vaccine_lots")

"""vaccinations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:54:33.409953
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "vaccinations",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("dose_code", sa.String(length=12), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("facility_code", sa.String(length=40), nullable=True),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("lot_expiry", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("evidence", sa.String(length=300), nullable=False),
        sa.Column("override_reason", sa.String(length=300), nullable=True),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_vaccinations_facility_code_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"],
            ["people.state_code", "people.id"],
            name=op.f("fk_vaccinations_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_vaccinations")),
        sa.UniqueConstraint(
            "state_code",
            "person_id",
            "schedule",
            "dose_code",
            name=op.f("uq_vaccinations_state_code_person_id_schedule_dose_code"),
        ),
    )


def downgrade() -> None:

    op.drop_table("vaccinations")

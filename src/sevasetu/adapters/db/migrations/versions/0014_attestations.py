"""Village completion attestations

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: nothing existing is locked or rewritten.
    op.create_table(
        "attestations",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("dose_code", sa.String(length=12), nullable=False),
        sa.Column("claimed_coverage", sa.Float(), nullable=False),
        sa.Column("signed_by", sa.String(length=120), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("document_media_type", sa.String(length=40), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "claimed_coverage >= 0 AND claimed_coverage <= 100",
            name=op.f("ck_attestations_coverage"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_attestations_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_attestations")),
    )
    op.create_index(
        op.f("ix_attestations_state_code_area_code_signed_on"),
        "attestations",
        ["state_code", "area_code", "signed_on"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_attestations_state_code_area_code_signed_on"), "attestations")
    op.drop_table("attestations")

"""schedule summaries: each child's schedule judged on a day, for due lists

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedule_summaries",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("judged_on", sa.Date(), nullable=False),
        sa.Column("flags", sa.String(length=200), nullable=False),
        sa.Column("schedule_version", sa.String(length=16), nullable=False),
        sa.Column("first_listed", sa.Date(), nullable=True),
        sa.Column("listed", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("state_code", "person_id", name=op.f("pk_schedule_summaries")),
    )


def downgrade() -> None:
    op.drop_table("schedule_summaries")

"""Data residency: maintenance windows and tenant transfers

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "state_maintenance",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("since", TS, nullable=False),
        sa.Column("until", TS, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("set_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("state_code", name=op.f("pk_state_maintenance")),
    )
    op.create_table(
        "state_authority",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("authoritative", sa.Boolean(), nullable=False),
        sa.Column("deployment", sa.String(length=200), nullable=False),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=False),
        sa.Column("switched_at", TS, nullable=False),
        sa.Column("switched_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("state_code", name=op.f("pk_state_authority")),
    )


def downgrade() -> None:
    op.drop_table("state_authority")
    op.drop_table("state_maintenance")

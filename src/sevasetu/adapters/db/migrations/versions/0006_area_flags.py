"""area flags: JE endemic, PCV offered

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant server default: PostgreSQL adds the column without rewriting the table, and
    # existing areas get no flags until the next `areas load`.
    with op.batch_alter_table("areas") as batch:
        batch.add_column(
            sa.Column("flags", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("flags")

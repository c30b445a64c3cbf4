"""WhatsApp throughput: the workers' claims on conversations in their own table

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-25

The webhook moves a conversation's last inbound time forward with every message, in groups of
many conversations at once; the worker held the same rows locked while it wrote its replies.
Claims now live apart, so the two never wait for each other. The old columns
``whatsapp_conversations.claimed_by/claimed_at`` stay, unused (dropping them would make SQLite
rebuild a table others point at); a claim is worth minutes, so none is carried over: stop the
workers while migrating, as for any migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A new table only: nothing existing is locked or rewritten.
    op.create_table(
        "whatsapp_claims",
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("claimed_by", sa.String(length=60), nullable=False),
        sa.Column("claimed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("wa_id", name=op.f("pk_whatsapp_claims")),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_claims")

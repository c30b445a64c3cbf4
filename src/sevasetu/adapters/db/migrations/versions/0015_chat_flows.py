"""WhatsApp conversation flow state

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A new table only, keyed by wa_id like the other WhatsApp tables: nothing is locked.
    op.create_table(
        "whatsapp_chat_states",
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("active_at", TS, nullable=True),
        sa.Column("opted_out_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["wa_id"], ["whatsapp_conversations.wa_id"],
            name=op.f("fk_whatsapp_chat_states_wa_id_whatsapp_conversations"),
        ),
        sa.PrimaryKeyConstraint("wa_id", name=op.f("pk_whatsapp_chat_states")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("whatsapp_chat_states")

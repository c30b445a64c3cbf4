"""WhatsApp: inbound messages, statuses, conversations and outbound messages

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "whatsapp_conversations",
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("profile_name", sa.String(length=120), nullable=False),
        sa.Column("consent_shown_at", TS, nullable=True),
        sa.Column("last_inbound_at", TS, nullable=True),
        sa.Column("claimed_by", sa.String(length=60), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("wa_id", name=op.f("pk_whatsapp_conversations")),
    )
    op.create_table(
        "whatsapp_inbound",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_id", sa.String(length=200), nullable=False),
        sa.Column("media_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("processed_at", TS, nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["wa_id"], ["whatsapp_conversations.wa_id"],
            name=op.f("fk_whatsapp_inbound_wa_id_whatsapp_conversations"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_whatsapp_inbound")),
        sa.UniqueConstraint("id", name=op.f("uq_whatsapp_inbound_id")),
        sa.UniqueConstraint("message_id", name=op.f("uq_whatsapp_inbound_message_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_whatsapp_inbound_wa_id_status_sent_at"),
        "whatsapp_inbound",
        ["wa_id", "status", "sent_at"],
    )
    op.create_index(op.f("ix_whatsapp_inbound_status"), "whatsapp_inbound", ["status"])
    op.create_table(
        "whatsapp_outbound",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("notification_id", sa.String(length=36), nullable=True),
        sa.Column("wa_message_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(length=60), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_whatsapp_outbound")),
        sa.UniqueConstraint("id", name=op.f("uq_whatsapp_outbound_id")),
        sa.UniqueConstraint("wa_message_id", name=op.f("uq_whatsapp_outbound_wa_message_id")),
    )
    op.create_index(
        op.f("ix_whatsapp_outbound_wa_id_created_at"), "whatsapp_outbound", ["wa_id", "created_at"]
    )
    op.create_index(
        op.f("ix_whatsapp_outbound_status_next_attempt_at"),
        "whatsapp_outbound",
        ["status", "next_attempt_at"],
    )
    op.create_table(
        "whatsapp_statuses",
        sa.Column("wa_message_id", sa.String(length=128), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_at", TS, nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("wa_message_id", name=op.f("pk_whatsapp_statuses")),
    )
    op.create_table(
        "whatsapp_media",
        sa.Column("media_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("media_id", name=op.f("pk_whatsapp_media")),
    )
    op.create_index(op.f("ix_whatsapp_media_message_id"), "whatsapp_media", ["message_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_whatsapp_media_message_id"), "whatsapp_media")
    op.drop_table("whatsapp_media")
    op.drop_table("whatsapp_statuses")
    op.drop_index(op.f("ix_whatsapp_outbound_status_next_attempt_at"), "whatsapp_outbound")
    op.drop_index(op.f("ix_whatsapp_outbound_wa_id_created_at"), "whatsapp_outbound")
    op.drop_table("whatsapp_outbound")
    op.drop_index(op.f("ix_whatsapp_inbound_status"), "whatsapp_inbound")
    op.drop_index(op.f("ix_whatsapp_inbound_wa_id_status_sent_at"), "whatsapp_inbound")
    op.drop_table("whatsapp_inbound")
    op.drop_table("whatsapp_conversations")

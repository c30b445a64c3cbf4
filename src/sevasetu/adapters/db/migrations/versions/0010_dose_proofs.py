"""proofs of earlier doses awaiting verification

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing existing is locked or rewritten.
    op.create_table(
        "documents",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=60), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "person_id"], ["people.state_code", "people.id"],
            name=op.f("fk_documents_state_code_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_documents")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_documents_state_code_person_id"), "documents", ["state_code", "person_id"]
    )
    op.create_table(
        "dose_proofs",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("booking_id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("claimed_dose_code", sa.String(length=12), nullable=False),
        sa.Column("claimed_given_on", sa.Date(), nullable=False),
        sa.Column("claimed_place", sa.String(length=120), nullable=False),
        sa.Column("identifier_kind", sa.String(length=20), nullable=False),
        sa.Column("identifier_last", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=60), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_code", "booking_id"], ["bookings.state_code", "bookings.id"],
            name=op.f("fk_dose_proofs_state_code_booking_id_bookings"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "document_id"], ["documents.state_code", "documents.id"],
            name=op.f("fk_dose_proofs_state_code_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_dose_proofs")),
        sa.UniqueConstraint(
            "state_code", "booking_id", name=op.f("uq_dose_proofs_state_code_booking_id")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_dose_proofs_status_created_at"), "dose_proofs", ["status", "created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dose_proofs_status_created_at"), table_name="dose_proofs")
    op.drop_table("dose_proofs")
    op.drop_index(op.f("ix_documents_state_code_person_id"), table_name="documents")
    op.drop_table("documents")

"""certificate signing keys and revocations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=10), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("active", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("active", name=op.f("uq_signing_keys_active")),
    )
    op.create_table(
        "certificate_revocations",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("rid", sa.String(length=24), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["kid"], ["signing_keys.kid"], name=op.f("fk_certificate_revocations_kid_signing_keys")
        ),
        sa.PrimaryKeyConstraint(
            "state_code", "kid", "rid", name=op.f("pk_certificate_revocations")
        ),
    )
    op.create_index(
        op.f("ix_certificate_revocations_kid"), "certificate_revocations", ["kid"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_certificate_revocations_kid"), table_name="certificate_revocations")
    op.drop_table("certificate_revocations")
    op.drop_table("signing_keys")

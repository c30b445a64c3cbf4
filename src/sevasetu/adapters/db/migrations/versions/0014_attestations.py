"""Village completion attestations

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass

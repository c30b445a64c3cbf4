"""Data residency: maintenance windows and tenant transfers

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass

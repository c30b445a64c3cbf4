"""vaccine stock: receipts, issues, doses, wastage

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: no lock on existing ones. Lots added before this revision have no receipt
    # in the ledger; their stock is entered with a receipt or an adjustment.
    op.create_table(
        "stock_movements",
        sa.Column("state_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("facility_code", sa.String(length=40), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("doses", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("vaccination_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "doses > 0 OR (kind = 'adjustment' AND doses <> 0)",
            name=op.f("ck_stock_movements_doses"),
        ),
        sa.ForeignKeyConstraint(
            ["state_code", "facility_code", "product", "lot"],
            [
                "vaccine_lots.state_code",
                "vaccine_lots.facility_code",
                "vaccine_lots.product",
                "vaccine_lots.lot",
            ],
            name="fk_stock_movements_lot",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["state_code", "session_id"],
            ["vaccination_sessions.state_code", "vaccination_sessions.id"],
            name="fk_stock_movements_session",
        ),
        sa.PrimaryKeyConstraint("state_code", "id", name=op.f("pk_stock_movements")),
    )
    op.create_index(
        op.f("ix_stock_movements_state_code_facility_code_product_lot"),
        "stock_movements",
        ["state_code", "facility_code", "product", "lot"],
    )
    op.create_index(
        op.f("ix_stock_movements_state_code_session_id"),
        "stock_movements",
        ["state_code", "session_id"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_stock_movements_state_code_session_id"), table_name="stock_movements")
    op.drop_index(
        op.f("ix_stock_movements_state_code_facility_code_product_lot"),
        table_name="stock_movements",
    )
    op.drop_table("stock_movements")
